// ONNX Pad through Net.fromOnnx at every opset form: pads/value attributes (opsets 2–10), pads and
// constant_value inputs (11+), the axes input (18+), negative pads; checked against
// onnxruntime-node, through the export round trip (attributes below opset 11, inputs from 11) and
// onnxruntime on the export. Mode 'wrap' and non-constant pads are UnsupportedErrors naming why.
import { beforeAll, describe, expect, it } from "vitest";
import { fcn, randArray, rng, useBuild } from "../lib.js";
import { attr, model, node, tensorProto, valueInfo } from "./proto-writer.js";
import { expectOnnxAgrees, int64s } from "./ort-helpers.js";
const { Net, UnsupportedError } = fcn;

const SHAPE = [2, 3, 5, 4];
const x = fcn.tensor(randArray(rng(12), 120), SHAPE);

interface PadCase { name: string; opset: number; mode?: string; pads: number[]; value?: number; axes?: number[]; exportOpset?: number }

/** x → Pad → y, in the form the opset has. */
function padModel(c: PadCase, extraNodes: Uint8Array[] = [], output = "y"): Uint8Array {
  const attrs = c.mode ? [attr.string("mode", c.mode)] : [];
  const inits: Uint8Array[] = [];
  const inputs = ["x"];
  if (c.opset < 11) {
    attrs.push(attr.ints("pads", c.pads));
    if (c.value !== undefined) attrs.push(attr.float("value", c.value));
  } else {
    inits.push(int64s("pads", c.pads));
    inputs.push("pads");
    if (c.value !== undefined) { inits.push(tensorProto({ name: "cv", dims: [], data: [c.value] })); inputs.push("cv"); }
    if (c.axes) { inits.push(int64s("axes", c.axes)); if (c.value === undefined) inputs.push(""); inputs.push("axes"); }
  }
  return model({
    opset: c.opset, nodes: [node("Pad", inputs, ["y"], attrs, "pad"), ...extraNodes], initializers: inits,
    inputs: [valueInfo("x", SHAPE)], outputs: [valueInfo(output, [])],
  });
}

const CASES: PadCase[] = [
  { name: "constant with value, attributes", opset: 7, pads: [0, 0, 1, 2, 0, 1, 2, 0], value: 1.5 },
  { name: "reflect, attributes", opset: 10, mode: "reflect", pads: [0, 0, 2, 3, 0, 0, 4, 1] },
  { name: "edge, pads input", opset: 11, mode: "edge", pads: [1, 0, 3, 1, 0, 2, 0, 2] },
  { name: "constant_value input", opset: 13, pads: [0, 0, 2, 2, 0, 0, 2, 2], value: -0.75 },
  { name: "negative pads crop (constant)", opset: 13, pads: [0, -1, -2, 1, 0, 0, 2, -1], value: 2 },
  { name: "negative pads crop (edge, reflect)", opset: 13, mode: "reflect", pads: [0, 0, -1, 2, 0, 0, 1, -1] },
  { name: "axes input [-1, 2]", opset: 18, mode: "edge", pads: [2, 1, 0, 3], axes: [-1, 2] },
  { name: "axes input with constant_value", opset: 19, pads: [1, 1], value: 3, axes: [1] },
];

describe("ONNX Pad", () => {
  beforeAll(() => useBuild("simd"));

  for (const c of CASES) {
    it(`opset ${c.opset}: ${c.name} — Net = onnxruntime = export round trip`, async () => {
      await expectOnnxAgrees(padModel(c), x, "y", c.name, 7);
    });
  }

  it("the export writes pads as inputs from opset 11 (a Softmax lifts it to 13) and onnxruntime agrees", async () => {
    const c: PadCase = { name: "", opset: 13, mode: "reflect", pads: [0, 0, 1, 1, 0, 0, 2, 2] };
    const withSoftmax = padModel(c, [node("Softmax", ["y"], ["z"], [attr.int("axis", 1)])], "z");
    await expectOnnxAgrees(withSoftmax, x, "z", "Pad + Softmax", 13, 1e-6);
    const constant: PadCase = { name: "", opset: 13, pads: [0, 0, 1, 1, 0, 0, 2, 2], value: 0.25 };
    await expectOnnxAgrees(padModel(constant, [node("Softmax", ["y"], ["z"], [attr.int("axis", 1)])], "z"), x, "z", "constant Pad + Softmax", 13, 1e-6);
  });

  it("mode 'wrap' (opset 19), a computed pads input, pads of the wrong length are UnsupportedErrors naming the reason; a reflect wider than the axis a ShapeError", () => {
    expect(() => Net.fromOnnx(padModel({ name: "", opset: 19, mode: "wrap", pads: [0, 0, 1, 1, 0, 0, 1, 1] }))).toThrow(/Pad ×1 \("pad": mode 'wrap' is not supported yet\)/);
    const computed = model({
      opset: 13, nodes: [node("Shape", ["x"], ["s"]), node("Pad", ["x", "s"], ["y"], [], "pad")],
      inputs: [valueInfo("x", SHAPE)], outputs: [valueInfo("y", [])],
    });
    expect(() => Net.fromOnnx(computed)).toThrow(UnsupportedError);
    expect(() => Net.fromOnnx(padModel({ name: "", opset: 13, mode: "reflect", pads: [0, 0, 5, 0, 0, 0, 0, 0] }))).toThrow(fcn.ShapeError);
    expect(() => Net.fromOnnx(padModel({ name: "", opset: 13, pads: [0, 0, 5, 0] }))).toThrow(/pads has 4 values; 8 expected/);
  });
});
