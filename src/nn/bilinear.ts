// FCN's bilinear upsampling filter (upsample_filt in the FCN reference code's surgery.py) and the
// transposed-convolution weights built from it: a depthwise [C, 1, k, k] weight for fixed
// upsampling (group = C), and a dense [C, C, k, k] weight with the filter on the channel diagonal
// (surgery.interp: FCN's initialisation of learned upsampling). The trilinear forms are the same
// separable filter over three axes, for volumes ([C, 1, k, k, k] and [C, C, k, k, k]).
import type { ConvTransposeAttrs } from "../attrs.js";
import { AttributeError } from "../errors.js";
import { type Tensor, tensor } from "../tensor.js";

function checkPositiveInt(v: unknown, name: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new AttributeError(`${name}: expected a positive integer, got ${typeof v === "number" ? v : typeof v}`);
  }
  return v;
}

/** The 1-D profile of FCN's filter: 1 − |i − center| / factor, factor = ⌊(size+1)/2⌋. */
function profile(size: number): Float64Array {
  const factor = Math.floor((size + 1) / 2);
  const center = size % 2 === 1 ? factor - 1 : factor - 0.5;
  const f = new Float64Array(size);
  for (let i = 0; i < size; i++) f[i] = 1 - Math.abs(i - center) / factor;
  return f;
}

/**
 * FCN's `upsample_filt(size)`: the size×size bilinear kernel, row-major,
 * k[i, j] = (1 − |i − c| / f)·(1 − |j − c| / f) with f = ⌊(size + 1)/2⌋ and c = f − 1 for odd
 * sizes, f − 0.5 for even ones. With stride f (kernel 2f − f mod 2, pads ⌈(f − 1)/2⌉) a
 * transposed convolution with it is bilinear interpolation by the factor f.
 */
export function bilinearKernel(size: number): Float32Array {
  checkPositiveInt(size, "bilinearKernel(size)");
  const f = profile(size);
  const k = new Float32Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) k[i * size + j] = f[i] * f[j];
  return k;
}

/**
 * Depthwise bilinear upsampling weights [C, 1, size, size] for convTranspose with group = C:
 * each channel upsampled on its own.
 */
export function bilinearWeights(channels: number, size: number): Tensor {
  checkPositiveInt(channels, "bilinearWeights(channels)");
  checkPositiveInt(size, "bilinearWeights(size)");
  const k = bilinearKernel(size);
  const w = new Float32Array(channels * size * size);
  for (let c = 0; c < channels; c++) w.set(k, c * k.length);
  return tensor(w, [channels, 1, size, size]);
}

/**
 * Dense bilinear upsampling weights [C, C, size, size] for convTranspose with group = 1: the filter
 * on the diagonal (input channel c → output channel c), zero elsewhere. FCN initialises its learned
 * upsampling layers this way (surgery.interp).
 */
export function bilinearWeightsDense(channels: number, size: number): Tensor {
  checkPositiveInt(channels, "bilinearWeightsDense(channels)");
  checkPositiveInt(size, "bilinearWeightsDense(size)");
  const k = bilinearKernel(size);
  const w = new Float32Array(channels * channels * size * size);
  for (let c = 0; c < channels; c++) w.set(k, (c * channels + c) * k.length);
  return tensor(w, [channels, channels, size, size]);
}

/**
 * The convTranspose attributes for bilinear upsampling by an integer `factor` with output exactly
 * factor × input: kernel 2f − f mod 2, stride f, pads ⌈(f − 1)/2⌉ on every side (2-D).
 */
export function bilinearUpsampling(factor: number): { kernelShape: number[]; strides: number[]; pads: number[] } & ConvTransposeAttrs {
  checkPositiveInt(factor, "bilinearUpsampling(factor)");
  const k = 2 * factor - (factor % 2);
  const p = Math.ceil((factor - 1) / 2);
  return { kernelShape: [k, k], strides: [factor, factor], pads: [p, p, p, p] };
}

/** The filter over `rank` axes: the outer product of `profile(size)` with itself, row-major. */
function separableKernel(size: number, rank: number): Float32Array {
  const f = profile(size);
  const k = new Float32Array(size ** rank);
  for (let i = 0; i < k.length; i++) {
    let v = 1;
    for (let rest = i, a = 0; a < rank; a++, rest = Math.floor(rest / size)) v *= f[rest % size];
    k[i] = v;
  }
  return k;
}

/**
 * The size×size×size trilinear kernel (bilinearKernel over three axes), row-major [d, h, w]:
 * k[i, j, l] = p(i)·p(j)·p(l) with FCN's profile p(i) = 1 − |i − c| / f. A 3-D transposed
 * convolution with it and trilinearUpsampling(f)'s attributes is trilinear interpolation by f.
 */
export function trilinearKernel(size: number): Float32Array {
  checkPositiveInt(size, "trilinearKernel(size)");
  return separableKernel(size, 3);
}

/** Depthwise trilinear upsampling weights [C, 1, size, size, size] for a 3-D convTranspose with group = C. */
export function trilinearWeights(channels: number, size: number): Tensor {
  checkPositiveInt(channels, "trilinearWeights(channels)");
  checkPositiveInt(size, "trilinearWeights(size)");
  const k = trilinearKernel(size);
  const w = new Float32Array(channels * k.length);
  for (let c = 0; c < channels; c++) w.set(k, c * k.length);
  return tensor(w, [channels, 1, size, size, size]);
}

/**
 * Dense trilinear upsampling weights [C, C, size, size, size] for a 3-D convTranspose with
 * group = 1: the filter on the channel diagonal, zero elsewhere (learned upsampling's start).
 */
export function trilinearWeightsDense(channels: number, size: number): Tensor {
  checkPositiveInt(channels, "trilinearWeightsDense(channels)");
  checkPositiveInt(size, "trilinearWeightsDense(size)");
  const k = trilinearKernel(size);
  const w = new Float32Array(channels * channels * k.length);
  for (let c = 0; c < channels; c++) w.set(k, (c * channels + c) * k.length);
  return tensor(w, [channels, channels, size, size, size]);
}

/** bilinearUpsampling's attributes for volumes: kernel 2f − f mod 2, stride f, pads ⌈(f − 1)/2⌉ on all three axes. */
export function trilinearUpsampling(factor: number): { kernelShape: number[]; strides: number[]; pads: number[] } & ConvTransposeAttrs {
  checkPositiveInt(factor, "trilinearUpsampling(factor)");
  const k = 2 * factor - (factor % 2);
  const p = Math.ceil((factor - 1) / 2);
  return { kernelShape: [k, k, k], strides: [factor, factor, factor], pads: [p, p, p, p, p, p] };
}
