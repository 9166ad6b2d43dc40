// Gather on `axis` (default 0; negative from opset 11): out = data.dims[:axis] + indices.dims +
// data.dims[axis+1:], out[i…, j…, k…] = data[i…, indices[j…], k…]; a negative index counts from the
// end of the axis, one outside [−n, n) is an error.
import type { Folder } from "./folder.js";
import { MAX_FOLD_ELEMENTS, lazyConstant, normalizeAxis, numbers, saysFloat, sizeOf, typeOf } from "./values.js";

export const foldGather: Folder = (ctx) => {
  const data = ctx.constant(0)!, indices = ctx.constant(1)!;
  const rank = data.dims.length;
  const axis = normalizeAxis(ctx.attrs.int("axis", 0), rank);
  if (ctx.attrs.problems.length) return ctx.attrs.problems.join(", ");
  if (axis === undefined) return `axis ${ctx.attrs.int("axis", 0)} is outside the data's rank ${rank}`;
  if (saysFloat(indices)) return "its indices are not integers";
  const n = data.dims[axis];
  const picks = indices.ints().map((i) => (i < 0 ? i + n : i));
  const bad = picks.findIndex((i) => !(i >= 0 && i < n));
  if (bad >= 0) return `index ${indices.ints()[bad]} is outside [−${n}, ${n}) (axis ${axis} of data [${data.dims.join(", ")}])`;
  const outer = sizeOf(data.dims.slice(0, axis)), inner = sizeOf(data.dims.slice(axis + 1));
  const dims = [...data.dims.slice(0, axis), ...indices.dims, ...data.dims.slice(axis + 1)];
  if (sizeOf(dims) > MAX_FOLD_ELEMENTS) return `its result [${dims.join(", ")}] is too large to evaluate at load`;
  return [lazyConstant(dims, typeOf(data), () => {
    const src = numbers(data), out = new Float64Array(outer * picks.length * inner);
    // out[(o·|indices| + j)·inner + k] = data[(o·n + indices[j])·inner + k]
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < picks.length; j++) out.set(src.subarray((o * n + picks[j]) * inner, (o * n + picks[j] + 1) * inner), (o * picks.length + j) * inner);
    }
    return out;
  })];
};
