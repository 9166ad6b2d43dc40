// crop: Caffe's Crop on the spatial axes, as FCN uses it to align an upsampled score map with
// the input: y[n, c, i, j] = x[n, c, offsets[0] + i, offsets[1] + j] for i < shape[0], j < shape[1].
import { type CropAttrs, checkAttrNames, readInts, required } from "../attrs.js";
import { ShapeError } from "../errors.js";
import { checkSpatialRank } from "../shape.js";
import { type Tensor, checkTensor, tensor } from "../tensor.js";
import { product, withArena } from "./run.js";

/**
 * Crops the spatial axes of x.
 * @param x input [N, C, H, W] (or [N, C, L])
 * @param attrs offsets (where the crop starts, per spatial axis) and shape (its spatial size)
 * @returns y [N, C, ...shape]
 */
export function crop(x: Tensor, attrs: CropAttrs): Tensor {
  const xShape = checkTensor(x, "crop(x)");
  const a = checkAttrNames(attrs, ["offsets", "shape"], "crop");
  const rank = xShape.length - 2;
  checkSpatialRank(rank, "crop", "x");
  required(a.offsets, "crop(attrs.offsets)");
  required(a.shape, "crop(attrs.shape)");
  const offsets = readInts(a.offsets, rank, "crop(attrs.offsets)", 0, 0);
  const size = readInts(a.shape, rank, "crop(attrs.shape)", 1, 1);
  const image = xShape.slice(2);
  image.forEach((n, i) => {
    if (offsets[i] + size[i] > n) {
      throw new ShapeError(`crop: axis ${i} offset ${offsets[i]} + size ${size[i]} exceeds the input size ${n}`);
    }
  });
  const planes = xShape[0] * xShape[1];
  const [H, W] = rank === 2 ? image : [1, image[0]];
  const [top, left] = rank === 2 ? offsets : [0, offsets[0]];
  const [OH, OW] = rank === 2 ? size : [1, size[0]];
  const outSize = planes * product(size);
  return withArena((rt) => {
    const px = rt.arena.put(x.data, "crop(x)");
    const py = rt.arena.alloc(outSize * 4, "crop output");
    rt.kernels.f32_crop__simd(px, py, planes, H, W, top, left, OH, OW);
    return tensor(rt.arena.take(py, outSize), [xShape[0], xShape[1], ...size]);
  });
}
