// 3-D max pooling (x [N, C, D, H, W]) as two passes of the 2-D kernel, because the max over a box
// is the max over its depth taps of the planar maxima of the depth slices:
//   t[p, d, oh, ow]  = max over (kh, kw) of x[p, d, oh·sH − pT + kh·dH, ow·sW − pL + kw·dW]   (planar pass)
//   y[p, od, oh, ow] = max over kd of t[p, od·sD − pF + kd·dD, oh, ow]                         (depth pass)
// (taps outside the input skipped, p = n·C + c). The depth pass is a 2-D window over [D, OH·OW]
// with a one-tap column axis, so both passes run on f32_max_pool__simd (the depth pass wholly on
// its stride-1 vector path): no 3-D kernel or parameter block to add, and KH·KW + KD comparisons
// per output element instead of KD·KH·KW. ceilMode, SAME/VALID pads and dilations are already in
// the resolved window; every window has an input tap on every axis (resolvePoolWindow checks), so
// no pass ever sees a window of padding only.
// The backward is the chain rule through the two passes, each on f32_max_pool_backward__scalar:
// dy goes to the depth slice whose planar maximum won (the first in kd order), then to that
// slice's first argmax in (kh, kw) order: together the first tap in (kd, kh, kw) order holding the
// window's maximum, NaN counting as largest, as in 2-D. Each pass splits over the pool by planes.
import type { Runtime } from "../runtime/runtime.js";
import type { Window } from "../shape.js";
import { product, runWindowKernel } from "./run.js";

/** The two 2-D windows of a 3-D one: `planar` over the N·C·D slices [H, W], `depth` over the N·C volumes seen as [D, OH·OW]. */
export function separableWindows(w: Window): { planar: Window; depth: Window } {
  const hw = (v: number[]) => v.slice(1);
  const planar: Window = {
    rank: 2, image: hw(w.image), kernel: hw(w.kernel), strides: hw(w.strides), dilations: hw(w.dilations),
    padsBegin: hw(w.padsBegin), padsEnd: hw(w.padsEnd), grid: hw(w.grid),
  };
  const columns = w.grid[1] * w.grid[2];
  const depth: Window = {
    rank: 2, image: [w.image[0], columns], kernel: [w.kernel[0], 1], strides: [w.strides[0], 1], dilations: [w.dilations[0], 1],
    padsBegin: [w.padsBegin[0], 0], padsEnd: [w.padsEnd[0], 0], grid: [w.grid[0], columns],
  };
  return { planar, depth };
}

/** y [planes, OD, OH, OW] = 3-D max pooling of x [planes, D, H, W] (byte offsets in rt's memory). */
export function maxPool3d(rt: Runtime, w: Window, planes: number, px: number, py: number): void {
  const { planar, depth } = separableWindows(w);
  const slices = planes * w.image[0], tPlane = product(planar.grid);
  const pt = rt.arena.alloc(slices * tPlane * 4, "maxPool planar maxima");
  runWindowKernel(rt, "f32_max_pool__simd", planar, slices, px, product(planar.image), pt, tPlane);
  runWindowKernel(rt, "f32_max_pool__simd", depth, planes, pt, product(depth.image), py, product(depth.grid));
}

/** dx [planes, D, H, W] = the gradient of maxPool3d for dy [planes, OD, OH, OW]; dx is overwritten. */
export function maxPoolBackward3d(rt: Runtime, w: Window, planes: number, px: number, pdy: number, pdx: number): void {
  const { planar, depth } = separableWindows(w);
  const slices = planes * w.image[0], tPlane = product(planar.grid), volume = product(depth.image);
  const pt = rt.arena.alloc(slices * tPlane * 4, "maxPoolBackward planar maxima");
  const pdt = rt.arena.alloc(slices * tPlane * 4, "maxPoolBackward planar gradient");
  runWindowKernel(rt, "f32_max_pool__simd", planar, slices, px, product(planar.image), pt, tPlane);
  // dt = dy routed to each depth window's winning slice; then dx = dt routed to each slice's argmax
  runWindowKernel(rt, "f32_max_pool_backward__scalar", depth, planes, pt, volume, pdt, volume, pdy, product(depth.grid));
  runWindowKernel(rt, "f32_max_pool_backward__scalar", planar, slices, px, product(planar.image), pdx, product(planar.image), pdt, tPlane);
}
