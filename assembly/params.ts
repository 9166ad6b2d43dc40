// Parameter blocks: a kernel with a long argument list takes one pointer to a block the TS side
// fills, and reads it as one of these classes (changetype<Block>(ptr), as AssemblyScript's own
// runtime reads its block headers). Every field is 4 bytes, in declaration order: i32 integers,
// f32 scale factors, usize pointers (byte offsets into linear memory). src/ops/params.ts declares
// the same fields in the same order; test/params-layout.test.ts checks that the two agree.

/** GEMM: C[M×N] = alpha·op(A)·op(B) + beta·C, row-major with leading dimensions in elements. */
@unmanaged export class GemmParams {
  M: i32; N: i32; K: i32;
  /** op(A) = Aᵀ when transA is 1 (likewise B) */
  a: usize; lda: i32; transA: i32;
  b: usize; ldb: i32; transB: i32;
  c: usize; ldc: i32;
  alpha: f32; beta: f32;
  /** packing workspace, f32_gemm_workspace_bytes(M, N, K) bytes */
  work: usize;
}

/**
 * Window geometry shared by im2col, col2im and maxPool (2-D; 1-D runs with H = KH = 1).
 * An image is [C, H, W]; the window grid is [OH, OW]; window (oh, ow), tap (kh, kw) reads image
 * pixel (oh·SH − PT + kh·DH, ow·SW − PL + kw·DW). Pads may be negative (derived pads of a
 * transposed convolution with kernel < stride); pixels outside the image are padding.
 */
@unmanaged export class WindowParams {
  C: i32; H: i32; W: i32;
  /** kernel, strides, begin pads, dilations */
  KH: i32; KW: i32; SH: i32; SW: i32; PT: i32; PL: i32; DH: i32; DW: i32;
  OH: i32; OW: i32;
  src: usize; dst: usize;
  /** maxPool backward only: dL/dy [C, OH, OW] (src is x, dst is dL/dx). */
  grad: usize;
}

/**
 * Window geometry of the 3-D im2col and col2im (spatial rank 3). An image is [C, D, H, W]; the
 * window grid is [OD, OH, OW]; window (od, oh, ow), tap (kd, kh, kw) reads image voxel
 * (od·SD − PF + kd·DD, oh·SH − PT + kh·DH, ow·SW − PL + kw·DW). Pads may be negative, as in
 * WindowParams; voxels outside the image are padding.
 */
@unmanaged export class VolumeWindowParams {
  C: i32; D: i32; H: i32; W: i32;
  /** kernel, strides, begin pads (front, top, left), dilations */
  KD: i32; KH: i32; KW: i32; SD: i32; SH: i32; SW: i32; PF: i32; PT: i32; PL: i32; DD: i32; DH: i32; DW: i32;
  OD: i32; OH: i32; OW: i32;
  src: usize; dst: usize;
  /** col2im only: 1 adds into the image as it is (a band of columns after the first), 0 zeroes it first. */
  accumulate: i32;
}

/**
 * Depthwise convolution on volumes (DepthwiseParams with a depth axis, no workspace). Input
 * x [C, D, H, W]; output y [C·mult, OD, OH, OW]: y[m, od, oh, ow] = bias[m] +
 * Σ x[c, od·SD − PF + kd·DD, oh·SH − PT + kh·DH, ow·SW − PL + kw·DW]·w[m, kd, kh, kw], voxels outside x
 * being padding zeros (which take part in the sum). Pads may be negative.
 */
@unmanaged export class DepthwiseVolumeParams {
  C: i32; mult: i32;
  D: i32; H: i32; W: i32; OD: i32; OH: i32; OW: i32;
  KD: i32; KH: i32; KW: i32; SD: i32; SH: i32; SW: i32; PF: i32; PT: i32; PL: i32; DD: i32; DH: i32; DW: i32;
  /** x, w [C·mult, KD, KH, KW], bias [C·mult] (0: none), y */
  x: usize; w: usize; bias: usize; y: usize;
}

/**
 * The depthwise transposed convolution on volumes (TransposedParams with a depth axis). Input
 * x [C, D, H, W]; output y [C·mult, OD, OH, OW]; tap (kd, kh, kw) of input voxel (id, ih, iw) lands
 * on output voxel (id·SD − PF + kd·DD, ih·SH − PT + kh·DH, iw·SW − PL + kw·DW).
 */
