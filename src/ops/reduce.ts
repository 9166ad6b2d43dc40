// reduceSum / reduceMean / reduceMax / reduceMin: ONNX's ReduceSum, ReduceMean, ReduceMax and
// ReduceMin over any set of axes. y[j] = ⊕ x[i] over every i whose index equals j's on the kept
// axes: with x's strides per axis, the output index of i is Σ over kept axes a of i_a·ystride_a
// (ystride 0 on a reduced axis, so a reduced axis maps every i_a to the same y). Sums are
// accumulated in float64 and rounded once (ReduceMean divides the float64 sum by the count of
// reduced elements). Max/Min propagate NaN (numpy, ONNX's reference). Over an empty set (a reduced
// axis of size 0) the result is the reduction's identity, as ONNX 18 says: 0 for Sum, −∞ for Max,
// +∞ for Min; Mean is 0/0 = NaN there. No axes (absent or empty) reduce every axis, unless
// `noopWithEmptyAxes` (ONNX 13/18), which makes the op the identity.
// Gradients: Sum and Mean spread dy back over the reduced elements (Mean times 1/count); Max and Min
// have none here (their output picks elements; the layers cannot train).
import { checkAttrNames, readFlag } from "../attrs.js";
import { AttributeError } from "../errors.js";
import { type Tensor, checkTensor, describeShape, plain, tensor } from "../tensor.js";
import { checkSameShape } from "./run.js";
import { readAxis } from "./concat.js";

/** The attributes of the reductions, ONNX's defaults: every axis, keepdims true, noopWithEmptyAxes false. */
export interface ReduceAttrs { axes?: readonly number[]; keepdims?: boolean | 0 | 1; noopWithEmptyAxes?: boolean | 0 | 1 }

/** The four reductions. */
export type ReduceKind = "sum" | "mean" | "max" | "min";

/** The resolved reduction for an input of `shape`: which axes reduce, the output shape, and whether it is the identity. */
export interface ReduceGeometry { reduced: boolean[]; outShape: number[]; identity: boolean }

/** Resolves `attrs` for an input of `shape`; errors name `op`. */
export function reduceGeometry(shape: readonly number[], attrs: unknown, op: string): ReduceGeometry {
  const a = checkAttrNames(attrs, ["axes", "keepdims", "noopWithEmptyAxes"], op);
  const keepdims = a.keepdims === undefined ? true : readFlag(a.keepdims, `${op}(attrs.keepdims)`);
  const noop = readFlag(a.noopWithEmptyAxes, `${op}(attrs.noopWithEmptyAxes)`);
  if (a.axes !== undefined && !Array.isArray(a.axes)) throw new AttributeError(`${op}(attrs.axes): expected an array of axes, got ${typeof a.axes}`);
  const axes = (a.axes ?? []) as unknown[];
  const reduced = shape.map(() => axes.length === 0 && !noop);
  for (const [k, v] of axes.entries()) {
    const axis = readAxis(v, shape.length, `${op}(attrs.axes[${k}])`);
    if (reduced[axis] && axes.length > 0) throw new AttributeError(`${op}(attrs.axes): axis ${axis} is given twice in [${axes.join(", ")}]`);
    reduced[axis] = true;
  }
  const identity = reduced.every((r) => !r);
  const outShape = keepdims ? shape.map((d, i) => (reduced[i] ? 1 : d)) : shape.filter((_, i) => !reduced[i]);
  return { reduced, outShape, identity };
}

/**
 * For each element i of x (row-major), the index of the output element it reduces into, by the
 * strides of the kept axes (odometer over x's index).
 */
