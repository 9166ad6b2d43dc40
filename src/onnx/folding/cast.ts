// Cast to the element type `to`: to float32 rounds, to an integer type truncates toward zero (what
// onnxruntime does; the ONNX text leaves float → int rounding to the implementation), to BOOL is
// v ≠ 0. Only the number types fold (no strings).
import type { Folder } from "./folder.js";
import { isFoldableType, lazyConstant, numbers, toType } from "./values.js";

export const foldCast: Folder = (ctx) => {
  const data = ctx.constant(0)!;
  const to = ctx.attrs.int("to", 0);
  if (ctx.attrs.problems.length) return ctx.attrs.problems.join(", ");
  if (!isFoldableType(to) || !isFoldableType(data.dataType)) return `a cast from element type ${data.dataType} to ${to} is not evaluated at load`;
  return [lazyConstant(data.dims.slice(), to, () => numbers(data).map((v) => toType(v, to)))];
};
