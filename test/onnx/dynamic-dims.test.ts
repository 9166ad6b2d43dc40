// Dynamic input dims (dim_param, or dim_value 0/absent) through Net.fromOnnx: options.inputShape
// binds them; without it the net is imported at the shape of the first tensor it runs on, and
// again for every new shape when its import folded shapes (src/nn/onnx-graphs.ts). The same model
// at two input sizes gives what onnxruntime-node gives at each; the trainable parameters stay the
// same tensors across shapes; a run input of the wrong rank or channels is a ShapeError naming
// the graph input; a net not bound yet says so (NotReadyError) instead of guessing.
import { beforeAll, describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { expectClose, fcn, rng, useBuild } from "../lib.js";
import { segmentationHead, segmentationSizes } from "../models/generated.js";
import { attr, cat, int, len, model, msg, node, tensorProto, valueInfo } from "./proto-writer.js";
import { ortRun } from "./ort-helpers.js";
const { Net, ShapeError, NotReadyError, UnsupportedError, AttributeError } = fcn;

function randomInput(shape: number[], seed: number) {
  const r = rng(seed);
  return fcn.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() * 2 - 1), shape);
}

/** Conv 3×3 (2 → 3 channels, pad 1) + Relu on x [1, 2, H, W]: nothing in it reads a shape. */
function convModel(dims: (number | string)[]): Uint8Array {
  const w = tensorProto({ name: "w", dims: [3, 2, 3, 3], data: Array.from({ length: 54 }, (_, i) => Math.cos(i) / 3) });
  return model({
    opset: 13, initializers: [w],
    nodes: [node("Conv", ["x", "w"], ["c"], [attr.ints("kernel_shape", [3, 3]), attr.ints("pads", [1, 1, 1, 1])]), node("Relu", ["c"], ["y"])],
    inputs: [valueInfo("x", dims)], outputs: [valueInfo("y", dims.map((d, i) => (i === 1 ? 3 : d)))],
  });
}

