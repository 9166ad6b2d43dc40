// im2col: x [N, C, in…] → cols [N, C·∏k, L], L = ∏ window positions (PyTorch's unfold; the input
// layout of ONNX Col2Im). cols[n, (c·kH + kh)·kW + kw, oh·outW + ow] = x[n, c, oh·sH − padTop + kh·dH,
// ow·sW − padLeft + kw·dW], zero in the padding (3-D: rows (c, kd, kh, kw), columns (od, oh, ow)). Images and channels are laid out alike, so one
// kernel call covers all N·C planes.
import { type Im2colAttrs, checkAttrNames } from "../attrs.js";
import { checkSpatialRank, resolveWindow } from "../shape.js";
import { type Tensor, checkResultDims, checkTensor, tensor } from "../tensor.js";
import { product, withArena } from "./run.js";
import { runColumnKernel } from "./column-kernels.js";

/**
 * Extracts sliding windows as columns.
 * @param x input [N, C, H, W] (or [N, C, L], or [N, C, D, H, W])
 * @param attrs kernelShape (required), strides, pads (begins then ends), dilations
 * @returns cols [N, C·kH·kW, outH·outW]
 */
export function im2col(x: Tensor, attrs: Im2colAttrs): Tensor {
  const xShape = checkTensor(x, "im2col(x)");
  const a = checkAttrNames(attrs, ["kernelShape", "strides", "pads", "dilations"], "im2col");
  checkSpatialRank(xShape.length - 2, "im2col", "x");
  const [N, C] = xShape;
  const window = resolveWindow(xShape.slice(2), a, "im2col");
  const rows = C * product(window.kernel), L = product(window.grid);
  checkResultDims([N, rows, L], "im2col(x)");
  return withArena((rt) => {
    const px = rt.arena.put(x.data, "im2col(x)");
    const py = rt.arena.alloc(N * rows * L * 4, "im2col output");
    runColumnKernel(rt, "im2col", window, N * C, px, product(window.image), py, product(window.kernel) * L);
    return tensor(rt.arena.take(py, N * rows * L), [N, rows, L]);
  });
}
