// Shape calculator: the output size of one transposed-convolution layer under each framework's
// convention, on one spatial axis, with full = s·(i−1) + d·(k−1) + 1 (no pads, no output padding):
//   PyTorch ConvTranspose2d: s·(i−1) − 2p + d·(k−1) + op + 1     ONNX: full + op − pBegin − pEnd (or SAME/VALID/outputShape)
//   TF / Keras / TF.js 'same': i·s     'valid': i·s + max(d·(k−1) + 1 − s, 0)     Caffe Deconvolution: s·(i−1) + d·(k−1) + 1 − 2p
// Each result also says where its output sits in the full transposed convolution (padBegin, padEnd).
// Then FCN's crop offsets by Caffe's coordinate mapping (coord_map.py): compose per-layer maps top = a·bottom + b.
import { checkAttrNames, readInts, readPads, required, show } from "../attrs.js";
import { AttributeError } from "../errors.js";
import { resolveConvTranspose } from "../shape.js";
import { fullSize } from "./geometry.js";

/** One spatial axis of a transposed-convolution layer (call once per axis: D, H and W are independent, so a 3-D layer is three calls). */
export interface LayerAxis {
  /** Input size i along the axis (≥ 1). */
  input: number;
  /** Kernel size k (≥ 1). */
  kernel: number;
  /** Stride s, default 1. */
  stride?: number;
  /** Padding p, default 0: one number for both ends (PyTorch, Caffe) or [begin, end] (ONNX pads). */
  pad?: number | readonly [number, number];
  /** Dilation d, default 1. */
  dilation?: number;
  /** Output padding op (PyTorch output_padding, ONNX output_padding), default 0; < max(s, d). */
  outputPadding?: number;
  /** ONNX output_shape for this axis, optional: the pads are then derived from it. */
  outputShape?: number;
}

/**
 * An output size and where that output sits in the full transposed convolution (length `full`,
 * see OutputSizes): rows padBegin … full − padEnd − 1. A negative padBegin or padEnd means rows
 * that no kernel tap reaches, added before or after (output padding shows up as padEnd − op).
 */
export interface ConventionSize {
  size: number;
  padBegin: number;
  padEnd: number;
  /** The formula with this layer's numbers, e.g. "2·(4−1) − 2·1 + 1·(4−1) + 0 + 1 = 8". */
  formula: string;
}

/** Result of explain.outputSize: one layer's output size under each convention. */
export interface OutputSizes {
  /** s·(i−1) + d·(k−1) + 1: every row some kernel tap reaches, before pads and output padding. */
  full: number;
  /** PyTorch ConvTranspose1d/2d/3d (output_padding included); null when the pads are asymmetric (PyTorch cannot express it). */
  pytorch: ConventionSize | null;
  /** ONNX ConvTranspose (exactly convTranspose's sizes), output padding included in every mode. */
  onnx: {
    /** autoPad NOTSET with the given pads. */
    pads: ConventionSize;
    /** autoPad SAME_UPPER / SAME_LOWER: size i·s, the odd pad at the end / begin. */
    sameUpper: ConventionSize;
    sameLower: ConventionSize;
    /** autoPad VALID: no pads. */
    valid: ConventionSize;
    /** With outputShape (when given): the pads ONNX derives for it. */
    outputShape: ConventionSize | null;
  };
  /**
   * TensorFlow (tf.keras Conv2DTranspose with output_padding=None, tf.nn.conv2d_transpose's
   * standard output_shape) and TF.js (tf.layers.conv2dTranspose): 'same' and 'valid'. TF places
   * the output as the gradient of a SAME/VALID conv2d, so padBegin ≥ 0 always (unlike ONNX's SAME
   * when k < s). Uses the dilated kernel d·(k−1)+1 as Keras does; TF.js layers has no dilation
   * there. Pads and output padding do not apply.
   */
  tensorflow: { same: ConventionSize; valid: ConventionSize };
  /**
   * Caffe Deconvolution (Caffe has no output padding: op is ignored); null when the pads are
   * asymmetric, or when without op the output would be empty.
   */
  caffe: ConventionSize | null;
}

