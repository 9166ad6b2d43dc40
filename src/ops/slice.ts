// slice: ONNX Slice (opsets 1–22) — along each of `axes` (default 0, 1, …), the elements start,
// start + step, … before end. The ONNX text's rules per axis of size n: a negative start or end
// has n added; then for step > 0 both clamp to [0, n], for step < 0 start clamps to [0, n − 1] and
// end to [−1, n − 1] (so INT_MAX / INT_MIN mean "to the end" either way); the axis keeps
// max(0, ⌈(end − start) / step⌉) elements, output index o reading start + o·step.
// The values move with the strided-copy kernel (strided-copy.ts). Its backward scatters dy into
// zeros of x's shape at the same indices.
import { checkAttrNames, show } from "../attrs.js";
import { AttributeError } from "../errors.js";
import { type Tensor, checkDims, checkTensor, plain, tensor } from "../tensor.js";
import { type AxisTables, scatterAddAxes } from "./axis-gather.js";
import { checkSameShape } from "./run.js";
import { type CopyAxis, type StridedCopy, intoTensor, planCopy, runCopy } from "./strided-copy.js";

/** Slice's attributes (ONNX's inputs from opset 10); starts, ends, axes and steps have one length. */
export interface SliceAttrs {
  starts: readonly number[];
  ends: readonly number[];
  /** Default [0, 1, …, k − 1]; negative counts from the end; no axis twice. */
  axes?: readonly number[];
  /** Default all 1; never 0. */
  steps?: readonly number[];
}

/** Slice resolved for one input shape: per axis the first index, the step and the count. */
export interface SlicePlan { begin: number[]; step: number[]; outShape: number[]; tables: AxisTables }

/** An integer list attribute of length `count` (undefined: count unknown yet); any integer, as ONNX's int64. */
function readIntegers(value: unknown, op: string, key: string, count?: number): number[] {
  const name = `${op}(attrs.${key})`;
  if (!Array.isArray(value)) throw new AttributeError(`${name}: expected an array of integers, got ${show(value)}`);
  if (count !== undefined && value.length !== count) throw new AttributeError(`${name}: expected ${count} values (one per entry of starts), got ${value.length} (${show(value)})`);
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== "number" || !Number.isInteger(v)) throw new AttributeError(`${op}(attrs.${key}[${i}]): expected an integer, got ${i in value ? show(v) : "a hole (a sparse array)"}`);
    out.push(v);
  }
  return out;
}

/** Resolves slice's attributes for `xShape` (the ONNX clamping rules); errors name `op`. */
export function resolveSlice(xShape: readonly number[], attrs: unknown, op = "slice"): SlicePlan {
  const a = checkAttrNames(attrs, ["starts", "ends", "axes", "steps"], op);
  const r = xShape.length;
  if (a.starts === undefined) throw new AttributeError(`${op}(attrs.starts): required, got nothing`);
  if (a.ends === undefined) throw new AttributeError(`${op}(attrs.ends): required, got nothing`);
  const starts = readIntegers(a.starts, op, "starts");
  const k = starts.length;
  const ends = readIntegers(a.ends, op, "ends", k);
  const axes = a.axes === undefined ? starts.map((_, i) => i) : readIntegers(a.axes, op, "axes", k);
  const steps = a.steps === undefined ? starts.map(() => 1) : readIntegers(a.steps, op, "steps", k);
  const begin = xShape.map(() => 0), step = xShape.map(() => 1), outShape = xShape.slice();
  const seen = new Set<number>();
  axes.forEach((given, i) => {
    if (given < -r || given >= r) throw new AttributeError(`${op}(attrs.axes[${i}]): axis ${given} is out of range for x of rank ${r} (−${r} ≤ axis < ${r})${a.axes === undefined ? `; without axes, starts may have at most ${r} entries` : ""}`);
    const axis = given < 0 ? given + r : given;
    if (seen.has(axis)) throw new AttributeError(`${op}(attrs.axes): axis ${axis} appears twice in ${show(axes)}`);
    seen.add(axis);
    if (steps[i] === 0) throw new AttributeError(`${op}(attrs.steps[${i}]): a step of 0 never moves; expected a non-zero integer`);
    const n = xShape[axis], s = steps[i];
    let start = starts[i] < 0 ? starts[i] + n : starts[i];
    let end = ends[i] < 0 ? ends[i] + n : ends[i];
    if (s > 0) { start = clamp(start, 0, n); end = clamp(end, 0, n); }
    else { start = clamp(start, 0, n - 1); end = clamp(end, -1, n - 1); }
    begin[axis] = start;
    step[axis] = s;
    outShape[axis] = Math.max(0, Math.ceil((end - start) / s));
  });
  // output index o on an axis reads begin + o·step
  const tables = outShape.map((m, axis) => Int32Array.from({ length: m }, (_, o) => begin[axis] + o * step[axis]));
  return { begin, step, outShape, tables };
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);

/**
 * The strided copy of a slice of x `xShape`: y's axes in order, output index o on axis a reading
 * x at begin[a] + o·step[a], so x's stride there is step[a]·stride[a] (negative steps walk back).
 */
export function sliceCopy(xShape: readonly number[], p: SlicePlan): StridedCopy {
  const axes: CopyAxis[] = new Array<CopyAxis>(xShape.length);
  let x0 = 0;
  for (let a = xShape.length - 1, xs = 1, ys = 1; a >= 0; a--) {
    axes[a] = { n: p.outShape[a], s: p.step[a] * xs, t: ys };
    x0 += p.begin[a] * xs;
    xs *= xShape[a];
    ys *= p.outShape[a];
  }
  return planCopy(axes, x0);
}

/**
 * ONNX Slice: x[start : end : step] along each of `axes`.
 * @param x any rank ≥ 1
 * @param attrs starts, ends (any integers: clamped per ONNX), axes, steps
 * @returns the slice; an axis may end up with 0 elements
 */
export function slice(x: Tensor, attrs: SliceAttrs): Tensor {
  const xShape = checkTensor(x, "slice(x)");
  const p = resolveSlice(xShape, attrs, "slice"), c = sliceCopy(xShape, p);
  return intoTensor(x, p.outShape, "slice(x)", (rt, px, py) => runCopy(rt, c, px, py));
}

/**
 * The gradient of slice (its adjoint): dx of x's shape, dy at the sliced positions, 0 elsewhere.
 * @param dy slice's output shape
 * @param xShape the forward input's shape
 */
export function sliceBackward(dy: Tensor, xShape: readonly number[], attrs: SliceAttrs): Tensor {
  const dyShape = checkTensor(dy, "sliceBackward(dy)");
  const inShape = checkDims(xShape, "sliceBackward(xShape)");
  const p = resolveSlice(inShape, attrs, "sliceBackward");
  checkSameShape(dyShape, p.outShape, "sliceBackward(dy)", "slice's output");
  return tensor(scatterAddAxes(plain(dy).data, inShape, p.outShape, p.tables), inShape);
}
