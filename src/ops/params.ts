// Kernel parameter blocks, the TS half of assembly/params.ts (keep the slot numbers in step): what
// each word of a block means, and the writers the ops call. A writer fills a block through the
// runtime's ParamWriter and returns the address to pass to the kernel.
import type { Window } from "../shape.js";
import type { ParamWriter } from "../runtime/param-block.js";

export const GEMM = {
  M: 0, N: 1, K: 2, A: 3, LDA: 4, TRANS_A: 5, B: 6, LDB: 7, TRANS_B: 8, C: 9, LDC: 10,
  ALPHA: 11, BETA: 12, WORK: 13,
} as const;

/** GEMM operands: C[M×N] = alpha·op(A)·op(B) + beta·C; pointers are byte offsets, strides in elements. */
export interface GemmCall {
  M: number; N: number; K: number;
  a: number; lda: number; transA: boolean;
  b: number; ldb: number; transB: boolean;
  c: number; ldc: number;
  alpha: number; beta: number;
  work: number;
}

export function gemmParams(block: ParamWriter, g: GemmCall): number {
  const ints = new Array<number>(14).fill(0);
  ints[GEMM.M] = g.M; ints[GEMM.N] = g.N; ints[GEMM.K] = g.K;
  ints[GEMM.A] = g.a; ints[GEMM.LDA] = g.lda; ints[GEMM.TRANS_A] = g.transA ? 1 : 0;
  ints[GEMM.B] = g.b; ints[GEMM.LDB] = g.ldb; ints[GEMM.TRANS_B] = g.transB ? 1 : 0;
  ints[GEMM.C] = g.c; ints[GEMM.LDC] = g.ldc; ints[GEMM.WORK] = g.work;
  return block.write(ints, { [GEMM.ALPHA]: g.alpha, [GEMM.BETA]: g.beta });
}

/**
 * Window geometry for a 1-D or 2-D window over `channels` planes, from `src` to `dst` (`grad`:
 * dL/dy for maxPool backward). A 1-D window runs as 2-D with H = KH = 1.
 */
export function windowParams(block: ParamWriter, w: Window, channels: number, src: number, dst: number, grad = 0): number {
  const { H, W, KH, KW, SH, SW, PT, PL, DH, DW, OH, OW } = planar(w);
  return block.write([channels, H, W, KH, KW, SH, SW, PT, PL, DH, DW, OH, OW, src, dst, grad]);
}

/** A window as the kernels see it: 2-D, image H×W, grid OH×OW (1-D: H = KH = OH = 1, no H padding). */
export interface PlanarWindow {
  H: number; W: number; KH: number; KW: number; SH: number; SW: number;
  PT: number; PL: number; DH: number; DW: number; OH: number; OW: number;
}

export function planar(w: Window): PlanarWindow {
  const [H, W] = asPlanar(w.image, 1);
  const [KH, KW] = asPlanar(w.kernel, 1);
  const [SH, SW] = asPlanar(w.strides, 1);
  const [PT, PL] = asPlanar(w.padsBegin, 0);
  const [DH, DW] = asPlanar(w.dilations, 1);
  const [OH, OW] = asPlanar(w.grid, 1);
  return { H, W, KH, KW, SH, SW, PT, PL, DH, DW, OH, OW };
}

/** Transposed-convolution block (assembly/params.ts CT_*). */
export interface TransposedCall {
  C: number; mult: number; H: number; W: number; KH: number; KW: number; SH: number; SW: number;
  PT: number; PL: number; DH: number; DW: number; OH: number; OW: number;
  x: number; w: number; bias: number; y: number;
}

export function transposedParams(block: ParamWriter, t: TransposedCall): number {
  return block.write([t.C, t.mult, t.H, t.W, t.KH, t.KW, t.SH, t.SW, t.PT, t.PL, t.DH, t.DW, t.OH, t.OW, t.x, t.w, t.bias, t.y]);
}

/** Sub-pixel interleave block (assembly/params.ts SP_*). */
export interface InterleaveCall {
  M: number; OH: number; OW: number; SH: number; SW: number; PT: number; PL: number;
  U0H: number; U0W: number; NUH: number; NUW: number; phases: number; bias: number; y: number;
}

export function interleaveParams(block: ParamWriter, t: InterleaveCall): number {
  return block.write([t.M, t.OH, t.OW, t.SH, t.SW, t.PT, t.PL, t.U0H, t.U0W, t.NUH, t.NUW, t.phases, t.bias, t.y]);
}

/** A window's axes as 2-D (H, W) pairs: a 1-D window is H = 1 with `one` on the H axis. */
export function asPlanar(values: readonly number[], one: number): [number, number] {
  return values.length === 2 ? [values[0], values[1]] : [one, values[0]];
}

/** Sub-pixel weight packing block (assembly/params.ts SPW_*). */
export interface PackCall {
  G: number; CG: number; MG: number; KH: number; KW: number; SH: number; SW: number; TH: number; TW: number;
  w: number; out: number;
}

export function packParams(block: ParamWriter, t: PackCall): number {
  return block.write([t.G, t.CG, t.MG, t.KH, t.KW, t.SH, t.SW, t.TH, t.TW, t.w, t.out]);
}
