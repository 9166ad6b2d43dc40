// relu: y = max(x, 0) element-wise, any shape.
import { type Tensor, checkTensor, tensor } from "../tensor.js";
import { withArena } from "./run.js";

/** ONNX Relu: y[i] = max(x[i], 0) (NaN stays NaN). Same shape as x. */
export function relu(x: Tensor): Tensor {
  const shape = checkTensor(x, "relu(x)");
  const n = x.data.length;
  return withArena((rt) => {
    const px = rt.arena.put(x.data, "relu(x)");
    rt.kernels.f32_relu__simd(px, px, n);
    return tensor(rt.arena.take(px, n), shape.slice());
  });
}
