// ONNX Slice through Net.fromOnnx: a spatial crop still becomes a Crop layer when it can (see
// slice-to-crop.ts; FCN exports test that path); every other slice
// (channels, steps, negative steps, INT64_MAX/MIN ends, the batch axis) becomes a Slice layer, from
// attributes (opsets < 10) or constant inputs (10+); checked against onnxruntime-node, through the
// export round trip (attributes below opset 10, inputs with steps from 10) and onnxruntime on the
// export. A starts input computed from activations is an UnsupportedError (shape arithmetic folds).
import { beforeAll, describe, expect, it } from "vitest";
import { fcn, randArray, rng, useBuild } from "../lib.js";
import { attr, model, node, valueInfo } from "./proto-writer.js";
import { expectOnnxAgrees, int64s } from "./ort-helpers.js";
const { Net, UnsupportedError } = fcn;

const SHAPE = [2, 4, 6, 5];
const x = fcn.tensor(randArray(rng(21), 240), SHAPE);
const INT64_MAX = 2n ** 63n - 1n, INT64_MIN = -(2n ** 63n);

interface SliceCase { name: string; opset: number; starts: (number | bigint)[]; ends: (number | bigint)[]; axes?: number[]; steps?: number[]; layer: string; exportOpset: number }

/** x → Slice → y in the form the opset has (inputs that are absent are left off). */
function sliceModel(c: SliceCase): Uint8Array {
  const inits: Uint8Array[] = [], inputs = ["x"], attrs: Uint8Array[] = [];
  if (c.opset < 10) {
    attrs.push(attr.ints("starts", c.starts.map(Number)), attr.ints("ends", c.ends.map(Number)));
    if (c.axes) attrs.push(attr.ints("axes", c.axes));
  } else {
    const add = (name: string, v: (number | bigint)[] | undefined): void => { if (v) { inits.push(int64s(name, v)); inputs.push(name); } else inputs.push(""); };
    add("starts", c.starts); add("ends", c.ends); add("axes", c.axes); add("steps", c.steps);
    while (inputs[inputs.length - 1] === "") inputs.pop();
  }
  return model({ opset: c.opset, nodes: [node("Slice", inputs, ["y"], attrs, "slice")], initializers: inits, inputs: [valueInfo("x", SHAPE)], outputs: [valueInfo("y", [])] });
}

const CASES: SliceCase[] = [
  { name: "channels 1…3, attributes", opset: 9, starts: [1], ends: [3], axes: [1], layer: "Slice", exportOpset: 7 },
  { name: "a spatial crop with no tensor of its size before it (Crop needs one)", opset: 9, starts: [1, 1], ends: [6, 5], axes: [2, 3], layer: "Slice", exportOpset: 7 },
  { name: "default axes (batch and channels), ends past the axis", opset: 10, starts: [1, 0], ends: [100, 2], layer: "Slice", exportOpset: 7 },
  { name: "step 2 on H, negative start on W", opset: 10, starts: [1, -3], ends: [6, 5], axes: [2, 3], steps: [2, 1], layer: "Slice", exportOpset: 10 },
  { name: "negative steps with INT64_MIN / INT64_MAX bounds", opset: 13, starts: [INT64_MAX, -2], ends: [INT64_MIN, 0], axes: [-1, 1], steps: [-2, -1], layer: "Slice", exportOpset: 10 },
  { name: "reversed H to the start, INT64_MAX start", opset: 13, starts: [INT64_MAX], ends: [INT64_MIN], axes: [2], steps: [-1], layer: "Slice", exportOpset: 10 },
];

describe("ONNX Slice", () => {
  beforeAll(() => useBuild("simd"));

  for (const c of CASES) {
    it(`opset ${c.opset}: ${c.name} — a ${c.layer} layer; Net = onnxruntime = export round trip`, async () => {
      const bytes = sliceModel(c);
      const net = Net.fromOnnx(bytes);
      expect(net.spec.layers.map((l) => l.op)).toEqual([c.layer]);
      net.dispose();
      await expectOnnxAgrees(bytes, x, "y", c.name, c.exportOpset);
    });
  }

  it("a spatial crop of steps 1 with a tensor of its size before it stays a Crop layer (coordinate maps); onnxruntime agrees", async () => {
    const bytes = model({
      opset: 13,
      nodes: [
        node("Relu", ["x"], ["r"]),
        node("MaxPool", ["r"], ["p"], [attr.ints("kernel_shape", [2, 2]), attr.ints("strides", [2, 2])]),
        node("Slice", ["r", "starts", "ends", "axes"], ["s"], [], "slice"),
        node("Add", ["s", "p"], ["y"]),
      ],
      initializers: [int64s("starts", [1, 2]), int64s("ends", [4, 4]), int64s("axes", [2, 3])],
      inputs: [valueInfo("x", SHAPE)], outputs: [valueInfo("y", [])],
    });
    const net = Net.fromOnnx(bytes);
    expect(net.spec.layers.map((l) => l.op)).toEqual(["Relu", "MaxPool", "Crop", "Add"]);
    net.dispose();
    await expectOnnxAgrees(bytes, x, "y", "Relu, MaxPool, crop, Add");
  });

  it("starts computed from activations (not shape arithmetic, which folds at load) and a zero step are UnsupportedErrors naming the node", () => {
    const computed = model({
      opset: 13, nodes: [node("Relu", ["x"], ["s"]), node("Slice", ["x", "s", "s"], ["y"], [], "slice")],
      inputs: [valueInfo("x", SHAPE)], outputs: [valueInfo("y", [])],
    });
    expect(() => Net.fromOnnx(computed)).toThrow(UnsupportedError);
    expect(() => Net.fromOnnx(sliceModel({ name: "", opset: 13, starts: [0], ends: [2], axes: [1], steps: [0], layer: "", exportOpset: 0 }))).toThrow(/Slice ×1 \("slice": .*step of 0/);
  });
});
