// The shipped module's exports: exactly the kernels the TS calls (src/runtime/kernels.ts lists
// them, and test/kernel-exports.test.ts checks every build against that list). Numbers in, memory
// writes out; the TS runtime owns the imported memory and the ops fill the parameter blocks
// (params.ts). The references (*-ref.ts) are not exported: only the kernel specs compile them.
// Names: f32_<op>[_<part>]__<instruction set>, the op shared by a family (conv_transpose_…).
export { f32_gemm__simd, f32_gemm_workspace_bytes, f32_gemm_pack_a__simd, f32_gemm_prepacked__simd } from "./gemm/gemm";
export { f32_gemm_skinny__simd, f32_gemm_skinny_workspace_bytes } from "./gemm/skinny";
export { f32_im2col__scalar } from "./im2col/im2col";
export { f32_col2im__simd } from "./im2col/col2im";
export { f32_max_pool__simd } from "./pool/max-pool";
export { f32_max_pool_backward__scalar } from "./pool/max-pool-backward";
export { f32_conv_depthwise__simd, f32_conv_depthwise_workspace_bytes } from "./conv/depthwise";
export { f32_conv_transpose_depthwise__simd } from "./conv-transpose/depthwise";
export { f32_conv_transpose_subpixel_interleave__simd, f32_conv_transpose_subpixel_pack_weights__scalar } from "./conv-transpose/subpixel";
export { f32_relu__simd, f32_add__simd, f32_bias_add__simd, f32_crop__scalar, f32_relu_backward__simd, f32_uncrop__scalar } from "./eltwise/eltwise";
export { f32_all_finite__simd } from "./eltwise/all-finite";
export { f32_resize_linear__simd, f32_resize_nearest__scalar } from "./resize/resize";
export { f32_binary__simd, f32_channel_affine__simd } from "./eltwise/broadcast-binary";
export { f32_activation__simd } from "./eltwise/activation";
export { f32_permute__simd } from "./layout/permute";
export { f32_conv_epilogue__simd } from "./eltwise/epilogue";
export { f32_softmax__simd, f32_softmax_workspace_bytes } from "./eltwise/softmax";
export { f32_winograd_input__simd, f32_winograd_output__simd, f32_winograd_weights__scalar } from "./conv/winograd";
export { f32_winograd_output_adjoint__simd, f32_winograd_weights_adjoint__scalar } from "./conv/winograd";
export { f32_phase_winograd_weights__scalar, f32_phase_winograd_input__simd, f32_phase_winograd_output__simd } from "./conv-transpose/subpixel-winograd";
export { f32_winograd_f4_input__simd, f32_winograd_f4_output__simd, f32_winograd_f4_weights__scalar } from "./conv/winograd-f4";
export { f32_im2col3d__scalar } from "./im2col/im2col3d";
export { f32_col2im3d__simd } from "./im2col/col2im3d";
export { f32_conv_transpose_depthwise3d__simd } from "./conv-transpose/depthwise3d";
export { f32_conv_depthwise3d__simd } from "./conv/depthwise3d";

/** First byte past the module's static data: the TS arena starts above it. */
export function heap_base(): usize {
  return __heap_base;
}
