// ONNX models with several graph inputs and outputs: Net.fromOnnx maps them onto a GraphSpec's
// input/extraInputs and output/extraOutputs (outputs keep the model's names, also where a node
// folded away ended the graph), net.runAll agrees with onnxruntime-node, net.toOnnx writes every
// input and output (it loads back bit for bit and onnxruntime runs it), and what cannot be mapped
// is an UnsupportedError naming it.
import { beforeAll, describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { BUILDS, expectClose, expectSameBits, fcn, randArray, rng, useBuild } from "../lib.js";
import type { GraphSpec, Tensor } from "../../dist/index.js";
import { readModel } from "../../dist/onnx/proto.js";
import { type Bytes, attr, model, node, tensorProto, valueInfo } from "./proto-writer.js";
import { int64s } from "./ort-helpers.js";
const { Net, ShapeError, UnsupportedError } = fcn;

const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
const random = (r: () => number, shape: number[]): Tensor => fcn.tensor(randArray(r, size(shape)), shape);

/**
 * X [1, 2, 4, 4], Y [1, 3, 4, 4] → r = Relu(Conv(X) + Y) (an output that also feeds on),
 * z = Identity(Conv1x1(Concat(r, Sigmoid(Y)))): outputs [z, r].
 */
function twoByTwoModel(seed: number): Bytes {
  const r = rng(seed);
  return model({
    opset: 13,
    inputs: [valueInfo("X", [1, 2, 4, 4]), valueInfo("Y", [1, 3, 4, 4])],
    outputs: [valueInfo("z", [1, 2, 4, 4]), valueInfo("r", [1, 3, 4, 4])],
    initializers: [
      tensorProto({ name: "W", dims: [3, 2, 3, 3], data: randArray(r, 54) }),
      tensorProto({ name: "B", dims: [3], data: randArray(r, 3) }),
      tensorProto({ name: "W2", dims: [2, 6, 1, 1], data: randArray(r, 12) }),
    ],
    nodes: [
      node("Conv", ["X", "W", "B"], ["c"], [attr.ints("pads", [1, 1, 1, 1]), attr.ints("kernel_shape", [3, 3])]),
      node("Add", ["c", "Y"], ["s"]),
      node("Relu", ["s"], ["r"]),
      node("Sigmoid", ["Y"], ["sy"]),
      node("Concat", ["r", "sy"], ["cat"], [attr.int("axis", 1)]),
      node("Conv", ["cat", "W2"], ["c2"]),
      node("Identity", ["c2"], ["z"]),
    ],
  });
}

/** Runs `bytes` in onnxruntime-node on `inputs`; every output by name. */
async function onnxruntime(bytes: Uint8Array, inputs: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const feeds = Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, new ort.Tensor("float32", t.data.slice(), t.shape.slice())]));
    const result = await session.run(feeds);
    return Object.fromEntries(Object.entries(result).map(([name, t]) => [name, fcn.tensor(t.data as Float32Array, t.dims.slice())]));
  } finally {
    await session.release();
  }
}

/** A GraphSpec with two inputs and two outputs, built in Net (Concat, Add, Conv, Relu, Softmax). */
const specTwoByTwo = (): GraphSpec => ({
  input: { name: "image", shape: [1, 3, 6, 5] },
  extraInputs: [{ name: "hint", shape: [1, 2, 6, 5] }],
  output: "probs",
  extraOutputs: ["features"],
  layers: [
    { name: "features", op: "Conv", inputs: ["image"], attrs: { outChannels: 2, kernelShape: [3, 3], pads: 1 } },
    { name: "joined", op: "Concat", inputs: ["features", "hint"], attrs: { axis: 1 } },
    { name: "mixed", op: "Conv", inputs: ["joined"], attrs: { outChannels: 3, kernelShape: [1, 1] } },
    { name: "probs", op: "Softmax", inputs: ["mixed"] },
  ],
});

