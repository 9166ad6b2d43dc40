// The cost model that picks one of the three transposed-convolution algorithms (they compute the
// same numbers), and the dispatch to it. Used by convTranspose, by the conv gradients (conv's dx is a
// transposed convolution) and by Net plans. The dispatch keeps NaN and ±∞ where the definition
// puts them: sub-pixel gives way to GEMM + col2im when its extra products would invent a NaN.
import type { Runtime } from "../../runtime/runtime.js";
import type { ConvGeometry } from "../../shape.js";
import type { TransposedBuffers } from "./buffers.js";
import { convTransposeDepthwise } from "./depthwise.js";
import { convTransposeGemmCol2im, gemmCol2imWorkspaceBytes, gemmWeightBytes, gemmWeightKey, packGemmWeights } from "./gemm-col2im.js";
import { convTransposeSubpixel, packPhaseWeights, phaseWeightBytes, phaseWeightKey, subpixelApplies, subpixelHasZeroTaps, subpixelWaste, subpixelWorkspaceBytes } from "./subpixel.js";
import {
  convTransposeSubpixelWinograd, packWinogradPhaseWeights, subpixelWinogradApplies, subpixelWinogradTiles, subpixelWinogradWorkspaceBytes, winogradPhaseWeightBytes,
  winogradPhaseWeightKey,
} from "./subpixel-winograd.js";
import { convTransposeSubpixel3d, packPhaseWeights3d, phaseWeight3dBytes, phaseWeight3dKey, subpixel3dApplies, subpixel3dHasZeroTaps, subpixel3dWorkspaceBytes } from "./subpixel-3d.js";
import { allFinite } from "../finite.js";
import { product } from "../run.js";

export type ConvTransposeAlgorithm = "subpixel" | "subpixel-winograd" | "gemm-col2im" | "depthwise";

/**
 * Largest MAC overhead (zero taps and border cells, `subpixelWaste`) the sub-pixel path may spend
 * and still be chosen, and a looser one for few input channels per group (`narrowChannels`: GEMM +
 * col2im's GEMM then has a depth of only C/group, and its column buffer, M·k²·H·W floats, is
 * scattered back through memory). Measured by bench/convtranspose-auto.ts (one thread, resident
 * weights, reused output, quiet machine; relaxed / simd build, ms; 2026-12-07): sub-pixel beats
 * GEMM + col2im on FCN's 21 → 21 k64 s32 at 8² (waste 1.27: 10.0 vs 14.1 / 20.3 vs 24.6) and 16²
 * (1.13: 35.7 vs 58.2 / 70.8 vs 92.7), but loses on DCGAN's 256 → 128 k4 s2 at 8² (waste 1.27:
 * 3.82 vs 1.81 / 3.09 vs 2.19) and 512 → 256 at 4² (1.56), where C/group is wide and the GEMM deep.
 */
export const SUBPIXEL_AUTO = { maxWaste: 1.1, narrowChannels: 32, narrowMaxWaste: 1.3 };

/**
 * Fewest rows in a phase GEMM (output channels per group × s_H·s_W phases) for sub-pixel or its
 * Winograd form: with fewer, their GEMM runs on a few 4×8 tiles per column while GEMM + col2im's
 * has k_H·k_W times the rows. DCGAN's last layer (64 → 3, k4 s2 on 32²: 12 rows) ran GEMM + col2im
 * in 0.34 ms against sub-pixel 0.66 and Winograd 0.55 (relaxed; simd 0.30 / 0.47 / 0.37).
 */
export const MIN_PHASE_ROWS = 32;

/**
 * When 'auto' runs sub-pixel with Winograd F(2×2,2×2) phase kernels: 2×2 phase kernels without
 * zero taps (k = 2s), at least `minChannels` input channels per group, sub-pixel's MAC overhead
 * at most `maxWaste` and at least `minTiles` 2×2 tiles. Measured first by
 * bench/subpixel-winograd-bound.ts (one thread, packed weights, sub-pixel / Winograd time, relaxed
 * / simd): 256→128 at 28² 1.64 / 1.48×; 128→64 at 32² 1.48 / 1.56×; 64→32 at 64² 1.61 / 1.54×;
 * 512→256 at 14² 1.50 / 1.51×, and 1.22 / 1.19× faster than GEMM + col2im. Then, with 64 input
 * channels the least, bench/convtranspose-auto.ts found Winograd also fastest on 32 → 32 (the
 * stride sweep k4 s2 … k64 s32: 1.04–1.31× / 1.11–1.47× over the sub-pixel 'auto' took; k2 s1:
 * 0.90× GEMM + col2im / fastest) and on FCN's 21 → 21 k4 s2 at 34² and k16 s8 at 34² (1.12 /
 * 1.36×, 1.15 / 1.19× over sub-pixel), so 16 channels now. Not chosen: under 64 tiles (k64 s32 on
 * 8², 25 tiles, loses to sub-pixel 1.17× / 1.06×); k3 s2, whose zero taps GEMM + col2im skips (it
 * beat Winograd 1.2× on 128→64 at 32²). FCN's k64 s32 on 16² (81 tiles) ties sub-pixel / 1.10×.
 */