function outputIndices(shape: readonly number[], reduced: readonly boolean[]): Int32Array {
  const n = shape.reduce((p, d) => p * d, 1);
  const ystride = new Array<number>(shape.length).fill(0);
  for (let a = shape.length - 1, s = 1; a >= 0; a--) if (!reduced[a]) { ystride[a] = s; s *= shape[a]; }
  const index = new Array<number>(shape.length).fill(0);
  const out = new Int32Array(n);
  let j = 0;
  for (let i = 0; i < n; i++) {
    out[i] = j;
    // advance the odometer: the last axis first
    for (let a = shape.length - 1; a >= 0; a--) {
      index[a]++;
      j += ystride[a];
      if (index[a] < shape[a]) break;
      j -= ystride[a] * shape[a];
      index[a] = 0;
    }
  }
  return out;
}

function reduce(kind: ReduceKind, op: string, x: Tensor, attrs: ReduceAttrs | undefined): Tensor {
  const shape = checkTensor(x, `${op}(x)`);
  const { reduced, outShape, identity } = reduceGeometry(shape, attrs, op);
  const xs = plain(x).data;
  if (identity) return tensor(Float32Array.from(xs), outShape);
  const m = outShape.reduce((p, d) => p * d, 1);
  const count = shape.reduce((p, d, a) => (reduced[a] ? p * d : p), 1);
  const into = outputIndices(shape, reduced);
  const acc = new Float64Array(m).fill(kind === "max" ? -Infinity : kind === "min" ? Infinity : 0);
  if (kind === "sum" || kind === "mean") {
    for (let i = 0; i < xs.length; i++) acc[into[i]] += xs[i];
    if (kind === "mean") for (let j = 0; j < m; j++) acc[j] /= count;
  } else {
    // NaN wins (numpy's max/min): once a NaN is in, no comparison replaces it
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i], j = into[i];
      if (Number.isNaN(v) || (kind === "max" ? v > acc[j] : v < acc[j])) acc[j] = v;
    }
  }
  return tensor(Float32Array.from(acc), outShape);
}

/** ONNX ReduceSum: Σ over `axes` (all by default), float64 accumulation rounded once. @returns x's shape with the axes set to 1 (keepdims) or removed */
export function reduceSum(x: Tensor, attrs?: ReduceAttrs): Tensor { return reduce("sum", "reduceSum", x, attrs); }
/** ONNX ReduceMean: the float64 sum over `axes` divided by their element count, rounded once. */
export function reduceMean(x: Tensor, attrs?: ReduceAttrs): Tensor { return reduce("mean", "reduceMean", x, attrs); }
/** ONNX ReduceMax: the largest element over `axes` (NaN if any is NaN; −∞ over an empty axis). No gradient. */
export function reduceMax(x: Tensor, attrs?: ReduceAttrs): Tensor { return reduce("max", "reduceMax", x, attrs); }
/** ONNX ReduceMin: the smallest element over `axes` (NaN if any is NaN; +∞ over an empty axis). No gradient. */
export function reduceMin(x: Tensor, attrs?: ReduceAttrs): Tensor { return reduce("min", "reduceMin", x, attrs); }

/**
 * Gradient of reduceSum (kind "sum") or reduceMean ("mean"): dx[i] = dy[j(i)] (times 1/count for
 * the mean), j(i) the output element x[i] reduced into.
 * @param dy the forward output's shape
 * @param xShape the forward input's shape
 */
export function reduceBackward(kind: "sum" | "mean", dy: Tensor, xShape: readonly number[], attrs?: ReduceAttrs): Tensor {
  const op = kind === "sum" ? "reduceSumBackward" : "reduceMeanBackward";
  const dyShape = checkTensor(dy, `${op}(dy)`);
  const { reduced, outShape, identity } = reduceGeometry(xShape, attrs, op);
  checkSameShape(dyShape, outShape, `${op}(dy)`, `the output of x ${describeShape(xShape)}`);
  const g = plain(dy).data;
  if (identity) return tensor(Float32Array.from(g), xShape.slice());
  const count = xShape.reduce((p, d, a) => (reduced[a] ? p * d : p), 1);
  const into = outputIndices(xShape, reduced);
  const dx = new Float32Array(into.length);
  for (let i = 0; i < dx.length; i++) dx[i] = kind === "sum" ? g[into[i]] : g[into[i]] / count;
  return tensor(dx, xShape.slice());
}
