// Slice as a Net layer: ONNX Slice of its one input (starts, ends, axes, steps as the op takes
// them). Imported Slices that are a spatial crop become Crop layers instead; this layer is every
// other slice, and each output of an ONNX Split. Its coordinate map per spatial axis: output o
// reads begin + o·step, so top = (bottom − begin) / step; a negative step mirrors the axis, which
// no coordinate map expresses (a Crop after it needs explicit offsets).
import { type SliceAttrs, resolveSlice, slice, sliceBackward, sliceCopy } from "../../ops/slice.js";
import { runCopy } from "../../ops/strided-copy.js";
import { frac } from "../coord-map.js";
import type { LayerOp } from "../layer-op.js";

export const SliceLayer: LayerOp = {
  op: "Slice",
  inputs: 1,
  attrs: ["starts", "ends", "axes", "steps"],
  shape: (inputs, attrs) => resolveSlice(inputs[0], attrs, "Slice").outShape,
  forward: (inputs, attrs) => slice(inputs[0], attrs as unknown as SliceAttrs),
  // on the resident plan: the strided-copy kernel from the input block into the output block
  resident: ([x], attrs) => {
    const c = sliceCopy(x, resolveSlice(x, attrs, "Slice"));
    return (rt, [px], py) => runCopy(rt, c, px, py);
  },
  backward: (dy, inputs, _y, attrs) => ({ inputs: [sliceBackward(dy, inputs[0].shape, attrs as unknown as SliceAttrs)] }),
  coordinateMap: (inputs, _out, attrs) => {
    const x = inputs[0], p = resolveSlice(x, attrs, "Slice");
    const spatial = x.map((_, a) => a).slice(2);
    if (spatial.some((a) => p.step[a] < 0)) return undefined;
    return spatial.map((a) => ({ scale: frac(1, p.step[a]), shift: frac(-p.begin[a], p.step[a]) }));
  },
};
