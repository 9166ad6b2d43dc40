// Where an ONNX model says more than Net can express, Net.fromOnnx refuses instead of computing
// something else: Dropout in training mode, a constant that would change the output's rank, a
// mistyped BatchNormalization attribute, loose external-data offsets, another input shape than
// the declared one. Where the ONNX text says an attribute is ignored, it is (ConvTranspose's pads
// beside output_shape). Float attributes and Scale are float32, as ONNX's, so a net reads back
// from its own export bit for bit even when its values are not float32 to begin with.
import { beforeAll, describe, expect, it } from "vitest";
import { expectSameBits, fcn, randArray, rng, useBuild } from "../lib.js";
import type { GraphSpec, Tensor } from "../../dist/index.js";
import { type Bytes, attr, int, len, model, msg, node, tensorProto, valueInfo } from "./proto-writer.js";
const { Net, UnsupportedError } = fcn;

const input = (shape: number[], seed = 1): Tensor => fcn.tensor(randArray(rng(seed), shape.reduce((a, b) => a * b, 1)), shape);

function relu(extra: Bytes[], inits: Bytes[] = [], opset = 13): Bytes {
  return model({
    opset,
    nodes: [node("Relu", ["x"], ["r"]), ...extra],
    initializers: inits,
    inputs: [valueInfo("x", [1, 2, 4, 4])],
    outputs: [valueInfo("y", [1, 2, 4, 4])],
  });
}

describe("Net.fromOnnx: refuses what it would compute differently", () => {
  beforeAll(() => useBuild("simd"));

  it("Dropout in training mode (a training_mode input not a constant false; is_test = 0 before opset 7)", () => {
    const trueScalar = tensorProto({ name: "t", dims: [], dataType: 9, extra: [len(9, new Uint8Array([1]))] });
    expect(() => Net.fromOnnx(relu([node("Dropout", ["r", "", "t"], ["y"], [], "drop")], [trueScalar]))).toThrow(/"drop": training_mode/);
    expect(() => Net.fromOnnx(relu([node("Dropout", ["r"], ["y"], [], "drop6")], [], 6))).toThrow(/"drop6": is_test = 0/);
    const falseScalar = tensorProto({ name: "f", dims: [], dataType: 9, extra: [len(9, new Uint8Array([0]))] });
    const x = input([1, 2, 4, 4]);
    for (const bytes of [
      relu([node("Dropout", ["r", "", "f"], ["y"])], [falseScalar]),                 // inference, said explicitly
      relu([node("Dropout", ["r"], ["y"], [attr.int("is_test", 1)])], [], 6),         // opset 6 inference
      relu([node("Dropout", ["r"], ["y"])], [], 7),                                    // opset 7: always inference
    ]) expect(Array.from(Net.fromOnnx(bytes).run(x).data)).toEqual(Array.from(fcn.relu(x).data));
  });

  it("a PRelu slope with more axes than the activation (it would change the output's rank); a Mul by one broadcasts to rank 5", () => {
    const one = tensorProto({ name: "k", dims: [1, 1, 1, 1, 1], data: [2] });
    expect(() => Net.fromOnnx(relu([node("PRelu", ["r", "k"], ["y"], [], "n")], [one]))).toThrow(/more axes than the activation/);
    const x = input([1, 2, 4, 4]);
    const y = Net.fromOnnx(relu([node("Mul", ["r", "k"], ["y"], [], "n")], [one])).run(x);
    expect(y.shape).toEqual([1, 1, 2, 4, 4]);
    expect(Array.from(y.data)).toEqual(Array.from(fcn.relu(x).data).map((v) => 2 * v));
  });

  it("a BatchNormalization whose epsilon is not a float", () => {
    const w = tensorProto({ name: "w", dims: [2, 2, 1, 1], data: [1, 0, 0, 1] });
    const p = (name: string, v: number[]) => tensorProto({ name, dims: [2], data: v });
    const bytes = model({
      nodes: [node("Conv", ["x", "w"], ["c"]), node("BatchNormalization", ["c", "g", "b", "m", "v"], ["y"], [attr.int("epsilon", 1)], "bn")],
      initializers: [w, p("g", [1, 1]), p("b", [0, 0]), p("m", [0, 0]), p("v", [1, 1])],
      inputs: [valueInfo("x", [1, 2, 4, 4])], outputs: [valueInfo("y", [1, 2, 4, 4])],
    });
    expect(() => Net.fromOnnx(bytes)).toThrow(UnsupportedError);
    expect(() => Net.fromOnnx(bytes)).toThrow(/"bn".*epsilon/);
  });

  it("external-data offsets and lengths in decimal digits only", () => {
    const entry = (k: string, v: string) => msg(13, len(1, k), len(2, v));
    const file = new Uint8Array(16); // exactly the weights: offset 0 would be valid
    for (const offset of ["", "0x0", "0e0", " 0"]) {
      const w = tensorProto({ name: "w", dims: [2, 2, 1, 1], extra: [entry("location", "w.bin"), entry("offset", offset), int(14, 1)] });
      const bytes = model({ nodes: [node("Conv", ["x", "w"], ["y"])], initializers: [w], inputs: [valueInfo("x", [1, 2, 4, 4])], outputs: [valueInfo("y", [1, 2, 4, 4])] });
      expect(() => Net.fromOnnx(bytes, { externalData: { "w.bin": file } }), `offset "${offset}"`).toThrow(fcn.OnnxFormatError);
    }
  });

  it("runs only on the declared channels and sizes, any batch (a ShapeError naming the graph input)", () => {
    const net = Net.fromOnnx(relu([node("Relu", ["r"], ["y"])]));
    expect(net.run(input([1, 2, 4, 4])).shape).toEqual([1, 2, 4, 4]);
    expect(net.run(input([3, 2, 4, 4])).shape).toEqual([3, 2, 4, 4]);
    expect(() => net.run(input([1, 2, 8, 8]))).toThrow(fcn.ShapeError);
    expect(() => net.run(input([1, 2, 8, 8]))).toThrow(/input "x" is declared \[1, 2, 4, 4\]: axis 2 must be 4/);
  });
});

