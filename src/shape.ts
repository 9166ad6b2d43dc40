// Shape math, done once in TS before any kernel runs: attribute resolution and output sizes for
// the windowed ops (ONNX opset 22; PyTorch agrees where both define a case).
import {
  type AutoPad, type AveragePoolAttrs, type ConvAttrs, type ConvTransposeAttrs, type MaxPoolAttrs,
  readAutoPad, readFlag, readInts, readPads, readPositiveInt, checkAttrNames, required, show,
} from "./attrs.js";
import { AttributeError, ShapeError } from "./errors.js";
import { checkResultDims, describeShape } from "./tensor.js";

/** A resolved sliding window over `rank` spatial axes; every array has one entry per axis. */
export interface Window {
  rank: number;
  /** Spatial size of the image the window slides over. */
  image: number[];
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** Padding before each axis (may be negative for a transposed convolution with SAME and k < s). */
  padsBegin: number[];
  padsEnd: number[];
  /** Number of window positions per axis. */
  grid: number[];
}

/** Resolved geometry of a Conv or ConvTranspose call. */
export interface ConvGeometry {
  N: number;
  /** Input channels. */
  C: number;
  /** Output channels. */
  M: number;
  group: number;
  /**
   * The convolution window. For conv, `image` is the input and `grid` the output; for
   * convTranspose (the adjoint), `image` is the output and `grid` the input.
   */
  window: Window;
  /** Output shape [N, M, spatial…]. */
  outShape: number[];
}

/** Checks that a spatial rank is one the window ops implement: 1, 2 or 3 (x of rank 3, 4 or 5). */
export function checkSpatialRank(rank: number, op: string, what: string): void {
  if (rank >= 1 && rank <= 3) return;
  throw new ShapeError(`${op}: expected ${what} of rank 3, 4 or 5 (N, C, spatial…), got rank ${rank + 2}`);
}

/** Effective extent of a dilated kernel: d·(k − 1) + 1. */
export function span(k: number, d: number): number {
  return d * (k - 1) + 1;
}

/**
 * Number of window positions along one axis: ⌊(in + padBegin + padEnd − d·(k−1) − 1) / s⌋ + 1, or with
 * ceilMode the ceiling, less one when the last window would start inside the end padding.
 */
export function windowCount(size: number, k: number, s: number, d: number, begin: number, end: number, ceilMode = false): number {
  const room = size + begin + end - span(k, d);
  let out = (ceilMode ? Math.ceil(room / s) : Math.floor(room / s)) + 1;
  if (ceilMode && (out - 1) * s >= size + begin) out -= 1;
  return Math.max(out, 0);
}

/**
 * The first window position along one axis none of whose taps o·s − begin + j·d (j < k) lies
 * inside [0, size), or −1 when every window sees at least one input pixel. Only windows that
 * start in the begin padding, or at or past the input's end, can miss it; when d ≤ size the first
 * window is the worst of the former, so the check is O(1) in the usual cases.
 */
export function paddingOnlyWindow(size: number, k: number, s: number, d: number, begin: number, count: number): number {
  const startingInPadding = Math.min(count, Math.ceil(begin / s));
  const limit = d <= size ? Math.min(startingInPadding, 1) : startingInPadding;
  for (let o = 0; o < limit; o++) {
    const first = o * s - begin; // negative: the window starts in the begin padding
    const j = Math.ceil(-first / d); // its first tap at or past pixel 0
    if (j >= k || first + j * d >= size) return o;
  }
  const pastEnd = Math.ceil((size + begin) / s); // first window whose first tap is ≥ size
  return pastEnd < count ? pastEnd : -1;
}

function samePads(size: number, k: number, s: number, d: number, autoPad: AutoPad): [number, number] {
  const out = Math.ceil(size / s);
  const total = Math.max(0, (out - 1) * s + span(k, d) - size);
  const small = Math.floor(total / 2);
  return autoPad === "SAME_UPPER" ? [small, total - small] : [total - small, small];
}

/**
 * Begin and end pads of a forward window (Conv, MaxPool): explicit `pads` for NOTSET, none for
 * VALID, and for SAME_* the split of max(0, (⌈in/s⌉ − 1)·s + d·(k−1) + 1 − in).
 */
function forwardPads(pads: unknown, autoPad: AutoPad, image: readonly number[], kernel: number[], strides: number[], dilations: number[], op: string): [number[], number[]] {
  const rank = image.length;
  if (autoPad === "VALID") return [new Array<number>(rank).fill(0), new Array<number>(rank).fill(0)];
  if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
    const pairs = image.map((n, i) => samePads(n, kernel[i], strides[i], dilations[i], autoPad));
    return [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
  }
  return readPads(pads, rank, `${op}(attrs.pads)`);
}

