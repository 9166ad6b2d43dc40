// Sub-pixel transposed convolution with Winograd F(2×2,2×2) phase kernels: the sub-pixel path
// (subpixel.ts) when every phase kernel is 2×2 (⌈k_H/s_H⌉ = ⌈k_W/s_W⌉ = 2: k4 s2, k16 s8, k64 s32,
// k2s s…). Each phase is then a 2×2 stride-1 correlation of the same input, so one input transform
// serves all s_H·s_W phases. Per image, group and band of tile rows (a tile = 2×2 cells, read from
// the 3×3 input patch at x rows u0 − 1 + 2·tile row…, columns likewise; matrices and their check in
// assembly/conv-transpose/subpixel-winograd.ts):
//   V [9][C/g][tiles]          = Bᵀ d B per patch (f32_phase_winograd_input__simd);
//   P_e [(m, rH, rW)][tiles]   = U_e [M/g·s_H·s_W, C/g] · V_e, e = 0…8 (9 GEMMs, 9 products per
//                                 2×2 cells instead of 16: 1.78× fewer MACs);
//   y (interleaved) + bias     = Aᵀ P A per phase and tile, written straight to the output pixels
//                                 of that phase (f32_phase_winograd_output__simd; no interleave pass).
// U [g][9][M/g·s_H·s_W][C/g] = G g Gᵀ of the W_sub phase kernels, made once per weight (kept beside
// a resident w, or by a Net plan, like W_sub). Extra workspace: U, V (9/4 of the input) and P (9/4
// of the output, per band). Transforms are additions only, but they add and subtract neighbouring
// inputs, so one NaN or ±∞ spreads beyond the terms it belongs to: it runs on finite x and w only
// (algorithm.ts exactAlgorithm).
import type { Runtime } from "../../runtime/runtime.js";
import type { ConvGeometry } from "../../shape.js";
import { PHASE_WINOGRAD_PARAMS, asPlanar, gemmParams, writeBlock } from "../params.js";
import { type Task, gemmWorkspace, pieces, ranges, runTasks, threadsFor, withArena } from "../run.js";
import type { TransposedBuffers } from "./buffers.js";
import { epiloguePass } from "../conv-engine/epilogue.js";
import { packPhaseWeights, phaseWeightBytes, plan, subpixelApplies } from "./subpixel.js";

/** Whether this path can run the geometry: sub-pixel's conditions, 2-D, and 2×2 phase kernels. */
export function subpixelWinogradApplies(g: ConvGeometry): boolean {
  if (g.window.rank !== 2 || !subpixelApplies(g)) return false;
  return plan(g).every((a) => a.taps === 2);
}

/** 2×2 tiles of cells per image and group (the GEMMs' N). */
export function subpixelWinogradTiles(g: ConvGeometry): number {
  const [h, v] = plan(g);
  return Math.ceil(h.cells / 2) * Math.ceil(v.cells / 2);
}

/** Bytes of U: 9 transformed phase kernels per (output channel, phase) and input channel. */
export function winogradPhaseWeightBytes(g: ConvGeometry): number {
  const [h, v] = plan(g);
  return g.M * h.s * v.s * (g.C / g.group) * 9 * 4;
}

/** The key of a U kept beside a resident w. */
export function winogradPhaseWeightKey(g: ConvGeometry): string {
  const [h, v] = plan(g);
  return `sub-pixel Winograd F(2×2,2×2) phase weights: group ${g.group}, strides ${h.s}×${v.s}`;
}

/** Packs U from w [C, M/g, k…] (byte offsets) through W_sub (borrowed for the call). */
export function packWinogradPhaseWeights(rt: Runtime, g: ConvGeometry, w: number, out: number): void {
  const [h, v] = plan(g);
  const Cg = g.C / g.group, rows = (g.M / g.group) * h.s * v.s;
  withArena(rt, () => {
    const wsub = rt.arena.alloc(phaseWeightBytes(g), "convTranspose sub-pixel phase weights");
    packPhaseWeights(rt, g, w, wsub);
    // W_sub [g][rows][Cg·4] → U [g][9][rows][Cg]
    for (let gi = 0; gi < g.group; gi++) {
      rt.kernels.f32_phase_winograd_weights__scalar(wsub + gi * rows * Cg * 16, rows, Cg, out + gi * 9 * rows * Cg * 4);
    }
  });
}

/** Extra bytes this path borrows beyond x, w, b and y for one thread (GEMM packing aside): U, V, P. */
export function subpixelWinogradWorkspaceBytes(g: ConvGeometry): number {
  const [h, v] = plan(g);
  const Cg = g.C / g.group, rows = (g.M / g.group) * h.s * v.s;
  return winogradPhaseWeightBytes(g) + 9 * (Cg + rows) * subpixelWinogradTiles(g) * 4;
}

