// lrn: ONNX LRN (local response normalisation across channels, AlexNet's and GoogLeNet's) on
// x [N, C, …]: with lo = ⌊(size−1)/2⌋, hi = ⌈(size−1)/2⌉ and the channel window
// W(c) = [max(0, c − lo), min(C−1, c + hi)],
//   s[n, c, p] = bias + (alpha/size)·Σ_{i∈W(c)} x[n, i, p]²,   y[n, c, p] = x[n, c, p]·s[n, c, p]^(−beta)
// in float64, rounded once. Its gradient (j ∈ W(c) ⟺ j − hi ≤ c ≤ j + lo):
//   dx[j] = dy[j]·s[j]^(−β) − (2·alpha·β/size)·x[j]·Σ_{c: j∈W(c)} dy[c]·x[c]·s[c]^(−β−1).
import { checkAttrNames, readNumber, readPositiveInt } from "../attrs.js";
import { AttributeError, ShapeError } from "../errors.js";
import { type Tensor, checkTensor, describeShape, plain, tensor } from "../tensor.js";
import { checkSameShape } from "./run.js";

/** LRN's attributes: `size` (required, the channel window), alpha 1e-4, beta 0.75, bias 1 (ONNX's defaults). */
export interface LrnAttrs { size: number; alpha?: number; beta?: number; bias?: number }

/** The resolved attributes; errors name `op`. */
export function lrnAttrs(attrs: unknown, op: string): Required<LrnAttrs> {
  const a = checkAttrNames(attrs, ["size", "alpha", "beta", "bias"], op);
  if (a.size === undefined) throw new AttributeError(`${op}(attrs.size): required (the number of channels to sum over), got nothing`);
  return {
    size: readPositiveInt(a.size, `${op}(attrs.size)`, 1),
    alpha: readNumber(a.alpha, `${op}(attrs.alpha)`, 1e-4),
    beta: readNumber(a.beta, `${op}(attrs.beta)`, 0.75),
    bias: readNumber(a.bias, `${op}(attrs.bias)`, 1),
  };
}

/** Checks that `shape` is [N, C, …] (rank ≥ 2, as ONNX defines LRN). */
export function checkLrnShape(shape: readonly number[], name: string): void {
  if (shape.length < 2) throw new ShapeError(`${name}: expected [N, C, …] (rank ≥ 2), got ${describeShape(shape)}`);
}

/** s[n, c, p] = bias + (alpha/size)·Σ_{i∈W(c)} x[n, i, p]² in float64, for x of `shape`. */
function windowSums(x: Float32Array, shape: readonly number[], a: Required<LrnAttrs>): Float64Array {
  const [N, C] = shape, plane = shape.slice(2).reduce((p, d) => p * d, 1);
  const lo = Math.floor((a.size - 1) / 2), hi = Math.ceil((a.size - 1) / 2), k = a.alpha / a.size;
  const s = new Float64Array(x.length);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const at = (n * C + c) * plane;
      for (let i = Math.max(0, c - lo); i <= Math.min(C - 1, c + hi); i++) {
        const from = (n * C + i) * plane;
        for (let p = 0; p < plane; p++) s[at + p] += x[from + p] * x[from + p];
      }
      for (let p = 0; p < plane; p++) s[at + p] = a.bias + k * s[at + p];
    }
  }
  return s;
}

/**
 * ONNX LRN (opsets 1–13).
 * @param x [N, C, …]
 * @returns y, x's shape
 */
export function lrn(x: Tensor, attrs: LrnAttrs): Tensor {
  const shape = checkTensor(x, "lrn(x)");
  checkLrnShape(shape, "lrn(x)");
  const a = lrnAttrs(attrs, "lrn");
  const xs = plain(x).data;
  const s = windowSums(xs, shape, a);
  const y = new Float32Array(xs.length);
  for (let i = 0; i < y.length; i++) y[i] = xs[i] * Math.pow(s[i], -a.beta);
  return tensor(y, shape.slice());
}

/**
 * Gradient of lrn: dL/dx from dL/dy and the forward input x (see the header for the formula).
 * @param dy x's shape
 */
export function lrnBackward(dy: Tensor, x: Tensor, attrs: LrnAttrs): Tensor {
  const shape = checkTensor(x, "lrnBackward(x)");
  checkLrnShape(shape, "lrnBackward(x)");
  checkSameShape(checkTensor(dy, "lrnBackward(dy)"), shape, "lrnBackward(dy)", "x's shape");
  const a = lrnAttrs(attrs, "lrnBackward");
  const xs = plain(x).data, g = plain(dy).data;
  const s = windowSums(xs, shape, a);
  const [N, C] = shape, plane = shape.slice(2).reduce((p, d) => p * d, 1);
  const lo = Math.floor((a.size - 1) / 2), hi = Math.ceil((a.size - 1) / 2), k = (2 * a.alpha * a.beta) / a.size;
  // t[c] = dy[c]·x[c]·s[c]^(−β−1), then dx[j] = dy[j]·s[j]^(−β) − k·x[j]·Σ_{c=j−hi}^{j+lo} t[c]
  const t = new Float64Array(xs.length);
  for (let i = 0; i < t.length; i++) t[i] = g[i] * xs[i] * Math.pow(s[i], -a.beta - 1);
  const dx = new Float32Array(xs.length);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < C; j++) {
      const at = (n * C + j) * plane;
      for (let p = 0; p < plane; p++) {
        let sum = 0;
        for (let c = Math.max(0, j - hi); c <= Math.min(C - 1, j + lo); c++) sum += t[(n * C + c) * plane + p];
        dx[at + p] = g[at + p] * Math.pow(s[at + p], -a.beta) - k * xs[at + p] * sum;
      }
    }
  }
  return tensor(dx, shape.slice());
}
