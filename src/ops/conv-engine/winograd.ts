// Winograd F(2×2,3×3) and F(4×4,3×3) convolution (Lavin & Gray 2015) for 3×3, stride-1, undilated
// 2-D convs: each m×m block of outputs (a tile, m = 2 or 4) costs α² = (m + 2)² multiplies per
// (input, output channel) instead of 9m² (16 for 36, or 36 for 144). Per image and group, one band
// of tile rows at a time (V and M stay a few MB):
//   V [α²][C/g][T] = Bᵀ d B of every tile's α×α input patch  (f32_winograd[_f4]_input__simd)
//   M[e] [M/g×T] = U[e] [M/g×C/g] · V[e] [C/g×T], e < α²       (α² calls of f32_gemm__simd)
//   y tile = Aᵀ M A + bias, clipped at the right and bottom    (f32_winograd[_f4]_output__simd)
// U [α²][M][C/g] = G w Gᵀ (f32_winograd[_f4]_weights__scalar: α²·M·C/g floats, O(M·C) against the
// O(M·C·OH·OW) product) is made once and kept like the GEMM-packed weights (packed-weights.ts): a
// resident w keeps it (conv.ts), a Net plan per parameter version (plan.ts); else once per call.
// Accuracy: the transforms add and subtract up to α² terms with coefficients up to 8 (F4), so the
// error is a few times (F2) to a few tens of times (F4) the direct sum's
// (test/conv-winograd.test.ts states the measured bounds of both).
import type { Runtime } from "../../runtime/runtime.js";
import type { ConvGeometry } from "../../shape.js";
import { WINOGRAD_PARAMS, gemmParams, planar, writeBlock } from "../params.js";
import { type Task, gemmWorkspace, pieces, ranges, runTasks, threadsFor } from "../run.js";
import { type Epilogue, epilogueWorkBytes, runEpilogue } from "./epilogue.js";

/** Output tile side m: 2 for F(2×2,3×3) ('winograd'), 4 for F(4×4,3×3) ('winograd-f4'). */
export type WinogradTile = 2 | 4;

/** The Winograd tile side of `algorithm` (2 for 'winograd', 4 for 'winograd-f4'), or 0 for the others. */
export function winogradTile(algorithm: string): WinogradTile | 0 {
  return algorithm === "winograd" ? 2 : algorithm === "winograd-f4" ? 4 : 0;
}

/** Entries of a transformed tile: α² = (m + 2)². */
function entries(m: WinogradTile): number {
  return (m + 2) * (m + 2);
}

/**
 * Floats from V[e] (or M[e]) to V[e + 1] for C·T floats a plane: C·T for F(2×2,3×3); for F(4×4,3×3)
 * rounded up to 4 KB plus one 64-byte line (assembly/params.ts winogradF4PlaneFloats: its two-pass
 * transforms touch all 36 planes in turn, which must not share one L1 set).
 */
function planeFloats(m: WinogradTile, CT: number): number {
  return m === 4 ? Math.ceil(CT / 1024) * 1024 + 16 : CT;
}

/** Target bytes of one band's V and M buffers together (α²·(C/g + M/g)·T floats). */
const BAND_BYTES = 1 << 19;
/** Fewest tiles per band, so that each of the α² GEMMs has columns enough to amortise packing U[e]. */
const MIN_BAND_TILES = 64;

/** Whether F(2×2,3×3) (and F(4×4,3×3)) computes this convolution: 2-D, a 3×3 kernel, strides 1, dilations 1. */
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

/**
 * Where 'auto' takes F(4×4,3×3) over F(2×2,3×3): among the geometries winogradPays takes, those with
 * ≥ minTiles 4×4 tiles (28²). Measured with bench/winograd-ab.ts (one process, one thread, pads 1,
 * each algorithm on its kept form of a resident w, calls interleaved, medians of 7–31; a shared
 * machine where one shape's ratio moved up to ±30% between runs; F2 time ÷ F4 time, relaxed ;
 * SIMD128, one run after the planes were spaced, params.ts winogradF4PlaneFloats): taken: 256→256
 * at 56² 1.46× ; 1.57×, 256→256 at 28² 1.51× ; 1.28×, 128→128 at 56² 1.22× ; 1.31×, 64→128 at
 * 112² 1.18× ; 1.12×, 64→64 at 224² 1.13× ; 1.04×, at 160² 1.24× ; 1.46×, at 112² 1.72× ; 1.16×,
 * at 56² 1.09× ; 1.28×, at 28² 0.99× ; 1.25×, 64→32 at 64² 1.23× ; 1.45×, 32→32 at 56² 1.04× ;
 * 1.02×, 32→16 at 128² 1.01× ; 1.08× (earlier runs, same code: 512→512 at 28² 1.56× ; 1.66×,
 * 256→512 at 28² 1.62× ; 1.69×). Not taken, below 49 tiles: 64→64 at 24² (36) 0.99× ; 1.04×,
 * 48→48 at 20² (25) 0.89× ; 1.01×, 16 tiles (14²) 512→512 1.01× ; 1.03×, 256→256 0.96× ; 0.97×,
 * 128→128 0.91× ; 0.94×, 64→64 1.07× ; 1.17×, 32→32 1.01× ; 1.02×, and 4 (7²) 512→512 0.65× ;
 * 0.78×: a tie at best. F4's gain grows with the channels (its two-pass transforms are amortised
 * over more of the 36 GEMMs' work).
 */
