// Sub-pixel (polyphase) transposed convolution on volumes: subpixel.ts's method with s_D·s_H·s_W
// phases. Per axis, output o has phase r = (o + p) mod s and cell t = ⌊(o + p)/s⌋, and only taps
// k ≡ r (mod s) reach it: y[o] = Σ_j x[t − j]·w[r + j·s], j < T = ⌈k/s⌉. Per image and group, one
// band of cells at a time (bands.ts gridBands over the cell grid):
//   cols = im2col3d(x_g) with a T_D×T_H×T_W window, stride 1, over the band's cells;
//   P = W_sub [M/g·s_D·s_H·s_W, C/g·T_D·T_H·T_W] · cols    (one GEMM for every phase; rows (m, rD, rH, rW));
//   y_g[m, t·s + r − p] = P[(m, r), t] for each phase r     (every output written once);
// then the bias and a fused activation in one pass. W_sub[(m, r), (c, j')] = w[c, m, r + (T−1−j')·s]
// per axis, zero past the kernel. No multiplication by an inserted zero (but the zero taps of a k
// that s does not divide), and the column buffer is T³ times the band's cells, not k³ times the
// input as in GEMM + col2im. The phase weights and the interleave are strided copies
// (f32_permute__simd, one per phase: P's rows of a phase are a box of y with strides s), so no new
// kernel is needed; stride 1 on every axis is an ordinary convolution of x with W_sub (conv-engine).
import type { Runtime } from "../../runtime/runtime.js";
import type { ConvGeometry, Window } from "../../shape.js";
import { PERMUTE_PARAMS, gemmParams, writeBlock } from "../params.js";
import { type Task, gemmWorkspace, pieces, product, ranges, runTasks, threadsFor } from "../run.js";
import { convForward } from "../conv-engine/forward.js";
import { bandRows, gridBands } from "../conv-engine/bands.js";
import { im2colKernel } from "../column-kernels.js";
import { epiloguePass } from "../conv-engine/epilogue.js";
import type { TransposedBuffers } from "./buffers.js";

/** One axis of the phases: stride, kernel, begin pad, output size, taps per phase and the cells t ∈ [u0, u0 + cells). */
interface Axis { s: number; k: number; p: number; out: number; taps: number; u0: number; cells: number }

function axes(g: ConvGeometry): [Axis, Axis, Axis] {
  const w = g.window;
  const axis = (i: number): Axis => {
    const s = w.strides[i], k = w.kernel[i], p = w.padsBegin[i], out = w.image[i];
    const u0 = Math.floor(p / s);
    return { s, k, p, out, taps: Math.ceil(k / s), u0, cells: Math.floor((out - 1 + p) / s) - u0 + 1 };
  };
  return [axis(0), axis(1), axis(2)];
}

/** Whether this path runs the geometry: 3-D, dilation 1 and no negative begin padding. */
export function subpixel3dApplies(g: ConvGeometry): boolean {
  return g.window.rank === 3 && g.window.dilations.every((d) => d === 1) && g.window.padsBegin.every((p) => p >= 0);
}

/** Whether some phase kernel has zero taps (s does not divide k on an axis): those multiply x by 0. */
export function subpixel3dHasZeroTaps(g: ConvGeometry): boolean {
  return axes(g).some((a) => a.taps * a.s !== a.k);
}

/** Phase rows (M/g·s_D·s_H·s_W) and depth (C/g·T_D·T_H·T_W) of the GEMM. */
function gemmShape(g: ConvGeometry): { phases: number; rows: number; K: number } {
  const a = axes(g);
  const phases = a[0].s * a[1].s * a[2].s;
  return { phases, rows: (g.M / g.group) * phases, K: (g.C / g.group) * a[0].taps * a[1].taps * a[2].taps };
}

/** Bytes of W_sub, every group. */
export function phaseWeight3dBytes(g: ConvGeometry): number {
  const { rows, K } = gemmShape(g);
  return g.group * rows * K * 4;
}

/** The key of a W_sub kept beside a resident w. */
export function phaseWeight3dKey(g: ConvGeometry): string {
  return `3-D sub-pixel phase weights: group ${g.group}, strides ${g.window.strides.join("×")}`;
}

/**
 * Packs W_sub from w [C, M/g, kD, kH, kW] (byte offsets): zeroed, then per group and phase r one
 * strided copy of the taps k = r + j·s < k into columns j' = T − 1 − j (a reversed stride).
 */
