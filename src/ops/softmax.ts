// softmax and logSoftmax with ONNX's axis semantics, and their gradients. x is viewed as
// [outer, A, inner]: with `trailing` false (ONNX opset ≥ 13) A is the size of the one axis `axis`
// (outer = ∏ dims before it, inner = ∏ dims after it); with `trailing` true (ONNX before opset 13,
// which "coerces the input into a 2-D tensor" [∏ dims before axis, ∏ dims from axis on]) A is the
// product of every axis from `axis` on and inner = 1. Element (o, a, i) is at (o·A + a)·inner + i.
//   softmax:    y = exp(x − max) / Σ_a exp(x − max)
//   logSoftmax: y = x − max − log Σ_a exp(x − max)
// Float64 sums rounded once to float32 (the channel case gives the bits of Net's Softmax layer);
// a JS loop, not a wasm kernel. The loops sweep each [A, inner] block row by row (a outer, the
// inner positions contiguous) in chunks of positions, so reads run along memory even for the
// channel axis (inner = H·W), and each exp is computed once; per position the float64 operations
// and their order are the definition's (max, Σ over a ascending, then the quotient or difference).
import { checkAttrNames, show } from "../attrs.js";
import { AttributeError, ShapeError } from "../errors.js";
import { type Tensor, checkTensor, plain, tensor } from "../tensor.js";
import { readAxis } from "./concat.js";
import { checkSameShape } from "./run.js";

/**
 * The axes to normalise over: `axis` (default 1, the channel axis; negative counts from the end)
 * alone, or with `trailing` every axis from `axis` on (ONNX's Softmax/LogSoftmax before opset 13).
 */
export interface SoftmaxAttrs { axis?: number; trailing?: boolean }

/** x as [outer, A, inner] for these attributes. */
export interface SoftmaxGeometry { outer: number; A: number; inner: number; axis: number; trailing: boolean }

/** Resolves the attributes for an input of `shape`; errors name `op`. */
export function softmaxGeometry(shape: readonly number[], attrs: unknown, op: string): SoftmaxGeometry {
  const a = checkAttrNames(attrs, ["axis", "trailing"], op);
  if (shape.length === 0) throw new ShapeError(`${op}(x): a scalar [] has no axis to normalise over`);
  const axis = readAxis(a.axis ?? 1, shape.length, `${op}(attrs.axis)`);
  if (a.trailing !== undefined && typeof a.trailing !== "boolean") throw new AttributeError(`${op}(attrs.trailing): expected true or false, got ${show(a.trailing)}`);
  const trailing = a.trailing === true;
  const prod = (d: readonly number[]) => d.reduce((p, v) => p * v, 1);
  const outer = prod(shape.slice(0, axis));
  return trailing
    ? { outer, A: prod(shape.slice(axis)), inner: 1, axis, trailing }
    : { outer, A: shape[axis], inner: prod(shape.slice(axis + 1)), axis, trailing };
}

/** Inner positions per sweep: the chunk's running max, sum and exps (A·CHUNK float64) stay in cache. */
const CHUNK = 1024;

/**
 * Runs `chunk(base, i0, n)` for every block of normalised rows: the rows of outer index o at inner
 * positions i0 … i0 + n − 1, element (a, i) at base + a·inner + i.
 */
function forEachChunk(g: SoftmaxGeometry, chunk: (base: number, i0: number, n: number) => void): void {
  for (let o = 0; o < g.outer; o++) {
    for (let i0 = 0; i0 < g.inner; i0 += CHUNK) chunk(o * g.A * g.inner, i0, Math.min(CHUNK, g.inner - i0));
  }
}

