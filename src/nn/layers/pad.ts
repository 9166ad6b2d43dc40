// Pad as a Net layer: ONNX Pad over every axis of its one input (pads for every axis, mode
// constant, reflect or edge). Its coordinate map shifts each spatial axis by the begin pad
// (top = bottom + begin, a negative begin being Caffe's crop), so a Crop after it gets computed
// offsets.
import { type PadAttrs, pad, padBackward, padCopies, resolvePad, runPad } from "../../ops/pad.js";
import { frac } from "../coord-map.js";
import type { LayerOp } from "../layer-op.js";

export const PadLayer: LayerOp = {
  op: "Pad",
  inputs: 1,
  attrs: ["pads", "mode", "value"],
  shape: (inputs, attrs) => resolvePad(inputs[0], attrs, "Pad").outShape,
  forward: (inputs, attrs) => pad(inputs[0], attrs as unknown as PadAttrs),
  // on the resident plan: pad's fill and strided copies from the input block into the output block
  resident: ([x], attrs) => {
    const c = padCopies(x, resolvePad(x, attrs, "Pad"));
    return (rt, [px], py) => runPad(rt, c, px, py);
  },
  backward: (dy, inputs, _y, attrs) => ({ inputs: [padBackward(dy, inputs[0].shape, attrs as unknown as PadAttrs)] }),
  coordinateMap: (inputs, _out, attrs) => {
    const pads = attrs.pads as number[];
    return inputs[0].slice(2).map((_, i) => ({ scale: frac(1), shift: frac(pads[i + 2]) }));
  },
};