describe.each(BUILDS)("ONNX with several inputs and outputs on the %s build", (build) => {
  beforeAll(() => useBuild(build));

  it("imports every input and output by its ONNX name and runs like onnxruntime-node", async () => {
    const bytes = twoByTwoModel(1);
    const net = Net.fromOnnx(bytes);
    expect(net.spec.input).toEqual({ name: "X", shape: [1, 2, 4, 4] });
    expect(net.spec.extraInputs).toEqual([{ name: "Y", shape: [1, 3, 4, 4] }]);
    // z is the name of the Identity's output: the conv layer before it takes the model's output name
    expect([net.spec.output, ...net.spec.extraOutputs!]).toEqual(["z", "r"]);
    expect([...net.parameters().keys()].sort()).toEqual(["c.bias", "c.weight", "z.weight"]);
    const r = rng(2);
    const inputs = { X: random(r, [1, 2, 4, 4]), Y: random(r, [1, 3, 4, 4]) };
    const got = net.runAll(inputs);
    expect(Object.keys(got)).toEqual(["z", "r"]);
    const want = await onnxruntime(bytes, inputs);
    expectClose(got.z, want.z, "z vs onnxruntime", 1e-5, 1e-4);
    expectClose(got.r, want.r, "r vs onnxruntime", 1e-5, 1e-4);
    // run(x) needs every input: it names the one missing
    expect(() => net.run(inputs.X)).toThrow(ShapeError);
    expect(() => net.run(inputs.X)).toThrow(/graph input "Y" \[1, 3, 4, 4\] has no tensor/);
    // an imported net runs on its declared sizes, any batch: the input at fault is named
    expect(() => net.runAll({ X: inputs.X, Y: random(r, [1, 3, 4, 5]) })).toThrow(/Net.runAll\(inputs\["Y"\]\): the model's input "Y" is declared \[1, 3, 4, 4\]: axis 3 must be 4/);
    const batch2 = net.runAll({ X: random(r, [2, 2, 4, 4]), Y: random(r, [2, 3, 4, 4]) });
    expect(batch2.z.shape).toEqual([2, 2, 4, 4]);
  });

  it("net.toOnnx() writes every input and output in order; it loads back bit for bit and onnxruntime runs it", async () => {
    const net = Net.fromOnnx(twoByTwoModel(3));
    const exported = net.toOnnx();
    const graph = readModel(exported).graph!;
    expect(graph.input.map((v) => [v.name, v.shape])).toEqual([["X", [1, 2, 4, 4]], ["Y", [1, 3, 4, 4]]]);
    expect(graph.output.map((v) => [v.name, v.shape])).toEqual([["z", [1, 2, 4, 4]], ["r", [1, 3, 4, 4]]]);
    const r = rng(4);
    const inputs = { X: random(r, [1, 2, 4, 4]), Y: random(r, [1, 3, 4, 4]) };
    const want = net.runAll(inputs);
    const back = Net.fromOnnx(exported).runAll(inputs);
    expectSameBits(back.z, want.z, "z after the round trip");
    expectSameBits(back.r, want.r, "r after the round trip");
    const theirs = await onnxruntime(exported, inputs);
    expectClose(theirs.z, want.z, "z: onnxruntime on the export", 1e-5, 1e-4);
    expectClose(theirs.r, want.r, "r: onnxruntime on the export", 1e-5, 1e-4);
  });

  it("a GraphSpec-built net with two inputs and two outputs exports; onnxruntime agrees on both outputs", async () => {
    const net = Net.fromGraph(specTwoByTwo(), undefined, { seed: 5 });
    const r = rng(6);
    const inputs = { image: random(r, [1, 3, 6, 5]), hint: random(r, [1, 2, 6, 5]) };
    const want = net.runAll(inputs);
    const exported = net.toOnnx();
    const theirs = await onnxruntime(exported, inputs);
    expect(Object.keys(theirs).sort()).toEqual(["features", "probs"]);
    expectClose(theirs.probs, want.probs, "probs: onnxruntime on the export", 1e-5, 1e-4);
    expectClose(theirs.features, want.features, "features: onnxruntime on the export", 1e-5, 1e-4);
    const back = Net.fromOnnx(exported);
    expect(fcn.graphInputs(back.spec)).toEqual(fcn.graphInputs(net.spec));
    expect(fcn.graphOutputs(back.spec)).toEqual(["probs", "features"]);
    const again = back.runAll(inputs);
    expectSameBits(again.probs, want.probs, "probs after the round trip");
    expectSameBits(again.features, want.features, "features after the round trip");
  });
});

/**
 * X [N, 2, H, W] and a skip Y [N, 2, h, w] (h ≤ H, w ≤ W, both dynamic): X cropped to Y's size by a
 * Slice whose ends come from Shape(Y) (the crop-to-skip of a U-Net), then r = Relu(Conv1x1(crop) + Y).
 * The graph depends on Y's shape too, so every new pair of shapes is a new import.
 */
function cropToSkipModel(seed: number): Bytes {
  const r = rng(seed);
  return model({
    opset: 13,
    inputs: [valueInfo("X", ["N", 2, "H", "W"]), valueInfo("Y", ["N", 2, "h", "w"])],
    outputs: [valueInfo("out", ["N", 2, "h", "w"])],
    initializers: [
      tensorProto({ name: "W", dims: [2, 2, 1, 1], data: randArray(r, 4) }),
      int64s("zeros", [0, 0]), int64s("axes", [2, 3]), int64s("from", [2]), int64s("to", [4]), int64s("zero", [0]),
    ],
    nodes: [
      node("Shape", ["Y"], ["shapeY"]),
      node("Slice", ["shapeY", "from", "to", "zero"], ["hw"]),
      node("Slice", ["X", "zeros", "hw", "axes"], ["crop"]),
      node("Conv", ["crop", "W"], ["c"]),
      node("Add", ["c", "Y"], ["s"]),
      node("Relu", ["s"], ["out"]),
    ],
  });
}

describe("ONNX with a second graph input with dynamic dims", () => {
  beforeAll(() => useBuild("simd"));

  it("binds both inputs' shapes at each runAll and agrees with onnxruntime-node at every pair of shapes", async () => {
    const bytes = cropToSkipModel(9);
    const net = Net.fromOnnx(bytes);
    const r = rng(10);
    for (const [xs, ys] of [[[1, 2, 7, 6], [1, 2, 5, 4]], [[2, 2, 9, 9], [2, 2, 9, 3]], [[1, 2, 7, 6], [1, 2, 2, 6]], [[1, 2, 7, 6], [1, 2, 5, 4]]]) {
      const inputs = { X: random(r, xs), Y: random(r, ys) };
      const got = net.runAll(inputs).out;
      expect(got.shape).toEqual(ys);
      expect(net.spec.extraInputs).toEqual([{ name: "Y", shape: ys }]);
      const want = await onnxruntime(bytes, inputs);
      expectClose(got, want.out, `X ${xs}, Y ${ys}: vs onnxruntime`, 1e-6, 1e-5);
    }
  });
});

describe("ONNX with several inputs and outputs: what cannot be mapped", () => {
  beforeAll(() => useBuild("simd"));

  const small = (outputs: Bytes[], extra: Partial<Parameters<typeof model>[0]> = {}): Bytes => model({
    opset: 13,
    inputs: [valueInfo("X", [1, 2, 3, 3]), valueInfo("Y", [1, 2, 3, 3])],
    outputs,
    nodes: [node("Add", ["X", "Y"], ["s"]), node("Identity", ["s"], ["t"]), node("Relu", ["s"], ["u"])],
    ...extra,
  });

  it("two graph outputs that are the same tensor", () => {
    const bytes = small([valueInfo("s", [1, 2, 3, 3]), valueInfo("t", [1, 2, 3, 3])]);
    expect(() => Net.fromOnnx(bytes)).toThrow(UnsupportedError);
    expect(() => Net.fromOnnx(bytes)).toThrow(/graph outputs "s" and "t" are the same tensor/);
  });

  it("a graph output that is a graph input", () => {
    const bytes = small([valueInfo("u", [1, 2, 3, 3]), valueInfo("Y", [1, 2, 3, 3])]);
    expect(() => Net.fromOnnx(bytes)).toThrow(/graph output "Y" is a graph input itself/);
  });

  it("a second graph input that is not float32 is named", () => {
    const bytes = small([valueInfo("u", [1, 2, 3, 3])], {
      inputs: [valueInfo("X", [1, 2, 3, 3]), valueInfo("Y", [1, 2, 3, 3], 7)],
    });
    expect(() => Net.fromOnnx(bytes)).toThrow(/graph input "Y" has element type 7; Net runs float32/);
  });

  it("a second graph input with dynamic dims binds at the first runAll: before, spec is NotReadyError and run(x) names the input", () => {
    const bytes = small([valueInfo("u", [1, 2, 3, 3])], {
      inputs: [valueInfo("X", [1, 2, 3, 3]), valueInfo("Y", ["N", 2, "H", 3])],
    });
    const net = Net.fromOnnx(bytes);
    expect(() => net.spec).toThrow(fcn.NotReadyError);
    expect(() => net.spec).toThrow(/some with dynamic dims.*runAll\(\) it first/);
    const r = rng(8);
    const X = random(r, [1, 2, 3, 3]), Y = random(r, [1, 2, 3, 3]);
    expect(() => net.run(X)).toThrow(ShapeError);
    expect(() => net.run(X)).toThrow(/graph input "Y" \[\?, 2, \?, 3\] has dynamic dims and no tensor to bind them/);
    // a fixed dim of the dynamic input is still checked, and the input named
    expect(() => net.runAll({ X, Y: random(r, [1, 3, 3, 3]) })).toThrow(/Net.runAll\(inputs\["Y"\]\): the model's input "Y" is declared \[\?, 2, \?, 3\]: axis 1 \(channels\) must be 2/);
    expectClose(net.runAll({ X, Y }).u, fcn.relu(fcn.add(X, Y)), "u = relu(X + Y)", 0, 0);
    expect(net.spec.extraInputs).toEqual([{ name: "Y", shape: [1, 2, 3, 3] }]);
  });

  it("outputs in the model's order, the first being run(x)'s", () => {
    const bytes = small([valueInfo("u", [1, 2, 3, 3]), valueInfo("t", [1, 2, 3, 3])]);
    const net = Net.fromOnnx(bytes);
    // t is the Identity of s (the Add layer): the Add takes t's name
    expect(fcn.graphOutputs(net.spec)).toEqual(["u", "t"]);
    const r = rng(7);
    const X = random(r, [1, 2, 3, 3]), Y = random(r, [1, 2, 3, 3]);
    const got = net.runAll({ X, Y });
    expectClose(got.t, fcn.add(X, Y), "t = X + Y", 0, 0);
    expectClose(got.u, fcn.relu(fcn.add(X, Y)), "u = relu(X + Y)", 0, 0);
  });
});
