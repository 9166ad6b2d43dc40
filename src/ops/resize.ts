// resize: ONNX Resize (opsets 10–19) and Upsample (7, 9) on the spatial axes of [N, C, spatial…],
// modes nearest and linear (N-linear is separable: one 1-D pass per spatial axis). Its backward is
// the exact adjoint: each output's gradient goes back to the input pixels it read, with the same
// weights.
//
// Per spatial axis of input length L_in and output length L_out, output coordinate o reads the
// input at x_original (ONNX's coordinate_transformation_mode text), where
//   scale = the given scale, or L_out / L_in when `sizes` are given;
//   L_out = floor(L_in · scale) when `scales` are given (computed exactly in float64);
//   half_pixel:           x = (o + 0.5) / scale − 0.5
//   pytorch_half_pixel:   x = L_out > 1 ? (o + 0.5) / scale − 0.5 : 0
//   align_corners:        x = L_out > 1 ? o · (L_in − 1) / (L_out − 1) : 0
//   asymmetric:           x = o / scale
//   half_pixel_symmetric: x = c·(1 − L_out / (scale·L_in)) + (o + 0.5) / scale − 0.5, c = L_in / 2
// nearest: i = round(x) by nearestMode, clamped to [0, L_in − 1];
// linear:  i₀ = ⌊x⌋, i₁ = i₀ + 1, w₁ = x − i₀, w₀ = 1 − w₁, both indices clamped to [0, L_in − 1]
//          (ONNX's reference pads the edge, which is the same).
//
// The `scale` in the formulas is the given float scale when scales are given: ONNX's text writes
// scale = length_resized / length_original, and Resize-19's text takes length_resized as the
// fractional output_width (L_in · scale); onnxruntime and ONNX's own reference and test data agree.
// Where onnxruntime differs from the text: it computes L_out as a float32 product (0.7f · 10
// gives 7, the text's floor(10 · 0.699999988) gives 6), and x_original in float32, which can
// move an exact integer or tie of nearest's rounding (sizes 14 → 2, asymmetric: the text's
// x = 1 · 14 / 2 = 7, onnxruntime's 1 / fround(2 / 14) = 6.9999995, so floor reads pixel 6, not 7).
// We follow the text (float64; with sizes, x / scale is computed as x · L_in / L_out).
import { checkAttrNames, INT_MAX, show } from "../attrs.js";
import { AttributeError, ShapeError, UnsupportedError } from "../errors.js";
import { type Tensor, checkDims, checkTensor, describeShape, plain, tensor } from "../tensor.js";
import { checkSameShape, operand, product, withArena } from "./run.js";
import { resizeKernelPlan, runResizeKernel } from "./resize-kernel.js";
import type { AxisSampling, ResizePlan } from "./resize-plan.js";

export type { AxisSampling, ResizePlan } from "./resize-plan.js";

export type ResizeMode = "nearest" | "linear";
export type ResizeCoordinateMode = "half_pixel" | "pytorch_half_pixel" | "align_corners" | "asymmetric" | "half_pixel_symmetric";
export type ResizeNearestMode = "round_prefer_floor" | "round_prefer_ceil" | "floor" | "ceil";

/** Resize's attributes (ONNX's, camelCase); `scales` or `sizes` (exactly one) per spatial axis. */
export interface ResizeAttrs {
  /** Default 'nearest'. ('cubic' is not supported.) */
  mode?: ResizeMode;
  /** Default 'half_pixel' (ONNX's default from opset 11). */
  coordinateTransformationMode?: ResizeCoordinateMode;
  /** Only for mode 'nearest'. Default 'round_prefer_floor'. */
  nearestMode?: ResizeNearestMode;
  /** Scale per spatial axis (> 0), or one number for all; output size floor(in · scale). */
  scales?: number | readonly number[];
  /** Output size per spatial axis (≥ 1), or one number for all. */
  sizes?: number | readonly number[];
}

const ATTRS = ["mode", "coordinateTransformationMode", "nearestMode", "scales", "sizes"];
const MODES: readonly string[] = ["nearest", "linear"];
const COORDINATE_MODES: readonly string[] = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "half_pixel_symmetric"];
const NEAREST_MODES: readonly string[] = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"];