@unmanaged export class TransposedVolumeParams {
  C: i32; mult: i32;
  D: i32; H: i32; W: i32; OD: i32; OH: i32; OW: i32;
  KD: i32; KH: i32; KW: i32; SD: i32; SH: i32; SW: i32; PF: i32; PT: i32; PL: i32; DD: i32; DH: i32; DW: i32;
  /** x, w [C, mult, KD, KH, KW], bias [C·mult] (0: none), y */
  x: usize; w: usize; bias: usize; y: usize;
}

/**
 * Transposed convolution for the depthwise kernel (2-D; 1-D runs with H = KH = 1). Input
 * x [C, H, W]; output y [C·mult, OH, OW]; tap (kh, kw) of input pixel (ih, iw) lands on output
 * pixel (ih·SH − PT + kh·DH, iw·SW − PL + kw·DW).
 */
@unmanaged export class TransposedParams {
  /** input channels (= groups for depthwise) and output channels per input channel (multiplier) */
  C: i32; mult: i32;
  H: i32; W: i32; OH: i32; OW: i32;
  /** kernel, strides, begin pads, dilations */
  KH: i32; KW: i32; SH: i32; SW: i32; PT: i32; PL: i32; DH: i32; DW: i32;
  /** x, w [C, mult, KH, KW], bias [C·mult] (0: none), y */
  x: usize; w: usize; bias: usize; y: usize;
}

/**
 * Sub-pixel interleave: phase outputs P [(m·SH + rH)·SW + rW, a·NUW + b] (one GEMM's result, rows
 * grouped by channel, then phase) → y [M, OH, OW]: y[m, oh, ow] = P[…] (+ bias[m]) where
 * oh + PT = (U0H + a)·SH + rH and ow + PL = (U0W + b)·SW + rW.
 */
@unmanaged export class InterleaveParams {
  M: i32; OH: i32; OW: i32;
  SH: i32; SW: i32; PT: i32; PL: i32;
  U0H: i32; U0W: i32; NUH: i32; NUW: i32;
  /** P, bias [M] (0: none), y */
  phases: usize; bias: usize; y: usize;
}

/**
 * Sub-pixel weight packing: w [G·CG, MG, KH, KW] (ONNX ConvTranspose layout) → W_sub
 * [G][(m·SH + rH)·SW + rW][(c·TH + a)·TW + b] = w[g·CG + c, m, rH + (TH−1−a)·SH, rW + (TW−1−b)·SW],
 * zero where that tap lies past the kernel.
 */
@unmanaged export class PackParams {
  G: i32; CG: i32; MG: i32;
  KH: i32; KW: i32; SH: i32; SW: i32; TH: i32; TW: i32;
  w: usize; out: usize;
}

/**
 * Depthwise convolution (one input channel per group, channel multiplier `mult`; 2-D, 1-D runs
 * with H = KH = 1). Input x [C, H, W]; output y [C·mult, OH, OW]; output channel m reads input
 * channel ⌊m / mult⌋ with its own filter w[m, kH, kW]: y[m, oh, ow] = bias[m] +
 * Σ x[c, oh·SH − PT + kh·DH, ow·SW − PL + kw·DW]·w[m, kh, kw], pixels outside x being padding
 * zeros (which take part in the sum). Pads may be negative.
 */
@unmanaged export class DepthwiseParams {
  /** input channels and output channels per input channel (multiplier) */
  C: i32; mult: i32;
  H: i32; W: i32; OH: i32; OW: i32;
  /** kernel, strides, begin pads, dilations */
  KH: i32; KW: i32; SH: i32; SW: i32; PT: i32; PL: i32; DH: i32; DW: i32;
  /** x, w [C·mult, KH, KW], bias [C·mult] (0: none), y */
  x: usize; w: usize; bias: usize; y: usize;
  /** workspace, f32_conv_depthwise_workspace_bytes(OH, OW, KH, KW, SH, SW, DH, DW) bytes: one padded input plane (and the tap offsets) */
  work: usize;
}

/**
 * Strided copy of a rank-6 view (layout/permute.ts): for every (i0, …, i5) < (n0, …, n5),
 *   y[Σ i_k·t_k] = x[Σ i_k·s_k]
 * strides in elements (they may be negative: a reversed Slice); unused leading axes have n = 1.
 * The elements read and those written must be disjoint.
 */
