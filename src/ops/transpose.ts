// transpose: ONNX Transpose — y's axis i is x's axis perm[i] (default perm: the axes reversed), so
// y[j₀, …, j_{r−1}] = x[i] with i[perm[k]] = j_k. Its backward is the transpose by the inverse
// permutation. `permute` is the data movement itself, shared with depthToSpace / spaceToDepth
// (which are a transpose of a 6-D view, as ONNX defines them).
import { checkAttrNames, show } from "../attrs.js";
import { AttributeError } from "../errors.js";
import { type Tensor, checkTensor, plain, tensor } from "../tensor.js";
import { product } from "./run.js";

/** Transpose's attribute: the permutation of the axes (default: reversed, as numpy's transpose). */
export interface TransposeAttrs { perm?: readonly number[] }

/**
 * Reads `perm` for tensors of `rank`: a permutation of 0…rank−1 (absent: rank−1, …, 0). ONNX
 * allows no negative entries in perm.
 */
export function readPerm(value: unknown, rank: number, name: string): number[] {
  if (value === undefined) return Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (!Array.isArray(value)) throw new AttributeError(`${name}: expected an array of ${rank} axes, got ${show(value)}`);
  if (value.length !== rank) throw new AttributeError(`${name}: expected a permutation of the ${rank} axes 0…${rank - 1}, got ${value.length} entries ${show(value)}`);
  const seen = new Array<boolean>(rank).fill(false);
  for (let i = 0; i < rank; i++) {
    const a: unknown = value[i];
    if (typeof a !== "number" || !Number.isInteger(a) || a < 0 || a >= rank) throw new AttributeError(`${name}[${i}]: expected an axis from 0 to ${rank - 1}, got ${show(a)}`);
    if (seen[a]) throw new AttributeError(`${name}: axis ${a} appears twice in ${show(value)}; expected a permutation of 0…${rank - 1}`);
    seen[a] = true;
  }
  return (value as number[]).slice();
}

/** The inverse permutation: inverse[perm[i]] = i. */
export function invertPerm(perm: readonly number[]): number[] {
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => { inverse[p] = i; });
  return inverse;
}

/** The shape of x transposed by perm: out[i] = shape[perm[i]]. */
export function transposeShape(shape: readonly number[], perm: readonly number[]): number[] {
  return perm.map((p) => shape[p]);
}

/**
 * Moves the values of x (row-major, `shape`) into the layout of x transposed by `perm` (checked
 * by the caller). Walks y in order with an odometer over its axes; stepping y's axis k moves
 * x's flat index by x's stride of axis perm[k].
 */
export function permute(x: Float32Array, shape: readonly number[], perm: readonly number[], into?: Float32Array): Float32Array {
  const rank = shape.length, n = product(shape);
  const y = into ?? new Float32Array(n); // `into`: n floats not overlapping x (a Net plan's output block)
  if (n === 0) return y;
  const xStride = new Array<number>(rank);
  for (let a = rank - 1, s = 1; a >= 0; a--) { xStride[a] = s; s *= shape[a]; }
  const outShape = transposeShape(shape, perm), step = perm.map((p) => xStride[p]);
  if (rank === 0) { y[0] = x[0]; return y; }
  // the last two axes of y in two tight loops (DepthToSpace's last axis is only b long), the
  // odometer over the axes before them
  const last = rank - 1, inner = outShape[last], innerStep = step[last];
  const outer = rank - 2, mid = rank >= 2 ? outShape[outer] : 1, midStep = rank >= 2 ? step[outer] : 0;
  const index = new Array<number>(rank).fill(0); // y's multi-index over the axes before the last two
  let from = 0; // Σ_k index[k] · step[k]
  for (let at = 0; at < n; at += inner * mid) {
    for (let m = 0, im = from, o = at; m < mid; m++, im += midStep) {
      for (let j = 0, i = im; j < inner; j++, i += innerStep) y[o++] = x[i];
    }
    // carry: advance the odometer over axes last−2 … 0
    for (let k = outer - 1; k >= 0; k--) {
      if (++index[k] < outShape[k]) { from += step[k]; break; }
      from -= (outShape[k] - 1) * step[k];
      index[k] = 0;
    }
  }
  return y;
}

/**
 * ONNX Transpose (opsets 1–22).
 * @param x any rank
 * @param attrs perm: y's axis i is x's axis perm[i]; default the axes reversed
 * @returns y of shape [x.shape[perm[0]], …]
 */
export function transpose(x: Tensor, attrs?: TransposeAttrs): Tensor {
  const shape = checkTensor(x, "transpose(x)");
  const a = checkAttrNames(attrs, ["perm"], "transpose");
  const perm = readPerm(a.perm, shape.length, "transpose(attrs.perm)");
  return tensor(permute(plain(x).data, shape, perm), transposeShape(shape, perm));
}

/**
 * Gradient of transpose: dy transposed back by the inverse permutation.
 * @param dy y's shape (x's shape permuted by perm)
 * @returns dx of x's shape
 */
export function transposeBackward(dy: Tensor, attrs?: TransposeAttrs): Tensor {
  const shape = checkTensor(dy, "transposeBackward(dy)");
  const a = checkAttrNames(attrs, ["perm"], "transposeBackward");
  const perm = invertPerm(readPerm(a.perm, shape.length, "transposeBackward(attrs.perm)"));
  return tensor(permute(plain(dy).data, shape, perm), transposeShape(shape, perm));
}
