// The module's exports: every kernel and its reference. Numbers in, memory writes out; the TS
// runtime (src/runtime/) owns the imported memory and fills the parameter blocks (params.ts).
export { f32_gemm__simd, f32_gemm_workspace_bytes } from "./gemm/gemm";
export { f32_gemm__ref } from "./gemm/gemm-ref";
export { f32_im2col__fast } from "./im2col/im2col";
export { f32_im2col__ref } from "./im2col/im2col-ref";
export { f32_col2im__fast } from "./im2col/col2im";
export { f32_col2im__ref } from "./im2col/col2im-ref";
export { f32_max_pool__fast } from "./pool/max-pool";
export { f32_max_pool__ref } from "./pool/max-pool-ref";
export { f32_relu__simd, f32_add__simd, f32_bias_add__simd, f32_crop__simd, f32_relu_backward__simd, f32_uncrop__simd } from "./eltwise/eltwise";
export { f32_relu__ref, f32_add__ref, f32_bias_add__ref, f32_crop__ref, f32_relu_backward__ref, f32_uncrop__ref } from "./eltwise/eltwise-ref";

/** First byte past the module's static data: the TS arena starts above it. */
export function heap_base(): usize {
  return __heap_base;
}
export { f32_conv_transpose_depthwise__simd } from "./conv-transpose/depthwise";
export { f32_conv_transpose_depthwise__ref } from "./conv-transpose/depthwise-ref";
export { f32_subpixel_interleave__fast, f32_subpixel_pack_weights } from "./conv-transpose/subpixel";
export { f32_subpixel_interleave__ref } from "./conv-transpose/subpixel-ref";
export { f32_max_pool_backward__fast } from "./pool/max-pool-backward";
export { f32_max_pool_backward__ref } from "./pool/max-pool-backward-ref";
export { f32_all_finite__simd } from "./eltwise/all-finite";
export { f32_all_finite__ref } from "./eltwise/all-finite-ref";