@unmanaged export class PermuteParams {
  x: usize; y: usize;
  /** extents */
  n0: i32; n1: i32; n2: i32; n3: i32; n4: i32; n5: i32;
  /** x's strides */
  s0: i32; s1: i32; s2: i32; s3: i32; s4: i32; s5: i32;
  /** y's strides */
  t0: i32; t1: i32; t2: i32; t3: i32; t4: i32; t5: i32;
}

/**
 * A conv's epilogue on `channels` runs of `n` floats, run c at y + c·stride floats (one band of
 * output rows per channel): y = act(y + bias[c]). act: fn 0 none, 1 Relu, 2 f32_activation__simd
 * op `op` (p0, p1); form 0 f(v), 1 v·f(v), 2 v·f(v + 3)/6 (each step in float32).
 */
@unmanaged export class EpilogueParams {
  y: usize; bias: usize;
  channels: i32; n: i32; stride: i32;
  form: i32; fn: i32; op: i32;
  p0: f32; p1: f32;
  /** forms 1 and 2: EPILOGUE_CHUNK floats of scratch */
  work: usize;
}

/**
 * Winograd F(2×2,3×3) transforms (assembly/conv/winograd.ts) over one band of tile rows: tile
 * (th, tw) covers output rows 2th, 2th+1 and columns 2tw, 2tw+1 and reads the 4×4 input patch at
 * (2th − PT, 2tw − PL); TW = ⌈OW/2⌉ tiles a row, the band is tile rows [th0, th0 + rows), its
 * T = rows·TW tiles numbered t = (th − th0)·TW + tw. Input transform: src x [C, H, W] → dst
 * V [16][C][T]. Output transform: src M [16][C][T] (C output channels) → dst y [C, OH, OW], plus
 * bias [C] (0: none).
 * The F(4×4,3×3) transforms (assembly/conv/winograd-f4.ts) read the same block with 4×4-output
 * tiles: tile (th, tw) covers output rows 4th…4th+3 and columns 4tw…4tw+3 and reads the 6×6 patch
 * at (4th − PT, 4tw − PL), TW = ⌈OW/4⌉, V and M [36][C][T] with their planes
 * winogradF4PlaneFloats(C·T) floats apart.
 */
@unmanaged export class WinogradParams {
  C: i32; H: i32; W: i32; PT: i32; PL: i32; OH: i32; OW: i32;
  th0: i32; rows: i32;
  src: usize; dst: usize; bias: usize;
}

/**
 * Winograd F(2×2,2×2) for the phase kernels of sub-pixel transposed convolution with ⌈k/s⌉ = 2
 * on both axes (assembly/conv-transpose/subpixel-winograd.ts). A band of TR×TC tiles, numbered
 * t = tr·TC + tc; tile (tr, tc) covers cells (R0 + 2tr + a, C0 + 2tc + b), a, b < 2.
 * Input transform: src x [C, H, W] → dst V [9][C][TR·TC] from the 3×3 patch at x rows
 * R0 − 1 + 2tr + i, columns C0 − 1 + 2tc + j (zero outside the image).
 * Output transform: src P [9][M·SH·SW][TR·TC] (rows (m·SH + rH)·SW + rW) → dst y [M, OH, OW] at
 * oh = cell row·SH + rH − PT, ow = cell column·SW + rW − PL (only those inside y), plus bias [M] (0: none).
 */
@unmanaged export class PhaseWinogradParams {
  C: i32; H: i32; W: i32; M: i32;
  SH: i32; SW: i32; PT: i32; PL: i32; OH: i32; OW: i32;
  R0: i32; C0: i32; TR: i32; TC: i32;
  src: usize; dst: usize; bias: usize;
}

/**
 * Floats from V[e] (or M[e]) to V[e + 1] in the F(4×4,3×3) transforms, for C·T floats a plane:
 * rounded up to 4 KB plus one 64-byte line, so that the 36 entries of a tile fall in 36 cache sets
 * (planes a multiple of 4 KB apart share one). src/ops/conv-engine/winograd.ts has the same.
 */
@inline export function winogradF4PlaneFloats(CT: i32): i32 {
  return ((CT + 1023) & ~1023) + 16;
}
