// The single list of benchmark shapes: real FCN and decoder layer shapes, GEMMs, a stride sweep
// and 3-D U-Net layers on volumes. Benchmarks (bench/run.ts) and test/bench-shapes.test.ts import
// it; it depends on nothing (no Node, no dist/).
// Contract: batch N, activations NCHW (volumes NCDHW), Conv weights [M, C/group, kH, kW] (3-D:
// [M, C/group, kD, kH, kW]), ConvTranspose weights [C, M/group, kH, kW] (3-D: [C, M/group, kD, kH,
// kW]), GEMM A [M, K] · B [K, N]; pads in ONNX order (all begins, then all ends), symmetric here.

/** Which family a shape belongs to; `--filter` matches it as well as the name. */
export type ShapeGroup = "gemm" | "conv" | "fcn" | "decoder" | "sweep" | "volume";

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

/** Fields of every Conv and ConvTranspose shape, planar or volumetric. */
interface LayerFields {
  group: ShapeGroup;
  name: string;
  N: number;
  /** Input channels. */
  C: number;
  /** Output channels. */
  M: number;
  /** ONNX `group`: 1 dense, C (= M) depthwise. */
  groups: number;
  /** Whether the layer has a bias [M]. */
  bias: boolean;
}

/** A planar layer: x [N, C, H, W], y [N, M, outH, outW]. */
interface WindowShape extends LayerFields {
  H: number;
  W: number;
  kH: number;
  kW: number;
  strides: [number, number];
  /** ONNX order: [top, left, bottom, right]. */
  pads: [number, number, number, number];
  dilations: [number, number];
}

/** A volumetric layer (spatial rank 3): x [N, C, D, H, W], y [N, M, outD, outH, outW]. */
interface VolumeWindowShape extends LayerFields {
  D: number;
  H: number;
  W: number;
  kD: number;
  kH: number;
  kW: number;
  strides: [number, number, number];
  /** ONNX order: [front, top, left, back, bottom, right]. */
  pads: [number, number, number, number, number, number];
  dilations: [number, number, number];
}

/** ONNX Conv on images. */
export interface ConvShape extends WindowShape {
  kind: "conv";
}

/** ONNX ConvTranspose on images. */
export interface ConvTransposeShape extends WindowShape {
  kind: "convTranspose";
  /** ONNX `output_padding` [h, w]. */
  outputPadding: [number, number];
}

/** ONNX Conv on volumes (PyTorch's Conv3d). */
export interface Conv3dShape extends VolumeWindowShape {
  kind: "conv3d";
}

/** ONNX ConvTranspose on volumes (PyTorch's ConvTranspose3d). */
export interface ConvTranspose3dShape extends VolumeWindowShape {
  kind: "convTranspose3d";
  /** ONNX `output_padding` [d, h, w]. */
  outputPadding: [number, number, number];
}

/** Every Conv and ConvTranspose shape, 2-D and 3-D. */
export type LayerShape = ConvShape | ConvTransposeShape | Conv3dShape | ConvTranspose3dShape;

export type BenchShape = GemmShape | LayerShape;

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

/**
 * Conv 3×3×3, stride 1, pad 1, C → C channels, with bias, on a C×S×S×S volume: the convolutions of
 * a 3D U-Net's decoder stages (Çiçek et al. 2016).
 */
function conv3x3x3(C: number, S: number, suffix = ""): Conv3dShape {
  return {
    kind: "conv3d", group: "volume", name: `conv k3 s1 p1 ${C}->${C} ${S}x${S}x${S}${suffix}`,
    N: 1, C, D: S, H: S, W: S, M: C, kD: 3, kH: 3, kW: 3, strides: [1, 1, 1], pads: [1, 1, 1, 1, 1, 1], dilations: [1, 1, 1],
    groups: 1, bias: true,
  };
}

/** ConvTranspose k×k×k, stride s, pad p on an S×S×S volume, C → M channels (group `groups`). */
function convTranspose3d(spec: { C: number; M: number; S: number; k: number; s: number; p?: number; groups?: number; bias: boolean; suffix?: string }): ConvTranspose3dShape {
  const { C, M, S, k, s, p = 0, groups = 1, bias, suffix = "" } = spec;
  return {
    kind: "convTranspose3d", group: "volume", name: `convT k${k} s${s} p${p} ${C}->${M} ${S}x${S}x${S}${suffix}`,
    N: 1, C, D: S, H: S, W: S, M, kD: k, kH: k, kW: k, strides: [s, s, s], pads: [p, p, p, p, p, p], dilations: [1, 1, 1],
    groups, bias, outputPadding: [0, 0, 0],
  };
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
  // Volumes (group "volume"): a 3D U-Net decoder. Its 2×2×2 stride-2 up-convolutions 64 → 32 on
  // 32³ and 32 → 16 on 64³ (128 MiB of output), a k4 s2 p1 up-convolution, trilinear ×2
  // upsampling as a depthwise ConvTranspose (group = C = 16, k4 s2 p1: trilinearUpsampling(2)'s
  // attributes, no bias), and 3×3×3 convolutions of the decoder's widths (32 on 32³, 16 on 64³).
  convTranspose3d({ C: 64, M: 32, S: 32, k: 2, s: 2, bias: true, suffix: " u-net" }),
  convTranspose3d({ C: 32, M: 16, S: 64, k: 2, s: 2, bias: true, suffix: " u-net" }),
  convTranspose3d({ C: 32, M: 32, S: 16, k: 4, s: 2, p: 1, bias: true }),
  convTranspose3d({ C: 16, M: 16, S: 32, k: 4, s: 2, p: 1, groups: 16, bias: false, suffix: " trilinear depthwise" }),
  conv3x3x3(32, 32, " u-net"),
  conv3x3x3(16, 64, " u-net"),
];

