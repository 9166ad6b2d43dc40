// Winograd F(2×2,3×3) convolution (Lavin & Gray 2015) for 3×3, stride-1, undilated 2-D convs:
// each 2×2 block of outputs (a tile) costs 16 multiplies per (input, output channel) instead of 36.
// Per image and group, one band of tile rows at a time (V and M stay a few MB):
//   V [16][C/g][T] = Bᵀ d B of every tile's 4×4 input patch   (f32_winograd_input__simd)
//   M[e] [M/g×T] = U[e] [M/g×C/g] · V[e] [C/g×T], e = 0…15      (16 calls of f32_gemm__simd)
//   y tile = Aᵀ M A + bias, clipped at the right and bottom     (f32_winograd_output__simd)
// U [16][M][C/g] = G w Gᵀ (f32_winograd_weights__scalar: 16·M·C/g floats, O(M·C) against the
// O(M·C·OH·OW) product) is made once and kept like the GEMM-packed weights (packed-weights.ts): a
// resident w keeps it (conv.ts), a Net plan per parameter version (plan.ts); else once per call.
// Accuracy: the transforms add and subtract up to 16 terms, so the error is a few times the direct
// sum's (test/conv-winograd.test.ts states the measured bound).
import type { Runtime } from "../../runtime/runtime.js";
import type { ConvGeometry } from "../../shape.js";
import { WINOGRAD_PARAMS, gemmParams, planar, writeBlock } from "../params.js";
import { type Task, gemmWorkspace, pieces, ranges, runTasks, threadsFor } from "../run.js";
import { type Epilogue, epilogueWorkBytes, runEpilogue } from "./epilogue.js";

/** Target bytes of one band's V and M buffers together (16·(C/g + M/g)·T floats). */
const BAND_BYTES = 1 << 19;
/** Fewest tiles per band, so that each of the 16 GEMMs has columns enough to amortise packing U[e]. */
const MIN_BAND_TILES = 64;

/** Whether F(2×2,3×3) computes this convolution: 2-D, a 3×3 kernel, strides 1, dilations 1. */
export function winogradApplies(g: ConvGeometry): boolean {
  const w = g.window;
  return w.rank === 2 && w.kernel.every((k) => k === 3) && w.strides.every((s) => s === 1) && w.dilations.every((d) => d === 1);
}

/**
 * Fewest input channels, output channels (per group) and 2×2 tiles for which 'auto' takes F(2×2,3×3).
 * Measured (one run on a quiet machine, one thread, 1×C×S² pads 1, medians of 15 interleaved calls
 * against im2col + GEMM, relaxed / SIMD128 builds): 32→16 at 128² 1.08× / 1.18×, 32→32 at 56²
 * 1.30× / 1.39×, 64→32 at 64² 1.26× / 1.43×, 64→64 at 112² 1.45× / 1.63×, 128→128 at 56² 1.55× /
 * 1.75×, 256→256 at 28² 1.47× / 1.77×, 64→64 at 224² 1.33× / 1.49×; not taken: 16→16 at 128²
 * 0.89× / 0.99×, 8→27 at 96² 0.91× / 1.09×, 512→512 at 14² (49 tiles: the per-call weight
 * transform) 0.93× / 1.06×.
 * minTiles 100 → 49 once U is kept (resident w, Net plans): a second run (shared machine, both
 * paths on their kept forms — U, and the GEMM-packed w — medians of 15 interleaved calls, relaxed /
 * SIMD128) at 49 tiles: 512→512 at 14² 1.71× / 2.25×, 128→128 at 14² 1.50× / 1.77×, 64→64 at 14²
 * 1.37× / 1.44×, 32→32 at 14² 1.17× / 1.26×, 32→16 at 14² 1.19× / 1.11×, 64→32 at 13² 1.13× /
 * 1.36×; U made per call there 0.69–1.25×. At 16–25 tiles (512→512, 256→256 at 7²; 256→256,
 * 64→64 at 10²) kept U still gains 1.13–1.69×, but U per call loses 0.52–0.91× and 'auto' does not
 * know which it gets: not taken.
 */
export const WINOGRAD_AUTO = { minInputChannels: 32, minOutputChannels: 16, minTiles: 49 };

/** Whether 'auto' takes Winograd for this geometry (it applies, and WINOGRAD_AUTO's measured thresholds hold). */
export function winogradPays(g: ConvGeometry): boolean {
  if (!winogradApplies(g)) return false;
  const { OH, OW } = planar(g.window);
  const tiles = Math.ceil(OH / 2) * Math.ceil(OW / 2);
  return g.C / g.group >= WINOGRAD_AUTO.minInputChannels && g.M / g.group >= WINOGRAD_AUTO.minOutputChannels && tiles >= WINOGRAD_AUTO.minTiles;
}

/** Bytes of U [16][M][C/g], the transformed weights (G w Gᵀ of each 3×3 kernel). */
export function winogradWeightBytes(g: ConvGeometry): number {
  return 16 * g.M * (g.C / g.group) * 4;
}

/** U [16][M][C/g] = G w Gᵀ of w [M, C/g, 3, 3] (byte offset w) into winogradWeightBytes(g) bytes at `out`. */
export function transformWinogradWeights(rt: Runtime, g: ConvGeometry, w: number, out: number): void {
  rt.kernels.f32_winograd_weights__scalar(w, g.M, g.C / g.group, out);
}

