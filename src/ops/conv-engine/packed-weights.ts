// Conv weights packed for the GEMM of im2col + GEMM: per group, w_g [M/g, C/g·∏k] (row-major, the
// GEMM's A as it is) packed by f32_gemm_pack_a__simd into 4-row panels, roundUp(M/g, 4)·K floats
// (K = C/g·∏k), group after group. f32_gemm_prepacked__simd reads them and packs only the
// columns, with the same microkernels in the same order as f32_gemm__simd packing A itself (alpha
// = 1: a·1 = a), so results are the same bits with and without. A resident w keeps them
// (conv.ts), a Net plan keeps them per parameter version (plan.ts), and convForward packs them once
// per call otherwise when more than one GEMM reads them (forward.ts).
import type { Runtime } from "../../runtime/runtime.js";
import type { ConvGeometry } from "../../shape.js";
import { product } from "../run.js";

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

/** The key of packed conv weights kept beside a resident w (w's shape fixes all but the group). */
export function convWeightKey(g: ConvGeometry): string {
  return `conv packed weights: group ${g.group}`;
}

/** Whether `algorithm` reads packed weights (im2col + GEMM does; the direct depthwise kernel does not). */
export function convReadsPackedWeights(algorithm: string): boolean {
  return algorithm === "im2col-gemm";
}

/** Packs each group's w_g [M/g, K] (w [M, C/g, k…] at byte offset w) into convWeightBytes(g) bytes at `out`. */
export function packConvWeights(rt: Runtime, g: ConvGeometry, w: number, out: number): void {
  const Mg = g.M / g.group, K = depth(g);
  for (let gi = 0; gi < g.group; gi++) {
    // w_g starts gi·M/g·K floats in; its panels gi·roundUp(M/g, 4)·K floats into out
    rt.kernels.f32_gemm_pack_a__simd(w + gi * Mg * K * 4, K, 0, Mg, K, out + gi * convGroupPackedFloats(g) * 4);
  }
}
