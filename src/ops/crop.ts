// crop: Caffe's Crop on the spatial axes, as FCN uses it to align an upsampled score map with
// the input: y[n, c, i, j] = x[n, c, offsets[0] + i, offsets[1] + j] for i < shape[0], j < shape[1].
// Its backward puts dy back into a zero tensor of x's shape. The kernels crop planes [H, W]; a 3-D
// crop runs them once per [n, c] volume over its OD slices from depth `front` on (the slices of a
// volume are consecutive planes).
import { type CropAttrs, checkAttrNames, readInts, required } from "../attrs.js";
import { ShapeError } from "../errors.js";
import { checkSpatialRank } from "../shape.js";
import { type Tensor, checkDims, checkTensor, tensor } from "../tensor.js";
import type { Runtime } from "../runtime/runtime.js";
import { checkSameShape, product, withArena } from "./run.js";

/**
 * Crops the spatial axes of x.
 * @param x input [N, C, H, W] (or [N, C, L], or [N, C, D, H, W])
 * @param attrs offsets (where the crop starts, per spatial axis) and shape (its spatial size)
 * @returns y [N, C, ...shape]
 */
export function crop(x: Tensor, attrs: CropAttrs): Tensor {
  const xShape = checkTensor(x, "crop(x)");
  const c = resolveCrop(xShape, attrs, "crop");
  return withArena((rt) => {
    const px = rt.arena.put(x.data, "crop(x)");
    const py = rt.arena.alloc(c.outSize * 4, "crop output");
    cropInto(rt, c, px, py);
    return tensor(rt.arena.take(py, c.outSize), c.outShape);
  });
}

/**
 * Gradient of crop (its adjoint): dx has x's shape, zero outside the cropped window, dy inside it.
 * @param dy [N, C, ...attrs.shape]
 * @param xShape the forward input's shape [N, C, H, W] (or [N, C, L], or [N, C, D, H, W])
 */
export function cropBackward(dy: Tensor, xShape: readonly number[], attrs: CropAttrs): Tensor {
  const dyShape = checkTensor(dy, "cropBackward(dy)");
  const inShape = checkDims(xShape, "cropBackward(xShape)");
  const c = resolveCrop(inShape, attrs, "cropBackward");
  checkSameShape(dyShape, c.outShape, "cropBackward(dy)", "crop's output");
  const inSize = product(inShape);
  return withArena((rt) => {
    const pdy = rt.arena.put(dy.data, "cropBackward(dy)");
    const pdx = rt.arena.alloc(inSize * 4, "cropBackward dx");
    uncropInto(rt, c, pdy, pdx);
    return tensor(rt.arena.take(pdx, inSize), inShape);
  });
}

/** The crop geometry resolveCrop gives. */
export type CropGeometry = ReturnType<typeof resolveCrop>;

/** y = the crop of x (byte offsets in rt's memory; shapes as `c` resolved them). Net's plan runs it on its blocks. */
export function cropInto(rt: Runtime, c: CropGeometry, px: number, py: number): void {
  if (c.D === 1) {
    rt.kernels.f32_crop__scalar(px, py, c.planes, c.H, c.W, c.top, c.left, c.OH, c.OW);
    return;
  }
  // volume p: its slices front … front + OD − 1 are OD consecutive [H, W] planes
  const slice = c.H * c.W, outVolume = c.OD * c.OH * c.OW;
  for (let p = 0; p < c.planes; p++) {
    rt.kernels.f32_crop__scalar(px + (p * c.D + c.front) * slice * 4, py + p * outVolume * 4, c.OD, c.H, c.W, c.top, c.left, c.OH, c.OW);
  }
}

/** dx = dy put back into x's shape, zero outside the window (overwrites all of dx). */
export function uncropInto(rt: Runtime, c: CropGeometry, pdy: number, pdx: number): void {
  if (c.D === 1) {
    rt.kernels.f32_uncrop__scalar(pdy, pdx, c.planes, c.H, c.W, c.top, c.left, c.OH, c.OW);
    return;
  }
  // volume p: the OD cropped slices take dy; the slices before and after them are zeroed by
  // uncropping an empty window (OH = OW = 0) over them
  const slice = c.H * c.W, outVolume = c.OD * c.OH * c.OW, back = c.D - c.front - c.OD;
  for (let p = 0; p < c.planes; p++) {
    const volume = pdx + p * c.D * slice * 4;
    rt.kernels.f32_uncrop__scalar(pdy, volume, c.front, c.H, c.W, 0, 0, 0, 0);
    rt.kernels.f32_uncrop__scalar(pdy + p * outVolume * 4, volume + c.front * slice * 4, c.OD, c.H, c.W, c.top, c.left, c.OH, c.OW);
    rt.kernels.f32_uncrop__scalar(pdy, volume + (c.front + c.OD) * slice * 4, back, c.H, c.W, 0, 0, 0, 0);
  }
}

/**
 * Crop geometry as planes of H×W (1-D: H = 1), checked against the input; 3-D crops OD of each
 * volume's D slices from `front` on (D = OD = 1 below 3-D).
 */
export function resolveCrop(xShape: readonly number[], attrs: CropAttrs, op: string) {
  const a = checkAttrNames(attrs, ["offsets", "shape"], op);
  const rank = xShape.length - 2;
  checkSpatialRank(rank, op, "x");
  required(a.offsets, `${op}(attrs.offsets)`);
  required(a.shape, `${op}(attrs.shape)`);
  const offsets = readInts(a.offsets, rank, `${op}(attrs.offsets)`, 0, 0);
  const size = readInts(a.shape, rank, `${op}(attrs.shape)`, 1, 1);
  const image = xShape.slice(2);
  image.forEach((n, i) => {
    if (offsets[i] + size[i] > n) {
      throw new ShapeError(`${op}: axis ${i} offset ${offsets[i]} + size ${size[i]} exceeds the input size ${n}`);
    }
  });
  // Lift to 3-D: leading axes of size 1, offset 0, kept whole.
  const lift = (v: number[], one: number) => [...new Array<number>(3 - rank).fill(one), ...v];
  const [D, H, W] = lift(image, 1);
  const [front, top, left] = lift(offsets, 0);
  const [OD, OH, OW] = lift(size, 1);
  const planes = xShape[0] * xShape[1];
  return { planes, D, H, W, front, top, left, OD, OH, OW, outSize: planes * product(size), outShape: [xShape[0], xShape[1], ...size] };
}