export const WINOGRAD_F4_AUTO = { minTiles: 49 };

/** Whether 'auto' takes F(4×4,3×3) for this geometry (winogradPays holds, and WINOGRAD_F4_AUTO's measured threshold). */
export function winogradF4Pays(g: ConvGeometry): boolean {
  if (!winogradPays(g)) return false;
  const { OH, OW } = planar(g.window);
  return Math.ceil(OH / 4) * Math.ceil(OW / 4) >= WINOGRAD_F4_AUTO.minTiles;
}

/** Bytes of U [α²][M][C/g], the transformed weights (G w Gᵀ of each 3×3 kernel) for tile side m. */
export function winogradWeightBytes(g: ConvGeometry, m: WinogradTile = 2): number {
  return entries(m) * g.M * (g.C / g.group) * 4;
}

/** U [α²][M][C/g] = G w Gᵀ of w [M, C/g, 3, 3] (byte offset w) into winogradWeightBytes(g, m) bytes at `out`. */
export function transformWinogradWeights(rt: Runtime, g: ConvGeometry, w: number, out: number, m: WinogradTile = 2): void {
  if (m === 4) rt.kernels.f32_winograd_f4_weights__scalar(w, g.M, g.C / g.group, out);
  else rt.kernels.f32_winograd_weights__scalar(w, g.M, g.C / g.group, out);
}

/** Bytes convWinograd borrows on one thread: U (when not passed in), a band's V and M, and the GEMM workspace. */
export function winogradWorkspaceBytes(g: ConvGeometry, m: WinogradTile = 2): number {
  const Cg = g.C / g.group, Mg = g.M / g.group, maxT = bandTileRows(g, m) * Math.ceil(planar(g.window).OW / m);
  return (entries(m) * g.M * Cg + entries(m) * (planeFloats(m, Cg * maxT) + planeFloats(m, Mg * maxT))) * 4;
}

/** Tile rows per band for this geometry: about BAND_BYTES of V and M, at least MIN_BAND_TILES tiles. */
function bandTileRows(g: ConvGeometry, m: WinogradTile): number {
  const { OH, OW } = planar(g.window);
  return winogradBandTileRows(g.C / g.group + g.M / g.group, OH, OW, m);
}

/**
 * Tile rows per band of an OH×OW output of m×m tiles whose V and M (or V and dM) hold `channels`
 * (C/g + M/g) planes of (m + 2)² floats a tile: about BAND_BYTES of them, at least MIN_BAND_TILES tiles.
 */
export function winogradBandTileRows(channels: number, OH: number, OW: number, m: WinogradTile = 2): number {
  const TH = Math.ceil(OH / m), TW = Math.ceil(OW / m);
  const perRow = entries(m) * channels * TW * 4;
  return Math.max(1, Math.min(TH, Math.max(Math.floor(BAND_BYTES / perRow), Math.ceil(MIN_BAND_TILES / TW))));
}

/**
 * y = conv(x, w) + b (then the epilogue) by F(m×m,3×3) (m = 2: 'winograd', 4: 'winograd-f4'), operands already in wasm memory (byte
 * offsets; pb = 0 for no bias); the geometry must satisfy winogradApplies. Threads take pieces of
 * the units (one band of one image and group) or, with fewer units than threads, of each unit's
 * output channels; each piece has its own V, M and packing space.
 * `preU`: U made ahead of the call by transformWinogradWeights with the same m (a resident w, a Net
 * plan), or 0 to make it here; the same bits either way (the same kernel makes it).
 */
