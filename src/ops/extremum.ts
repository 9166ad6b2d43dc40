// max and min: ONNX Max / Min, the elementwise largest / smallest of one or more tensors with
// numpy broadcasting (opset ≥ 8). NaN propagates (any NaN operand gives NaN, as numpy.maximum;
// ONNX does not say; onnxruntime-node 1.30 propagates it too). A tie keeps the first operand, so
// max(+0, −0) is +0 here, where onnxruntime 1.30 gave −0 (the second) for Max and Min alike.
// Backward: all of dy goes to one winner per element; on a tie the FIRST input holding the
// extreme value wins (the lowest index), so the gradients always sum to dy; with a NaN, the first
// NaN input wins.
import type { Tensor } from "../tensor.js";
import { broadcastStrides } from "../broadcast.js";
import { RUNS, broadcastVariadic, checkBackwardShapes, checkOperands, forEachBroadcast, reduceToShape } from "./broadcast-binary.js";

/** The index of the winner among `v`: the first NaN, else the first largest (sign +1) or smallest (−1). */
function winner(v: readonly number[], sign: 1 | -1): number {
  let best = 0;
  if (Number.isNaN(v[0])) return 0;
  for (let k = 1; k < v.length; k++) {
    if (Number.isNaN(v[k])) return k;
    if (sign * (v[k] - v[best]) > 0) best = k;
  }
  return best;
}

function extremum(xs: Tensor[], op: "max" | "min"): Tensor {
  return broadcastVariadic(xs, op, RUNS[op]); // folded left to right: a tie keeps the earlier value
}

function extremumBackward(dy: Tensor, xs: Tensor[], op: "maxBackward" | "minBackward"): Tensor[] {
  const sign = op === "maxBackward" ? 1 : -1;
  const shapes = checkOperands(xs, op);
  const { out } = checkBackwardShapes(dy, shapes, op, shapes.map((_, k) => `xs[${k}]`));
  const strides = shapes.map((s) => broadcastStrides(s, out));
  const data = xs.map((x) => x.data), g = dy.data;
  const full = xs.map(() => new Float64Array(g.length)); // dy routed to each winner, over the output's shape
  const values = new Array<number>(xs.length);
  forEachBroadcast(out, strides, (n, offsets) => {
    for (let k = 0; k < data.length; k++) values[k] = data[k][offsets[k]];
    full[winner(values, sign)][n] = g[n];
  });
  return full.map((f, k) => reduceToShape(f, out, shapes[k]));
}

/** ONNX Max: the elementwise largest of one or more tensors, shapes broadcast numpy-style; NaN propagates. */
export function max(...xs: Tensor[]): Tensor {
  return extremum(xs, "max");
}

/** ONNX Min: the elementwise smallest of one or more tensors, shapes broadcast numpy-style; NaN propagates. */
export function min(...xs: Tensor[]): Tensor {
  return extremum(xs, "min");
}

/**
 * Gradients of max from dy and the forward's inputs: dy goes to the input holding the maximum
 * (ties: the first such input), summed over that input's broadcast axes; the others get 0 there.
 */
export function maxBackward(dy: Tensor, xs: Tensor[]): Tensor[] {
  return extremumBackward(dy, xs, "maxBackward");
}

/** Gradients of min: as maxBackward, to the input holding the minimum (ties: the first). */
export function minBackward(dy: Tensor, xs: Tensor[]): Tensor[] {
  return extremumBackward(dy, xs, "minBackward");
}