describe("Net.fromOnnx with dynamic input dims", () => {
  beforeAll(() => useBuild("simd"));

  it("a Shape-folding model ([N, 3, H, W]) runs at several sizes as onnxruntime-node does, one import per shape, the same parameters", async () => {
    const m = segmentationSizes(13, ["N", 3, "H", "W"]);
    const net = Net.fromOnnx(m.bytes);
    const seen: Map<string, unknown>[] = [];
    for (const [i, shape] of [[1, 3, 20, 28], [2, 3, 13, 9], [1, 3, 20, 28]].entries()) {
      const x = randomInput(shape, 10 + i);
      const got = net.run(x);
      const want = await ortRun(m.bytes, x);
      expect(got.shape).toEqual([shape[0], 7, shape[2], shape[3]]);
      expectClose(got, want, `size chain at [${shape.join(", ")}]`, 1e-6, 1e-6);
      expect(net.spec.input.shape).toEqual(shape);
      seen.push(net.parameters());
    }
    // the conv weights are the same tensors at every shape
    for (const [name, t] of seen[0]) if (name.endsWith(".weight")) expect(seen[1].get(name)).toBe(t);
    for (const [name, t] of seen[1]) if (name.endsWith(".weight")) expect(seen[2].get(name)).toBe(t);
  });

  it("imports made later read the net's own copy of the file: the caller may reuse its buffer", async () => {
    const m = segmentationSizes(11, ["N", 3, "H", "W"]);
    const original = m.bytes.slice();
    const net = Net.fromOnnx(m.bytes);
    m.bytes.fill(0);
    const x = randomInput([1, 3, 11, 15], 50);
    expectClose(net.run(x), await ortRun(original, x), "after the caller's buffer was zeroed", 1e-6, 1e-6);
  });

  it("a model whose import reads no shapes ([1, 2, H, W]) is imported once and runs at any H, W as onnxruntime-node does", async () => {
    const bytes = convModel([1, 2, "H", "W"]);
    const net = Net.fromOnnx(bytes);
    let spec: unknown;
    for (const [i, shape] of [[1, 2, 6, 5], [1, 2, 9, 12]].entries()) {
      const x = randomInput(shape, 20 + i);
      const got = net.run(x);
      expectClose(got, await ortRun(bytes, x), `conv at [${shape.join(", ")}]`, 1e-5, 1e-4);
      if (i === 0) spec = net.spec;
      else expect(net.spec).toBe(spec);
    }
  });

  it("also when a dim has neither dim_value nor dim_param", async () => {
    // ValueInfoProto with TypeProto.tensor_type {elem_type 1, shape {dim 1, dim 2, dim {}, dim 5}}
    const dim = (d: number | null) => msg(1, ...(d === null ? [] : [int(1, d)]));
    const xInfo = cat(len(1, "x"), msg(2, msg(1, int(1, 1), msg(2, dim(1), dim(2), dim(null), dim(5)))));
    const w = tensorProto({ name: "w", dims: [3, 2, 3, 3], data: Array.from({ length: 54 }, (_, i) => Math.sin(i) / 3) });
    const bytes = model({ opset: 13, initializers: [w], nodes: [node("Conv", ["x", "w"], ["y"], [attr.ints("pads", [1, 1, 1, 1])])], inputs: [xInfo], outputs: [valueInfo("y", [1, 3, "H", 5])] });
    const net = Net.fromOnnx(bytes);
    for (const h of [4, 9]) {
      const x = randomInput([1, 2, h, 5], 30 + h);
      expectClose(net.run(x), await ortRun(bytes, x), `unknown H = ${h}`, 1e-5, 1e-4);
    }
  });

  it("options.inputShape binds the dims at load: spec, parameters and toOnnx are there before any run", async () => {
    const m = segmentationSizes(17, ["N", 3, "H", "W"]);
    const net = Net.fromOnnx(m.bytes, { inputShape: [1, 3, 16, 12] });
    expect(net.spec.input.shape).toEqual([1, 3, 16, 12]);
    expect(net.parameters().size).toBeGreaterThan(0);
    const x = randomInput([1, 3, 16, 12], 40);
    const got = net.run(x);
    expectClose(got, await ortRun(m.bytes, x), "inputShape [1, 3, 16, 12]", 1e-6, 1e-6);
    // the export is the graph for that shape; onnxruntime runs it alike
    expectClose(await ortRun(net.toOnnx(), x), got, "toOnnx at the bound shape", 1e-6, 1e-6);
  });

  it("a shape the declared input does not take is a ShapeError naming the graph input (at load and at run)", () => {
    const m = segmentationSizes(13, ["N", 3, "H", "W"]);
    expect(() => Net.fromOnnx(m.bytes, { inputShape: [1, 4, 8, 8] })).toThrow(ShapeError);
    expect(() => Net.fromOnnx(m.bytes, { inputShape: [1, 4, 8, 8] })).toThrow(/input "x" is declared \[\?, 3, \?, \?\]: axis 1 \(channels\) must be 3/);
    expect(() => Net.fromOnnx(m.bytes, { inputShape: [3, 8, 8] })).toThrow(/input "x" has rank 4/);
    expect(() => Net.fromOnnx(m.bytes, { inputShape: [1, 3, 0, 8] })).toThrow(AttributeError);
    const net = Net.fromOnnx(m.bytes);
    expect(() => net.run(randomInput([1, 2, 8, 8], 1))).toThrow(/Net\.run\(x\): the model's input "x" is declared \[\?, 3, \?, \?\]: axis 1 \(channels\) must be 3/);
    expect(() => net.run(randomInput([3, 8, 8], 1))).toThrow(ShapeError);
    // a fixed declared size is kept too
    const fixed = Net.fromOnnx(convModel([1, 2, 6, "W"]));
    expect(() => fixed.run(randomInput([1, 2, 7, 8], 1))).toThrow(/axis 2 must be 6/);
    expect(fixed.run(randomInput([1, 2, 6, 8], 1)).shape).toEqual([1, 3, 6, 8]);
  });

  it("before its first run a net with open dims has no graph: spec, parameters and toOnnx say so; training can be switched on", () => {
    const net = Net.fromOnnx(convModel([1, 2, "H", "W"]));
    expect(() => net.spec).toThrow(NotReadyError);
    expect(() => net.parameters()).toThrow(/dynamic dims.*inputShape/);
    expect(() => net.toOnnx()).toThrow(NotReadyError);
    net.training = true;
    const y = net.run(randomInput([1, 2, 5, 5], 2));
    const grads = net.backward(fcn.tensor(new Float32Array(y.data.length).fill(1), y.shape.slice()));
    // the Relu is fused into the conv, which takes its output's name
    expect(grads.get("y.weight")?.shape).toEqual([3, 2, 3, 3]);
    const w = net.parameters().get("y.weight");
    net.run(randomInput([1, 2, 8, 6], 3));
    expect(net.parameters().get("y.weight")).toBe(w);
  });

  it("a fixed batch of 1 still runs any batch (as before), the folded sizes following it; summary(inputShape) uses that shape's graph", () => {
    const m = segmentationSizes(13); // declared [1, 3, 20, 28]
    const net = Net.fromOnnx(m.bytes);
    expect(net.run(randomInput([1, 3, 20, 28], 5)).shape).toEqual([1, 7, 20, 28]);
    const y = net.run(randomInput([2, 3, 20, 28], 6));
    expect(y.shape).toEqual([2, 7, 20, 28]);
    expect(Array.from(y.data.slice(-3))).toEqual([0.25, 0.25, 0.25]); // ConstantOfShape([2, 4, 20, 28]) of 0.25
    const open = Net.fromOnnx(segmentationSizes(13, ["N", 3, "H", "W"]).bytes);
    const s = open.summary([1, 3, 13, 9]);
    expect(s.layers[s.layers.length - 1].outShape).toEqual([1, 7, 13, 9]);
  });

  it("an op Net cannot run is reported at load even before the dims are known", () => {
    const bytes = model({ opset: 13, nodes: [node("Conv", ["x", "w"], ["c"]), node("NonMaxSuppression", ["c"], ["y"])], initializers: [tensorProto({ name: "w", dims: [3, 2, 1, 1], data: [1, 2, 3, 4, 5, 6] })], inputs: [valueInfo("x", [1, 2, "H", "W"])], outputs: [valueInfo("y", [])] });
    expect(() => Net.fromOnnx(bytes)).toThrow(UnsupportedError);
    expect(() => Net.fromOnnx(bytes)).toThrow(/NonMaxSuppression ×1/);
  });

  it("keep applies to every shape's plan: the segmentation head ([N, 3, H, W], Resize to the input size) at two sizes keeps the blob asked for and reuses the others", async () => {
    const m = segmentationHead(13, 20, 28, 4, ["N", 3, "H", "W"]);
    const names = Net.fromOnnx(m.bytes, { inputShape: [1, 3, 20, 28] }).spec.layers.map((l) => l.name);
    const kept = names[0], dropped = names[1]; // the first conv + Relu's output (fused, named after the Relu); the second's
    const net = Net.fromOnnx(m.bytes, { keep: [kept] });
    for (const [i, shape] of [[1, 3, 20, 28], [2, 3, 16, 12]].entries()) {
      const x = randomInput(shape, 40 + i);
      const got = net.run(x);
      expect(got.shape).toEqual([shape[0], 4, shape[2], shape[3]]);
      expectClose(got, await ortRun(m.bytes, x), `segmentation head at [${shape.join(", ")}]`, 1e-5, 1e-4);
      expect(net.blob(kept)?.shape).toEqual([shape[0], 8, Math.ceil(shape[2] / 2), Math.ceil(shape[3] / 2)]);
      expect(() => net.blob(dropped)).toThrow(UnsupportedError);
    }
    expect(() => Net.fromOnnx(m.bytes, { keep: ["no such blob"], inputShape: [1, 3, 8, 8] })).toThrow(AttributeError);
  });

  it("several inputs and outputs: the first input's dims bind ([N, 2, H, W]), a second input keeps its declared [1, 2, 1, 1]; runAll at two sizes as onnxruntime-node, outputs by their ONNX names", async () => {
    const bytes = model({
      opset: 13,
      nodes: [node("Mul", ["x", "g"], ["m"]), node("Relu", ["m"], ["y"]), node("GlobalAveragePool", ["x"], ["p"])],
      inputs: [valueInfo("x", ["N", 2, "H", "W"]), valueInfo("g", [1, 2, 1, 1])], outputs: [valueInfo("y", ["N", 2, "H", "W"]), valueInfo("p", ["N", 2, 1, 1])],
    });
    const net = Net.fromOnnx(bytes);
    const g = randomInput([1, 2, 1, 1], 50);
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    for (const [i, shape] of [[1, 2, 5, 7], [3, 2, 4, 4]].entries()) {
      const x = randomInput(shape, 51 + i);
      const got = net.runAll({ x, g });
      expect(Object.keys(got)).toEqual(["y", "p"]);
      const want = await session.run({ x: new ort.Tensor("float32", x.data.slice(), shape), g: new ort.Tensor("float32", g.data.slice(), [1, 2, 1, 1]) });
      for (const name of ["y", "p"]) expectClose(got[name], { data: want[name].data as Float32Array, shape: [...want[name].dims] }, `${name} at [${shape.join(", ")}]`, 1e-6, 1e-6);
    }
    await session.release();
    expect(() => net.runAll({ x: randomInput([1, 2, 5, 7], 1), g: randomInput([1, 2, 2, 1], 2) })).toThrow(/Net.runAll\(inputs\["g"\]\): the model's input "g" is declared \[1, 2, 1, 1\]: axis 2 must be 1/);
    expect(() => net.run(randomInput([1, 2, 5, 7], 3))).toThrow(/graph input "g" \[1, 2, 1, 1\] has no tensor/);
  });
});
