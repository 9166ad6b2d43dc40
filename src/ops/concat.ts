// concat: ONNX Concat — inputs of the same rank, equal on every axis but `axis`, joined along it.
// Its backward (and ONNX Split with explicit sizes) cuts dy back into the inputs' pieces.
// Viewing every tensor as [outer, axisSize · inner] (outer = ∏ dims before axis, inner = ∏ dims
// after), input i's block for each outer index is one contiguous run of axisSizeᵢ · inner
// elements, placed at offset (Σ_{j<i} axisSizeⱼ) · inner in the output's row of axisTotal · inner.
import { checkAttrNames } from "../attrs.js";
import { AttributeError, ShapeError } from "../errors.js";
import { type Tensor, checkDims, checkTensor, describeShape, plain, tensor } from "../tensor.js";
import { product } from "./run.js";

/** Concat's attribute: the axis to join along (negative counts from the end). Required, as in ONNX. */
export interface ConcatAttrs { axis: number }

/** Reads `axis` for tensors of `rank` (−rank ≤ axis < rank) and returns it non-negative. */
export function readAxis(value: unknown, rank: number, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value)) throw new AttributeError(`${name}: expected an integer axis, got ${value === undefined ? "nothing" : JSON.stringify(value) ?? typeof value}`);
  if (value < -rank || value >= rank) throw new AttributeError(`${name}: axis ${value} is out of range for rank ${rank} (−${rank} ≤ axis < ${rank})`);
  return value < 0 ? value + rank : value;
}

/** The output shape of concatenating tensors of `shapes` along `axis`, with errors naming `op`. */
export function concatShape(shapes: readonly (readonly number[])[], attrs: unknown, op = "concat"): { axis: number; outShape: number[] } {
  const a = checkAttrNames(attrs, ["axis"], op);
  if (shapes.length === 0) throw new ShapeError(`${op}(inputs): expected at least one tensor, got none`);
  const first = shapes[0];
  if (first.length === 0) throw new ShapeError(`${op}(inputs[0]): a scalar [] has no axis to concatenate along`);
  const axis = readAxis(a.axis, first.length, `${op}(attrs.axis)`);
  const out = first.slice();
  out[axis] = 0;
  shapes.forEach((s, i) => {
    if (s.length !== first.length || s.some((d, j) => j !== axis && d !== first[j])) {
      throw new ShapeError(`${op}(inputs[${i}]): ${describeShape(s)} does not fit inputs[0] ${describeShape(first)}: every input must have the same rank and sizes except on axis ${axis}`);
    }
    out[axis] += s[axis];
  });
  return { axis, outShape: out };
}

/**
 * ONNX Concat (opsets 4–22): joins tensors along `attrs.axis`.
 * @param inputs tensors of one rank, equal on every other axis
 * @returns the joined tensor; its `axis` size is the sum of theirs
 */
export function concat(inputs: readonly Tensor[], attrs: ConcatAttrs): Tensor {
  if (!Array.isArray(inputs)) throw new ShapeError(`concat(inputs): expected an array of tensors, got ${inputs === null ? "null" : typeof inputs}`);
  const shapes = inputs.map((t, i) => checkTensor(t, `concat(inputs[${i}])`));
  const { axis, outShape } = concatShape(shapes, attrs);
  const outer = product(outShape.slice(0, axis)), inner = product(outShape.slice(axis + 1));
  const row = outShape[axis] * inner;
  const y = new Float32Array(product(outShape));
  let at = 0; // Σ_{j<i} axisSizeⱼ · inner
  inputs.forEach((t, i) => {
    const run = shapes[i][axis] * inner, x = plain(t).data;
    for (let o = 0; o < outer; o++) y.set(x.subarray(o * run, (o + 1) * run), o * row + at);
    at += run;
  });
  return tensor(y, outShape);
}

/**
 * The gradient of concat, which is also ONNX Split with explicit sizes: dy cut along `axis` into
 * pieces of `sizes[i]` (their sum must be dy's size on that axis).
 */
export function concatBackward(dy: Tensor, sizes: readonly number[], attrs: ConcatAttrs): Tensor[] {
  const shape = checkTensor(dy, "concatBackward(dy)");
  const list = checkDims(sizes, "concatBackward(sizes)");
  const a = checkAttrNames(attrs, ["axis"], "concatBackward");
  const axis = readAxis(a.axis, shape.length, "concatBackward(attrs.axis)");
  const total = list.reduce((s, d) => s + d, 0);
  if (total !== shape[axis]) throw new ShapeError(`concatBackward(sizes): [${list.join(", ")}] sum to ${total}, but dy ${describeShape(shape)} has ${shape[axis]} on axis ${axis}`);
  const outer = product(shape.slice(0, axis)), inner = product(shape.slice(axis + 1));
  const row = shape[axis] * inner, g = plain(dy).data;
  let at = 0;
  return list.map((size) => {
    const run = size * inner, piece = new Float32Array(outer * run);
    for (let o = 0; o < outer; o++) piece.set(g.subarray(o * row + at, o * row + at + run), o * run);
    at += run;
    const s = shape.slice();
    s[axis] = size;
    return tensor(piece, s);
  });
}
