// Resize as a Net layer: ONNX Resize / Upsample with constant scales or sizes for the spatial axes
// (the decoder's upsampling in segmentation heads, U-Nets with interpolation). Its gradient is the
// resize's adjoint.
import { type ResizeAttrs, readResizeAttrs, resize, resizeBackward, resizePlan } from "../../ops/resize.js";
import { resizeKernelPlan, runResizeKernel } from "../../ops/resize-kernel.js";
import type { LayerOp } from "../layer-op.js";

export const ResizeLayer: LayerOp = {
  op: "Resize",
  inputs: 1,
  roles: "[x]",
  attrs: ["mode", "coordinateTransformationMode", "nearestMode", "scales", "sizes"],
  check: (attrs) => { readResizeAttrs(attrs, "Resize"); },
  shape: (inputs, attrs) => resizePlan(inputs[0], attrs, "Resize").outShape,
  forward: (inputs, attrs) => resize(inputs[0], attrs as ResizeAttrs),
  // 1 or 2 spatial axes: the kernels resize runs, on the plan's blocks (tables computed once here)
  resident: (shapes, attrs) => {
    const k = resizeKernelPlan(shapes[0], resizePlan(shapes[0], attrs, "Resize"));
    return k === null ? undefined : (rt, inputs, output) => runResizeKernel(rt, k, inputs[0], output);
  },
  backward: (dy, inputs, _y, attrs) => ({ inputs: [resizeBackward(dy, inputs[0].shape, attrs as ResizeAttrs)] }),
};
