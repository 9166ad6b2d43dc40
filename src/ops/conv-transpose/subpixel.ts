// Sub-pixel (polyphase) transposed convolution, dilation 1 (Shi et al. 2016; XNNPACK's
// subconvolution deconvolution). Per axis, output o has phase r = (o + p) mod s and cell
// t = ⌊(o + p)/s⌋, and only taps k ≡ r (mod s) reach it: y[o] = Σ_j x[t − j]·w[r + j·s],
// j < T = ⌈k/s⌉. So the s_H·s_W phases are small dense convolutions of the low-resolution input
// with T_H×T_W phase kernels: no multiplication by an inserted zero, and the (k/s)²-times larger
// column buffer of GEMM + col2im is never built. Per image and group:
//   cols = im2col(x_g) with a T_H×T_W window, stride 1, over the cells t ∈ [u0, u1] of each axis;
//   P = W_sub [M/g·s_H·s_W, C/g·T_H·T_W] · cols      (one GEMM for all phases; rows (m, rH, rW));
//   y_g = interleave(P) + b                          (every output written once).
// W_sub[(m, rH, rW), (c, kh', kw')] = w[c, m, rH + (T_H−1−kh')·s_H, rW + (T_W−1−kw')·s_W], zero past
// the kernel (phases of a k not divisible by s have fewer taps; those zeros are the only waste);
// packed by the f32_conv_transpose_subpixel_pack_weights__scalar kernel.
// Extra workspace: W_sub, cols (T_H·T_W times the input) and P (about the output's size).
// Stride 1 is the special case where P is y: then it runs as conv (banded im2col, no P).
import type { Runtime } from "../../runtime/runtime.js";
import type { ConvGeometry, Window } from "../../shape.js";
import { INTERLEAVE_PARAMS, PACK_PARAMS, asPlanar, gemmParams, planar, windowParams, writeBlock } from "../params.js";
import { type Task, gemmWorkspace, pieces, ranges, runTasks, threadsFor } from "../run.js";
import { convColumnBytes, convForward } from "../conv-engine/forward.js";
import { band } from "../conv-engine/bands.js";
import type { TransposedBuffers } from "./buffers.js";
import { epiloguePass } from "../conv-engine/epilogue.js";

export interface AxisPlan {
  s: number; k: number; p: number; out: number;
  /** Taps per phase kernel: ⌈k/s⌉. */
  taps: number;
  /** First and count of the cells t = ⌊(o + p)/s⌋ over o ∈ [0, out). */
  u0: number; cells: number;
}

function planAxis(s: number, k: number, p: number, out: number): AxisPlan {
  const taps = Math.ceil(k / s);
  const u0 = Math.floor(p / s);
  const u1 = Math.floor((out - 1 + p) / s);
  return { s, k, p, out, taps, u0, cells: u1 - u0 + 1 };
}

/** The per-axis plan [H, W] of the phases (also read by subpixel-winograd.ts). */
export function plan(g: ConvGeometry): [AxisPlan, AxisPlan] {
  // The output is the window's image: H, W here are the output's size.
  const { SH, SW, KH, KW, PT, PL, H, W } = planar(g.window);
  return [planAxis(SH, KH, PT, H), planAxis(SW, KW, PL, W)];
}

/** Whether this path can run the geometry: dilation 1 and no negative begin padding. */
export function subpixelApplies(g: ConvGeometry): boolean {
  // its phase kernels are 2-D (1-D as H = 1): 3-D, with s_D·s_H·s_W phases, is not written yet
  return g.window.rank <= 2 && g.window.dilations.every((d) => d === 1) && g.window.padsBegin.every((p) => p >= 0);
}

/** Whether some phase kernel has zero taps (s does not divide k on an axis): those multiply x by 0. */
export function subpixelHasZeroTaps(g: ConvGeometry): boolean {
  return plan(g).some((a) => a.taps * a.s !== a.k);
}

/**
 * MACs this path spends per useful MAC: per axis ⌈k/s⌉·s / k (zero taps when s does not divide k)
 * times cells / in (the phase convolutions also cover the cells at the border, ⌈k/s⌉ − 1 more).
 */
