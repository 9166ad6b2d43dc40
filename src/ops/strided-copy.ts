// Strided copies on wasm blocks, the TS half of assembly/layout/permute.ts (f32_permute__simd).
// A copy is a list of axes, outermost first, each with its extent n and its strides in x (s) and
// in y (t), in elements: y[Σ i_k·t_k] = x[Σ i_k·s_k]. planCopy simplifies it once per shape (drops
// unit axes, merges neighbours that are contiguous in both x and y, moves x's contiguous axis next
// to y's so that the kernel's transposing tile applies); runCopy runs it on byte offsets: the
// kernel takes six axes, any before them are a loop here. Transpose, DepthToSpace / SpaceToDepth
// (a transpose of a 6-D view) and Slice move their values with it. x and y must not overlap.
import type { Runtime } from "../runtime/runtime.js";
import { PERMUTE_PARAMS, writeBlock } from "./params.js";
import { type Tensor, tensor } from "../tensor.js";
import { type Task, operand, pieces, product, ranges, runTasks, threadsFor, withArena } from "./run.js";

/** One axis of a copy: extent, x's stride and y's stride (elements; negative steps backwards). */
export interface CopyAxis { readonly n: number; readonly s: number; readonly t: number }

/**
 * A planned copy: at least KERNEL_RANK axes (unit axes pad the front), how many elements it moves,
 * and the element offsets of the view's origin (index 0, …, 0) in x's and y's blocks.
 */
export interface StridedCopy { readonly axes: readonly CopyAxis[]; readonly elements: number; readonly x0: number; readonly y0: number }

/** Row-major strides of `shape` (elements). */
export function rowStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let a = shape.length - 2; a >= 0; a--) s[a] = s[a + 1] * shape[a + 1];
  return s;
}

/** The axes f32_permute__simd takes. */
const KERNEL_RANK = 6;
const UNIT: CopyAxis = { n: 1, s: 0, t: 0 };

/**
 * Simplifies a copy given outermost axis first, y's innermost (t = 1 for a dense y) last, its
 * origin at element x0 of x and y0 of y. The result moves the same elements to the same places:
 * only the loop structure changes.
 */
export function planCopy(axes: readonly CopyAxis[], x0 = 0, y0 = 0): StridedCopy {
  const elements = axes.reduce((a, x) => a * x.n, 1);
  if (elements === 0) return { axes: [{ n: 0, s: 0, t: 0 }, UNIT, UNIT, UNIT, UNIT, UNIT], elements, x0, y0 };
  // axes k, k+1 are one axis of n_k·n_{k+1} when one step of k is n_{k+1} steps of k+1 in x and in y
  const merged: CopyAxis[] = [];
  for (const a of axes) {
    if (a.n === 1) continue;
    const last = merged.at(-1);
    if (last !== undefined && last.s === a.s * a.n && last.t === a.t * a.n) merged[merged.length - 1] = { n: last.n * a.n, s: a.s, t: a.t };
    else merged.push(a);
  }
  // y contiguous on the last axis but x not: x's contiguous axis (if any) goes just before it, so
  // the innermost two axes are the tile y[i4·t4 + i5] = x[i5·s5 + i4] (DepthToSpace's interleave,
  // SpaceToDepth's deinterleave, a 2-D transpose); the other loops keep their order
  const L = merged.length;
  if (L >= 2 && merged[L - 1].t === 1 && merged[L - 1].s !== 1) {
    const p = merged.findIndex((a) => a.s === 1);
    if (p >= 0 && p !== L - 2) merged.splice(L - 2, 0, ...merged.splice(p, 1));
  }
  while (merged.length < KERNEL_RANK) merged.unshift(UNIT);
  return { axes: merged, elements, x0, y0 };
}

/** One kernel call on six axes from byte offsets x, y. */
function copy6(rt: Runtime, x: number, y: number, a: readonly CopyAxis[]): void {
  rt.kernels.f32_permute__simd(writeBlock(rt.params, PERMUTE_PARAMS, {
    x, y,
    n0: a[0].n, n1: a[1].n, n2: a[2].n, n3: a[3].n, n4: a[4].n, n5: a[5].n,
    s0: a[0].s, s1: a[1].s, s2: a[2].s, s3: a[3].s, s4: a[4].s, s5: a[5].s,
    t0: a[0].t, t1: a[1].t, t2: a[2].t, t3: a[3].t, t4: a[4].t, t5: a[5].t,
  }));
}

/**
 * Runs a planned copy from the block at byte offset x into the block at y (the same block is
 * allowed when the elements read and those written are disjoint). Six axes: split over the pool
 * along the outermost one that is not a unit when the bytes moved pay for it; more: a loop over
 * the leading axes, one kernel call per index.
 */
export function runCopy(rt: Runtime, c: StridedCopy, xBlock: number, yBlock: number): void {
  if (c.elements === 0) return;
  const x = xBlock + 4 * c.x0, y = yBlock + 4 * c.y0;
  const outer = c.axes.slice(0, c.axes.length - KERNEL_RANK), inner = c.axes.slice(c.axes.length - KERNEL_RANK);
  if (outer.length > 0) {
    // odometer over the leading axes: index[k] < outer[k].n, offsets Σ index[k]·s_k and ·t_k
    const index = outer.map(() => 0);
    let dx = 0, dy = 0;
    for (;;) {
      copy6(rt, x + 4 * dx, y + 4 * dy, inner);
      let k = outer.length - 1;
      for (; k >= 0; k--) {
        dx += outer[k].s; dy += outer[k].t;
        if (++index[k] < outer[k].n) break;
        dx -= outer[k].n * outer[k].s; dy -= outer[k].n * outer[k].t;
        index[k] = 0;
      }
      if (k < 0) return;
    }
  }
  const T = threadsFor(rt, { bytes: c.elements * 8 });
  const a = inner.findIndex((ax) => ax.n > 1);
  if (T === 1 || a < 0) return copy6(rt, x, y, inner);
  const tasks = ranges(inner[a].n, pieces(T)).map(([i0, i1]): Task => (r) => copy6(r, x + 4 * i0 * inner[a].s, y + 4 * i0 * inner[a].t,
    inner.map((ax, k) => (k === a ? { ...ax, n: i1 - i0 } : ax))));
  runTasks(rt, tasks);
}

/**
 * A new tensor of `outShape` written on the arena by `write(rt, px, py)`: x's values at byte
 * offset px (where a resident x lies, else a copy), the output block at py. `what` names x in
 * memory errors.
 */
export function intoTensor(x: Tensor, outShape: number[], what: string, write: (rt: Runtime, px: number, py: number) => void): Tensor {
  const n = product(outShape);
  return withArena((rt) => {
    const px = operand(rt, x, what);
    const py = rt.arena.alloc(n * 4, `${what}: output`);
    write(rt, px, py);
    return tensor(rt.arena.take(py, n), outShape);
  });
}
