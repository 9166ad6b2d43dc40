// reshape / flatten: ONNX Reshape and Flatten. Both keep the values in their row-major order and
// change only the shape, so y.data is a copy of x.data and the gradient is dy read with x's shape.
//   Reshape: shape[i] = −1 is inferred (size / ∏ the others), 0 copies x's dim i (unless
//   allowzero, opset 14: then 0 is a literal 0, and −1 beside a 0 is invalid).
//   Flatten: [∏ dims before axis, ∏ dims from axis on] (axis in [−r, r]; negative from opset 11).
import { checkAttrNames, readFlag, show } from "../attrs.js";
import { AttributeError, ShapeError } from "../errors.js";
import { type Tensor, checkDims, checkTensor, describeShape, plain, tensor } from "../tensor.js";
import { product } from "./run.js";

/** Reshape's attributes: the target shape (−1 inferred, 0 copied unless `allowzero`). */
export interface ReshapeAttrs { shape: readonly number[]; allowzero?: boolean | 0 | 1 }
/** Flatten's attribute: the first axis of the second output dim (default 1; negative counts from the end). */
export interface FlattenAttrs { axis?: number }

/** Reads Reshape's `shape` (integers ≥ −1, at most one −1). */
export function readReshapeShape(value: unknown, name: string): number[] {
  if (!Array.isArray(value)) throw new AttributeError(`${name}: expected an array of dims (−1 inferred, 0 copied), got ${value === undefined ? "nothing" : show(value)}`);
  const dims: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const d: unknown = value[i];
    if (typeof d !== "number" || !Number.isInteger(d) || d < -1 || d > 2 ** 31 - 1) throw new AttributeError(`${name}[${i}]: expected an integer ≥ −1, got ${show(d)}`);
    dims.push(d);
  }
  if (dims.filter((d) => d === -1).length > 1) throw new AttributeError(`${name}: at most one −1 (inferred) dim, got ${show(value)}`);
  return dims;
}

/** The output shape of reshaping x `shape` by `attrs` (errors name `op`). */
export function reshapeShape(shape: readonly number[], attrs: unknown, op = "reshape"): number[] {
  const a = checkAttrNames(attrs, ["shape", "allowzero"], op);
  const target = readReshapeShape(a.shape, `${op}(attrs.shape)`);
  const allowzero = readFlag(a.allowzero, `${op}(attrs.allowzero)`);
  if (allowzero && target.includes(0) && target.includes(-1)) throw new AttributeError(`${op}(attrs.shape): ${show(target)} holds both 0 and −1, which ONNX forbids with allowzero`);
  const out = target.map((d, i) => {
    if (d !== 0 || allowzero) return d;
    if (i >= shape.length) throw new ShapeError(`${op}(attrs.shape[${i}]): 0 copies input dim ${i}, but the input ${describeShape(shape)} has rank ${shape.length}`);
    return shape[i];
  });
  const size = product(shape), at = out.indexOf(-1);
  if (at >= 0) {
    const known = product(out.filter((_, i) => i !== at));
    if (known === 0 || size % known !== 0) throw new ShapeError(`${op}(attrs.shape): cannot infer the −1 in ${show(target)} for the input ${describeShape(shape)} (${size} elements${known === 0 ? ", the other dims hold 0" : ` not divisible by ${known}`})`);
    out[at] = size / known;
  }
  if (product(out) !== size) throw new ShapeError(`${op}(attrs.shape): ${show(target)} (${describeShape(out)}, ${product(out)} elements) does not fit the input ${describeShape(shape)} (${size} elements)`);
  return out;
}

/** The output shape of flattening x `shape` at `attrs.axis`. */
export function flattenShape(shape: readonly number[], attrs: unknown, op = "flatten"): number[] {
  const a = checkAttrNames(attrs, ["axis"], op);
  const rank = shape.length, value = a.axis ?? 1;
  if (typeof value !== "number" || !Number.isInteger(value)) throw new AttributeError(`${op}(attrs.axis): expected an integer axis, got ${show(value)}`);
  if (value < -rank || value > rank) throw new AttributeError(`${op}(attrs.axis): axis ${value} is out of range for rank ${rank} (−${rank} ≤ axis ≤ ${rank})`);
  const axis = value < 0 ? value + rank : value;
  return [product(shape.slice(0, axis)), product(shape.slice(axis))];
}

/** dy read with x's shape, after checking it is the forward's output for xShape. */
export function reshapeGradient(dy: Tensor, xShape: readonly number[], outShape: (x: readonly number[]) => number[], op: string): Tensor {
  const dyShape = checkTensor(dy, `${op}(dy)`);
  const want = outShape(checkDims(xShape, `${op}(xShape)`));
  if (dyShape.length !== want.length || dyShape.some((d, i) => d !== want[i])) throw new ShapeError(`${op}(dy): expected ${describeShape(want)} (the op's output for xShape ${describeShape(xShape)}), got ${describeShape(dyShape)}`);
  return tensor(plain(dy).data.slice(), xShape.slice());
}

/**
 * ONNX Reshape (opsets 5–22; allowzero from 14).
 * @param x any shape
 * @param attrs shape: the target dims (−1 inferred, 0 copies x's dim unless allowzero)
 * @returns y with x's values in the same order
 */
export function reshape(x: Tensor, attrs: ReshapeAttrs): Tensor {
  const shape = checkTensor(x, "reshape(x)");
  return tensor(plain(x).data.slice(), reshapeShape(shape, attrs));
}

/** Gradient of reshape: dy (the output's shape) read with x's shape. */
export function reshapeBackward(dy: Tensor, xShape: readonly number[], attrs: ReshapeAttrs): Tensor {
  return reshapeGradient(dy, xShape, (s) => reshapeShape(s, attrs, "reshapeBackward"), "reshapeBackward");
}

/**
 * ONNX Flatten (opsets 1–22; a negative axis from 11).
 * @param x any shape [d₀, …, d_{r−1}]
 * @returns y [d₀·…·d_{axis−1}, d_axis·…·d_{r−1}]
 */
export function flatten(x: Tensor, attrs?: FlattenAttrs): Tensor {
  const shape = checkTensor(x, "flatten(x)");
  return tensor(plain(x).data.slice(), flattenShape(shape, attrs));
}

/** Gradient of flatten: dy (2-D) read with x's shape. */
export function flattenBackward(dy: Tensor, xShape: readonly number[], attrs?: FlattenAttrs): Tensor {
  return reshapeGradient(dy, xShape, (s) => flattenShape(s, attrs, "flattenBackward"), "flattenBackward");
}
