// Resize on the wasm kernels (assembly/resize/resize.ts) for 1 or 2 spatial axes: the planes
// [N·C, H, W] → [N·C, OH, OW]. The sampling (every coordinate and nearest mode) is resize.ts's
// resizePlan, computed once per geometry and laid out here as the kernels' axis tables; the
// kernels then reproduce resize.ts's float64 loop bit for bit (rows first, f64 weights, one
// rounding to f32). The public resize and Net's resident plan both run it, so they agree.
import type { Runtime } from "../runtime/runtime.js";
import type { AxisSampling, ResizePlan } from "./resize-plan.js";
import { type Task, pieces, ranges, runTasks, threadsFor } from "./run.js";

/** A resize of the last one or two axes, ready for the kernels. */
export interface ResizeKernelPlan {
  linear: boolean;
  /** N·C planes, each [H, W] → [OH, OW]; 1-D runs with H = OH = 1 and no row table. */
  planes: number;
  H: number;
  W: number;
  OH: number;
  OW: number;
  /** The axis tables' bytes (linear: w0 f64[L], w1 f64[L], i0 i32[L], i1 i32[L]; nearest: i0 i32[L]); rows null for 1-D. */
  rows: Uint8Array | null;
  cols: Uint8Array;
}

/** One axis's table bytes in the kernels' layout. */
function axisTable(s: AxisSampling, linear: boolean): Uint8Array {
  const L = s.outSize;
  if (!linear) return new Uint8Array(s.i0.slice().buffer);
  const bytes = new Uint8Array(L * 24);
  new Float64Array(bytes.buffer, 0, L).set(s.w0);
  new Float64Array(bytes.buffer, 8 * L, L).set(s.w1);
  new Int32Array(bytes.buffer, 16 * L, L).set(s.i0);
  new Int32Array(bytes.buffer, 20 * L, L).set(s.i1);
  return bytes;
}

/** The kernel form of a resize of `xShape` [N, C, spatial…], or null when it has more than 2 spatial axes. */
export function resizeKernelPlan(xShape: readonly number[], plan: ResizePlan): ResizeKernelPlan | null {
  const { axes, linear } = plan;
  if (axes.length > 2) return null;
  const planes = xShape[0] * xShape[1];
  const cols = axes[axes.length - 1];
  const rows = axes.length === 2 ? axes[0] : null;
  return {
    linear, planes, H: rows?.inSize ?? 1, W: cols.inSize, OH: rows?.outSize ?? 1, OW: cols.outSize,
    rows: rows === null ? null : axisTable(rows, linear), cols: axisTable(cols, linear),
  };
}

/**
 * Runs the kernel: x [planes, H, W] at byte offset x → y [planes, OH, OW] at y (not overlapping
 * x), split over the pool by planes when it pays (each plane is computed alike, so the bits do not
 * depend on the split). Its tables and workspaces come from the arena's stack: call inside
 * withArena.
 */
export function runResizeKernel(rt: Runtime, k: ResizeKernelPlan, x: number, y: number): void {
  const rows = k.rows === null ? 0 : rt.arena.alloc(k.rows.length, "resize: row table");
  const cols = rt.arena.alloc(k.cols.length, "resize: column table");
  rt.arena.commit();
  const bytes = new Uint8Array(rt.memory.buffer);
  if (k.rows !== null) bytes.set(k.rows, rows);
  bytes.set(k.cols, cols);
  const inPlane = k.H * k.W * 4, outPlane = k.OH * k.OW * 4;
  const part = (p0: number, p1: number): Task => (r) => {
    const px = x + p0 * inPlane, py = y + p0 * outPlane;
    if (!k.linear) return r.kernels.f32_resize_nearest__scalar(px, py, p1 - p0, k.H, k.W, k.OH, k.OW, rows, cols);
    const work = r.arena.alloc(k.W * 8, "resize: row workspace"); // one f64 row per task
    r.kernels.f32_resize_linear__simd(px, py, p1 - p0, k.H, k.W, k.OH, k.OW, rows, cols, work);
  };
  const T = threadsFor(rt, { bytes: k.planes * (inPlane + outPlane) });
  runTasks(rt, T === 1 ? [part(0, k.planes)] : ranges(k.planes, pieces(T)).map(([p0, p1]) => part(p0, p1)));
}
