// maxPool: ONNX MaxPool (Y only). x [N, C, in…] → y [N, C, out…]; every plane pooled alike, so the
// kernel runs once over N·C planes. Output sizes and ceilMode: shape.ts resolveMaxPool.
// Backward below: each window's dy goes to its argmax. 3-D runs as two 2-D passes (max-pool-3d.ts).
import type { MaxPoolAttrs } from "../attrs.js";
import { resolveMaxPool } from "../shape.js";
import { type Tensor, checkTensor, tensor } from "../tensor.js";
import { maxPool3d, maxPoolBackward3d } from "./max-pool-3d.js";
import { checkSameShape, product, runWindowKernel, withArena } from "./run.js";

/**
 * ONNX MaxPool (opset 22) on rank-1, 2 or 3 spatial input; padding never wins the max.
 * @param x input [N, C, H, W] (or [N, C, L], or [N, C, D, H, W])
 * @param attrs kernelShape (required), strides, pads, dilations, autoPad, ceilMode
 * @returns y [N, C, outH, outW] (or [N, C, outL], [N, C, outD, outH, outW])
 */
export function maxPool(x: Tensor, attrs: MaxPoolAttrs): Tensor {
  const xShape = checkTensor(x, "maxPool(x)");
  const { window, outShape } = resolveMaxPool(xShape, attrs, "maxPool");
  const planes = xShape[0] * xShape[1];
  const outSize = planes * product(window.grid);
  return withArena((rt) => {
    const px = rt.arena.put(x.data, "maxPool(x)");
    const py = rt.arena.alloc(outSize * 4, "maxPool output");
    if (window.rank === 3) maxPool3d(rt, window, planes, px, py);
    else runWindowKernel(rt, "f32_max_pool__simd", window, planes, px, product(window.image), py, product(window.grid));
    return tensor(rt.arena.take(py, outSize), outShape);
  });
}

/**
 * Gradient of maxPool with respect to x: each window passes its dy to its maximum (the first tap in
 * row-major order holding the largest value; NaN counts as largest); overlapping windows add up.
 * @param dy [N, C, outH, outW], the shape maxPool(x, attrs) returns
 * @param x the forward input [N, C, H, W] (or [N, C, L], or [N, C, D, H, W])
 * @param attrs the forward attributes
 * @returns dx [N, C, H, W]
 */
export function maxPoolBackward(dy: Tensor, x: Tensor, attrs: MaxPoolAttrs): Tensor {
  const dyShape = checkTensor(dy, "maxPoolBackward(dy)");
  const xShape = checkTensor(x, "maxPoolBackward(x)");
  const { window, outShape } = resolveMaxPool(xShape, attrs, "maxPoolBackward");
  checkSameShape(dyShape, outShape, "maxPoolBackward(dy)", "maxPool's output");
  const planes = xShape[0] * xShape[1];
  const inSize = x.data.length;
  return withArena((rt) => {
    const px = rt.arena.put(x.data, "maxPoolBackward(x)");
    const pdy = rt.arena.put(dy.data, "maxPoolBackward(dy)");
    const pdx = rt.arena.alloc(inSize * 4, "maxPoolBackward dx");
    if (window.rank === 3) maxPoolBackward3d(rt, window, planes, px, pdy, pdx);
    else runWindowKernel(rt, "f32_max_pool_backward__scalar", window, planes, px, product(window.image), pdx, product(window.image), pdy, product(window.grid));
    return tensor(rt.arena.take(pdx, inSize), xShape.slice());
  });
}