/** The ONNX op of a shape. */
export function opType(shape: BenchShape): "Gemm" | "Conv" | "ConvTranspose" {
  return shape.kind === "gemm" ? "Gemm" : shape.kind === "conv" || shape.kind === "conv3d" ? "Conv" : "ConvTranspose";
}

/** A layer's window per spatial axis ([H, W], or [D, H, W] on volumes), as ONNX's attributes. */
export interface LayerWindow {
  transposed: boolean;
  /** Input spatial sizes. */
  input: number[];
  kernel: number[];
  strides: number[];
  /** All begins, then all ends. */
  pads: number[];
  dilations: number[];
  /** ConvTranspose's `output_padding`; zeros for Conv. */
  outputPadding: number[];
}

/** The window of a 2-D or 3-D layer in one rank-agnostic form (for the ops' attributes and ONNX's). */
export function layerWindow(shape: LayerShape): LayerWindow {
  const volume = shape.kind === "conv3d" || shape.kind === "convTranspose3d";
  const input = volume ? [shape.D, shape.H, shape.W] : [shape.H, shape.W];
  const kernel = volume ? [shape.kD, shape.kH, shape.kW] : [shape.kH, shape.kW];
  const transposed = opType(shape) === "ConvTranspose";
  const outputPadding = shape.kind === "convTranspose" || shape.kind === "convTranspose3d" ? [...shape.outputPadding] : input.map(() => 0);
  return { transposed, input, kernel, strides: [...shape.strides], pads: [...shape.pads], dilations: [...shape.dilations], outputPadding };
}

/** Output spatial sizes ([outH, outW], or [outD, outH, outW]) of a layer (ONNX formulas). */
export function outputSize(shape: LayerShape): number[] {
  const { transposed, input, kernel: k, strides: s, pads, dilations: d, outputPadding } = layerWindow(shape);
  const r = input.length;
  return input.map((n, a) => {
    const padBegin = pads[a], padEnd = pads[r + a];
    // conv: out = ⌊(in + pBegin + pEnd − d·(k − 1) − 1) / s⌋ + 1
    if (!transposed) return Math.floor((n + padBegin + padEnd - d[a] * (k[a] - 1) - 1) / s[a]) + 1;
    // convTranspose: out = s·(in − 1) + outputPadding + d·(k − 1) + 1 − pBegin − pEnd
    return s[a] * (n - 1) + outputPadding[a] + d[a] * (k[a] - 1) + 1 - padBegin - padEnd;
  });
}

/** Input, weight, bias and output dimensions, as the ops take them. */
export function tensorShapes(shape: BenchShape): { x: number[]; w: number[]; b: number[] | null; y: number[] } {
  if (shape.kind === "gemm") return { x: [shape.M, shape.K], w: [shape.K, shape.N], b: null, y: [shape.M, shape.N] };
  const { N, C, M, groups } = shape;
  const { transposed, input, kernel } = layerWindow(shape);
  const w = transposed ? [C, M / groups, ...kernel] : [M, C / groups, ...kernel];
  return { x: [N, C, ...input], w, b: shape.bias ? [M] : null, y: [N, M, ...outputSize(shape)] };
}

const product = (values: readonly number[]): number => values.reduce((a, b) => a * b, 1);

/**
 * Multiply-accumulates of one run: GEMM M·N·K; conv N·M·∏out·(C/g)·∏k (2-D: N·M·outH·outW·(C/g)·kH·kW);
 * convTranspose N·C·∏in·(M/g)·∏k. GFLOP/s = 2·MACs / time.
 */
export function macs(shape: BenchShape): number {
  if (shape.kind === "gemm") return shape.M * shape.N * shape.K;
  const { N, C, M, groups } = shape;
  const { transposed, input, kernel } = layerWindow(shape);
  if (!transposed) return N * M * product(outputSize(shape)) * (C / groups) * product(kernel);
  return N * C * product(input) * (M / groups) * product(kernel);
}

/** Shapes whose name or group contains `filter` (case-insensitive); all shapes for "". */
export function selectShapes(filter = ""): BenchShape[] {
  const f = filter.toLowerCase();
  return SHAPES.filter((s) => `${s.group} ${s.name}`.toLowerCase().includes(f));
}
