// Squeeze and Unsqueeze of constants: only the dims change. Their `axes` are an attribute before
// opset 13 and an int64 input from 13; negative axes (opset 11 on) count from the back of the
// input's rank (Squeeze) or of the output's rank (Unsqueeze). Squeeze without axes drops every
// axis of size 1; squeezing an axis whose size is not 1 is an error.
import type { FoldContext, Folder } from "./folder.js";
import { intList, normalizeAxis, reshaped } from "./values.js";

/** The axes of a Squeeze/Unsqueeze (attribute or input by opset), undefined when absent, or a reason. */
function axesOf(ctx: FoldContext): number[] | undefined | string {
  if (ctx.opset < 13) {
    const axes = ctx.attrs.ints("axes");
    return ctx.attrs.problems.length ? ctx.attrs.problems.join(", ") : axes;
  }
  if (!ctx.has(1)) return undefined;
  return intList(ctx.constant(1)!, "axes");
}

export const foldSqueeze: Folder = (ctx) => {
  const data = ctx.constant(0)!, rank = data.dims.length;
  const axes = axesOf(ctx);
  if (typeof axes === "string") return axes;
  if (axes === undefined) return [reshaped(data, data.dims.filter((d) => d !== 1))];
  const drop = new Set<number>();
  for (const a of axes) {
    const axis = normalizeAxis(a, rank);
    if (axis === undefined) return `axis ${a} is outside rank ${rank}`;
    if (data.dims[axis] !== 1) return `axis ${a} has size ${data.dims[axis]}, not 1`;
    drop.add(axis);
  }
  return [reshaped(data, data.dims.filter((_, i) => !drop.has(i)))];
};

export const foldUnsqueeze: Folder = (ctx) => {
  const data = ctx.constant(0)!;
  const axes = axesOf(ctx);
  if (typeof axes === "string") return axes;
  if (axes === undefined) return "it has no axes";
  const rank = data.dims.length + axes.length;
  const ones = new Set<number>();
  for (const a of axes) {
    const axis = normalizeAxis(a, rank);
    if (axis === undefined || ones.has(axis)) return `axis ${a} is outside the output's rank ${rank} or repeated`;
    ones.add(axis);
  }
  // the output's axes in order: a 1 where listed, the input's next dim elsewhere
  const dims: number[] = [];
  for (let i = 0, j = 0; i < rank; i++) dims.push(ones.has(i) ? 1 : data.dims[j++]);
  return [reshaped(data, dims)];
};