export function packPhaseWeights3d(rt: Runtime, g: ConvGeometry, w: number, out: number): void {
  const [D, H, W] = axes(g);
  const { phases, rows, K } = gemmShape(g);
  const Cg = g.C / g.group, Mg = g.M / g.group, taps = D.k * H.k * W.k, cellTaps = D.taps * H.taps * W.taps;
  rt.arena.commit();
  rt.arena.f32(out, g.group * rows * K).fill(0);
  for (let gi = 0; gi < g.group; gi++) {
    for (let rD = 0; rD < D.s; rD++) for (let rH = 0; rH < H.s; rH++) for (let rW = 0; rW < W.s; rW++) {
      const nD = Math.ceil((D.k - rD) / D.s), nH = Math.ceil((H.k - rH) / H.s), nW = Math.ceil((W.k - rW) / W.s);
      if (nD <= 0 || nH <= 0 || nW <= 0) continue; // a phase with no taps on some axis stays zero
      const phase = (rD * H.s + rH) * W.s + rW;
      // x: w_g[c, m, r + j·s]; y: W_sub_g[(m·phases + phase), (c, T−1−j)]
      const x = w + (gi * Cg * Mg * taps + (rD * H.k + rH) * W.k + rW) * 4;
      const y = out + (gi * rows * K + phase * K + ((D.taps - 1) * H.taps + (H.taps - 1)) * W.taps + (W.taps - 1)) * 4;
      rt.kernels.f32_permute__simd(writeBlock(rt.params, PERMUTE_PARAMS, {
        x, y,
        n0: 1, s0: 0, t0: 0,
        n1: Mg, s1: taps, t1: phases * K,
        n2: Cg, s2: Mg * taps, t2: cellTaps,
        n3: nD, s3: D.s * H.k * W.k, t3: -H.taps * W.taps,
        n4: nH, s4: H.s * W.k, t4: -W.taps,
        n5: nW, s5: W.s, t5: -1,
      }));
    }
  }
}

/** The stride-1, T_D×T_H×T_W window im2col reads x through: x[u0 + a − j] is tap T − 1 − j over cell a. */
function cellWindow(g: ConvGeometry, a: [Axis, Axis, Axis]): Window {
  return {
    rank: 3, image: g.window.grid.slice(), kernel: a.map((x) => x.taps), strides: [1, 1, 1], dilations: [1, 1, 1],
    padsBegin: a.map((x) => x.taps - 1 - x.u0), padsEnd: [0, 0, 0], grid: a.map((x) => x.cells),
  };
}

/** Extra bytes this path borrows beyond x, w, b and y (GEMM packing aside): W_sub, and one band of columns and of phase outputs. */
export function subpixel3dWorkspaceBytes(g: ConvGeometry): number {
  const { rows, K } = gemmShape(g);
  const width = gridBands(cellWindow(g, axes(g)), bandRows(cellWindow(g, axes(g)), K + rows)).width;
  return phaseWeight3dBytes(g) + (K + rows) * width * 4;
}

/**
 * MACs this path spends per useful MAC: per axis ⌈k/s⌉·s / k (zero taps when s does not divide k)
 * times cells / in (the phase convolutions also cover the border cells).
 */
export function subpixel3dWaste(g: ConvGeometry): number {
  return axes(g).reduce((acc, a, i) => acc * ((a.taps * a.s) / a.k) * (a.cells / g.window.grid[i]), 1);
}

/**
 * The cells c ∈ [lo, lo + n) of a band, on one axis, whose output o = (u0 + c)·s + r − p of phase r
 * lies in [0, out): [first cell, count, its output o].
 */
function span(x: Axis, r: number, lo: number, n: number): [number, number, number] {
  const c0 = Math.max(lo, Math.ceil((x.p - r) / x.s) - x.u0);
  const c1 = Math.min(lo + n, Math.floor((x.out - 1 + x.p - r) / x.s) - x.u0 + 1);
  return [c0, c1 - c0, (x.u0 + c0) * x.s + r - x.p];
}

