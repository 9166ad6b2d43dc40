// Parameter blocks: a kernel with a long argument list takes one pointer to a block of 32-bit
// words that the TS side fills (src/runtime/params.ts mirrors these slot numbers; keep the two
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
