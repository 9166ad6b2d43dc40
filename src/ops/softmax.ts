// softmax and logSoftmax with ONNX's axis semantics, and their gradients. x is viewed as
// [outer, A, inner]: with `trailing` false (ONNX opset ≥ 13) A is the size of the one axis `axis`
// (outer = ∏ dims before it, inner = ∏ dims after it); with `trailing` true (ONNX before opset 13,
// which "coerces the input into a 2-D tensor" [∏ dims before axis, ∏ dims from axis on]) A is the
// product of every axis from `axis` on and inner = 1. Element (o, a, i) is at (o·A + a)·inner + i.
//   softmax:    y = exp(x − max) / Σ_a exp(x − max)
//   logSoftmax: y = x − max − log Σ_a exp(x − max)
// Float64 sums rounded once to float32 (the channel case gives the bits of Net's Softmax layer);
// a JS loop, not a wasm kernel.
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

/** Runs `row(base, stride)` for every normalised row: elements base + a·stride, a < A. */
function forEachRow(g: SoftmaxGeometry, row: (base: number, stride: number) => void): void {
  for (let o = 0; o < g.outer; o++) for (let i = 0; i < g.inner; i++) row(o * g.A * g.inner + i, g.inner);
}

function forward(x: Tensor, attrs: SoftmaxAttrs | undefined, op: string, log: boolean): Tensor {
  const shape = checkTensor(x, `${op}(x)`);
  const g = softmaxGeometry(shape, attrs, op);
  const xs = plain(x).data, y = new Float32Array(xs.length);
  forEachRow(g, (base, stride) => {
    const end = base + g.A * stride;
    let max = -Infinity;
    for (let j = base; j < end; j += stride) max = Math.max(max, xs[j]);
    let sum = 0;
    for (let j = base; j < end; j += stride) sum += Math.exp(xs[j] - max);
    if (log) {
      const lse = Math.log(sum);
      for (let j = base; j < end; j += stride) y[j] = xs[j] - max - lse;
    } else {
      for (let j = base; j < end; j += stride) y[j] = Math.exp(xs[j] - max) / sum;
    }
  });
  return tensor(y, shape.slice());
}

function backward(dy: Tensor, y: Tensor, attrs: SoftmaxAttrs | undefined, op: string, log: boolean): Tensor {
  const shape = checkTensor(y, `${op}(y)`);
  checkSameShape(checkTensor(dy, `${op}(dy)`), shape, `${op}(dy)`, "the shape of y");
  const g = softmaxGeometry(shape, attrs, op);
  const ys = plain(y).data, gs = plain(dy).data, dx = new Float32Array(ys.length);
  forEachRow(g, (base, stride) => {
    const end = base + g.A * stride;
    let s = 0;
    // softmax: dx = y ⊙ (dy − Σ dy·y); logSoftmax: dx = dy − exp(y)·Σ dy
    for (let j = base; j < end; j += stride) s += log ? gs[j] : gs[j] * ys[j];
    for (let j = base; j < end; j += stride) dx[j] = log ? gs[j] - Math.exp(ys[j]) * s : ys[j] * (gs[j] - s);
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