/**
 * The kernel size: the weight's spatial shape, which must be ≥ 1 on every axis (as kernelShape
 * must: a zero-size kernel would make every output the bias), and equal to kernelShape if given.
 */
function kernelFromWeights(value: unknown, wSpatial: readonly number[], op: string): number[] {
  const empty = wSpatial.indexOf(0);
  if (empty >= 0) {
    throw new ShapeError(`${op}(w): expected a kernel of size ≥ 1 on every spatial axis, got size 0 on axis ${empty} (w.shape[${empty + 2}])`);
  }
  const k = readInts(value, wSpatial.length, `${op}(attrs.kernelShape)`, 1, 1);
  if (value !== undefined && k.some((v, i) => v !== wSpatial[i])) {
    throw new ShapeError(`${op}(attrs.kernelShape): expected the weight's spatial shape [${wSpatial.join(", ")}], got [${k.join(", ")}]`);
  }
  return wSpatial.slice();
}

const CONV_ATTRS = ["kernelShape", "strides", "pads", "dilations", "group", "autoPad"] as const;
const CONV_TRANSPOSE_ATTRS = [...CONV_ATTRS, "outputPadding", "outputShape"] as const;

function checkBias(b: readonly number[] | null, M: number, op: string): void {
  if (b === null) return;
  if (b.length !== 1 || b[0] !== M) throw new ShapeError(`${op}(b): expected bias of shape [${M}] (one per output channel), got ${describeShape(b)}`);
}

/** Resolves Conv: x [N, C, in…], w [M, C/group, k…], b [M]. Output [N, M, out…]. */
export function resolveConv(x: readonly number[], w: readonly number[], b: readonly number[] | null, attrs: ConvAttrs | undefined, op = "conv"): ConvGeometry {
  const a = checkAttrNames(attrs, CONV_ATTRS, op);
  const rank = x.length - 2;
  checkSpatialRank(rank, op, "x");
  if (w.length !== x.length) throw new ShapeError(`${op}(w): expected rank ${x.length} like x ([M, C/group, k…]), got ${describeShape(w)}`);
  const [N, C] = x;
  const M = w[0];
  const group = readPositiveInt(a.group, `${op}(attrs.group)`, 1);
  if (C % group !== 0) throw new ShapeError(`${op}(x): channels ${C} must be divisible by group ${group}`);
  if (M % group !== 0) throw new ShapeError(`${op}(w): output channels ${M} must be divisible by group ${group}`);
  if (w[1] * group !== C) throw new ShapeError(`${op}(w): expected w.shape[1] = C/group = ${C / group} (x has ${C} channels, group ${group}), got ${w[1]}`);
  checkBias(b, M, op);
  const kernel = kernelFromWeights(a.kernelShape, w.slice(2), op);
  const strides = readInts(a.strides, rank, `${op}(attrs.strides)`, 1, 1);
  const dilations = readInts(a.dilations, rank, `${op}(attrs.dilations)`, 1, 1);
  const autoPad = readAutoPad(a.autoPad, a.pads, op);
  const image = x.slice(2);
  const [padsBegin, padsEnd] = forwardPads(a.pads, autoPad, image, kernel, strides, dilations, op);
  const grid = image.map((n, i) => windowCount(n, kernel[i], strides[i], dilations[i], padsBegin[i], padsEnd[i]));
  grid.forEach((g, i) => {
    if (g < 1) {
      throw new ShapeError(
        `${op}: output axis ${i} would be empty: input ${image[i]} + pads ${padsBegin[i]}+${padsEnd[i]} is smaller than the dilated kernel ${span(kernel[i], dilations[i])}`);
    }
  });
  checkResultDims([N, M, ...grid], `${op}(x)`);
  return {
    N, C, M, group,
    window: { rank, image, kernel, strides, dilations, padsBegin, padsEnd, grid },
    outShape: [N, M, ...grid],
  };
}

/**
 * Resolves ConvTranspose: x [N, C, in…], w [C, M/group, k…], b [M]. Output [N, M, out…] with
 * out = s·(in − 1) + outputPadding + d·(k − 1) + 1 − padBegin − padEnd. With `outputShape`, or
 * autoPad SAME_* (out = in·s), the total padding s·(in−1) + outputPadding + d·(k−1) + 1 − out is
 * split: SAME_UPPER puts ⌊total/2⌋ first, otherwise total − ⌊total/2⌋ goes first (ONNX).
 */