export const SUBPIXEL_WINOGRAD_AUTO = { minChannels: 16, maxWaste: 1.2, minTiles: 64 };

function subpixelWinogradPays(g: ConvGeometry): boolean {
  const a = SUBPIXEL_WINOGRAD_AUTO;
  return subpixelWinogradApplies(g) && !subpixelHasZeroTaps(g) && g.C / g.group >= a.minChannels &&
    subpixelWaste(g) <= a.maxWaste && subpixelWinogradTiles(g) >= a.minTiles;
}

function subpixelPays(g: ConvGeometry): boolean {
  if (!subpixelApplies(g)) return false;
  const waste = subpixelWaste(g);
  return waste <= SUBPIXEL_AUTO.maxWaste || (g.C / g.group <= SUBPIXEL_AUTO.narrowChannels && waste <= SUBPIXEL_AUTO.narrowMaxWaste);
}

/**
 * The cost model. depthwise when each group has one input channel (a direct kernel, no
 * workspace); GEMM + col2im when a phase GEMM would have fewer than MIN_PHASE_ROWS rows; sub-pixel
 * with Winograd phase kernels where SUBPIXEL_WINOGRAD_AUTO says it pays; sub-pixel when dilation
 * is 1 and the extra MACs it spends stay under SUBPIXEL_AUTO's bounds; GEMM + col2im for
 * everything else (dilation, k not a multiple of s, small inputs), and for every other 3-D layer:
 * its sub-pixel path (subpixel-3d.ts) runs when forced, not measured against it yet. (3-D
 * depthwise takes the direct kernel on the same rule as 2-D: GEMM + col2im would run a GEMM of
 * depth 1 and a column buffer ∏k times the input for the same multiply-adds.)
 */
export function chooseAlgorithm(g: ConvGeometry): ConvTransposeAlgorithm {
  if (depthwiseTransposeApplies(g)) return "depthwise";
  if ((g.M / g.group) * product(g.window.strides) < MIN_PHASE_ROWS) return "gemm-col2im";
  if (subpixelWinogradPays(g)) return "subpixel-winograd";
  if (subpixelPays(g)) return "subpixel";
  return "gemm-col2im";
}

/** Whether the direct depthwise kernel runs it: one input channel per group (1-D to 3-D). */
function depthwiseTransposeApplies(g: ConvGeometry): boolean {
  return g.C / g.group === 1;
}

/** Whether `algorithm` can run this geometry at all (the cost model aside). */
export function algorithmApplies(g: ConvGeometry, algorithm: ConvTransposeAlgorithm): boolean {
  if (algorithm === "depthwise") return depthwiseTransposeApplies(g);
  if (algorithm === "subpixel") return g.window.rank === 3 ? subpixel3dApplies(g) : subpixelApplies(g);
  if (algorithm === "subpixel-winograd") return subpixelWinogradApplies(g);
  return true;
}

/** Extra memory `algorithm` borrows for one call, beyond inputs and output (GEMM packing aside). */
export function workspaceBytes(g: ConvGeometry, algorithm: ConvTransposeAlgorithm): number {
  if (algorithm === "depthwise") return 0;
  if (algorithm === "subpixel") return g.window.rank === 3 ? subpixel3dWorkspaceBytes(g) : subpixelWorkspaceBytes(g);
  if (algorithm === "subpixel-winograd") return subpixelWinogradWorkspaceBytes(g);
  return gemmCol2imWorkspaceBytes(g);
}

