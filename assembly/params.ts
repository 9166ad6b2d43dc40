// Parameter blocks: a kernel with a long argument list takes one pointer to a block of 32-bit
// words that the TS side fills (src/ops/params.ts mirrors these slot numbers; keep the two
// in step). Integers are i32, scale factors f32, pointers byte offsets into linear memory.

/** Reads i32 slot `slot` of the block at `p`. */
@inline export function word(p: usize, slot: i32): i32 {
  return load<i32>(p + (<usize>slot << 2));
}

/** Reads f32 slot `slot` of the block at `p`. */
@inline export function real(p: usize, slot: i32): f32 {
  return load<f32>(p + (<usize>slot << 2));
}

/** Reads slot `slot` of the block at `p` as a pointer. */
@inline export function ptr(p: usize, slot: i32): usize {
  return <usize>load<u32>(p + (<usize>slot << 2));
}

/** GEMM block: C[M×N] = alpha·op(A)·op(B) + beta·C, row-major with leading dimensions in elements. */
export const GEMM_M: i32 = 0;
export const GEMM_N: i32 = 1;
export const GEMM_K: i32 = 2;
export const GEMM_A: i32 = 3;
export const GEMM_LDA: i32 = 4;
export const GEMM_TRANS_A: i32 = 5;
export const GEMM_B: i32 = 6;
export const GEMM_LDB: i32 = 7;
export const GEMM_TRANS_B: i32 = 8;
export const GEMM_C: i32 = 9;
export const GEMM_LDC: i32 = 10;
export const GEMM_ALPHA: i32 = 11;
export const GEMM_BETA: i32 = 12;
export const GEMM_WORK: i32 = 13;

/**
 * Window geometry block shared by im2col, col2im and maxPool (2-D; 1-D runs with H = kH = 1).
 * An image is [C, H, W]; the window grid is [OH, OW]; window (oh, ow), tap (kh, kw) reads image
 * pixel (oh·SH − PT + kh·DH, ow·SW − PL + kw·DW). Pads may be negative (derived pads of a
 * transposed convolution with kernel < stride); pixels outside the image are padding.
 */
export const GEO_C: i32 = 0;
export const GEO_H: i32 = 1;
export const GEO_W: i32 = 2;
export const GEO_KH: i32 = 3;
export const GEO_KW: i32 = 4;
export const GEO_SH: i32 = 5;
export const GEO_SW: i32 = 6;
export const GEO_PT: i32 = 7;
export const GEO_PL: i32 = 8;
export const GEO_DH: i32 = 9;
export const GEO_DW: i32 = 10;
export const GEO_OH: i32 = 11;
export const GEO_OW: i32 = 12;
export const GEO_SRC: i32 = 13;
export const GEO_DST: i32 = 14;
/** maxPool backward only: dL/dy [C, OH, OW] (GEO_SRC is x, GEO_DST is dL/dx). */
export const GEO_GRAD: i32 = 15;

/**
 * Transposed-convolution block for the depthwise and sub-pixel kernels (2-D; 1-D runs with
 * H = KH = 1). Input x [C, H, W]; output y [C·MULT, OH, OW]; tap (kh, kw) of input pixel (ih, iw)
 * lands on output pixel (ih·SH − PT + kh·DH, iw·SW − PL + kw·DW).
 */
export const CT_C: i32 = 0; // input channels (= groups for depthwise)
export const CT_MULT: i32 = 1; // output channels per input channel (depthwise multiplier)
export const CT_H: i32 = 2;
export const CT_W: i32 = 3;
export const CT_KH: i32 = 4;
export const CT_KW: i32 = 5;
export const CT_SH: i32 = 6;
export const CT_SW: i32 = 7;
export const CT_PT: i32 = 8;
export const CT_PL: i32 = 9;
export const CT_DH: i32 = 10;
export const CT_DW: i32 = 11;
export const CT_OH: i32 = 12;
export const CT_OW: i32 = 13;
export const CT_X: i32 = 14;
export const CT_WEIGHTS: i32 = 15; // depthwise: [C, MULT, KH, KW]
export const CT_BIAS: i32 = 16; // [C·MULT] or 0 for none
export const CT_Y: i32 = 17;

/**
 * Sub-pixel interleave block: phase outputs P [(m·SH + rH)·SW + rW, a·NUW + b] (one GEMM's result,
 * rows grouped by channel, then phase) → y [M, OH, OW]: y[m, oh, ow] = P[…] (+ bias[m]) where
 * oh + PT = (U0H + a)·SH + rH and ow + PL = (U0W + b)·SW + rW.
 */
export const SP_M: i32 = 0;
export const SP_OH: i32 = 1;
export const SP_OW: i32 = 2;
export const SP_SH: i32 = 3;
export const SP_SW: i32 = 4;
export const SP_PT: i32 = 5;
export const SP_PL: i32 = 6;
export const SP_U0H: i32 = 7;
export const SP_U0W: i32 = 8;
export const SP_NUH: i32 = 9;
export const SP_NUW: i32 = 10;
export const SP_PHASES: i32 = 11; // pointer to P
export const SP_BIAS: i32 = 12; // [M] or 0
export const SP_Y: i32 = 13;

/**
 * Sub-pixel weight packing block: w [G·CG, MG, KH, KW] (ONNX ConvTranspose layout) → W_sub
 * [G][(m·SH + rH)·SW + rW][(c·TH + a)·TW + b] = w[g·CG + c, m, rH + (TH−1−a)·SH, rW + (TW−1−b)·SW],
 * zero where that tap lies past the kernel.
 */
export const SPW_G: i32 = 0;
export const SPW_CG: i32 = 1;
export const SPW_MG: i32 = 2;
export const SPW_KH: i32 = 3;
export const SPW_KW: i32 = 4;
export const SPW_SH: i32 = 5;
export const SPW_SW: i32 = 6;
export const SPW_TH: i32 = 7;
export const SPW_TW: i32 = 8;
export const SPW_W: i32 = 9;
export const SPW_OUT: i32 = 10;