export function resolveConvTranspose(x: readonly number[], w: readonly number[], b: readonly number[] | null, attrs: ConvTransposeAttrs | undefined, op = "convTranspose"): ConvGeometry {
  const a = checkAttrNames(attrs, CONV_TRANSPOSE_ATTRS, op);
  const rank = x.length - 2;
  checkSpatialRank(rank, op, "x");
  if (w.length !== x.length) throw new ShapeError(`${op}(w): expected rank ${x.length} like x ([C, M/group, k…]), got ${describeShape(w)}`);
  const [N, C] = x;
  const group = readPositiveInt(a.group, `${op}(attrs.group)`, 1);
  if (w[0] !== C) throw new ShapeError(`${op}(w): expected w.shape[0] = C = ${C} (the input channels), got ${w[0]}`);
  if (C % group !== 0) throw new ShapeError(`${op}(x): channels ${C} must be divisible by group ${group}`);
  const M = w[1] * group;
  checkBias(b, M, op);
  const kernel = kernelFromWeights(a.kernelShape, w.slice(2), op);
  const strides = readInts(a.strides, rank, `${op}(attrs.strides)`, 1, 1);
  const dilations = readInts(a.dilations, rank, `${op}(attrs.dilations)`, 1, 1);
  const outputPadding = readInts(a.outputPadding, rank, `${op}(attrs.outputPadding)`, 0, 0);
  outputPadding.forEach((p, i) => {
    if (p >= Math.max(strides[i], dilations[i])) {
      throw new AttributeError(`${op}(attrs.outputPadding[${i}]): expected < max(stride, dilation) = ${Math.max(strides[i], dilations[i])}, got ${p}`);
    }
  });
  const autoPad = readAutoPad(a.autoPad, a.pads, op);
  if (a.outputShape !== undefined && a.pads !== undefined) {
    throw new AttributeError(`${op}(attrs.pads): cannot be combined with outputShape (the pads are derived from it); give one or the other`);
  }
  const grid = x.slice(2);
  // Size with no padding at all: the full transposed convolution.
  const full = grid.map((n, i) => strides[i] * (n - 1) + outputPadding[i] + span(kernel[i], dilations[i]));
  let padsBegin: number[];
  let padsEnd: number[];
  let wanted: number[] | null = null;
  if (a.outputShape !== undefined) {
    wanted = readInts(a.outputShape, rank, `${op}(attrs.outputShape)`, 1, 1);
    // Beyond the full size, the extra end rows receive no kernel tap (negative padding, as ONNX
    // derives it); like PyTorch's output_size, that extra must stay below max(stride, dilation).
    wanted.forEach((o, i) => {
      const most = full[i] + Math.max(strides[i], dilations[i]) - 1 - outputPadding[i];
      if (o > most) {
        throw new AttributeError(`${op}(attrs.outputShape[${i}]): ${o} is unreachable; at most ${most} = stride·(in−1) + dilation·(k−1) + max(stride, dilation) for input ${grid[i]}`);
      }
    });
  } else if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
    wanted = grid.map((n, i) => n * strides[i]);
  }
  if (wanted !== null) {
    const totals = wanted.map((o, i) => full[i] - o);
    const small = totals.map((t) => Math.floor(t / 2));
    padsBegin = autoPad === "SAME_UPPER" ? small : totals.map((t, i) => t - small[i]);
    padsEnd = totals.map((t, i) => t - padsBegin[i]);
  } else if (autoPad === "VALID") {
    padsBegin = new Array<number>(rank).fill(0);
    padsEnd = padsBegin.slice();
  } else {
    [padsBegin, padsEnd] = readPads(a.pads, rank, `${op}(attrs.pads)`);
  }
  const image = full.map((f, i) => f - padsBegin[i] - padsEnd[i]);
  image.forEach((o, i) => {
    if (o < 1) throw new ShapeError(`${op}: output axis ${i} would be empty: ${full[i]} before padding, pads ${padsBegin[i]}+${padsEnd[i]}`);
  });
  checkResultDims([N, M, ...image], `${op}(x)`);
  return {
    N, C, M, group,
    window: { rank, image, kernel, strides, dilations, padsBegin, padsEnd, grid },
    outShape: [N, M, ...image],
  };
}

const MAX_POOL_ATTRS = ["kernelShape", "strides", "pads", "dilations", "autoPad", "ceilMode", "storageOrder"] as const;
const AVERAGE_POOL_ATTRS = ["kernelShape", "strides", "pads", "dilations", "autoPad", "ceilMode", "countIncludePad"] as const;

/**
 * Resolves MaxPool: x [N, C, in…] → [N, C, out…]. NOTSET: out = ⌊(in + pads − d·(k−1) − 1) / s⌋ + 1
 * (ceilMode: ⌈…⌉, dropping a last window that would start in the end padding). SAME_*: out = ⌈in / s⌉.
 * VALID: no padding, out = ⌊(in − d·(k−1) − 1) / s⌋ + 1 (ceilMode has no effect, as in the ONNX
 * text). A window that would see only padding is an error (its maximum is undefined).
 */
