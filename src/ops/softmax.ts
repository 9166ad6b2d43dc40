// softmax and logSoftmax with ONNX's axis semantics, and their gradients. x is viewed as
// [outer, A, inner]: with `trailing` false (ONNX opset ≥ 13) A is the size of the one axis `axis`
// (outer = ∏ dims before it, inner = ∏ dims after it); with `trailing` true (ONNX before opset 13,
// which "coerces the input into a 2-D tensor" [∏ dims before axis, ∏ dims from axis on]) A is the
// product of every axis from `axis` on and inner = 1. Element (o, a, i) is at (o·A + a)·inner + i.
//   softmax:    y = exp(x − max) / Σ_a exp(x − max)
//   logSoftmax: y = x − max − log Σ_a exp(x − max)
// softmax runs the wasm kernel f32_softmax__simd (assembly/eltwise/softmax.ts): e = exp(x − max)
// in float32 (activation.ts's exp, within 2.4 ulp), Σ e in float64, the quotient in float64 rounded
// once: within a few float32 ulp of the float64 definition (test/ref/softmax.ts). Net's channel
// Softmax layer and the Softmax layer op call it too, so every path gives the same bits.
// logSoftmax and the gradients are float64 JS loops (sums rounded once) that sweep each
// [A, inner] block row by row in chunks of positions (reads along memory even for the channel
// axis), each exp computed once.
import { checkAttrNames, show } from "../attrs.js";
import { AttributeError, ShapeError } from "../errors.js";
import { type Tensor, checkTensor, plain, tensor } from "../tensor.js";
import { readAxis } from "./concat.js";
import { checkSameShape, operand, withArena } from "./run.js";

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
  if (!log) {
    const n = g.outer * g.A * g.inner;
    return withArena((rt) => {
      const px = operand(rt, x, `${op}(x)`), py = rt.arena.alloc(n * 4, `${op} output`);
      const work = rt.arena.alloc(rt.kernels.f32_softmax_workspace_bytes(), `${op} workspace`);
      rt.kernels.f32_softmax__simd(px, py, g.outer, g.A, g.inner, work);
      return tensor(rt.arena.take(py, n), shape.slice());
    });
  }
  // logSoftmax: y = x − max − log Σ exp(x − max), per position in float64
  const xs = plain(x).data, y = new Float32Array(xs.length);
  const { A, inner } = g, width = Math.min(CHUNK, inner);
  const max = new Float64Array(width), lse = new Float64Array(width);
  forEachChunk(g, (base, i0, n) => {
    max.fill(-Infinity, 0, n);
    lse.fill(0, 0, n);
    for (let a = 0; a < A; a++) {
      const row = base + a * inner + i0;
      for (let i = 0; i < n; i++) max[i] = Math.max(max[i], xs[row + i]);
    }
    for (let a = 0; a < A; a++) {
      const row = base + a * inner + i0;
      for (let i = 0; i < n; i++) lse[i] += Math.exp(xs[row + i] - max[i]);
    }
    for (let i = 0; i < n; i++) lse[i] = Math.log(lse[i]);
    for (let a = 0; a < A; a++) {
      const row = base + a * inner + i0;
      for (let i = 0; i < n; i++) y[row + i] = xs[row + i] - max[i] - lse[i];
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

