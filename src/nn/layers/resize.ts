// Resize as a Net layer: ONNX Resize / Upsample with constant scales or sizes for the spatial axes
// (the decoder's upsampling in segmentation heads, U-Nets with interpolation). Its gradient is the
// resize's adjoint.
import { type ResizeAttrs, readResizeAttrs, resize, resizeBackward, resizePlan } from "../../ops/resize.js";
import type { LayerOp } from "../layer-op.js";

export const ResizeLayer: LayerOp = {
  op: "Resize",
  inputs: 1,
  roles: "[x]",
  attrs: ["mode", "coordinateTransformationMode", "nearestMode", "scales", "sizes"],
  check: (attrs) => { readResizeAttrs(attrs, "Resize"); },
  shape: (inputs, attrs) => resizePlan(inputs[0], attrs, "Resize").outShape,
  forward: (inputs, attrs) => resize(inputs[0], attrs as ResizeAttrs),
  backward: (dy, inputs, _y, attrs) => ({ inputs: [resizeBackward(dy, inputs[0].shape, attrs as ResizeAttrs)] }),
};
