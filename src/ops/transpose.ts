// transpose: ONNX Transpose — y's axis i is x's axis perm[i] (default perm: the axes reversed), so
// y[j₀, …, j_{r−1}] = x[i] with i[perm[k]] = j_k. Its backward is the transpose by the inverse
// permutation. The values move with the strided-copy kernel (strided-copy.ts); permuteCopy and
// permuteTensor are shared with depthToSpace / spaceToDepth (a transpose of a 6-D view, as ONNX
// defines them).
import { checkAttrNames, show } from "../attrs.js";
import { AttributeError } from "../errors.js";
import { type Tensor, checkTensor } from "../tensor.js";
import { type CopyAxis, type StridedCopy, intoTensor, planCopy, rowStrides, runCopy } from "./strided-copy.js";

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
 * The copy that transposes a row-major x of `shape` by `perm` into a row-major y: y's axes in
 * order, axis k stepping x by x's stride of axis perm[k] (planned for the kernel by planCopy).
 */
export function permuteCopy(shape: readonly number[], perm: readonly number[]): StridedCopy {
  const xStride = rowStrides(shape);
  const axes: CopyAxis[] = new Array<CopyAxis>(perm.length);
  for (let k = perm.length - 1, t = 1; k >= 0; k--) { axes[k] = { n: shape[perm[k]], s: xStride[perm[k]], t }; t *= shape[perm[k]]; }
  return planCopy(axes);
}

/**
 * x's values (viewed as `shape`, row-major) transposed by `perm` (checked by the caller) into a
 * new tensor of `outShape`, with the wasm kernel; `what` names x in memory errors.
 */
export function permuteTensor(x: Tensor, shape: readonly number[], perm: readonly number[], outShape: number[], what: string): Tensor {
  const c = permuteCopy(shape, perm);
  return intoTensor(x, outShape, what, (rt, px, py) => runCopy(rt, c, px, py));
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
  return permuteTensor(x, shape, perm, transposeShape(shape, perm), "transpose(x)");
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
  return permuteTensor(dy, shape, perm, transposeShape(shape, perm), "transposeBackward(dy)");
}
