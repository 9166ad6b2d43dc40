// Where a broadcasting binary op fits the wasm kernel f32_binary__simd
// (assembly/eltwise/broadcast-binary.ts): the output viewed as [O, C, I] with each operand indexed
// by its own strides over the three groups, o·sO + c·sC + i·sI with the inner stride 0 or 1.
// Consecutive output axes on which a and b each keep one kind (running along the output, or
// broadcast) merge into one group; axes of size 1 merge with anything. Three groups or fewer fit
// (same shapes, a scalar, [1, C, 1, …] or [N, C, 1, …] against [N, C, spatial…], a trailing
// [spatial…]); more (e.g. [N, 1, H, 1] against [1, C, 1, W]) do not, and the caller keeps its JS loop.
import { broadcastShapes, broadcastStrides } from "../broadcast.js";
import type { Runtime } from "../runtime/runtime.js";

/** The kernel's op codes. */
export const BINARY_OPS = { add: 0, sub: 1, mul: 2, div: 3 } as const;
export type BinaryOpName = keyof typeof BINARY_OPS;

/** The [O, C, I] view and each operand's strides over it (elements). */
export interface BinaryLayout {
  O: number; C: number; I: number;
  a: [number, number, number];
  b: [number, number, number];
}

/** The layout of a ∘ b for these shapes (which must broadcast), or null when it needs more than three groups. */
export function binaryLayout(aShape: readonly number[], bShape: readonly number[]): BinaryLayout | null {
  const out = broadcastShapes(aShape, bShape, "binaryLayout");
  const sa = broadcastStrides(aShape, out), sb = broadcastStrides(bShape, out);
  // groups from the last axis: [size, a runs, b runs]
  const groups: { size: number; ka: boolean; kb: boolean; sa: number; sb: number }[] = [];
  for (let t = out.length - 1; t >= 0; t--) {
    if (out[t] === 1) continue;
    const ka = sa[t] !== 0, kb = sb[t] !== 0;
    const g = groups[groups.length - 1];
    if (g !== undefined && g.ka === ka && g.kb === kb) g.size *= out[t];
    else groups.push({ size: out[t], ka, kb, sa: sa[t], sb: sb[t] });
  }
  if (groups.length > 3) return null;
  while (groups.length < 3) groups.push({ size: 1, ka: false, kb: false, sa: 0, sb: 0 });
  const [inner, mid, outer] = groups;
  // within a group the operand's stride is that of the group's innermost axis (contiguous runs)
  const stride = (g: typeof inner, runs: boolean, s: number) => (runs && g.size > 1 ? s : 0);
  const ia = stride(inner, inner.ka, inner.sa), ib = stride(inner, inner.kb, inner.sb);
  if (ia > 1 || ib > 1) return null; // cannot happen: a running innermost group has stride 1
  return {
    O: outer.size, C: mid.size, I: inner.size,
    a: [stride(outer, outer.ka, outer.sa), stride(mid, mid.ka, mid.sa), ia],
    b: [stride(outer, outer.kb, outer.sb), stride(mid, mid.kb, mid.sb), ib],
  };
}

/** Runs y = a ∘ b with the kernel on blocks at byte offsets pa, pb, py laid out as `l`. */
export function runBinary(rt: Runtime, op: BinaryOpName, l: BinaryLayout, pa: number, pb: number, py: number): void {
  if (l.O * l.C * l.I === 0) return;
  rt.kernels.f32_binary__simd(BINARY_OPS[op], pa, l.a[0], l.a[1], l.a[2], pb, l.b[0], l.b[1], l.b[2], py, l.O, l.C, l.I);
}
