// The exports of one instantiated kernel module (assembly/index.ts), typed. Numbers only:
// pointers are byte offsets into the shared linear memory, sizes are element counts.

export interface Kernels {
  heap_base(): number;
  f32_gemm__simd(params: number): void;
  f32_gemm__ref(params: number): void;
  f32_gemm_workspace_bytes(M: number, N: number, K: number): number;
  f32_im2col__fast(params: number): void;
  f32_im2col__ref(params: number): void;
  f32_col2im__fast(params: number): void;
  f32_col2im__ref(params: number): void;
  f32_max_pool__fast(params: number): void;
  f32_max_pool__ref(params: number): void;
  f32_relu__simd(x: number, y: number, n: number): void;
  f32_relu__ref(x: number, y: number, n: number): void;
  f32_add__simd(a: number, aStep: number, b: number, bStep: number, y: number, n: number): void;
  f32_add__ref(a: number, aStep: number, b: number, bStep: number, y: number, n: number): void;
  f32_bias_add__simd(y: number, bias: number, N: number, C: number, plane: number): void;
  f32_bias_add__ref(y: number, bias: number, N: number, C: number, plane: number): void;
  f32_crop__simd(x: number, y: number, C: number, H: number, W: number, top: number, left: number, OH: number, OW: number): void;
  f32_crop__ref(x: number, y: number, C: number, H: number, W: number, top: number, left: number, OH: number, OW: number): void;
  f32_conv_transpose_depthwise__simd(params: number): void;
  f32_conv_transpose_depthwise__ref(params: number): void;
  f32_subpixel_interleave__fast(params: number): void;
  f32_subpixel_interleave__ref(params: number): void;
  f32_subpixel_pack_weights(params: number): void;
  f32_max_pool_backward__fast(params: number): void;
  f32_max_pool_backward__ref(params: number): void;
  f32_relu_backward__simd(x: number, dy: number, dx: number, n: number): void;
  f32_relu_backward__ref(x: number, dy: number, dx: number, n: number): void;
  f32_uncrop__simd(dy: number, dx: number, C: number, H: number, W: number, top: number, left: number, OH: number, OW: number): void;
  f32_uncrop__ref(dy: number, dx: number, C: number, H: number, W: number, top: number, left: number, OH: number, OW: number): void;
  /** 1 if the n floats at x are all finite (no NaN, ±∞), else 0. */
  f32_all_finite__simd(x: number, n: number): number;
  f32_all_finite__ref(x: number, n: number): number;
}

/** Names every build must export; checked at load so a stale .wasm fails loudly, not later. */
export const KERNEL_NAMES: readonly (keyof Kernels)[] = [
  "heap_base", "f32_gemm__simd", "f32_gemm__ref", "f32_gemm_workspace_bytes",
  "f32_im2col__fast", "f32_im2col__ref", "f32_col2im__fast", "f32_col2im__ref",
  "f32_max_pool__fast", "f32_max_pool__ref", "f32_relu__simd", "f32_relu__ref",
  "f32_add__simd", "f32_add__ref", "f32_bias_add__simd", "f32_bias_add__ref",
  "f32_crop__simd", "f32_crop__ref", "f32_conv_transpose_depthwise__simd", "f32_conv_transpose_depthwise__ref",
  "f32_subpixel_interleave__fast", "f32_subpixel_interleave__ref", "f32_subpixel_pack_weights",
  "f32_max_pool_backward__fast", "f32_max_pool_backward__ref",
  "f32_relu_backward__simd", "f32_relu_backward__ref", "f32_uncrop__simd", "f32_uncrop__ref",
  "f32_all_finite__simd", "f32_all_finite__ref",
];
