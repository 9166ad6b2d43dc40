// Slice with ONNX semantics: starts/ends/axes as attributes before opset 10, as inputs (with
// steps) from 10. Per sliced axis of size n: a negative start or end adds n; with step > 0 both
// clamp to [0, n], with step < 0 start clamps to [0, n−1] and end to [−1, n−1]; the axis keeps
// max(0, ⌈(end − start)/step⌉) elements start, start + step, …
import type { Folder } from "./folder.js";
import { MAX_FOLD_ELEMENTS, intList, lazyConstant, normalizeAxis, numbers, sizeOf, typeOf } from "./values.js";

export const foldSlice: Folder = (ctx) => {
  const data = ctx.constant(0)!, rank = data.dims.length;
  let starts: number[] | undefined, ends: number[] | undefined, axes: number[] | undefined, steps: number[] | undefined;
  if (ctx.opset < 10) {
    [starts, ends, axes] = [ctx.attrs.ints("starts"), ctx.attrs.ints("ends"), ctx.attrs.ints("axes")];
    if (ctx.attrs.problems.length) return ctx.attrs.problems.join(", ");
  } else {
    const lists: (number[] | undefined)[] = [];
    for (const [i, what] of [[1, "starts"], [2, "ends"], [3, "axes"], [4, "steps"]] as const) {
      const c = ctx.has(i) ? ctx.constant(i) : undefined;
      const list = c === undefined ? undefined : intList(c, what);
      if (typeof list === "string") return list;
      lists.push(list);
    }
    [starts, ends, axes, steps] = lists;
  }
  if (starts === undefined || ends === undefined || starts.length !== ends.length) return "it needs starts and ends of one length";
  axes ??= starts.map((_, i) => i);
  steps ??= starts.map(() => 1);
  if (axes.length !== starts.length || steps.length !== starts.length) return `axes [${axes.join(", ")}] and steps [${steps.join(", ")}] must have one entry per start`;
  const begin = data.dims.map(() => 0), step = data.dims.map(() => 1), dims = data.dims.slice();
  const seen = new Set<number>();
  for (let i = 0; i < starts.length; i++) {
    const axis = normalizeAxis(axes[i], rank);
    if (axis === undefined || seen.has(axis)) return `axis ${axes[i]} is outside rank ${rank} or repeated`;
    seen.add(axis);
    const n = data.dims[axis], s = steps[i];
    if (s === 0) return "a step is 0";
    let b = starts[i] < 0 ? starts[i] + n : starts[i], e = ends[i] < 0 ? ends[i] + n : ends[i];
    if (s > 0) [b, e] = [Math.min(n, Math.max(0, b)), Math.min(n, Math.max(0, e))];
    else [b, e] = [Math.min(n - 1, Math.max(0, b)), Math.min(n - 1, Math.max(-1, e))];
    begin[axis] = b;
    step[axis] = s;
    dims[axis] = Math.max(0, Math.ceil((e - b) / s));
  }
  if (sizeOf(dims) > MAX_FOLD_ELEMENTS) return `its result [${dims.join(", ")}] is too large to evaluate at load`;
  return [lazyConstant(dims, typeOf(data), () => {
    const src = numbers(data), out = new Float64Array(sizeOf(dims));
    const strides = data.dims.map((_, a) => sizeOf(data.dims.slice(a + 1)));
    // out[idx] = data[Σ_a (begin[a] + idx[a]·step[a])·stride[a]], idx in row-major order
    const idx = dims.map(() => 0);
    for (let o = 0; o < out.length; o++) {
      let at = 0;
      for (let a = 0; a < rank; a++) at += (begin[a] + idx[a] * step[a]) * strides[a];
      out[o] = src[at];
      for (let a = rank - 1; a >= 0 && ++idx[a] === dims[a]; a--) idx[a] = 0;
    }
    return out;
  })];
};
