// Transpose of a constant (a weight exported pre-transposed, as PyTorch's Linear writes W → Wᵀ
// in opset-6 graphs): y[j] = x[Σ_a idx_a(j)·xstride_{perm[a]}], perm default the reversed axes. The
// values are computed on first use (a weight the mapping then reads).
import { FcnWasmError } from "../../errors.js";
import { readPerm } from "../../ops/transpose.js";
import type { Folder } from "./folder.js";
import { MAX_FOLD_ELEMENTS, lazyConstant, numbers, sizeOf, typeOf } from "./values.js";

export const foldTranspose: Folder = (ctx) => {
  const data = ctx.constant(0)!;
  const given = ctx.attrs.ints("perm");
  if (ctx.attrs.problems.length) return ctx.attrs.problems.join(", ");
  let perm: number[];
  try {
    perm = readPerm(given, data.dims.length, "perm");
  } catch (e) {
    if (e instanceof FcnWasmError) return e.message;
    throw e;
  }
  const n = sizeOf(data.dims);
  if (n > MAX_FOLD_ELEMENTS) return `a constant of ${n} elements is more than a load-time fold computes (${MAX_FOLD_ELEMENTS})`;
  const rank = data.dims.length, dims = perm.map((a) => data.dims[a]);
  const xStride = new Array<number>(rank);
  for (let a = rank - 1, s = 1; a >= 0; a--) { xStride[a] = s; s *= data.dims[a]; }
  return [lazyConstant(dims, typeOf(data), () => {
    const x = numbers(data), y = new Float64Array(n);
    const index = new Array<number>(rank).fill(0);
    // odometer over y's index; x's offset moves by the stride of the axis y's axis a reads
    let from = 0;
    for (let j = 0; j < n; j++) {
      y[j] = x[from];
      for (let a = rank - 1; a >= 0; a--) {
        index[a]++;
        from += xStride[perm[a]];
        if (index[a] < dims[a]) break;
        from -= xStride[perm[a]] * dims[a];
        index[a] = 0;
      }
    }
    return y;
  })];
};
