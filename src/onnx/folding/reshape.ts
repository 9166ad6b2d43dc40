// Reshape of a constant to a constant shape (an input from opset 5): a 0 copies the input's dim at
// that position (unless allowzero = 1, opset 14, where 0 is a size), one −1 takes what is left.
import type { Folder } from "./folder.js";
import { intList, reshaped, sizeOf } from "./values.js";

/** The output dims of Reshape (input dims `from`, requested `shape`), or why they cannot be. */
export function reshapeDims(from: readonly number[], shape: readonly number[], allowZero: boolean): number[] | string {
  const dims = shape.map((d, i) => (d === 0 && !allowZero ? from[i] : d));
  if (dims.some((d) => d === undefined || d < -1)) return `shape [${shape.join(", ")}] does not fit input [${from.join(", ")}]`;
  const free = dims.filter((d) => d === -1).length, n = sizeOf(from);
  if (free > 1) return `shape [${shape.join(", ")}] has more than one −1`;
  if (free === 1) {
    const known = sizeOf(dims.filter((d) => d !== -1));
    if (known === 0 || n % known !== 0) return `shape [${shape.join(", ")}] cannot hold ${n} elements`;
    dims[dims.indexOf(-1)] = n / known;
  }
  if (sizeOf(dims) !== n) return `shape [${shape.join(", ")}] holds ${sizeOf(dims)} elements, the input [${from.join(", ")}] has ${n}`;
  return dims;
}

export const foldReshape: Folder = (ctx) => {
  const data = ctx.constant(0)!;
  const shape = intList(ctx.constant(1)!, "shape");
  if (typeof shape === "string") return shape;
  const allowZero = ctx.opset >= 14 && ctx.attrs.int("allowzero", 0) !== 0;
  if (ctx.attrs.problems.length) return ctx.attrs.problems.join(", ");
  const dims = reshapeDims(data.dims, shape, allowZero);
  return typeof dims === "string" ? dims : [reshaped(data, dims)];
};