/** Bytes of the packed weights `algorithm` reads when a caller keeps them (phase weights, GEMM-packed wᵀ; depthwise: none). */
export function packedWeightBytes(g: ConvGeometry, algorithm: ConvTransposeAlgorithm): number {
  if (algorithm === "subpixel") return g.window.rank === 3 ? phaseWeight3dBytes(g) : phaseWeightBytes(g);
  if (algorithm === "subpixel-winograd") return winogradPhaseWeightBytes(g);
  if (algorithm === "gemm-col2im") return gemmWeightBytes(g);
  return 0;
}

/** The key a resident w keeps `algorithm`'s packed form under (it depends on w and these of g only). */
export function packedWeightKey(g: ConvGeometry, algorithm: ConvTransposeAlgorithm): string {
  if (algorithm === "subpixel") return g.window.rank === 3 ? phaseWeight3dKey(g) : phaseWeightKey(g);
  if (algorithm === "subpixel-winograd") return winogradPhaseWeightKey(g);
  return gemmWeightKey(g);
}

/** Packs w (byte offset) into `out` (packedWeightBytes(g, algorithm) bytes) in the form `algorithm` reads; depthwise reads w as it is. */
export function packTransposedWeights(rt: Runtime, g: ConvGeometry, algorithm: ConvTransposeAlgorithm, w: number, out: number): void {
  if (algorithm === "subpixel" && g.window.rank === 3) packPhaseWeights3d(rt, g, w, out);
  else if (algorithm === "subpixel") packPhaseWeights(rt, g, w, out);
  else if (algorithm === "subpixel-winograd") packWinogradPhaseWeights(rt, g, w, out);
  else if (algorithm === "gemm-col2im") packGemmWeights(rt, g, w, out);
}

/** The TransposedBuffers fields that hand runTransposed weights packed for `algorithm` at `packed` (0: none, it packs its own). */
export function packedBuffers(algorithm: ConvTransposeAlgorithm, packed: number): Pick<TransposedBuffers, "phaseWeights" | "winogradWeights" | "gemmWeights"> {
  return {
    phaseWeights: algorithm === "subpixel" ? packed : 0,
    winogradWeights: algorithm === "subpixel-winograd" ? packed : 0,
    gemmWeights: algorithm === "gemm-col2im" ? packed : 0,
  };
}

/**
 * The algorithm that gives the definition's IEEE answer, y = b + Σ x·w over exactly the terms with
 * o = s·i + d·k − p: `algorithm` itself, except sub-pixel when its extra products would meet a
 * NaN or ±∞. It multiplies the border cells (the zero padding of the low-resolution input) by w,
 * and x by the zero taps of phases with fewer than ⌈k/s⌉ taps (s not dividing k); those products
 * are no terms of the sum, and 0·NaN = 0·∞ = NaN. So it runs only when w is finite, and x too
 * where a phase has zero taps; otherwise GEMM + col2im, whose every product that reaches y is a
 * term. Depthwise and GEMM + col2im are exact as they are. Costs a scan of w (and maybe x).
 * subpixel-winograd also adds and subtracts neighbouring inputs (and kernel taps) in its
 * transforms, so it needs finite x and w always.
 */
export function exactAlgorithm(rt: Runtime, algorithm: ConvTransposeAlgorithm, t: TransposedBuffers): ConvTransposeAlgorithm {
  if (algorithm !== "subpixel" && algorithm !== "subpixel-winograd") return algorithm;
  const { N, C, M, group, window } = t.g;
  const wFinite = t.wFinite ?? (() => allFinite(rt, t.w, C * (M / group) * product(window.kernel)));
  const xFinite = t.xFinite ?? (() => allFinite(rt, t.x, N * C * product(window.grid)));
  const needX = algorithm === "subpixel-winograd" || (window.rank === 3 ? subpixel3dHasZeroTaps(t.g) : subpixelHasZeroTaps(t.g));
  if (!wFinite() || (needX && !xFinite())) return "gemm-col2im";
  return algorithm;
}

/** Runs the transposed convolution with `algorithm`, or GEMM + col2im where only that is exact (exactAlgorithm). */
export function runTransposed(rt: Runtime, wanted: ConvTransposeAlgorithm, t: TransposedBuffers): void {
  const algorithm = exactAlgorithm(rt, wanted, t);
  if (algorithm === "depthwise") convTransposeDepthwise(rt, t);
  else if (algorithm === "subpixel") (t.g.window.rank === 3 ? convTransposeSubpixel3d : convTransposeSubpixel)(rt, t);
  else if (algorithm === "subpixel-winograd") convTransposeSubpixelWinograd(rt, t);
  else convTransposeGemmCol2im(rt, t);
}
