// The single list of benchmark shapes: real FCN and decoder layer shapes, GEMMs and a stride sweep.
// Benchmarks (bench/run.ts) and test/bench-shapes.test.ts import it; it depends on nothing (no
// Node, no dist/).
// Contract: batch N, activations NCHW, Conv weights [M, C/group, kH, kW], ConvTranspose weights
// [C, M/group, kH, kW], GEMM A [M, K] · B [K, N]; pads are symmetric [top, left] = [bottom, right].

/** Which family a shape belongs to; `--filter` matches it as well as the name. */
export type ShapeGroup = "gemm" | "conv" | "fcn" | "decoder" | "sweep";

/** C[M×N] = A[M×K] · B[K×N] (ONNX Gemm without C, alpha = beta = 1). */
export interface GemmShape {
  kind: "gemm";
  group: ShapeGroup;
  /** Unique, human-readable; the table and `--filter` use it. */
  name: string;
  M: number;
  N: number;
  K: number;
}

/** Common fields of Conv and ConvTranspose: x [N, C, H, W], y [N, M, outH, outW]. */
interface WindowShape {
  group: ShapeGroup;
  name: string;
  N: number;
  /** Input channels. */
  C: number;
  H: number;
  W: number;
  /** Output channels. */
  M: number;
  kH: number;
  kW: number;
  strides: [number, number];
  /** ONNX order: [top, left, bottom, right]. */
  pads: [number, number, number, number];
  dilations: [number, number];
  /** ONNX `group`: 1 dense, C (= M) depthwise. */
  groups: number;
  /** Whether the layer has a bias [M]. */
  bias: boolean;
}

/** ONNX Conv. */
export interface ConvShape extends WindowShape {
  kind: "conv";
}

/** ONNX ConvTranspose. */
export interface ConvTransposeShape extends WindowShape {
  kind: "convTranspose";
  /** ONNX `output_padding` [h, w]. */
  outputPadding: [number, number];
}

export type BenchShape = GemmShape | ConvShape | ConvTransposeShape;

function gemm(M: number, N: number, K: number, note = ""): GemmShape {
  return { kind: "gemm", group: "gemm", name: `gemm M${M} N${N} K${K}${note}`, M, N, K };
}

/**
 * Conv 3×3, stride 1, pad 1, C → C channels, on a C×H×H image (VGG/FCN encoder and U-Net layers);
 * `suffix` (e.g. " vgg conv1_2") is appended to the name so `--filter` can pick the layer.
 */
function conv3x3(C: number, H: number, suffix = ""): ConvShape {
  return {
    kind: "conv", group: "conv", name: `conv k3 s1 p1 ${C}->${C} ${H}x${H}${suffix}`,
    N: 1, C, H, W: H, M: C, kH: 3, kW: 3, strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 1, bias: true,
  };
}

/**
 * FCN's fc6 as a convolution: 512 → 4096, k7, no pad, with bias, on pool5's H×H map. On 7×7 it
 * has one output position (a matrix–vector product over 411 MB of weights); on 9×9, 3×3 of them.
 */
function fc6(H: number): ConvShape {
  return {
    kind: "conv", group: "conv", name: `conv k7 s1 p0 512->4096 ${H}x${H} fc6`,
    N: 1, C: 512, H, W: H, M: 4096, kH: 7, kW: 7, strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], groups: 1, bias: true,
  };
}

/**
 * Depthwise conv k×k (group = C = M), pad ⌊k/2⌋, with bias: MobileNetV2 / EfficientNet blocks
 * (expanded widths 96, 144, 240, 480 at 112², 56², 28², 14²).
 */
function depthwiseConv(C: number, H: number, k: number, s: number): ConvShape {
  const p = Math.floor(k / 2);
  return {
    kind: "conv", group: "conv", name: `conv k${k} s${s} p${p} ${C}->${C} ${H}x${H} depthwise`,
    N: 1, C, H, W: H, M: C, kH: k, kW: k, strides: [s, s], pads: [p, p, p, p], dilations: [1, 1], groups: C, bias: true,
  };
}

interface ConvTransposeSpec {
  group: ShapeGroup;
  C: number;
  M: number;
  H: number;
  k: number;
  s: number;
  p?: number;
  outputPadding?: number;
  groups?: number;
  bias: boolean;
  /** Appended to the name (e.g. " dense"). */
  suffix?: string;
}

function convTranspose(spec: ConvTransposeSpec): ConvTransposeShape {
  const { group, C, M, H, k, s, p = 0, outputPadding = 0, groups = 1, bias, suffix = "" } = spec;
  const op = outputPadding > 0 ? ` op${outputPadding}` : "";
  return {
    kind: "convTranspose", group, name: `convT k${k} s${s} p${p}${op} ${C}->${M} ${H}x${H}${suffix}`,
    N: 1, C, H, W: H, M, kH: k, kW: k, strides: [s, s], pads: [p, p, p, p], dilations: [1, 1], groups, bias,
    outputPadding: [outputPadding, outputPadding],
  };
}

/**
 * FCN's learned upsampling (score maps of 21 PASCAL classes): 21 → 21 channels, no bias (Caffe's
 * `bias_term: false`), each dense and depthwise (group 21, the bilinear-initialised form).
 */
function fcnUpsample(k: number, s: number, H: number): ConvTransposeShape[] {
  return [
    convTranspose({ group: "fcn", C: 21, M: 21, H, k, s, bias: false, suffix: " dense" }),
    convTranspose({ group: "fcn", C: 21, M: 21, H, k, s, groups: 21, bias: false, suffix: " depthwise" }),
  ];
}