/** Checks Resize's attributes (names and values), independent of an input shape; returns them with defaults. */
export function readResizeAttrs(attrs: unknown, op: string): Required<Pick<ResizeAttrs, "mode" | "coordinateTransformationMode" | "nearestMode">> & Pick<ResizeAttrs, "scales" | "sizes"> {
  const a = checkAttrNames(attrs, ATTRS, op);
  const mode = a.mode ?? "nearest";
  if (mode === "cubic") throw new UnsupportedError(`${op}(attrs.mode): 'cubic' is not supported yet; 'nearest' and 'linear' are`);
  if (typeof mode !== "string" || !MODES.includes(mode)) throw new AttributeError(`${op}(attrs.mode): expected 'nearest' or 'linear', got ${show(mode)}`);
  const coord = a.coordinateTransformationMode ?? "half_pixel";
  if (coord === "tf_crop_and_resize" || coord === "tf_half_pixel_for_nn") {
    throw new UnsupportedError(`${op}(attrs.coordinateTransformationMode): '${coord}' is not supported yet; ${COORDINATE_MODES.map((m) => `'${m}'`).join(", ")} are`);
  }
  if (typeof coord !== "string" || !COORDINATE_MODES.includes(coord)) {
    throw new AttributeError(`${op}(attrs.coordinateTransformationMode): expected one of ${COORDINATE_MODES.join(", ")}, got ${show(coord)}`);
  }
  const nearest = a.nearestMode ?? "round_prefer_floor";
  if (typeof nearest !== "string" || !NEAREST_MODES.includes(nearest)) {
    throw new AttributeError(`${op}(attrs.nearestMode): expected one of ${NEAREST_MODES.join(", ")}, got ${show(nearest)}`);
  }
  if ((a.scales === undefined) === (a.sizes === undefined)) {
    throw new AttributeError(`${op}(attrs): expected exactly one of scales and sizes, got ${a.scales === undefined ? "neither" : "both"}`);
  }
  return {
    mode: mode as ResizeMode, coordinateTransformationMode: coord as ResizeCoordinateMode, nearestMode: nearest as ResizeNearestMode,
    scales: a.scales as ResizeAttrs["scales"], sizes: a.sizes as ResizeAttrs["sizes"],
  };
}

/** The per-axis list from a number (every axis) or an array of `count`. */
function perAxis(value: unknown, count: number, name: string): unknown[] {
  if (typeof value === "number") return new Array<unknown>(count).fill(value);
  if (!Array.isArray(value)) throw new AttributeError(`${name}: expected a number or an array of ${count}, got ${show(value)}`);
  if (value.length !== count) throw new AttributeError(`${name}: expected ${count} value${count === 1 ? "" : "s"} (one per spatial axis), got ${value.length} (${show(value)})`);
  return Array.from(value);
}

/** Resolves Resize for an input of `xShape` [N, C, spatial…]: output shape and per-axis sampling. */
export function resizePlan(xShape: readonly number[], attrs: unknown, op = "resize"): ResizePlan {
  const a = readResizeAttrs(attrs, op);
  if (xShape.length < 3) throw new ShapeError(`${op}(x): expected [N, C, spatial…] (rank ≥ 3), got ${describeShape(xShape)}`);
  const image = xShape.slice(2), rank = image.length;
  image.forEach((d, i) => {
    if (d < 1) throw new ShapeError(`${op}(x): spatial axis ${i} of ${describeShape(xShape)} is empty; there is nothing to sample`);
  });
  const axes: AxisSampling[] = [];
  if (a.sizes !== undefined) {
    perAxis(a.sizes, rank, `${op}(attrs.sizes)`).forEach((v, i) => {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > INT_MAX) {
        throw new AttributeError(`${op}(attrs.sizes)[${i}]: expected an integer from 1 to ${INT_MAX}, got ${show(v)}`);
      }
      // scale = L_out / L_in, kept as the ratio so that x_original is exact where it is rational
      axes.push(sampleAxis(image[i], v, null, a.mode === "linear", a.coordinateTransformationMode, a.nearestMode));
    });
  } else {
    perAxis(a.scales, rank, `${op}(attrs.scales)`).forEach((v, i) => {
      if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw new AttributeError(`${op}(attrs.scales)[${i}]: expected a finite number > 0, got ${show(v)}`);
      const out = Math.floor(image[i] * v);
      if (out < 1) throw new ShapeError(`${op}(attrs.scales)[${i}]: scale ${v} on size ${image[i]} gives an empty output (floor(${image[i]} · ${v}) = ${out})`);
      if (out > INT_MAX) throw new ShapeError(`${op}(attrs.scales)[${i}]: scale ${v} on size ${image[i]} gives ${out}, more than ${INT_MAX}`);
      axes.push(sampleAxis(image[i], out, v, a.mode === "linear", a.coordinateTransformationMode, a.nearestMode));
    });
  }
  return { linear: a.mode === "linear", outShape: [xShape[0], xShape[1], ...axes.map((s) => s.outSize)], axes };
}