export function subpixelWaste(g: ConvGeometry): number {
  const inputs = asPlanar(g.window.grid, 1);
  return plan(g).reduce((acc, a, i) => acc * ((a.taps * a.s) / a.k) * (a.cells / inputs[i]), 1);
}

/** Extra bytes this path borrows beyond x, w, b and y (GEMM packing aside). */
export function subpixelWorkspaceBytes(g: ConvGeometry): number {
  const [h, w] = plan(g);
  const Cg = g.C / g.group, Mg = g.M / g.group;
  const K = Cg * h.taps * w.taps, rows = h.s * w.s * Mg, cells = h.cells * w.cells;
  if (phaseIsOutput(h, w)) return g.group * rows * K * 4 + convColumnBytes(phaseConv(g, h, w));
  return (g.group * rows * K + K * cells + rows * cells) * 4;
}

/** im2col reads x[u0 + a − j] as tap kh' = T − 1 − j of a stride-1 window with begin pad T − 1 − u0. */
function cellWindow(g: ConvGeometry, h: AxisPlan, v: AxisPlan): Window {
  const [H, W] = asPlanar(g.window.grid, 1);
  return {
    rank: 2, image: [H, W], kernel: [h.taps, v.taps], strides: [1, 1], dilations: [1, 1],
    padsBegin: [h.taps - 1 - h.u0, v.taps - 1 - v.u0], padsEnd: [0, 0], grid: [h.cells, v.cells],
  };
}

/**
 * Stride 1 on both axes: the single phase is the output itself (cells = out), so the phase
 * convolution is an ordinary convolution of x with W_sub (the kernel turned round, channels
 * swapped) written straight into y: conv's banded im2col + GEMM, no phase buffer, no interleave.
 */
function phaseIsOutput(h: AxisPlan, v: AxisPlan): boolean {
  return h.s === 1 && v.s === 1;
}

function phaseConv(g: ConvGeometry, h: AxisPlan, v: AxisPlan): ConvGeometry {
  return { N: g.N, C: g.C, M: g.M, group: g.group, window: cellWindow(g, h, v), outShape: g.outShape };
}

/** Bytes of W_sub: s_H·s_W phase kernels of C/g·⌈k_H/s_H⌉·⌈k_W/s_W⌉ taps per output channel. */
export function phaseWeightBytes(g: ConvGeometry): number {
  const [h, v] = plan(g);
  return g.M * h.s * v.s * (g.C / g.group) * h.taps * v.taps * 4;
}

/** Packs W_sub from w [C, M/g, k…] (byte offsets); it depends on w, the group, k and s only. */
export function packPhaseWeights(rt: Runtime, g: ConvGeometry, w: number, out: number): void {
  const [h, v] = plan(g);
  rt.kernels.f32_conv_transpose_subpixel_pack_weights__scalar(writeBlock(rt.params, PACK_PARAMS, {
    G: g.group, CG: g.C / g.group, MG: g.M / g.group, KH: h.k, KW: v.k, SH: h.s, SW: v.s, TH: h.taps, TW: v.taps, w, out,
  }));
}

/** The key of a W_sub kept beside a resident w (w's shape is fixed; the rest of what it depends on). */
export function phaseWeightKey(g: ConvGeometry): string {
  const [h, v] = plan(g);
  return `sub-pixel phase weights: group ${g.group}, strides ${h.s}×${v.s}`;
}

