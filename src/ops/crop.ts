// crop: Caffe's Crop on the spatial axes, as FCN uses it to align an upsampled score map with
// the input: y[n, c, i, j] = x[n, c, offsets[0] + i, offsets[1] + j] for i < shape[0], j < shape[1].
// Its backward puts dy back into a zero tensor of x's shape.
import { type CropAttrs, checkAttrNames, readInts, required } from "../attrs.js";
import { ShapeError } from "../errors.js";
import { checkSpatialRank } from "../shape.js";
import { type Tensor, checkDims, checkTensor, tensor } from "../tensor.js";
import { checkSameShape, product, withArena } from "./run.js";

/**
 * Crops the spatial axes of x.
 * @param x input [N, C, H, W] (or [N, C, L])
 * @param attrs offsets (where the crop starts, per spatial axis) and shape (its spatial size)
 * @returns y [N, C, ...shape]
 */
export function crop(x: Tensor, attrs: CropAttrs): Tensor {
  const xShape = checkTensor(x, "crop(x)");
  const c = resolveCrop(xShape, attrs, "crop");
  return withArena((rt) => {
    const px = rt.arena.put(x.data, "crop(x)");
    const py = rt.arena.alloc(c.outSize * 4, "crop output");
    rt.kernels.f32_crop__scalar(px, py, c.planes, c.H, c.W, c.top, c.left, c.OH, c.OW);
    return tensor(rt.arena.take(py, c.outSize), c.outShape);
  });
}

/**
 * Gradient of crop (its adjoint): dx has x's shape, zero outside the cropped window, dy inside it.
 * @param dy [N, C, ...attrs.shape]
 * @param xShape the forward input's shape [N, C, H, W]
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
    rt.kernels.f32_uncrop__scalar(pdy, pdx, c.planes, c.H, c.W, c.top, c.left, c.OH, c.OW);
    return tensor(rt.arena.take(pdx, inSize), inShape);
  });
}

/** Crop geometry as planes of H×W (1-D: H = 1), checked against the input. */
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
  const [H, W] = rank === 2 ? image : [1, image[0]];
  const [top, left] = rank === 2 ? offsets : [0, offsets[0]];
  const [OH, OW] = rank === 2 ? size : [1, size[0]];
  const planes = xShape[0] * xShape[1];
  return { planes, H, W, top, left, OH, OW, outSize: planes * product(size), outShape: [xShape[0], xShape[1], ...size] };
}
