// Slice as a Net layer: ONNX Slice of its one input (starts, ends, axes, steps as the op takes
// them). Imported Slices that are a spatial crop become Crop layers instead (they keep Net's
// coordinate maps); this layer is every other slice, and each output of an ONNX Split. It keeps
// the coordinates only when it leaves every spatial axis whole (a crop shifts them, a step scales
// them, and a layer op cannot report a map yet).
import { type SliceAttrs, resolveSlice, slice, sliceBackward } from "../../ops/slice.js";
import type { LayerOp } from "../layer-op.js";

export const SliceLayer: LayerOp = {
  op: "Slice",
  inputs: 1,
  attrs: ["starts", "ends", "axes", "steps"],
  shape: (inputs, attrs) => resolveSlice(inputs[0], attrs, "Slice").outShape,
  forward: (inputs, attrs) => slice(inputs[0], attrs as unknown as SliceAttrs),
  backward: (dy, inputs, _y, attrs) => ({ inputs: [sliceBackward(dy, inputs[0].shape, attrs as unknown as SliceAttrs)] }),
  keepsCoordinates: (inputs, _out, attrs) => {
    const x = inputs[0], p = resolveSlice(x, attrs, "Slice");
    return x.every((n, a) => a < 2 || (p.begin[a] === 0 && p.step[a] === 1 && p.outShape[a] === n));
  },
};