describe("Net.fromOnnx: ONNX's reading of attributes", () => {
  beforeAll(() => useBuild("simd"));

  it("ConvTranspose with output_shape ignores pads, as the operator text says", () => {
    const w = tensorProto({ name: "w", dims: [2, 1, 3, 3], data: Array.from({ length: 18 }, (_, i) => i / 10) });
    const make = (withPads: boolean) => model({
      nodes: [node("ConvTranspose", ["x", "w"], ["y"], [attr.ints("strides", [2, 2]), attr.ints("output_shape", [8, 8]), ...(withPads ? [attr.ints("pads", [1, 1, 1, 1])] : [])])],
      initializers: [w], inputs: [valueInfo("x", [1, 2, 4, 4])], outputs: [valueInfo("y", [1, 1, 8, 8])],
    });
    const x = input([1, 2, 4, 4]);
    expectSameBits(Net.fromOnnx(make(true)).run(x), Net.fromOnnx(make(false)).run(x), "pads beside output_shape");
  });

  it("float attributes are float32: LeakyRelu's default alpha is 0.01f, and a net with alpha 0.1 and Scale 0.1 reads back from its export bit for bit", () => {
    const x = fcn.tensor([-20, -1, 0, 3], [1, 1, 2, 2]);
    const y = Net.fromOnnx(model({
      nodes: [node("LeakyRelu", ["x"], ["y"])], inputs: [valueInfo("x", [1, 1, 2, 2])], outputs: [valueInfo("y", [1, 1, 2, 2])],
    })).run(x);
    expect(y.data[0]).toBe(Math.fround(-20 * Math.fround(0.01)));
    const spec: GraphSpec = {
      input: { name: "x", shape: [1, 2, 5, 5] }, output: "s",
      layers: [
        { name: "c", op: "Conv", inputs: ["x"], attrs: { outChannels: 3, kernelShape: 3, pads: 1 } },
        { name: "l", op: "LeakyRelu", inputs: ["c"], attrs: { alpha: 0.1 } },
        { name: "e", op: "Selu", inputs: ["l"], attrs: { alpha: 1.1, gamma: 0.9 } },
        { name: "h", op: "HardSigmoid", inputs: ["e"], attrs: { alpha: 0.3 } },
        { name: "s", op: "Scale", inputs: ["h"], attrs: { scale: 0.1 } },
      ],
    } as GraphSpec;
    const net = Net.fromGraph(spec, undefined, { seed: 4 });
    const xs = input([1, 2, 5, 5], 9);
    expectSameBits(Net.fromOnnx(net.toOnnx()).run(xs), net.run(xs), "round trip of non-float32 attributes");
  });

  it("hardSwish(−∞) is NaN, as ONNX's x·max(0, min(1, x/6 + 1/2))", () => {
    expect(Number.isNaN(fcn.hardSwish(fcn.tensor([-Infinity], [1])).data[0])).toBe(true);
  });
});

describe("net.toOnnx: every tensor name once", () => {
  beforeAll(() => useBuild("simd"));

  it("an initializer named like a layer or the input gets a suffix; onnx names stay unique and the model reads back", () => {
    const spec: GraphSpec = {
      input: { name: "c.bias", shape: [1, 1, 4, 4] }, output: "c.weight",
      layers: [
        { name: "c", op: "Conv", inputs: ["c.bias"], attrs: { outChannels: 1, kernelShape: 1 } },
        { name: "c.weight", op: "Relu", inputs: ["c"] },
      ],
    } as GraphSpec;
    const net = Net.fromGraph(spec, undefined, { seed: 2 });
    const bytes = net.toOnnx();
    const x = input([1, 1, 4, 4]);
    expectSameBits(Net.fromOnnx(bytes).run(x), net.run(x), "round trip with colliding names");
  });
});