export function convTransposeSubpixel(rt: Runtime, t: TransposedBuffers): void {
  const { N, C, M, group, window } = t.g;
  const [h, v] = plan(t.g);
  const Cg = C / group, Mg = M / group;
  const K = Cg * h.taps * v.taps, rows = h.s * v.s * Mg, cells = h.cells * v.cells;
  const inPlane = window.grid.reduce((a, b) => a * b, 1), outPlane = h.out * v.out;
  let wsub = t.phaseWeights ?? 0;
  if (wsub === 0) {
    wsub = rt.arena.alloc(phaseWeightBytes(t.g), "convTranspose sub-pixel phase weights");
    packPhaseWeights(rt, t.g, t.w, wsub);
  }
  if (phaseIsOutput(h, v)) {
    convForward(rt, phaseConv(t.g, h, v), t.x, wsub, t.b, t.y, undefined, t.epilogue ?? null);
    return;
  }
  const cellWin = cellWindow(t.g, h, v);
  const phasesPer = h.s * v.s;
  // Threads take pieces of (unit, band of cell rows), unit = image·group + group index: a band's
  // input columns (im2col of those cell rows), all phase rows of the GEMM over its cells, and the
  // interleave of the output rows those cells reach (disjoint between bands). Nothing is done
  // twice; bands only when there are fewer units than pieces.
  const units = N * group;
  const T = threadsFor(rt, { macs: units * rows * K * cells });
  // Bands repack the phase weights (rows·K floats) once more per extra band; splitting output
  // channels instead rebuilds and repacks the input columns (K·cells) in every extra piece: take
  // the cheaper (k4 s2 64→32 at 64²: bands; k64 s32, 32 768 phase rows: channels).
  let perBand = h.cells;
  let channels: [number, number][] = [[0, Mg]];
  if (T > 1 && units < pieces(T)) {
    const thin = Math.ceil(h.cells / Math.ceil(pieces(T) / units));
    const extraBands = Math.ceil(h.cells / thin) - 1;
    const split = ranges(Mg, pieces(T));
    if (split.length > 1 && extraBands * rows > (split.length - 1) * cells * 2) channels = split;
    else perBand = thin;
  }
  const bands = Math.ceil(h.cells / perBand);
  // Piece q covers unit ⌊q / (bands·parts)⌋, band ⌊q / parts⌋ mod bands and channel part q mod parts.
  const parts = channels.length;
  const piece = (q0: number, q1: number): Task => (r) => {
    const width = perBand * v.cells, most = Math.max(...channels.map(([m0, m1]) => m1 - m0)) * phasesPer;
    const cols = r.arena.alloc(K * width * 4, "convTranspose sub-pixel input columns");
    const phases = r.arena.alloc(most * width * 4, "convTranspose sub-pixel phase outputs");
    const work = gemmWorkspace(r, most, width, K, "convTranspose");
    for (let q = q0; q < q1; q++) {
      const u = Math.floor(q / (bands * parts)), a0 = (Math.floor(q / parts) % bands) * perBand, nr = Math.min(perBand, h.cells - a0);
      const [m0, m1] = channels[q % parts];
      const n = Math.floor(u / group), gi = u % group, bandCells = nr * v.cells;
      r.kernels.f32_im2col__scalar(windowParams(r.params, band(cellWin, a0, nr), Cg, t.x + (n * C + gi * Cg) * inPlane * 4, cols));
      r.kernels.f32_gemm__simd(gemmParams(r.params, {
        M: (m1 - m0) * phasesPer, N: bandCells, K,
        a: wsub + (gi * rows + m0 * phasesPer) * K * 4, lda: K, transA: false,
        b: cols, ldb: bandCells, transB: false,
        c: phases, ldc: bandCells, alpha: 1, beta: 0, work,
      }));
      r.kernels.f32_conv_transpose_subpixel_interleave__simd(writeBlock(r.params, INTERLEAVE_PARAMS, {
        M: m1 - m0, OH: h.out, OW: v.out, SH: h.s, SW: v.s, PT: h.p, PL: v.p,
        U0H: h.u0 + a0, U0W: v.u0, NUH: nr, NUW: v.cells,
        phases, bias: t.b === 0 ? 0 : t.b + (gi * Mg + m0) * 4, y: t.y + (n * M + gi * Mg + m0) * outPlane * 4,
      }));
    }
  };
  const total = units * bands * parts;
  const tasks = T === 1 ? [piece(0, total)] : ranges(total, pieces(T)).map(([q0, q1]) => piece(q0, q1));
  runTasks(rt, tasks);
  // a fused activation: one pass after the interleave (which added the bias)
  if (t.epilogue) epiloguePass(rt, t.epilogue, t.y, 0, N, M, outPlane);
}
