// Concat as a Net layer: any number of inputs joined along `axis` (U-Net's skip connections join
// on the channel axis, 1). Its gradient cuts dy back into the inputs' pieces.
import { concat, concatBackward, concatShape } from "../../ops/concat.js";
import type { LayerOp } from "../layer-op.js";

export const ConcatLayer: LayerOp = {
  op: "Concat",
  inputs: [1, Infinity],
  attrs: ["axis"],
  shape: (inputs, attrs) => concatShape(inputs, attrs, "Concat").outShape,
  forward: (inputs, attrs) => concat(inputs, attrs as { axis: number }),
  backward: (dy, inputs, _y, attrs) => {
    const { axis } = concatShape(inputs.map((t) => t.shape), attrs, "Concat");
    return { inputs: concatBackward(dy, inputs.map((t) => t.shape[axis]), { axis }) };
  },
  // joining channels keeps the spatial grid; joining along a spatial axis does not
  keepsCoordinates: (inputs, out, attrs) => {
    const axis = concatShape(inputs, attrs, "Concat").axis;
    return axis < 2 && out.length === inputs[0].length;
  },
};
