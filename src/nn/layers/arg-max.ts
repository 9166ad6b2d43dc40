// ArgMax as a Net layer: the indices along `axis` as float32 (src/ops/arg-max.ts). It has no
// gradient, so a net that uses it runs but cannot train (Net refuses `training = true`).
import { argMax, argMaxShape, type ArgMaxAttrs } from "../../ops/arg-max.js";
import type { LayerOp } from "../layer-op.js";

export const ArgMaxLayer: LayerOp = {
  op: "ArgMax",
  inputs: 1,
  attrs: ["axis", "keepdims", "selectLastIndex"],
  shape: ([x], attrs) => argMaxShape(x, attrs, "ArgMax").outShape,
  forward: ([x], attrs) => argMax(x, attrs as ArgMaxAttrs),
  // an index map over channels keeps the grid; reducing a spatial axis does not
  keepsCoordinates: ([x], out, attrs) => argMaxShape(x, attrs, "ArgMax").axis < 2 && out.length === x.length,
};