/** Every benchmark shape, in the order the table prints them. Batch 1 throughout. */
export const SHAPES: readonly BenchShape[] = [
  // Square GEMMs, then the GEMMs that im2col convolutions of FCN/VGG run (M = out channels,
  // N = output pixels, K = C·kH·kW) and the 21-class score layer on fc7 (K = 4096).
  gemm(256, 256, 256),
  gemm(512, 512, 512),
  gemm(1024, 1024, 1024),
  gemm(64, 12544, 576),
  gemm(512, 784, 4608),
  gemm(21, 4096, 4096),
  // VGG16 3×3 convolutions at 224² input: conv1 … conv5 widths.
  conv3x3(64, 112),
  conv3x3(128, 56),
  conv3x3(256, 28),
  conv3x3(512, 14),
  // VGG16's conv1_2 (64 → 64 at full resolution) on a 224² input and on 424² (FCN's 224² input
  // padded by 100, where conv1_2 sees 422²), and U-Net's first 64 → 64 layer on 256².
  conv3x3(64, 224, " vgg conv1_2"),
  conv3x3(64, 424, " vgg conv1_2"),
  conv3x3(64, 256, " u-net"),
  // fc6 as FCN runs it: a 512 → 4096 k7 conv on 7×7 (N = 1) and on 9×9 (3×3 outputs).
  fc6(7),
  fc6(9),
  // Depthwise 3×3 and 5×5 at strides 1 and 2 (MobileNet-style backbones); the 144-channel 3×3
  // on 56² at strides 1 and 2 and the 240-channel 5×5 on 28² are MobileNetV2 blocks.
  depthwiseConv(144, 56, 3, 1),
  depthwiseConv(144, 56, 3, 2),
  depthwiseConv(96, 112, 3, 2),
  depthwiseConv(240, 28, 5, 1),
  depthwiseConv(240, 28, 5, 2),
  depthwiseConv(480, 14, 5, 1),
  // FCN-8s/16s/32s upsampling layers.
  ...fcnUpsample(4, 2, 16),
  ...fcnUpsample(4, 2, 34),
  ...fcnUpsample(16, 8, 34),
  ...fcnUpsample(64, 32, 8),
  ...fcnUpsample(64, 32, 16),
  // Decoder layers (U-Net / DCGAN / segmentation heads), with bias.
  convTranspose({ group: "decoder", C: 64, M: 32, H: 64, k: 4, s: 2, p: 1, bias: true }),
  convTranspose({ group: "decoder", C: 128, M: 64, H: 32, k: 3, s: 2, p: 1, outputPadding: 1, bias: true }),
  convTranspose({ group: "decoder", C: 256, M: 128, H: 28, k: 2, s: 2, bias: true }),
  convTranspose({ group: "decoder", C: 512, M: 256, H: 14, k: 4, s: 2, p: 1, bias: true }),
  // Stride sweep: 32 → 32 channels, 32² input, k = 2s, p = ⌊s/2⌋, no bias.
  ...[1, 2, 4, 8, 16, 32].map((s) =>
    convTranspose({ group: "sweep", C: 32, M: 32, H: 32, k: 2 * s, s, p: Math.floor(s / 2), bias: false })),
];

/** Output spatial size [outH, outW] of a Conv or ConvTranspose shape (ONNX formulas). */
export function outputSize(shape: ConvShape | ConvTransposeShape): [number, number] {
  const { H, W, kH, kW, strides: [sH, sW], pads: [pT, pL, pB, pR], dilations: [dH, dW] } = shape;
  if (shape.kind === "conv") {
    // out = ⌊(in + pBegin + pEnd − d·(k − 1) − 1) / s⌋ + 1
    return [Math.floor((H + pT + pB - dH * (kH - 1) - 1) / sH) + 1, Math.floor((W + pL + pR - dW * (kW - 1) - 1) / sW) + 1];
  }
  // out = s·(in − 1) + outputPadding + d·(k − 1) + 1 − pBegin − pEnd
  const [oH, oW] = shape.outputPadding;
  return [sH * (H - 1) + oH + dH * (kH - 1) + 1 - pT - pB, sW * (W - 1) + oW + dW * (kW - 1) + 1 - pL - pR];
}

/** Input, weight, bias and output dimensions, as the ops take them. */
export function tensorShapes(shape: BenchShape): { x: number[]; w: number[]; b: number[] | null; y: number[] } {
  if (shape.kind === "gemm") return { x: [shape.M, shape.K], w: [shape.K, shape.N], b: null, y: [shape.M, shape.N] };
  const { N, C, H, W, M, kH, kW, groups } = shape;
  const [outH, outW] = outputSize(shape);
  const w = shape.kind === "conv" ? [M, C / groups, kH, kW] : [C, M / groups, kH, kW];
  return { x: [N, C, H, W], w, b: shape.bias ? [M] : null, y: [N, M, outH, outW] };
}

/**
 * Multiply-accumulates of one run: GEMM M·N·K; conv N·M·outH·outW·(C/g)·kH·kW;
 * convTranspose N·C·inH·inW·(M/g)·kH·kW. GFLOP/s = 2·MACs / time.
 */
export function macs(shape: BenchShape): number {
  if (shape.kind === "gemm") return shape.M * shape.N * shape.K;
  const { N, C, H, W, M, kH, kW, groups } = shape;
  if (shape.kind === "conv") {
    const [outH, outW] = outputSize(shape);
    return N * M * outH * outW * (C / groups) * kH * kW;
  }
  return N * C * H * W * (M / groups) * kH * kW;
}

/** Shapes whose name or group contains `filter` (case-insensitive); all shapes for "". */
export function selectShapes(filter = ""): BenchShape[] {
  const f = filter.toLowerCase();
  return SHAPES.filter((s) => `${s.group} ${s.name}`.toLowerCase().includes(f));
}