export function convTransposeSubpixel3d(rt: Runtime, t: TransposedBuffers): void {
  const { N, C, M, group, window } = t.g;
  const a = axes(t.g), [D, H, W] = a;
  const { phases, rows, K } = gemmShape(t.g);
  const Cg = C / group, Mg = M / group;
  const inPlane = product(window.grid), outPlane = product(window.image);
  let wsub = t.phaseWeights ?? 0;
  if (wsub === 0) {
    wsub = rt.arena.alloc(phaseWeight3dBytes(t.g), "convTranspose 3-D sub-pixel phase weights");
    packPhaseWeights3d(rt, t.g, t.w, wsub);
  }
  const cells = cellWindow(t.g, a);
  if (phases === 1) {
    // stride 1: the only phase is y itself, a convolution of x with W_sub [M, C/g, T_D, T_H, T_W]
    convForward(rt, { N, C, M, group, window: cells, outShape: t.g.outShape }, t.x, wsub, t.b, t.y, undefined, t.epilogue ?? null);
    return;
  }
  // bands of cells sized for the columns and the phase outputs together
  const plan = gridBands(cells, bandRows(cells, K + rows));
  const [, cH, cW] = cells.grid;
  // Output channels [m0, m1) of units [u0, u1) (unit = image·group + group index), band by band:
  // im2col of the band's cells, the GEMM of its phase rows, one strided copy per phase into y.
  const lane = (u0: number, u1: number, m0: number, m1: number): Task => (r) => {
    const prow = (m1 - m0) * phases;
    const cols = r.arena.alloc(K * plan.width * 4, "convTranspose 3-D sub-pixel input columns");
    const P = r.arena.alloc(prow * plan.width * 4, "convTranspose 3-D sub-pixel phase outputs");
    const work = gemmWorkspace(r, prow, plan.width, K, "convTranspose");
    for (let u = u0; u < u1; u++) {
      const n = Math.floor(u / group), gi = u % group;
      const yg = t.y + (n * M + gi * Mg + m0) * outPlane * 4;
      for (let b = 0; b < plan.count; b++) {
        const { window: bandWindow, first, positions } = plan.at(b);
        im2colKernel(r, bandWindow, Cg, t.x + (n * C + gi * Cg) * inPlane * 4, cols);
        r.kernels.f32_gemm__simd(gemmParams(r.params, {
          M: prow, N: positions, K,
          a: wsub + (gi * rows + m0 * phases) * K * 4, lda: K, transA: false,
          b: cols, ldb: positions, transB: false,
          c: P, ldc: positions, alpha: 1, beta: 0, work,
        }));
        // the band's cells: a box [a0, a0 + nD) × [b0, b0 + nH) × [0, cW) of the cell grid
        const a0 = Math.floor(first / (cH * cW)), b0 = Math.floor(first / cW) % cH;
        const [nD, nH] = bandWindow.grid;
        for (let rD = 0; rD < D.s; rD++) for (let rH = 0; rH < H.s; rH++) for (let rW = 0; rW < W.s; rW++) {
          const [dc, dn, od] = span(D, rD, a0, nD), [hc, hn, oh] = span(H, rH, b0, nH), [wc, wn, ow] = span(W, rW, 0, cW);
          if (dn <= 0 || hn <= 0 || wn <= 0) continue;
          const phase = (rD * H.s + rH) * W.s + rW;
          r.kernels.f32_permute__simd(writeBlock(r.params, PERMUTE_PARAMS, {
            x: P + (phase * positions + ((dc - a0) * nH + (hc - b0)) * cW + wc) * 4,
            y: yg + ((od * H.out + oh) * W.out + ow) * 4,
            n0: 1, s0: 0, t0: 0,
            n1: 1, s1: 0, t1: 0,
            n2: m1 - m0, s2: phases * positions, t2: outPlane,
            n3: dn, s3: nH * cW, t3: D.s * H.out * W.out,
            n4: hn, s4: cW, t4: H.s * W.out,
            n5: wn, s5: 1, t5: W.s,
          }));
        }
      }
    }
  };
  const units = N * group;
  const T = threadsFor(rt, { macs: units * rows * K * product(cells.grid) });
  let tasks: Task[];
  if (T === 1) tasks = [lane(0, units, 0, Mg)];
  else if (units >= 2 * T || Mg < T) tasks = ranges(units, pieces(T)).map(([u0, u1]) => lane(u0, u1, 0, Mg));
  else tasks = ranges(Mg, pieces(T)).map(([m0, m1]) => lane(0, units, m0, m1));
  runTasks(rt, tasks);
  // the bias and a fused activation in one pass (the phase copies wrote y without them)
  epiloguePass(rt, t.epilogue ?? null, t.y, t.b, N, M, outPlane);
}