function forward(x: Tensor, attrs: SoftmaxAttrs | undefined, op: string, log: boolean): Tensor {
  const shape = checkTensor(x, `${op}(x)`);
  const g = softmaxGeometry(shape, attrs, op);
  const xs = plain(x).data, y = new Float32Array(xs.length);
  const { A, inner } = g, width = Math.min(CHUNK, inner);
  const max = new Float64Array(width), sum = new Float64Array(width), e = new Float64Array(A * width);
  forEachChunk(g, (base, i0, n) => {
    max.fill(-Infinity, 0, n);
    sum.fill(0, 0, n);
    for (let a = 0; a < A; a++) {
      const row = base + a * inner + i0;
      for (let i = 0; i < n; i++) max[i] = Math.max(max[i], xs[row + i]);
    }
    for (let a = 0; a < A; a++) {
      const row = base + a * inner + i0;
      for (let i = 0; i < n; i++) sum[i] += e[a * width + i] = Math.exp(xs[row + i] - max[i]);
    }
    if (log) {
      for (let i = 0; i < n; i++) sum[i] = Math.log(sum[i]); // log Σ
      for (let a = 0; a < A; a++) {
        const row = base + a * inner + i0;
        for (let i = 0; i < n; i++) y[row + i] = xs[row + i] - max[i] - sum[i];
      }
    } else {
      for (let a = 0; a < A; a++) {
        const row = base + a * inner + i0;
        for (let i = 0; i < n; i++) y[row + i] = e[a * width + i] / sum[i];
      }
    }
  });
  return tensor(y, shape.slice());
}

function backward(dy: Tensor, y: Tensor, attrs: SoftmaxAttrs | undefined, op: string, log: boolean): Tensor {
  const shape = checkTensor(y, `${op}(y)`);
  checkSameShape(checkTensor(dy, `${op}(dy)`), shape, `${op}(dy)`, "the shape of y");
  const g = softmaxGeometry(shape, attrs, op);
  const ys = plain(y).data, gs = plain(dy).data, dx = new Float32Array(ys.length);
  const { A, inner } = g, s = new Float64Array(Math.min(CHUNK, inner));
  forEachChunk(g, (base, i0, n) => {
    s.fill(0, 0, n);
    // softmax: dx = y ⊙ (dy − Σ dy·y); logSoftmax: dx = dy − exp(y)·Σ dy
    for (let a = 0; a < A; a++) {
      const row = base + a * inner + i0;
      for (let i = 0; i < n; i++) s[i] += log ? gs[row + i] : gs[row + i] * ys[row + i];
    }
    for (let a = 0; a < A; a++) {
      const row = base + a * inner + i0;
      for (let i = 0; i < n; i++) dx[row + i] = log ? gs[row + i] - Math.exp(ys[row + i]) * s[i] : ys[row + i] * (gs[row + i] - s[i]);
    }
  });
  return tensor(dx, shape.slice());
}

/**
 * ONNX Softmax: from opset 13 over the one axis `axis` (`{ axis }`), before 13 over every axis
 * from `axis` on (`{ axis, trailing: true }`). Default: the channel axis (1), as Net's Softmax.
 * @param x any rank ≥ 1
 * @returns y of x's shape; each normalised row sums to 1
 */
export function softmax(x: Tensor, attrs?: SoftmaxAttrs): Tensor {
  return forward(x, attrs, "softmax", false);
}

/** The gradient of softmax from its output y: dx = y ⊙ (dy − Σ dy·y) along the normalised axes. */
export function softmaxBackward(dy: Tensor, y: Tensor, attrs?: SoftmaxAttrs): Tensor {
  return backward(dy, y, attrs, "softmaxBackward", false);
}

/** ONNX LogSoftmax, the axes as softmax's: y = x − max − log Σ exp(x − max) (stable for large |x|). */
export function logSoftmax(x: Tensor, attrs?: SoftmaxAttrs): Tensor {
  return forward(x, attrs, "logSoftmax", true);
}

/** The gradient of logSoftmax from its output y: dx = dy − exp(y)·Σ dy along the normalised axes. */
export function logSoftmaxBackward(dy: Tensor, y: Tensor, attrs?: SoftmaxAttrs): Tensor {
  return backward(dy, y, attrs, "logSoftmaxBackward", true);
}

