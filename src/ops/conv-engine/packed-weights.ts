// Conv weights packed for the GEMM of im2col + GEMM: per group, w_g [M/g, C/g·∏k] (row-major, the
// GEMM's A as it is) packed by f32_gemm_pack_a__simd into 4-row panels, roundUp(M/g, 4)·K floats
// (K = C/g·∏k), group after group. f32_gemm_prepacked__simd reads them and packs only the
// columns, with the same microkernels in the same order as f32_gemm__simd packing A itself (alpha
// = 1: a·1 = a), so results are the same bits with and without. A resident w keeps them
// (conv.ts), a Net plan keeps them per parameter version (plan.ts), and convForward packs them once
// per call otherwise when more than one GEMM reads them (forward.ts). The same holds for the
// Winograd paths' transformed weights U (winograd.ts; F(2×2,3×3) and F(4×4,3×3) each their own):
// convDerivedWeightBytes, convWeightKey and deriveConvWeights give, per algorithm, the form that
// algorithm reads ahead of the call.
import type { Runtime } from "../../runtime/runtime.js";
import type { ConvGeometry } from "../../shape.js";
import { product } from "../run.js";
import { transformWinogradWeights, winogradTile, winogradWeightBytes } from "./winograd.js";


/** Rows of one group's packed weights: M/g rounded up to the GEMM's 4-row panels. */
function packedRows(g: ConvGeometry): number {
  return Math.ceil(g.M / g.group / 4) * 4;
}

/** K of the conv's GEMM: C/g·∏k. */
function depth(g: ConvGeometry): number {
  return (g.C / g.group) * product(g.window.kernel);
}

/** Floats of one group's packed weights (the offset of group gi's panels is gi times this). */
export function convGroupPackedFloats(g: ConvGeometry): number {
  return packedRows(g) * depth(g);
}

/** Bytes of the packed weights of all groups. */
export function convWeightBytes(g: ConvGeometry): number {
  return g.group * convGroupPackedFloats(g) * 4;
}

/** The key of `algorithm`'s form of w kept beside a resident w (w's shape fixes all but the group). */
export function convWeightKey(g: ConvGeometry, algorithm: string): string {
  // F(2×2,3×3) and F(4×4,3×3) keep different U (16 or 36 entries a kernel): a key each
  return winogradTile(algorithm) !== 0 ? `conv ${algorithm} weights: group ${g.group}` : `conv packed weights: group ${g.group}`;
}

/**
 * Whether `algorithm` reads a form of w made ahead of the call (im2col + GEMM: packed for the
 * GEMM; winograd, winograd-f4: U = G w Gᵀ; the direct depthwise kernel reads w itself).
 */
export function convReadsPackedWeights(algorithm: string): boolean {
  return algorithm === "im2col-gemm" || winogradTile(algorithm) !== 0;
}

/** Bytes of the form of w `algorithm` reads ahead of the call (0 where it reads w itself). */
export function convDerivedWeightBytes(g: ConvGeometry, algorithm: string): number {
  const tile = winogradTile(algorithm);
  if (tile !== 0) return winogradWeightBytes(g, tile);
  return algorithm === "im2col-gemm" ? convWeightBytes(g) : 0;
}

/** Makes `algorithm`'s form of w (byte offset w) in convDerivedWeightBytes(g, algorithm) bytes at `out`. */
export function deriveConvWeights(rt: Runtime, g: ConvGeometry, algorithm: string, w: number, out: number): void {
  const tile = winogradTile(algorithm);
  if (tile !== 0) transformWinogradWeights(rt, g, w, out, tile);
  else packConvWeights(rt, g, w, out);
}

/** Packs each group's w_g [M/g, K] (w [M, C/g, k…] at byte offset w) into convWeightBytes(g) bytes at `out`. */
export function packConvWeights(rt: Runtime, g: ConvGeometry, w: number, out: number): void {
  const Mg = g.M / g.group, K = depth(g);
  for (let gi = 0; gi < g.group; gi++) {
    // w_g starts gi·M/g·K floats in; its panels gi·roundUp(M/g, 4)·K floats into out
    rt.kernels.f32_gemm_pack_a__simd(w + gi * Mg * K * 4, K, 0, Mg, K, out + gi * convGroupPackedFloats(g) * 4);
  }
}
