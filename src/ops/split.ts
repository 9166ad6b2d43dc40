// split: ONNX Split — x cut along `axis` into consecutive pieces, of the given sizes, or into
// `split` = k pieces of ⌈n / k⌉ with the last one smaller when n does not divide (ONNX's
// num_outputs rule, opset 18). Piece i is x[…, offsetᵢ : offsetᵢ + sizeᵢ, …] with
// offsetᵢ = Σ_{j<i} sizeⱼ (concat.ts's concatBackward does the cutting). Its backward is Concat
// of the pieces' gradients (a piece with none contributes zeros).
import { checkAttrNames, show } from "../attrs.js";
import { AttributeError, ShapeError } from "../errors.js";
import { type Tensor, checkDims, checkTensor, describeShape, tensor } from "../tensor.js";
import { concat, concatBackward, readAxis } from "./concat.js";
import { product } from "./run.js";

/** Split's attributes: the axis (default 0, as ONNX) and the pieces' sizes, or how many pieces. */
export interface SplitAttrs {
  axis?: number;
  split: readonly number[] | number;
}

/** The axis (non-negative) and the pieces' sizes along it for x of `xShape`; errors name `op`. */
export function resolveSplit(xShape: readonly number[], attrs: unknown, op = "split"): { axis: number; sizes: number[] } {
  const a = checkAttrNames(attrs, ["axis", "split"], op);
  if (xShape.length === 0) throw new ShapeError(`${op}(x): a scalar [] has no axis to split`);
  const axis = readAxis(a.axis ?? 0, xShape.length, `${op}(attrs.axis)`);
  const n = xShape[axis], s = a.split;
  if (typeof s === "number") {
    if (!Number.isInteger(s) || s < 1) throw new AttributeError(`${op}(attrs.split): expected a positive number of pieces or an array of sizes, got ${show(s)}`);
    // ONNX num_outputs: pieces of ⌈n / k⌉, the last one whatever remains
    const chunk = Math.ceil(n / s);
    if (chunk * (s - 1) > n) throw new ShapeError(`${op}: ${s} pieces of ⌈${n} / ${s}⌉ = ${chunk} do not fit axis ${axis} of x ${describeShape(xShape)} (the last would be negative)`);
    return { axis, sizes: Array.from({ length: s }, (_, i) => (i < s - 1 ? chunk : n - chunk * (s - 1))) };
  }
  if (!Array.isArray(s)) throw new AttributeError(`${op}(attrs.split): expected an array of sizes or a number of pieces, got ${s === undefined ? "nothing" : show(s)}`);
  let sizes: number[];
  try {
    sizes = checkDims(s, `${op}(attrs.split)`);
  } catch (e) {
    throw new AttributeError((e as Error).message);
  }
  const total = sizes.reduce((t, d) => t + d, 0);
  if (total !== n) throw new ShapeError(`${op}(attrs.split): sizes [${sizes.join(", ")}] sum to ${total}, but axis ${axis} of x ${describeShape(xShape)} has ${n}`);
  return { axis, sizes };
}

/**
 * ONNX Split (opsets 2–22) along `attrs.axis`.
 * @param x any rank ≥ 1
 * @param attrs split: the sizes (summing to x's size on axis) or the number of pieces
 * @returns the pieces, in order
 */
export function split(x: Tensor, attrs: SplitAttrs): Tensor[] {
  const xShape = checkTensor(x, "split(x)");
  const { axis, sizes } = resolveSplit(xShape, attrs, "split");
  return concatBackward(x, sizes, { axis });
}

/**
 * The gradient of split: the pieces' gradients joined along the axis (null: that piece had none,
 * it contributes zeros).
 * @param dys one per piece, each of its piece's shape, or null
 * @param xShape the forward input's shape
 */
export function splitBackward(dys: readonly (Tensor | null)[], xShape: readonly number[], attrs: SplitAttrs): Tensor {
  const inShape = checkDims(xShape, "splitBackward(xShape)");
  const { axis, sizes } = resolveSplit(inShape, attrs, "splitBackward");
  if (!Array.isArray(dys) || dys.length !== sizes.length) throw new ShapeError(`splitBackward(dys): expected ${sizes.length} gradients (one per piece), got ${Array.isArray(dys) ? dys.length : show(dys)}`);
  const pieces = sizes.map((size, i) => {
    const shape = inShape.slice();
    shape[axis] = size;
    const dy = dys[i];
    if (dy === null) return tensor(new Float32Array(product(shape)), shape);
    const got = checkTensor(dy, `splitBackward(dys[${i}])`);
    if (got.length !== shape.length || got.some((d, j) => d !== shape[j])) throw new ShapeError(`splitBackward(dys[${i}]): expected piece ${i}'s shape ${describeShape(shape)}, got ${describeShape(got)}`);
    return dy;
  });
  return concat(pieces, { axis });
}
