// Range (opset 11): start, limit and delta are scalars of one type; the result has
// max(⌈(limit − start)/delta⌉, 0) elements start + i·delta.
import type { Folder } from "./folder.js";
import { MAX_FOLD_ELEMENTS, numbers, typeOf, valuesConstant } from "./values.js";

export const foldRange: Folder = (ctx) => {
  const [start, limit, delta] = [0, 1, 2].map((i) => ctx.constant(i)!);
  if ([start, limit, delta].some((c) => c.dims.length > 1 || numbers(c).length !== 1)) return "start, limit and delta must be scalars";
  const [s, l, d] = [start, limit, delta].map((c) => numbers(c)[0]);
  if (d === 0) return "delta is 0";
  const n = Math.max(Math.ceil((l - s) / d), 0);
  if (n > MAX_FOLD_ELEMENTS) return `its ${n} elements are too many to evaluate at load`;
  return [valuesConstant([n], typeOf(start), Array.from({ length: n }, (_, i) => s + i * d))];
};
