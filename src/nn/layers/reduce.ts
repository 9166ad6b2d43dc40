// ReduceSum, ReduceMean, ReduceMax and ReduceMin as Net layers (src/ops/reduce.ts): `axes` (all
// when absent or empty), `keepdims`, `noopWithEmptyAxes`. Sum and Mean train (dy spread back over
// the reduced elements); Max and Min have no gradient, so a net using them cannot train.
import { type ReduceAttrs, reduceBackward, reduceGeometry, reduceMax, reduceMean, reduceMin, reduceSum } from "../../ops/reduce.js";
import type { Tensor } from "../../tensor.js";
import type { LayerOp } from "../layer-op.js";

function layer(op: string, forward: (x: Tensor, attrs?: ReduceAttrs) => Tensor, gradient?: "sum" | "mean"): LayerOp {
  return {
    op,
    inputs: 1,
    attrs: ["axes", "keepdims", "noopWithEmptyAxes"],
    shape: ([x], attrs) => reduceGeometry(x, attrs, op).outShape,
    forward: ([x], attrs) => forward(x, attrs as ReduceAttrs),
    ...(gradient === undefined ? {} : {
      backward: (dy: Tensor, [x]: Tensor[], _y: Tensor, attrs: Record<string, unknown>) => ({ inputs: [reduceBackward(gradient, dy, x.shape, attrs as ReduceAttrs)] }),
    }),
    // the grid passes through only when no spatial axis is reduced and the rank stays
    keepsCoordinates: ([x], out, attrs) => out.length === x.length && reduceGeometry(x, attrs, op).reduced.every((r, a) => a < 2 || !r),
  };
}

export const ReduceSumLayer: LayerOp = layer("ReduceSum", reduceSum, "sum");
export const ReduceMeanLayer: LayerOp = layer("ReduceMean", reduceMean, "mean");
export const ReduceMaxLayer: LayerOp = layer("ReduceMax", reduceMax);
export const ReduceMinLayer: LayerOp = layer("ReduceMin", reduceMin);