export function convTransposeSubpixelWinograd(rt: Runtime, t: TransposedBuffers): void {
  const { N, C, M, group, window } = t.g;
  const [h, v] = plan(t.g);
  const [H, W] = asPlanar(window.grid, 1);
  const Cg = C / group, Mg = M / group, phasesPer = h.s * v.s, rows = Mg * phasesPer;
  const tileRows = Math.ceil(h.cells / 2), TC = Math.ceil(v.cells / 2);
  const inPlane = H * W, outPlane = h.out * v.out;
  let u = t.winogradWeights ?? 0;
  if (u === 0) {
    u = rt.arena.alloc(winogradPhaseWeightBytes(t.g), "convTranspose sub-pixel Winograd phase weights");
    packWinogradPhaseWeights(rt, t.g, t.w, u);
  }
  // Threads take pieces of (unit, band of tile rows, part of the output channels), unit = image·
  // group + group index, as subpixel.ts does: bands repack U (9·rows·Cg floats) once more per
  // extra band, channel parts redo V (9·Cg·tiles) in every extra part: take the cheaper. The
  // output rows of different bands or channel parts are disjoint.
  const units = N * group;
  const T = threadsFor(rt, { macs: units * rows * Cg * tileRows * TC * 9 });
  let perBand = tileRows;
  let channels: [number, number][] = [[0, Mg]];
  if (T > 1 && units < pieces(T)) {
    const thin = Math.ceil(tileRows / Math.ceil(pieces(T) / units));
    const extraBands = Math.ceil(tileRows / thin) - 1;
    const split = ranges(Mg, pieces(T));
    if (split.length > 1 && extraBands * rows > (split.length - 1) * tileRows * TC * 2) channels = split;
    else perBand = thin;
  }
  const bands = Math.ceil(tileRows / perBand);
  const parts = channels.length;
  // Piece q covers unit ⌊q / (bands·parts)⌋, band ⌊q / parts⌋ mod bands and channel part q mod parts.
  const piece = (q0: number, q1: number): Task => (r) => {
    const most = Math.max(...channels.map(([m0, m1]) => m1 - m0)) * phasesPer;
    const V = r.arena.alloc(9 * Cg * perBand * TC * 4, "convTranspose sub-pixel Winograd input transform");
    const P = r.arena.alloc(9 * most * perBand * TC * 4, "convTranspose sub-pixel Winograd products");
    const work = gemmWorkspace(r, most, perBand * TC, Cg, "convTranspose");
    for (let q = q0; q < q1; q++) {
      const un = Math.floor(q / (bands * parts)), tr0 = (Math.floor(q / parts) % bands) * perBand;
      const ntr = Math.min(perBand, tileRows - tr0);
      const [m0, m1] = channels[q % parts];
      const n = Math.floor(un / group), gi = un % group;
      const tiles = ntr * TC, rowsPart = (m1 - m0) * phasesPer;
      // the band's first cell row (cells counted from u0) and first x row read are 2·tr0 and 2·tr0 − 1 on
      const block = {
        C: Cg, H, W, M: m1 - m0, SH: h.s, SW: v.s, PT: h.p, PL: v.p, OH: h.out, OW: v.out,
        R0: h.u0 + 2 * tr0, C0: v.u0, TR: ntr, TC,
      };
      r.kernels.f32_phase_winograd_input__simd(writeBlock(r.params, PHASE_WINOGRAD_PARAMS, {
        ...block, src: t.x + (n * C + gi * Cg) * inPlane * 4, dst: V, bias: 0,
      }));
      for (let e = 0; e < 9; e++) {
        r.kernels.f32_gemm__simd(gemmParams(r.params, {
          M: rowsPart, N: tiles, K: Cg,
          a: u + ((gi * 9 + e) * rows + m0 * phasesPer) * Cg * 4, lda: Cg, transA: false,
          b: V + e * Cg * tiles * 4, ldb: tiles, transB: false,
          c: P + e * rowsPart * tiles * 4, ldc: tiles, alpha: 1, beta: 0, work,
        }));
      }
      r.kernels.f32_phase_winograd_output__simd(writeBlock(r.params, PHASE_WINOGRAD_PARAMS, {
        ...block, src: P, dst: t.y + (n * M + gi * Mg + m0) * outPlane * 4,
        bias: t.b === 0 ? 0 : t.b + (gi * Mg + m0) * 4,
      }));
    }
  };
  const total = units * bands * parts;
  const tasks = T === 1 ? [piece(0, total)] : ranges(total, pieces(T)).map(([q0, q1]) => piece(q0, q1));
  runTasks(rt, tasks);
  // a fused activation: one pass after the output transform (which added the bias)
  if (t.epilogue) epiloguePass(rt, t.epilogue, t.y, 0, N, M, outPlane);
}