/** Bytes convWinograd borrows on one thread: U (when not passed in), a band's V and M, and the GEMM workspace. */
export function winogradWorkspaceBytes(g: ConvGeometry): number {
  const Cg = g.C / g.group, Mg = g.M / g.group, maxT = bandTileRows(g) * Math.ceil(planar(g.window).OW / 2);
  return (16 * g.M * Cg + 16 * (Cg + Mg) * maxT) * 4;
}

/** Tile rows per band for this geometry: about BAND_BYTES of V and M, at least MIN_BAND_TILES tiles. */
function bandTileRows(g: ConvGeometry): number {
  const { OH, OW } = planar(g.window);
  return winogradBandTileRows(g.C / g.group + g.M / g.group, OH, OW);
}

/**
 * Tile rows per band of an OH×OW output whose V and M (or V and dM) hold `channels` (C/g + M/g)
 * planes of 16 floats a tile: about BAND_BYTES of them, at least MIN_BAND_TILES tiles.
 */
export function winogradBandTileRows(channels: number, OH: number, OW: number): number {
  const TH = Math.ceil(OH / 2), TW = Math.ceil(OW / 2);
  const perRow = 16 * channels * TW * 4;
  return Math.max(1, Math.min(TH, Math.max(Math.floor(BAND_BYTES / perRow), Math.ceil(MIN_BAND_TILES / TW))));
}

/**
 * y = conv(x, w) + b (then the epilogue) by F(2×2,3×3), operands already in wasm memory (byte
 * offsets; pb = 0 for no bias); the geometry must satisfy winogradApplies. Threads take pieces of
 * the units (one band of one image and group), each with its own V, M and packing space.
 * `preU`: U made ahead of the call by transformWinogradWeights (a resident w, a Net plan), or 0 to
 * make it here; the same bits either way (the same kernel makes it).
 */
export function convWinograd(rt: Runtime, g: ConvGeometry, px: number, pw: number, pb: number, py: number, epilogue: Epilogue | null = null, preU = 0): void {
  const { N, C, M, group, window } = g;
  const Cg = C / group, Mg = M / group;
  const { H, W, PT, PL, OH, OW } = planar(window);
  const inPlane = H * W, outPlane = OH * OW;
  const TH = Math.ceil(OH / 2), TW = Math.ceil(OW / 2);
  const rowsPerBand = bandTileRows(g);
  const bands = Math.ceil(TH / rowsPerBand);
  const maxT = rowsPerBand * TW;
  // U [16][M][Cg]: group gi's U[e] is rows gi·Mg … of U[e], leading dimension Cg
  let pu = preU;
  if (pu === 0) {
    pu = rt.arena.alloc(winogradWeightBytes(g), "conv winograd weights");
    transformWinogradWeights(rt, g, pw, pu);
  }
  const units = N * group * bands;
  const lane = (u0: number, u1: number): Task => (r) => {
    const pv = r.arena.alloc(16 * Cg * maxT * 4, "conv winograd input tiles");
    const pm = r.arena.alloc(16 * Mg * maxT * 4, "conv winograd products");
    const work = gemmWorkspace(r, Mg, maxT, Cg, "conv winograd");
    const scratch = epilogueWorkBytes(epilogue) === 0 ? 0 : r.arena.alloc(epilogueWorkBytes(epilogue), "conv epilogue scratch");
    for (let u = u0; u < u1; u++) {
      // unit u: band (u mod bands) of group ⌊u/bands⌋ mod group of image ⌊u/(bands·group)⌋
      const th0 = (u % bands) * rowsPerBand, gi = Math.floor(u / bands) % group, n = Math.floor(u / (bands * group));
      const rows = Math.min(rowsPerBand, TH - th0), T = rows * TW;
      const xg = px + (n * C + gi * Cg) * inPlane * 4;
      const yg = py + (n * M + gi * Mg) * outPlane * 4;
      r.kernels.f32_winograd_input__simd(writeBlock(r.params, WINOGRAD_PARAMS, {
        C: Cg, H, W, PT, PL, OH, OW, th0, rows, src: xg, dst: pv, bias: 0,
      }));
      // M[e] [Mg×T] = U[e][gi·Mg …] [Mg×Cg] · V[e] [Cg×T]
      for (let e = 0; e < 16; e++) {
        r.kernels.f32_gemm__simd(gemmParams(r.params, {
          M: Mg, N: T, K: Cg,
          a: pu + (e * M + gi * Mg) * Cg * 4, lda: Cg, transA: false,
          b: pv + e * Cg * T * 4, ldb: T, transB: false,
          c: pm + e * Mg * T * 4, ldc: T, alpha: 1, beta: 0, work,
        }));
      }
      r.kernels.f32_winograd_output__simd(writeBlock(r.params, WINOGRAD_PARAMS, {
        C: Mg, H, W, PT, PL, OH, OW, th0, rows, src: pm, dst: yg, bias: pb === 0 ? 0 : pb + gi * Mg * 4,
      }));
      // output rows [2·th0, min(OH, 2·(th0 + rows))) of the group's Mg channels, bias already added
      const oh0 = 2 * th0, ohRows = Math.min(OH, 2 * (th0 + rows)) - oh0;
      runEpilogue(r, epilogue, yg + oh0 * OW * 4, 0, Mg, ohRows * OW, outPlane, scratch);
    }
  };
  const T = threadsFor(rt, { macs: N * M * outPlane * Cg * 9 });
  runTasks(rt, T === 1 ? [lane(0, units)] : ranges(units, pieces(T)).map(([u0, u1]) => lane(u0, u1)));
}
