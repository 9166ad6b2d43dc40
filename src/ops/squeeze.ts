// squeeze / unsqueeze: ONNX Squeeze (remove axes of size 1: those listed, or every one) and
// Unsqueeze (insert axes of size 1 at the listed positions of the output). The values keep their
// order, so y.data is a copy of x.data and the gradient is dy read with x's shape.
import { checkAttrNames, show } from "../attrs.js";
import { AttributeError, ShapeError } from "../errors.js";
import { type Tensor, checkTensor, describeShape, plain, tensor } from "../tensor.js";
import { reshapeGradient } from "./reshape.js";

/** Squeeze's attribute: the axes to remove (each of size 1); absent: every axis of size 1. */
export interface SqueezeAttrs { axes?: readonly number[] }
/** Unsqueeze's attribute: where the new axes of size 1 go, as axes of the output (required). */
export interface UnsqueezeAttrs { axes: readonly number[] }

/** Reads a list of distinct axes for `rank` axes (negative counts from the end); sorted, non-negative. */
export function readAxes(value: unknown, rank: number, name: string): number[] {
  if (!Array.isArray(value)) throw new AttributeError(`${name}: expected an array of axes, got ${value === undefined ? "nothing" : show(value)}`);
  const axes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const a: unknown = value[i];
    if (typeof a !== "number" || !Number.isInteger(a)) throw new AttributeError(`${name}[${i}]: expected an integer axis, got ${show(a)}`);
    if (a < -rank || a >= rank) throw new AttributeError(`${name}[${i}]: axis ${a} is out of range for rank ${rank} (−${rank} ≤ axis < ${rank})`);
    const axis = a < 0 ? a + rank : a;
    if (axes.includes(axis)) throw new AttributeError(`${name}: axis ${axis} appears twice in ${show(value)}`);
    axes.push(axis);
  }
  return axes.sort((p, q) => p - q);
}

/** The axes squeeze removes from x `shape` (sorted), checked to be of size 1. */
export function squeezeAxes(shape: readonly number[], attrs: unknown, op = "squeeze"): number[] {
  const a = checkAttrNames(attrs, ["axes"], op);
  if (a.axes === undefined) return shape.flatMap((d, i) => (d === 1 ? [i] : []));
  const axes = readAxes(a.axes, shape.length, `${op}(attrs.axes)`);
  for (const axis of axes) if (shape[axis] !== 1) throw new ShapeError(`${op}(attrs.axes): axis ${axis} of the input ${describeShape(shape)} has size ${shape[axis]}, not 1`);
  return axes;
}

export function squeezeShape(shape: readonly number[], attrs: unknown, op = "squeeze"): number[] {
  const axes = squeezeAxes(shape, attrs, op);
  return shape.filter((_, i) => !axes.includes(i));
}

/** The output shape of unsqueeze: rank r + k, 1 at each of the k axes (of the output), x's dims in order elsewhere. */
export function unsqueezeShape(shape: readonly number[], attrs: unknown, op = "unsqueeze"): number[] {
  const a = checkAttrNames(attrs, ["axes"], op);
  const count = Array.isArray(a.axes) ? a.axes.length : 0;
  const axes = readAxes(a.axes, shape.length + count, `${op}(attrs.axes)`);
  const out: number[] = [];
  for (let i = 0, from = 0; i < shape.length + count; i++) out.push(axes.includes(i) ? 1 : shape[from++]);
  return out;
}

/**
 * ONNX Squeeze (opsets 1–22; axes an attribute before 13, an input from 13; negative from 11).
 * @param x any shape
 * @param attrs axes to remove (each of size 1); absent: every axis of size 1
 */
export function squeeze(x: Tensor, attrs?: SqueezeAttrs): Tensor {
  const shape = checkTensor(x, "squeeze(x)");
  return tensor(plain(x).data.slice(), squeezeShape(shape, attrs));
}

/** Gradient of squeeze: dy read with x's shape. */
export function squeezeBackward(dy: Tensor, xShape: readonly number[], attrs?: SqueezeAttrs): Tensor {
  return reshapeGradient(dy, xShape, (s) => squeezeShape(s, attrs, "squeezeBackward"), "squeezeBackward");
}

/**
 * ONNX Unsqueeze (opsets 1–22; axes an attribute before 13, an input from 13; negative from 11).
 * @param x any shape of rank r
 * @param attrs axes: positions of the new size-1 axes in the output (rank r + axes.length)
 */
export function unsqueeze(x: Tensor, attrs: UnsqueezeAttrs): Tensor {
  const shape = checkTensor(x, "unsqueeze(x)");
  return tensor(plain(x).data.slice(), unsqueezeShape(shape, attrs));
}

/** Gradient of unsqueeze: dy read with x's shape. */
export function unsqueezeBackward(dy: Tensor, xShape: readonly number[], attrs: UnsqueezeAttrs): Tensor {
  return reshapeGradient(dy, xShape, (s) => unsqueezeShape(s, attrs, "unsqueezeBackward"), "unsqueezeBackward");
}