export function resolveMaxPool(x: readonly number[], attrs: MaxPoolAttrs | undefined, op = "maxPool"): { window: Window; outShape: number[] } {
  const a = checkAttrNames(attrs, MAX_POOL_ATTRS, op);
  if (a.storageOrder !== undefined && a.storageOrder !== 0 && a.storageOrder !== 1) {
    throw new AttributeError(`${op}(attrs.storageOrder): expected 0 or 1, got ${show(a.storageOrder)}`);
  }
  return resolvePoolWindow(x, a, op, "maximum");
}

/**
 * Resolves AveragePool with MaxPool's rules (output sizes, ceilMode, VALID, a padding-only window
 * is an error: its average is undefined, and PyTorch refuses such pads too) and reads
 * countIncludePad (default false).
 */
export function resolveAveragePool(x: readonly number[], attrs: AveragePoolAttrs | undefined, op = "averagePool"): { window: Window; outShape: number[]; countIncludePad: boolean } {
  const a = checkAttrNames(attrs, AVERAGE_POOL_ATTRS, op);
  const countIncludePad = readFlag(a.countIncludePad, `${op}(attrs.countIncludePad)`);
  return { ...resolvePoolWindow(x, a, op, "average"), countIncludePad };
}

/**
 * The window and output shape of a pooling op; `what` names the statistic a padding-only window
 * lacks.
 */
function resolvePoolWindow(x: readonly number[], a: Record<string, unknown>, op: string, what: string): { window: Window; outShape: number[] } {
  const rank = x.length - 2;
  checkSpatialRank(rank, op, "x");
  required(a.kernelShape, `${op}(attrs.kernelShape)`);
  const kernel = readInts(a.kernelShape, rank, `${op}(attrs.kernelShape)`, 1, 1);
  const strides = readInts(a.strides, rank, `${op}(attrs.strides)`, 1, 1);
  const dilations = readInts(a.dilations, rank, `${op}(attrs.dilations)`, 1, 1);
  const ceilMode = readFlag(a.ceilMode, `${op}(attrs.ceilMode)`);
  const autoPad = readAutoPad(a.autoPad, a.pads, op);
  const image = x.slice(2);
  const [padsBegin, padsEnd] = forwardPads(a.pads, autoPad, image, kernel, strides, dilations, op);
  // VALID: ⌈(in − span + 1)/s⌉ in the ONNX text, the floor size whatever ceilMode says.
  const ceil = ceilMode && autoPad !== "VALID";
  const grid = image.map((n, i) => windowCount(n, kernel[i], strides[i], dilations[i], padsBegin[i], padsEnd[i], ceil));
  grid.forEach((g, i) => {
    if (g < 1) throw new ShapeError(`${op}: output axis ${i} would be empty: input ${image[i]} + pads ${padsBegin[i]}+${padsEnd[i]} is smaller than the dilated kernel ${span(kernel[i], dilations[i])}`);
    const lonely = paddingOnlyWindow(image[i], kernel[i], strides[i], dilations[i], padsBegin[i], g);
    if (lonely >= 0) {
      throw new AttributeError(`${op}(attrs.pads): window ${lonely} of axis ${i} would see only padding (input ${image[i]}, pads ${padsBegin[i]}+${padsEnd[i]}, kernel ${kernel[i]}, dilation ${dilations[i]}, stride ${strides[i]}); its ${what} would be undefined`);
    }
  });
  checkResultDims([x[0], x[1], ...grid], `${op}(x)`);
  return { window: { rank, image, kernel, strides, dilations, padsBegin, padsEnd, grid }, outShape: [x[0], x[1], ...grid] };
}

/** Resolves the window of im2col / col2im over `image` (spatial sizes). */
export function resolveWindow(image: readonly number[], a: Record<string, unknown>, op: string): Window {
  const rank = image.length;
  required(a.kernelShape, `${op}(attrs.kernelShape)`);
  const kernel = readInts(a.kernelShape, rank, `${op}(attrs.kernelShape)`, 1, 1);
  const strides = readInts(a.strides, rank, `${op}(attrs.strides)`, 1, 1);
  const dilations = readInts(a.dilations, rank, `${op}(attrs.dilations)`, 1, 1);
  const [padsBegin, padsEnd] = readPads(a.pads, rank, `${op}(attrs.pads)`);
  const grid = image.map((n, i) => windowCount(n, kernel[i], strides[i], dilations[i], padsBegin[i], padsEnd[i]));
  grid.forEach((g, i) => {
    if (g < 1) throw new ShapeError(`${op}: axis ${i} has no window position: image ${image[i]} + pads ${padsBegin[i]}+${padsEnd[i]} is smaller than the dilated kernel ${span(kernel[i], dilations[i])}`);
  });
  return { rank, image: image.slice(), kernel, strides, dilations, padsBegin, padsEnd, grid };
}