/** x_original for output coordinate o (the formulas in the header); scale null: scale = L_out / L_in. */
export function originalCoordinate(o: number, inSize: number, outSize: number, scale: number | null, mode: ResizeCoordinateMode): number {
  // (v) / scale, written as v · L_in / L_out for sizes so a rational tie stays exact
  const unscale = (v: number): number => (scale === null ? (v * inSize) / outSize : v / scale);
  switch (mode) {
    case "asymmetric": return unscale(o);
    case "align_corners": return outSize === 1 ? 0 : (o * (inSize - 1)) / (outSize - 1);
    case "pytorch_half_pixel": return outSize > 1 ? unscale(o + 0.5) - 0.5 : 0;
    case "half_pixel_symmetric": {
      const outputWidth = scale === null ? outSize : scale * inSize; // the fractional target length
      const offset = (inSize / 2) * (1 - outSize / outputWidth);
      return offset + unscale(o + 0.5) - 0.5;
    }
    default: return unscale(o + 0.5) - 0.5; // half_pixel
  }
}

/** The input index nearest to x by `mode` (before clamping). */
export function nearestIndex(x: number, mode: ResizeNearestMode): number {
  const f = Math.floor(x), d = x - f; // d exact: no rounding in x + 0.5 to turn 0.49999… into 1
  switch (mode) {
    case "round_prefer_ceil": return d >= 0.5 ? f + 1 : f; // half up
    case "floor": return f;
    case "ceil": return d > 0 ? f + 1 : f;
    default: return d > 0.5 ? f + 1 : f; // round_prefer_floor: half down
  }
}

function sampleAxis(inSize: number, outSize: number, scale: number | null, linear: boolean, coord: ResizeCoordinateMode, nearest: ResizeNearestMode): AxisSampling {
  const s: AxisSampling = {
    inSize, outSize, i0: new Int32Array(outSize), i1: new Int32Array(outSize), w0: new Float64Array(outSize), w1: new Float64Array(outSize),
  };
  const clamp = (i: number): number => Math.min(inSize - 1, Math.max(0, i));
  for (let o = 0; o < outSize; o++) {
    const x = originalCoordinate(o, inSize, outSize, scale, coord);
    if (!linear) {
      s.i0[o] = s.i1[o] = clamp(nearestIndex(x, nearest));
      s.w0[o] = 1;
      continue;
    }
    const lo = Math.floor(x), t = x - lo;
    s.i0[o] = clamp(lo);
    s.i1[o] = clamp(lo + 1);
    s.w0[o] = 1 - t;
    s.w1[o] = t;
  }
  return s;
}

/**
 * One axis forward: src viewed as [outer, L_in, inner] → dst [outer, L_out, inner],
 * dst[a, o, b] = w0[o]·src[a, i0[o], b] + w1[o]·src[a, i1[o], b] (nearest: src[a, i0[o], b]).
 */
function sampleForward(src: Float64Array, outer: number, inner: number, s: AxisSampling, linear: boolean): Float64Array {
  const { inSize, outSize, i0, i1, w0, w1 } = s; // locals: the loops below are the whole cost
  const dst = new Float64Array(outer * outSize * inner);
  for (let a = 0; a < outer; a++) {
    const from = a * inSize * inner, base = a * outSize * inner;
    if (inner === 1) { // the last axis: one element per output
      if (linear) for (let o = 0; o < outSize; o++) dst[base + o] = w0[o] * src[from + i0[o]] + w1[o] * src[from + i1[o]];
      else for (let o = 0; o < outSize; o++) dst[base + o] = src[from + i0[o]];
      continue;
    }
    for (let o = 0; o < outSize; o++) {
      const to = base + o * inner, r0 = from + i0[o] * inner;
      if (!linear) {
        dst.set(src.subarray(r0, r0 + inner), to);
        continue;
      }
      const r1 = from + i1[o] * inner, a0 = w0[o], a1 = w1[o];
      for (let b = 0; b < inner; b++) dst[to + b] = a0 * src[r0 + b] + a1 * src[r1 + b];
    }
  }
  return dst;
}

