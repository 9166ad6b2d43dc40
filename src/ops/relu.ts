// relu: y = max(x, 0) element-wise, any shape; its backward passes dy where x > 0.
import { type Tensor, checkTensor, tensor } from "../tensor.js";
import { checkSameShape, withArena } from "./run.js";

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

/** Gradient of relu: dx[i] = dy[i] where x[i] > 0, else 0 (0 at x = 0, as PyTorch). dy has x's shape. */
export function reluBackward(dy: Tensor, x: Tensor): Tensor {
  const dyShape = checkTensor(dy, "reluBackward(dy)");
  const xShape = checkTensor(x, "reluBackward(x)");
  checkSameShape(dyShape, xShape, "reluBackward(dy)", "x's shape");
  const n = x.data.length;
  return withArena((rt) => {
    const px = rt.arena.put(x.data, "reluBackward(x)");
    const pdy = rt.arena.put(dy.data, "reluBackward(dy)");
    rt.kernels.f32_relu_backward__simd(px, pdy, pdy, n);
    return tensor(rt.arena.take(pdy, n), xShape.slice());
  });
}
