// Concat of constants on `axis` (required from opset 4, negative from 11): every input has the
// same rank and the same dims off the axis; the result's axis is the sum.
import type { Folder } from "./folder.js";
import { MAX_FOLD_ELEMENTS, lazyConstant, normalizeAxis, numbers, sizeOf, typeOf } from "./values.js";

export const foldConcat: Folder = (ctx) => {
  const parts = ctx.node.input.map((_, i) => ctx.constant(i)!);
  const first = parts[0], rank = first.dims.length;
  if (ctx.opset >= 4 && !ctx.attrs.has("axis")) return "attribute axis is required";
  const given = ctx.attrs.int("axis", 1); // opset < 4: axis defaults to 1
  if (ctx.attrs.problems.length) return ctx.attrs.problems.join(", ");
  const axis = normalizeAxis(given, rank);
  if (axis === undefined) return `axis ${given} is outside rank ${rank}`;
  const off = (d: number[]) => d.filter((_, a) => a !== axis).join(",");
  const bad = parts.find((p) => p.dims.length !== rank || off(p.dims) !== off(first.dims));
  if (bad !== undefined) return `inputs [${first.dims.join(", ")}] and [${bad.dims.join(", ")}] differ off axis ${axis}`;
  const dims = first.dims.slice();
  dims[axis] = parts.reduce((s, p) => s + p.dims[axis], 0);
  if (sizeOf(dims) > MAX_FOLD_ELEMENTS) return `its result [${dims.join(", ")}] is too large to evaluate at load`;
  const outer = sizeOf(dims.slice(0, axis)), inner = sizeOf(dims.slice(axis + 1));
  return [lazyConstant(dims, typeOf(first), () => {
    const out = new Float64Array(sizeOf(dims));
    let at = 0; // offset of this part's block inside one outer row
    for (const p of parts) {
      const src = numbers(p), block = p.dims[axis] * inner;
      // out[o·dims[axis]·inner + at + k] = part[o·block + k]
      for (let o = 0; o < outer; o++) out.set(src.subarray(o * block, (o + 1) * block), o * dims[axis] * inner + at);
      at += block;
    }
    return out;
  })];
};