const LAYER_KEYS = ["input", "kernel", "stride", "pad", "dilation", "outputPadding", "outputShape"] as const;

function int(value: unknown, name: string, min: number, fallback: number): number {
  return readInts(value, 1, `explain.outputSize(layer.${name})`, min, fallback)[0];
}

/**
 * One layer's output size on one axis under PyTorch, ONNX, TensorFlow / TF.js and Caffe conventions.
 * ONNX's sizes come from convTranspose's own attribute resolution (same errors: outputPadding ≥
 * max(stride, dilation), an unreachable outputShape, an empty output).
 * @example explain.outputSize({ input: 4, kernel: 4, stride: 2, pad: 1 }).pytorch.size // 8
 */
export function outputSize(layer: LayerAxis): OutputSizes {
  const a = checkAttrNames(layer, LAYER_KEYS, "explain.outputSize", "attrs");
  required(a.input, "explain.outputSize(layer.input)");
  required(a.kernel, "explain.outputSize(layer.kernel)");
  const i = int(a.input, "input", 1, 1), k = int(a.kernel, "kernel", 1, 1);
  const s = int(a.stride, "stride", 1, 1), d = int(a.dilation, "dilation", 1, 1), op = int(a.outputPadding, "outputPadding", 0, 0);
  const pads = typeof a.pad === "number" || a.pad === undefined ? int(a.pad, "pad", 0, 0) : null;
  const [pb, pe] = pads !== null ? [pads, pads] : readInts(a.pad, 2, "explain.outputSize(layer.pad)", 0, 0);
  const symmetric = pb === pe;
  const ext = d * (k - 1) + 1; // the dilated kernel's extent
  const full = fullSize(i, k, s, d);
  const at = (size: number, padBegin: number, formula: string): ConventionSize =>
    ({ size, padBegin, padEnd: full - padBegin - size, formula: `${formula} = ${size}` });

  // ONNX: convTranspose's own resolution on a [1, 1, i] input and a [1, 1, k] kernel.
  const onnx = (attrs: Record<string, unknown>, formula: string): ConventionSize => {
    const g = resolveConvTranspose([1, 1, i], [1, 1, k], null, { strides: [s], dilations: [d], outputPadding: [op], ...attrs }, "explain.outputSize");
    return at(g.window.image[0], g.window.padsBegin[0], formula);
  };
  const base = `${s}·(${i}−1) + ${d}·(${k}−1) + 1 + ${op}`;
  const onnxSizes = {
    pads: onnx({ pads: [pb, pe] }, `${base} − ${pb} − ${pe}`),
    sameUpper: onnx({ autoPad: "SAME_UPPER" }, `${i}·${s}`),
    sameLower: onnx({ autoPad: "SAME_LOWER" }, `${i}·${s}`),
    valid: onnx({ autoPad: "VALID" }, base),
    outputShape: a.outputShape === undefined ? null : onnx({ outputShape: [int(a.outputShape, "outputShape", 1, 1)] }, `outputShape ${show(a.outputShape)}`),
  };

  const pytorch = symmetric ? at(s * (i - 1) - 2 * pb + d * (k - 1) + op + 1, pb, `${s}·(${i}−1) − 2·${pb} + ${d}·(${k}−1) + ${op} + 1`) : null;
  // TF: the gradient of conv2d over an input of size O; SAME pads that conv by max(ext − s, 0), half before.
  const tfSame = at(i * s, Math.floor(Math.max(ext - s, 0) / 2), `${i}·${s}`);
  const tfValid = at(i * s + Math.max(ext - s, 0), 0, `${i}·${s} + max(${ext} − ${s}, 0)`);
  const caffeSize = s * (i - 1) + ext - 2 * pb;
  const caffe = symmetric && caffeSize >= 1 ? at(caffeSize, pb, `${s}·(${i}−1) + ${ext} − 2·${pb}`) : null;
  return { full, pytorch, onnx: onnxSizes, tensorflow: { same: tfSame, valid: tfValid }, caffe };
}