/** One axis adjoint: dst[a, i0[o], b] += w0[o]·src[a, o, b], dst[a, i1[o], b] += w1[o]·src[a, o, b]. */
function sampleAdjoint(src: Float64Array, outer: number, inner: number, s: AxisSampling, linear: boolean): Float64Array {
  const { inSize, outSize, i0, i1, w0, w1 } = s;
  const dst = new Float64Array(outer * inSize * inner);
  for (let a = 0; a < outer; a++) {
    const to = a * inSize * inner, base = a * outSize * inner;
    if (inner === 1) {
      if (linear) {
        for (let o = 0; o < outSize; o++) {
          const g = src[base + o];
          dst[to + i0[o]] += w0[o] * g;
          dst[to + i1[o]] += w1[o] * g;
        }
      } else for (let o = 0; o < outSize; o++) dst[to + i0[o]] += src[base + o];
      continue;
    }
    for (let o = 0; o < outSize; o++) {
      const from = base + o * inner, r0 = to + i0[o] * inner;
      if (!linear) {
        for (let b = 0; b < inner; b++) dst[r0 + b] += src[from + b];
        continue;
      }
      const r1 = to + i1[o] * inner, a0 = w0[o], a1 = w1[o];
      for (let b = 0; b < inner; b++) {
        dst[r0 + b] += a0 * src[from + b];
        dst[r1 + b] += a1 * src[from + b];
      }
    }
  }
  return dst;
}

/**
 * ONNX Resize (nearest, linear) of the spatial axes.
 * @param x input [N, C, spatial…] (any spatial rank ≥ 1)
 * @param attrs mode, coordinateTransformationMode, nearestMode, and scales or sizes per spatial axis
 * @returns y [N, C, L_out…]
 */
export function resize(x: Tensor, attrs: ResizeAttrs): Tensor {
  const xShape = checkTensor(x, "resize(x)");
  const plan = resizePlan(xShape, attrs, "resize");
  const k = resizeKernelPlan(xShape, plan);
  if (k === null) return resizeFloat64(x, xShape, plan);
  // 1 or 2 spatial axes: the wasm kernels, which give resizeFloat64's bits
  const size = product(plan.outShape);
  return withArena((rt) => {
    const px = operand(rt, x, "resize(x)");
    const py = rt.arena.alloc(size * 4, "resize output");
    runResizeKernel(rt, k, px, py);
    return tensor(rt.arena.take(py, size), plan.outShape);
  });
}

/**
 * The float64 loop: one pass per spatial axis, in float64, rounded to float32 once at the end.
 * It runs spatial ranks above 2 and is the kernels' reference (test/resize-kernel.test.ts).
 */
export function resizeFloat64(x: Tensor, xShape: readonly number[], plan: ResizePlan): Tensor {
  // axis by axis, in float64 (one rounding to float32 at the end): shape[2..k] already resized
  let data: Float64Array = new Float64Array(plain(x).data); // a typed-array copy (`from` would iterate)
  const shape = xShape.slice();
  plan.axes.forEach((s, i) => {
    const axis = 2 + i;
    data = sampleForward(data, product(shape.slice(0, axis)), product(shape.slice(axis + 1)), s, plan.linear);
    shape[axis] = s.outSize;
  });
  return tensor(new Float32Array(data), plan.outShape);
}

/**
 * Gradient of resize (its adjoint): dx[i] = Σ over outputs o that read i of weight(o, i)·dy[o].
 * @param dy [N, C, L_out…] (resize's output shape)
 * @param xShape the forward input's shape [N, C, spatial…]
 */
export function resizeBackward(dy: Tensor, xShape: readonly number[], attrs: ResizeAttrs): Tensor {
  const dyShape = checkTensor(dy, "resizeBackward(dy)");
  const inShape = checkDims(xShape, "resizeBackward(xShape)");
  const plan = resizePlan(inShape, attrs, "resizeBackward");
  checkSameShape(dyShape, plan.outShape, "resizeBackward(dy)", "resize's output");
  // the per-axis maps act on different axes, so they commute: undo them in any order
  let data: Float64Array = new Float64Array(plain(dy).data);
  const shape = plan.outShape.slice();
  plan.axes.forEach((s, i) => {
    const axis = 2 + i;
    data = sampleAdjoint(data, product(shape.slice(0, axis)), product(shape.slice(axis + 1)), s, plan.linear);
    shape[axis] = s.inSize;
  });
  return tensor(new Float32Array(data), inShape);
}
