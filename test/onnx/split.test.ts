// ONNX Split through Net.fromOnnx: one Slice layer per output, named after it; sizes from the
// split attribute (before opset 13), the split input (13+), equal pieces by default, num_outputs
// (18+, last piece smaller); a graph that joins the pieces back in another order is checked
// against onnxruntime-node, through the export round trip (Slice nodes) and onnxruntime on the
// export. Uneven default pieces before 18, a computed split input and a missing num_outputs at 18
// are UnsupportedErrors naming why.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { expectClose, fcn, randArray, rng, useBuild } from "../lib.js";
import { readTensorProto } from "../../dist/onnx/proto.js";
import { floatData } from "../../dist/onnx/tensor-data.js";
import { attr, model, node, valueInfo } from "./proto-writer.js";
import { expectOnnxAgrees, int64s } from "./ort-helpers.js";
const { Net, UnsupportedError } = fcn;

const SHAPE = [2, 6, 4, 5];
const x = fcn.tensor(randArray(rng(33), 240), SHAPE);

interface SplitCase { name: string; opset: number; axis: number; split?: number[]; numOutputs?: number; outputs: number; sizes: number[] }

/** x → Split → (o0, o1, …) → Concat(o_last, o0) on the same axis → y. */
function splitModel(c: SplitCase): Uint8Array {
  const outs = Array.from({ length: c.outputs }, (_, i) => `o${i}`);
  const attrs = [attr.int("axis", c.axis)], inputs = ["x"], inits: Uint8Array[] = [];
  if (c.split && c.opset < 13) attrs.push(attr.ints("split", c.split));
  if (c.split && c.opset >= 13) { inputs.push("sizes"); inits.push(int64s("sizes", c.split)); }
  if (c.numOutputs !== undefined) attrs.push(attr.int("num_outputs", c.numOutputs));
  return model({
    opset: c.opset,
    nodes: [node("Split", inputs, outs, attrs, "split"), node("Concat", [outs[outs.length - 1], "o0"], ["y"], [attr.int("axis", c.axis)])],
    initializers: inits, inputs: [valueInfo("x", SHAPE)], outputs: [valueInfo("y", [])],
  });
}

const CASES: SplitCase[] = [
  { name: "split attribute on channels", opset: 11, axis: 1, split: [1, 3, 2], outputs: 3, sizes: [1, 3, 2] },
  { name: "equal pieces by default, negative axis", opset: 11, axis: -1, outputs: 5, sizes: [1, 1, 1, 1, 1] },
  { name: "split input, an empty piece", opset: 13, axis: 2, split: [3, 0, 1], outputs: 3, sizes: [3, 0, 1] },
  { name: "equal pieces by default", opset: 13, axis: 1, outputs: 3, sizes: [2, 2, 2] },
  { name: "num_outputs, last piece smaller", opset: 18, axis: 3, numOutputs: 3, outputs: 3, sizes: [2, 2, 1] },
  { name: "split input at 18", opset: 18, axis: 0, split: [1, 1], outputs: 2, sizes: [1, 1] },
];

describe("ONNX Split", () => {
  beforeAll(() => useBuild("simd"));

  for (const c of CASES) {
    it(`opset ${c.opset}: ${c.name} — Slice layers named after the outputs; Net = onnxruntime = export round trip`, async () => {
      const bytes = splitModel(c);
      const net = Net.fromOnnx(bytes);
      const slices = net.spec.layers.filter((l) => l.op === "Slice");
      // an empty piece gets no layer (nothing reads it here)
      expect(slices.map((l) => l.name)).toEqual(c.sizes.flatMap((n, i) => (n > 0 ? [`o${i}`] : [])));
      let offset = 0;
      const axis = c.axis < 0 ? c.axis + 4 : c.axis;
      for (const n of c.sizes) {
        if (n > 0) expect(slices.shift()!.attrs).toEqual({ starts: [offset], ends: [offset + n], axes: [axis] });
        offset += n;
      }
      net.dispose();
      await expectOnnxAgrees(bytes, x, "y", c.name, c.axis < 0 ? 11 : 7); // Concat's negative axis needs 11
    });
  }

  it("ONNX's test_operator_chunk (PyTorch chunk, opset 6): both outputs match, the second as the blob of its own layer", () => {
    const dir = fileURLToPath(new URL("../fixtures/onnx-models/pytorch-operator/test_operator_chunk/", import.meta.url));
    const read = (name: string) => readTensorProto(new Uint8Array(readFileSync(dir + name)));
    const net = Net.fromOnnx(new Uint8Array(readFileSync(dir + "model.onnx")));
    const x = read("test_data_set_0/input_0.pb");
    const y0 = net.run(fcn.tensor(floatData(x), x.dims));
    for (const [i, got] of [y0, net.blob(net.spec.layers[1].name) as fcn.Tensor].entries()) {
      const want = read(`test_data_set_0/output_${i}.pb`);
      expectClose(got, { data: floatData(want), shape: want.dims }, `chunk output ${i}`, 0, 0);
    }
    net.dispose();
  });

  it("uneven default pieces before opset 18, a computed split input, a missing num_outputs at 18 are UnsupportedErrors naming why", () => {
    expect(() => Net.fromOnnx(splitModel({ name: "", opset: 13, axis: 3, outputs: 2, sizes: [] }))).toThrow(/Split ×1 \("split": axis 3 of size 5 does not split into 2 equal pieces/);
    expect(() => Net.fromOnnx(splitModel({ name: "", opset: 18, axis: 1, outputs: 2, sizes: [] }))).toThrow(/needs a split input or the num_outputs attribute/);
    expect(() => Net.fromOnnx(splitModel({ name: "", opset: 18, axis: 1, numOutputs: 3, outputs: 2, sizes: [] }))).toThrow(/num_outputs is 3 but the node has 2 outputs/);
    const computed = model({
      opset: 13, nodes: [node("Shape", ["x"], ["s"]), node("Split", ["x", "s"], ["a", "b"], [], "split"), node("Relu", ["a"], ["y"])],
      inputs: [valueInfo("x", SHAPE)], outputs: [valueInfo("y", [])],
    });
    expect(() => Net.fromOnnx(computed)).toThrow(UnsupportedError);
  });
});
