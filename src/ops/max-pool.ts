// maxPool: ONNX MaxPool (Y only). x [N, C, in…] → y [N, C, out…]; every plane pooled alike, so the
// kernel runs once over N·C planes. Output sizes and ceilMode: shape.ts resolveMaxPool.
import type { MaxPoolAttrs } from "../attrs.js";
import { resolveMaxPool } from "../shape.js";
import { type Tensor, checkTensor, tensor } from "../tensor.js";
import { windowParams } from "../runtime/params.js";
import { product, withArena } from "./run.js";

/**
 * ONNX MaxPool (opset 22) on rank-1 or rank-2 spatial input; padding never wins the max.
 * @param x input [N, C, H, W] (or [N, C, L])
 * @param attrs kernelShape (required), strides, pads, dilations, autoPad, ceilMode
 * @returns y [N, C, outH, outW]
 */
export function maxPool(x: Tensor, attrs: MaxPoolAttrs): Tensor {
  const xShape = checkTensor(x, "maxPool(x)");
  const { window, outShape } = resolveMaxPool(xShape, attrs);
  const planes = xShape[0] * xShape[1];
  const outSize = planes * product(window.grid);
  return withArena((rt) => {
    const px = rt.arena.put(x.data, "maxPool(x)");
    const py = rt.arena.alloc(outSize * 4, "maxPool output");
    rt.kernels.f32_max_pool__fast(windowParams(rt.params, window, planes, px, py));
    return tensor(rt.arena.take(py, outSize), outShape);
  });
}