/**
 * A layer of any spatial rank (2-D, 3-D: PyTorch's ConvTranspose3d) for outputSizes: `input` has one
 * size per spatial axis; every other field one value per axis, or one number for all of them; `pad`
 * in ONNX order (every begin, then every end: [front, top, left, back, bottom, right] in 3-D) or one
 * number for every side.
 */
export interface LayerAxes {
  input: readonly number[];
  kernel: number | readonly number[];
  stride?: number | readonly number[];
  pad?: number | readonly number[];
  dilation?: number | readonly number[];
  outputPadding?: number | readonly number[];
  outputShape?: number | readonly number[];
}

/**
 * outputSize for every spatial axis of a layer (the axes are independent): element i is axis i's
 * sizes under each convention, with that axis's numbers. Same errors as outputSize, naming the axis.
 * @example explain.outputSizes({ input: [8, 16, 16], kernel: 4, stride: 2, pad: 1 }).map((a) => a.pytorch!.size) // [16, 32, 32]
 */
export function outputSizes(layer: LayerAxes): OutputSizes[] {
  const a = checkAttrNames(layer, LAYER_KEYS, "explain.outputSizes", "attrs");
  required(a.input, "explain.outputSizes(layer.input)");
  if (!Array.isArray(a.input) || a.input.length < 1) {
    throw new AttributeError(`explain.outputSizes(layer.input): expected one input size per spatial axis (an array), got ${show(a.input)}`);
  }
  const rank = a.input.length;
  const per = (name: string, min: number, fallback: number): number[] => readInts(a[name], rank, `explain.outputSizes(layer.${name})`, min, fallback);
  required(a.kernel, "explain.outputSizes(layer.kernel)");
  const input = per("input", 1, 1), kernel = per("kernel", 1, 1), stride = per("stride", 1, 1), dilation = per("dilation", 1, 1);
  const outputPadding = per("outputPadding", 0, 0);
  const outputShape = a.outputShape === undefined ? null : per("outputShape", 1, 1);
  const [begins, ends] = readPads(a.pad, rank, "explain.outputSizes(layer.pad)");
  return input.map((_, i) => outputSize({
    input: input[i], kernel: kernel[i], stride: stride[i], dilation: dilation[i], outputPadding: outputPadding[i],
    pad: begins[i] === ends[i] ? begins[i] : [begins[i], ends[i]],
    ...(outputShape === null ? {} : { outputShape: outputShape[i] }),
  }));
}

// ---------------------------------------------------------------------------------------------
// Coordinate mapping (Caffe's python/caffe/coord_map.py), one spatial axis. Every layer maps a
// bottom coordinate to a top coordinate, top = a·bottom + b, by the centres of its windows:
//   Conv / MaxPool (window centre s·o − p + (k_ext−1)/2 = bottom):  a = 1/s, b = (p − (k_ext−1)/2)/s
//   ConvTranspose (Caffe Deconvolution, the inverse):               a = s,   b = (k_ext−1)/2 − p
//   Crop with offset c: a = 1, b = −c;   pointwise layers (Relu, Dropout, Add, Scale…): a = 1, b = 0
// A chain composes them; the crop that aligns blob F onto blob L (both reached from one common blob)
// is offset = −b of the map F → L, which must have a = 1 and be a non-negative integer.

/** One layer of a chain for the coordinate mapping, on one spatial axis (Caffe's symmetric pad). */
export type CoordLayer =
  | { op: "Conv" | "MaxPool" | "ConvTranspose"; kernel: number; stride?: number; pad?: number; dilation?: number }
  | { op: "Crop"; offset: number }
  | { op: "Relu" | "Dropout" | "Add" | "Scale" | "Softmax" };

/** An affine coordinate map top = scale·bottom + shift (Caffe's coord_map (a, b)). */
export interface CoordMap {
  scale: number;
  shift: number;
}

const POINTWISE = ["Relu", "Dropout", "Add", "Scale", "Softmax"];

