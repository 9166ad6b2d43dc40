// LRN as a Net layer (src/ops/lrn.ts): local response normalisation across channels, with its backward.
import { type LrnAttrs, checkLrnShape, lrn, lrnAttrs, lrnBackward } from "../../ops/lrn.js";
import type { LayerOp } from "../layer-op.js";

export const LrnLayer: LayerOp = {
  op: "LRN",
  inputs: 1,
  attrs: ["size", "alpha", "beta", "bias"],
  check: (attrs) => { lrnAttrs(attrs, "LRN"); },
  shape: ([x]) => {
    checkLrnShape(x, "LRN(input)");
    return x.slice();
  },
  forward: ([x], attrs) => lrn(x, attrs as unknown as LrnAttrs),
  backward: (dy, [x], _y, attrs) => ({ inputs: [lrnBackward(dy, x, attrs as unknown as LrnAttrs)] }),
};
