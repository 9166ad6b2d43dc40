// Pad as a Net layer: ONNX Pad over every axis of its one input (pads for every axis, mode
// constant, reflect or edge). Padding a spatial axis shifts the coordinate grid by its begin pad;
// Net's coordinate maps have no way for a layer op to report a shift yet, so a Pad of a spatial
// axis says it does not keep the coordinates (a Crop after it needs explicit offsets).
import { type PadAttrs, pad, padBackward, resolvePad } from "../../ops/pad.js";
import type { LayerOp } from "../layer-op.js";

export const PadLayer: LayerOp = {
  op: "Pad",
  inputs: 1,
  attrs: ["pads", "mode", "value"],
  shape: (inputs, attrs) => resolvePad(inputs[0], attrs, "Pad").outShape,
  forward: (inputs, attrs) => pad(inputs[0], attrs as unknown as PadAttrs),
  backward: (dy, inputs, _y, attrs) => ({ inputs: [padBackward(dy, inputs[0].shape, attrs as unknown as PadAttrs)] }),
  // only padding the batch or channel axes leaves the spatial grid where it was
  keepsCoordinates: (inputs, _out, attrs) => {
    const r = inputs[0].length, pads = attrs.pads as number[];
    return pads.every((p, i) => i % r < 2 || p === 0);
  },
};