function layerMap(layer: CoordLayer, index: number): CoordMap {
  const where = `explain.coordMap(layers[${index}])`;
  if (layer === null || typeof layer !== "object") throw new AttributeError(`${where}: expected a layer object, got ${show(layer)}`);
  const op = (layer as { op?: unknown }).op;
  if (op === "Conv" || op === "MaxPool" || op === "ConvTranspose") {
    const l = checkAttrNames(layer, ["op", "kernel", "stride", "pad", "dilation"], where);
    required(l.kernel, `${where}.kernel`);
    const k = readInts(l.kernel, 1, `${where}.kernel`, 1, 1)[0];
    const s = readInts(l.stride, 1, `${where}.stride`, 1, 1)[0];
    const p = readInts(l.pad, 1, `${where}.pad`, 0, 0)[0];
    const d = readInts(l.dilation, 1, `${where}.dilation`, 1, 1)[0];
    const half = (d * (k - 1)) / 2; // (k_ext − 1)/2: the window's centre
    return op === "ConvTranspose" ? { scale: s, shift: half - p } : { scale: 1 / s, shift: (p - half) / s };
  }
  if (op === "Crop") {
    const l = checkAttrNames(layer, ["op", "offset"], where);
    required(l.offset, `${where}.offset`);
    return { scale: 1, shift: -readInts(l.offset, 1, `${where}.offset`, 0, 0)[0] };
  }
  if (typeof op === "string" && POINTWISE.includes(op)) {
    checkAttrNames(layer, ["op"], where);
    return { scale: 1, shift: 0 };
  }
  throw new AttributeError(`${where}.op: expected one of Conv, MaxPool, ConvTranspose, Crop, ${POINTWISE.join(", ")}, got ${show(op)}`);
}

/**
 * The coordinate map of a chain of layers, from the chain's input to its output: applying layer
 * (a₂, b₂) after (a₁, b₁) gives (a₂·a₁, a₂·b₁ + b₂). An empty chain is the identity.
 */
export function coordMap(layers: CoordLayer | readonly CoordLayer[]): CoordMap {
  const list = Array.isArray(layers) ? layers : [layers as CoordLayer];
  let map: CoordMap = { scale: 1, shift: 0 };
  list.forEach((layer: CoordLayer, index: number) => {
    const next = layerMap(layer, index);
    map = { scale: next.scale * map.scale, shift: next.scale * map.shift + next.shift };
  });
  return map;
}

/**
 * The offset of Caffe's Crop that aligns blob `from` with blob `like` (what FCN's crop layers get),
 * both given as chains of layers from one common blob (for FCN, the input image). With
 * from = a_F·x + b_F and like = a_L·x + b_L, the map from → like is like = (a_L/a_F)·from + b_L − a_L·b_F/a_F;
 * its scale must be 1 and the offset is −(its shift) = b_F − b_L. Throws AttributeError, as Caffe's
 * crop() asserts, when the scales differ or the offset is negative or not an integer.
 */
export function cropOffset(from: readonly CoordLayer[], like: readonly CoordLayer[]): number {
  const f = coordMap(from), l = coordMap(like);
  const scale = l.scale / f.scale;
  const shift = l.shift - l.scale * f.shift / f.scale;
  const near = (v: number, target: number): boolean => Math.abs(v - target) <= 1e-9 * Math.max(1, Math.abs(target));
  if (!near(scale, 1)) throw new AttributeError(`explain.cropOffset: the two blobs have different scales (from → like scales by ${scale}); a crop cannot align them`);
  const offset = -shift;
  if (!near(offset, Math.round(offset))) throw new AttributeError(`explain.cropOffset: the offset ${offset} is not an integer; a crop cannot align these blobs`);
  if (Math.round(offset) < 0) throw new AttributeError(`explain.cropOffset: the offset ${offset} is negative (\`from\` starts inside \`like\`); a crop cannot align them`);
  return Math.round(offset) + 0; // + 0 turns −0 into 0
}
