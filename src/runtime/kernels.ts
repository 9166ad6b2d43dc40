// The one list of the kernel module's exports (assembly/index.ts): each kernel's name and its
// parameters, all numbers (pointers are byte offsets into the shared linear memory, sizes element
// counts). It types the TS side, orders the pool's programs (a kernel's index in it), and is what
// ready() checks a loaded module against; test/kernel-exports.test.ts checks every build equals it.

/** Name → parameter names, in the order of assembly/index.ts. */
export const KERNELS = {
  heap_base: [],
  f32_gemm__simd: ["params"],
  f32_gemm_workspace_bytes: ["M", "N", "K"],
  /** op(A) [M×K] packed whole into 4-row panels [K][4] (roundUp(M, 4)·K floats) for f32_gemm_prepacked__simd. */
  f32_gemm_pack_a__simd: ["a", "lda", "transA", "M", "K", "dst"],
  /** f32_gemm__simd with op(A) read from a packed A (the block's a, lda, transA unused). */
  f32_gemm_prepacked__simd: ["params", "packedA"],
  /** f32_gemm__simd for few columns (N ≤ SKINNY_MAX_N, transA 0): A read once in its own layout (gemm/skinny.ts). */
  f32_gemm_skinny__simd: ["params"],
  f32_gemm_skinny_workspace_bytes: ["N", "K"],
  f32_im2col__scalar: ["params"],
  f32_col2im__simd: ["params"],
  f32_max_pool__simd: ["params"],
  f32_max_pool_backward__scalar: ["params"],
  f32_conv_depthwise__simd: ["params"],
  f32_conv_depthwise_workspace_bytes: ["OH", "OW", "KH", "KW", "SH", "SW", "DH", "DW"],
  f32_conv_transpose_depthwise__simd: ["params"],
  f32_conv_transpose_subpixel_interleave__simd: ["params"],
  f32_conv_transpose_subpixel_pack_weights__scalar: ["params"],
  f32_relu__simd: ["x", "y", "n"],
  f32_add__simd: ["a", "aStep", "b", "bStep", "y", "n"],
  f32_bias_add__simd: ["y", "bias", "N", "C", "plane"],
  f32_crop__scalar: ["x", "y", "C", "H", "W", "top", "left", "OH", "OW"],
  f32_relu_backward__simd: ["x", "dy", "dx", "n"],
  f32_uncrop__scalar: ["dy", "dx", "C", "H", "W", "top", "left", "OH", "OW"],
  /** 1 if the n floats at x are all finite (no NaN, ±∞), else 0. */
  f32_all_finite__simd: ["x", "n"],
  /** 2-D Resize [planes, H, W] → [planes, OH, OW] from axis tables (src/ops/resize-kernel.ts). */
  f32_resize_linear__simd: ["x", "y", "planes", "H", "W", "OH", "OW", "rows", "cols", "work"],
  f32_resize_nearest__scalar: ["x", "y", "planes", "H", "W", "OH", "OW", "rows", "cols"],
  /** y[o, c, i] = a[o·aO + c·aC + i·aI] ∘ b[o·bO + c·bC + i·bI]; op 0 add, 1 sub, 2 mul, 3 div. */
  f32_binary__simd: ["op", "a", "aO", "aC", "aI", "b", "bO", "bC", "bI", "y", "O", "C", "I"],
  /** y[n, c, i] = a[c]·x[n, c, i] + b[c], a and b float64 [C], in float64 rounded once. */
  f32_channel_affine__simd: ["x", "a", "b", "y", "N", "C", "plane"],
  /** y[i] = f(x[i]): op 0 Clip (p0, p1 = lo, hi), 1 HardSigmoid (α, β), 2 HardSwish, 3 LeakyRelu (α), 4 Sigmoid, 5 Tanh, 6 Elu (α), 7 Selu (α, γ). */
  f32_activation__simd: ["op", "x", "y", "n", "p0", "p1"],
  /** y[Σ i_k·t_k] = x[Σ i_k·s_k] over a rank-6 view (PermuteParams): Transpose, DepthToSpace, Slice… */
  f32_permute__simd: ["params"],
  /** A conv's bias and fused activation on a band of output rows, in place (EpilogueParams; ops/conv-engine/epilogue.ts). */
  f32_conv_epilogue__simd: ["params"],
  /** Softmax over the middle axis of x [outer, A, inner] (eltwise/softmax.ts). */
  f32_softmax__simd: ["x", "y", "outer", "A", "inner", "work"],
  f32_softmax_workspace_bytes: [],
  /** Winograd F(2×2,3×3) input transform of a band of tile rows: x [C, H, W] → V [16][C][T] (WinogradParams; ops/conv-engine/winograd.ts). */
  f32_winograd_input__simd: ["params"],
  /** Winograd output transform: M [16][C][T] → y [C, OH, OW] (+ bias), partial edge tiles clipped. */
  f32_winograd_output__simd: ["params"],
  /** Winograd weight transform: w [M, C, 3, 3] → U [16][M][C] = G g Gᵀ. */
  f32_winograd_weights__scalar: ["w", "M", "C", "u"],
  /** Adjoint of the output transform (the weight gradient): dy [C, OH, OW] → dM [16][C][T] = A dy Aᵀ per tile (WinogradParams; ops/conv-engine/winograd-weight-gradient.ts). */
  f32_winograd_output_adjoint__simd: ["params"],
  /** Adjoint of the weight transform: dU [16][M][C] → dw [M, C, 3, 3] = Gᵀ dU G. */
  f32_winograd_weights_adjoint__scalar: ["du", "M", "C", "dw"],
  /** Winograd F(2×2,2×2) phase weights of sub-pixel convTranspose (⌈k/s⌉ = 2): W_sub [rows][C][2][2] → U [9][rows][C] (ops/conv-transpose/subpixel-winograd.ts). */
  f32_phase_winograd_weights__scalar: ["wsub", "rows", "C", "u"],
  /** Its input transform over a band of tiles: x [C, H, W] → V [9][C][T] (PhaseWinogradParams). */
  f32_phase_winograd_input__simd: ["params"],
  /** Its output transform: P [9][M·SH·SW][T] → interleaved y [M, OH, OW] + bias (PhaseWinogradParams). */
  f32_phase_winograd_output__simd: ["params"],
  /** Winograd F(4×4,3×3) input transform: x [C, H, W] → V [36][C][T], 4×4-output tiles (WinogradParams). */
  f32_winograd_f4_input__simd: ["params"],
  /** F(4×4,3×3) output transform: M [36][C][T] → y [C, OH, OW] (+ bias); overwrites M. */
  f32_winograd_f4_output__simd: ["params"],
  /** F(4×4,3×3) weight transform: w [M, C, 3, 3] → U [36][M][C] = G g Gᵀ (float64, rounded once). */
  f32_winograd_f4_weights__scalar: ["w", "M", "C", "u"],
  /** 3-D im2col: x [C, D, H, W] → cols [C·KD·KH·KW, OD·OH·OW] (VolumeWindowParams; im2col/im2col3d.ts). */
  f32_im2col3d__scalar: ["params"],
  /** 3-D col2im, its adjoint: cols → x [C, D, H, W], overlap-add, the whole image overwritten. */
  f32_col2im3d__simd: ["params"],
  /** Depthwise transposed convolution on volumes: x [C, D, H, W] → y [C·mult, OD, OH, OW] + bias (TransposedVolumeParams; conv-transpose/depthwise3d.ts). */
  f32_conv_transpose_depthwise3d__simd: ["params"],
  /** Depthwise convolution on volumes: x [C, D, H, W] → y [C·mult, OD, OH, OW] + bias, no workspace (DepthwiseVolumeParams; conv/depthwise3d.ts). */
  f32_conv_depthwise3d__simd: ["params"],
} as const;

export type KernelName = keyof typeof KERNELS;

/**
 * The kernels that return a value instead of writing memory (the rest return nothing): they run
 * at once, also while a piece of work is recorded for the pool (record.ts).
 */
const VALUE_KERNEL_NAMES = ["heap_base", "f32_gemm_workspace_bytes", "f32_gemm_skinny_workspace_bytes", "f32_conv_depthwise_workspace_bytes", "f32_all_finite__simd", "f32_softmax_workspace_bytes"] as const satisfies readonly KernelName[];
type ValueKernel = (typeof VALUE_KERNEL_NAMES)[number];
export const VALUE_KERNELS: ReadonlySet<KernelName> = new Set<KernelName>(VALUE_KERNEL_NAMES);

/** A kernel's parameters as a tuple of numbers. */
type NumberArgs<T extends readonly string[]> = { -readonly [I in keyof T]: number };

/** The exports of one instantiated kernel module, typed from KERNELS. */
export type Kernels = {
  [K in KernelName]: (...args: NumberArgs<(typeof KERNELS)[K]>) => K extends ValueKernel ? number : void;
};

/** Every name in KERNELS, in order. */
export const KERNEL_NAMES = Object.keys(KERNELS) as readonly KernelName[];
