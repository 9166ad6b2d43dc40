// The numbers of constants while folding shape arithmetic: read a Constant as float64 numbers of
// its ONNX element type, and make new Constants whose data is computed on first use (a folded
// tensor nobody reads as a weight costs its dims only). Element types follow ONNX: integer results
// stay integers, FLOAT results are rounded to float32 as the runtime would store them.
import { DataType } from "../proto.js";
import type { Constant } from "../constants.js";

/** The largest tensor a fold computes (elements): shape arithmetic is small, weights go through views. */
export const MAX_FOLD_ELEMENTS = 1 << 24;

const FLOAT_TYPES: readonly number[] = [DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16];
const INT_TYPES: readonly number[] = [DataType.INT64, DataType.INT32, DataType.INT8, DataType.UINT8, 4 /* UINT16 */, 5 /* INT16 */, 12 /* UINT32 */, 13 /* UINT64 */];

/** Whether an element type is a float type (an undefined type is read as float). */
export function isFloatType(type: number | undefined): boolean {
  return type === undefined || FLOAT_TYPES.includes(type);
}

/** Whether the folds compute in this element type: the floats, the integers, BOOL. */
export function isFoldableType(type: number | undefined): boolean {
  return isFloatType(type) || INT_TYPES.includes(type!) || type === DataType.BOOL;
}

/** The element type of a constant, FLOAT when it does not say. */
export function typeOf(c: Constant): number {
  return c.dataType ?? DataType.FLOAT;
}

/** ∏ dims (1 for a scalar). */
export function sizeOf(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** A constant's values as numbers: integers exactly (int64 up to 2^53), floats as float32 gives them. */
export function numbers(c: Constant): Float64Array {
  return isFloatType(c.dataType) ? Float64Array.from(c.floats()) : Float64Array.from(c.ints());
}

/** A value converted to element type `type`: float32 rounding, integer truncation toward zero, bool 0/1. */
export function toType(v: number, type: number): number {
  if (type === DataType.BOOL) return v !== 0 ? 1 : 0;
  if (type === DataType.FLOAT) return Math.fround(v);
  if (isFloatType(type)) return v;
  return Number.isFinite(v) ? Math.trunc(v) + 0 : v; // + 0: an integer has no −0
}

/** A Constant of `dims` and element type `type` whose data `compute` gives on first use (kept). */
export function lazyConstant(dims: number[], dataType: number, compute: () => Float64Array): Constant {
  let data: Float64Array | null = null;
  const get = (): Float64Array => (data ??= compute());
  return { dims, dataType, floats: () => Float32Array.from(get()), ints: () => Array.from(get()) };
}

/** A Constant holding `values` now (small results: shapes, indices). */
export function valuesConstant(dims: number[], dataType: number, values: ArrayLike<number>): Constant {
  const data = Float64Array.from(values, (v) => toType(v, dataType));
  return { dims, dataType, floats: () => Float32Array.from(data), ints: () => Array.from(data) };
}

/** The same data seen with other dims (Reshape, Squeeze, Unsqueeze, Identity): nothing is copied. */
export function reshaped(c: Constant, dims: number[]): Constant {
  return { dims, dataType: c.dataType, floats: () => c.floats(), ints: () => c.ints() };
}

/** Whether a constant says it holds floats (one that does not say may be an index list). */
export function saysFloat(c: Constant): boolean {
  return c.dataType !== undefined && isFloatType(c.dataType);
}

/** A 1-D int64 list input (axes, shape, starts…) as numbers, or why it is not one. */
export function intList(c: Constant, what: string): number[] | string {
  if (saysFloat(c)) return `${what} is a float tensor, expected int64`;
  if (c.dims.length > 1) return `${what} has dims [${c.dims.join(", ")}], expected a 1-D list`;
  return c.ints();
}

/** An axis in [−rank, rank) as a non-negative one, or undefined when out of range. */
export function normalizeAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return Number.isInteger(a) && a >= 0 && a < rank ? a : undefined;
}
