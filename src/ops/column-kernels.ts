// im2col and col2im of a window of any implemented spatial rank, for the ops and engines that
// build or fold column buffers (im2col, col2im, conv's im2col + GEMM, the weight gradient,
// convTranspose's GEMM + col2im): rank 1 and 2 run the 2-D kernels (WindowParams; 1-D as H = 1),
// rank 3 the 3-D ones (VolumeWindowParams, assembly/im2col/im2col3d.ts, col2im3d.ts). The layouts
// are the same in every rank: rows (c, k…) of ∏grid columns.
import type { Runtime } from "../runtime/runtime.js";
import type { Window } from "../shape.js";
import { volumeWindowParams, windowParams } from "./params.js";
import { type Task, pieces, ranges, runTasks, threadsFor } from "./run.js";

/** cols [channels·∏k, ∏grid] at `dst` = im2col of the `channels` images [image…] at `src` (byte offsets). */
export function im2colKernel(r: Runtime, w: Window, channels: number, src: number, dst: number): void {
  if (w.rank === 3) r.kernels.f32_im2col3d__scalar(volumeWindowParams(r.params, w, channels, src, dst));
  else r.kernels.f32_im2col__scalar(windowParams(r.params, w, channels, src, dst));
}

/**
 * The `channels` images [image…] at `dst` overwritten with col2im of cols [channels·∏k, ∏grid] at
 * `src`, or with `accumulate` (3-D only) that col2im added into them.
 */
export function col2imKernel(r: Runtime, w: Window, channels: number, src: number, dst: number, accumulate = false): void {
  if (w.rank === 3) r.kernels.f32_col2im3d__simd(volumeWindowParams(r.params, w, channels, src, dst, accumulate));
  else if (accumulate) throw new Error("col2imKernel: accumulate is implemented for 3-D windows only");
  else r.kernels.f32_col2im__simd(windowParams(r.params, w, channels, src, dst));
}

/**
 * im2col or col2im over `planes` images (N·C), split over the pool by images when it pays; plane
 * sizes in floats (`srcPlane` of the source, `dstPlane` of the destination).
 */
export function runColumnKernel(rt: Runtime, kernel: "im2col" | "col2im", window: Window, planes: number,
  src: number, srcPlane: number, dst: number, dstPlane: number): void {
  const call = kernel === "im2col" ? im2colKernel : col2imKernel;
  const part = (p0: number, p1: number): Task => (r) => call(r, window, p1 - p0, src + p0 * srcPlane * 4, dst + p0 * dstPlane * 4);
  const T = threadsFor(rt, { bytes: planes * (srcPlane + dstPlane) * 4 });
  runTasks(rt, T === 1 ? [part(0, planes)] : ranges(planes, pieces(T)).map(([p0, p1]) => part(p0, p1)));
}