export function convWinograd(rt: Runtime, g: ConvGeometry, px: number, pw: number, pb: number, py: number, epilogue: Epilogue | null = null, preU = 0, m: WinogradTile = 2): void {
  const { N, C, M, group, window } = g;
  const Cg = C / group, Mg = M / group;
  const { H, W, PT, PL, OH, OW } = planar(window);
  const inPlane = H * W, outPlane = OH * OW;
  const TH = Math.ceil(OH / m), TW = Math.ceil(OW / m), E = entries(m);
  const rowsPerBand = bandTileRows(g, m);
  const bands = Math.ceil(TH / rowsPerBand);
  const maxT = rowsPerBand * TW;
  // U [E][M][Cg]: group gi's U[e] is rows gi·Mg … of U[e], leading dimension Cg
  let pu = preU;
  if (pu === 0) {
    pu = rt.arena.alloc(winogradWeightBytes(g, m), "conv winograd weights");
    transformWinogradWeights(rt, g, pw, pu, m);
  }
  const input = m === 4 ? "f32_winograd_f4_input__simd" : "f32_winograd_input__simd";
  const output = m === 4 ? "f32_winograd_f4_output__simd" : "f32_winograd_output__simd";
  const units = N * group * bands;
  // A piece: units [u0, u1), output channels [c0, c1) of each unit's group. Each piece transforms
  // its units' input tiles itself, so a channel split redoes V (E·Cg·T floats, about 1/Mg of the
  // GEMMs' work) in every part but never shares a buffer; the channels' products, outputs and
  // epilogue are the piece's own, and every output element is summed in the same order.
  const piece = (u0: number, u1: number, c0: number, c1: number): Task => (r) => {
    const Mp = c1 - c0;
    const pv = r.arena.alloc(E * planeFloats(m, Cg * maxT) * 4, "conv winograd input tiles");
    const pm = r.arena.alloc(E * planeFloats(m, Mp * maxT) * 4, "conv winograd products");
    const work = gemmWorkspace(r, Mp, maxT, Cg, "conv winograd");
    const scratch = epilogueWorkBytes(epilogue) === 0 ? 0 : r.arena.alloc(epilogueWorkBytes(epilogue), "conv epilogue scratch");
    for (let u = u0; u < u1; u++) {
      // unit u: band (u mod bands) of group ⌊u/bands⌋ mod group of image ⌊u/(bands·group)⌋
      const th0 = (u % bands) * rowsPerBand, gi = Math.floor(u / bands) % group, n = Math.floor(u / (bands * group));
      const rows = Math.min(rowsPerBand, TH - th0), T = rows * TW;
      const xg = px + (n * C + gi * Cg) * inPlane * 4;
      const yc = py + (n * M + gi * Mg + c0) * outPlane * 4; // channel c0 of the group's output
      r.kernels[input](writeBlock(r.params, WINOGRAD_PARAMS, {
        C: Cg, H, W, PT, PL, OH, OW, th0, rows, src: xg, dst: pv, bias: 0,
      }));
      // M[e] [Mp×T] = U[e][gi·Mg + c0 …] [Mp×Cg] · V[e] [Cg×T], planes planeFloats apart
      const vPlane = planeFloats(m, Cg * T), mPlane = planeFloats(m, Mp * T);
      for (let e = 0; e < E; e++) {
        r.kernels.f32_gemm__simd(gemmParams(r.params, {
          M: Mp, N: T, K: Cg,
          a: pu + (e * M + gi * Mg + c0) * Cg * 4, lda: Cg, transA: false,
          b: pv + e * vPlane * 4, ldb: T, transB: false,
          c: pm + e * mPlane * 4, ldc: T, alpha: 1, beta: 0, work,
        }));
      }
      r.kernels[output](writeBlock(r.params, WINOGRAD_PARAMS, {
        C: Mp, H, W, PT, PL, OH, OW, th0, rows, src: pm, dst: yc, bias: pb === 0 ? 0 : pb + (gi * Mg + c0) * 4,
      }));
      // output rows [m·th0, min(OH, m·(th0 + rows))) of the piece's Mp channels, bias already added
      const oh0 = m * th0, ohRows = Math.min(OH, m * (th0 + rows)) - oh0;
      runEpilogue(r, epilogue, yc + oh0 * OW * 4, 0, Mp, ohRows * OW, outPlane, scratch);
    }
  };
  const T = threadsFor(rt, { macs: N * M * outPlane * Cg * 9 });
  if (T === 1) {
    runTasks(rt, [piece(0, units, 0, Mg)]);
  } else if (units >= T) {
    runTasks(rt, ranges(units, pieces(T)).map(([u0, u1]) => piece(u0, u1, 0, Mg)));
  } else {
    // Fewer units than threads (a small map is one band: VGG's 14² and 28² layers): split each
    // unit's output channels, in multiples of 8 (the GEMM's row tile), T parts.
    const parts = ranges(Mg, T, 8);
    runTasks(rt, Array.from({ length: units }, (_, u) => parts.map(([c0, c1]) => piece(u, u + 1, c0, c1))).flat());
  }
}
