// col2im: ONNX Col2Im. cols [N, C·∏k, L] → image [N, C, imageShape…], summing overlapping entries;
// the exact adjoint of im2col with the same attributes. L must equal the number of window positions
// ∏ (⌊(image + pads − d·(k−1) − 1) / s⌋ + 1).
import { type Col2imAttrs, checkAttrNames, readInts, required, show } from "../attrs.js";
import { AttributeError, ShapeError } from "../errors.js";
import { checkSpatialRank, resolveWindow } from "../shape.js";
import { type Tensor, checkTensor, describeShape, tensor } from "../tensor.js";
import { product, withArena } from "./run.js";
import { runColumnKernel } from "./column-kernels.js";

/**
 * Folds columns back into an image (overlap-add).
 * @param cols [N, C·kH·kW, L]
 * @param attrs imageShape (required), kernelShape (required; Col2Im's block_shape), strides, pads, dilations
 * @returns image [N, C, H, W] (or [N, C, L], or [N, C, D, H, W])
 */
export function col2im(cols: Tensor, attrs: Col2imAttrs): Tensor {
  const cShape = checkTensor(cols, "col2im(cols)");
  const a = checkAttrNames(attrs, ["imageShape", "kernelShape", "strides", "pads", "dilations"], "col2im");
  if (cShape.length !== 3) throw new ShapeError(`col2im(cols): expected rank 3 [N, C·∏k, L], got ${describeShape(cShape)}`);
  required(a.imageShape, "col2im(attrs.imageShape)");
  if (!Array.isArray(a.imageShape) && typeof a.imageShape !== "number") {
    throw new AttributeError(`col2im(attrs.imageShape): expected the image's spatial size, a number or an array of 1, 2 or 3 integers, got ${show(a.imageShape)}`);
  }
  const rank = Array.isArray(a.imageShape) ? a.imageShape.length : 1;
  if (rank < 1 || rank > 3) throw new AttributeError(`col2im(attrs.imageShape): expected 1, 2 or 3 spatial sizes, got ${show(a.imageShape)}`);
  checkSpatialRank(rank, "col2im", "the image");
  const image = readInts(a.imageShape, rank, "col2im(attrs.imageShape)", 1, 1);
  const window = resolveWindow(image, a, "col2im");
  const [N, rows, L] = cShape;
  const taps = product(window.kernel);
  if (rows % taps !== 0) {
    throw new ShapeError(`col2im(cols): dimension 1 must be C·∏kernelShape, a multiple of ${taps}, got ${rows}`);
  }
  const C = rows / taps;
  const positions = product(window.grid);
  if (L !== positions) {
    throw new ShapeError(`col2im(cols): dimension 2 must be the number of window positions ${positions} (${window.grid.join("×")}), got ${L}`);
  }
  const outSize = N * C * product(image);
  return withArena((rt) => {
    const pc = rt.arena.put(cols.data, "col2im(cols)");
    const py = rt.arena.alloc(outSize * 4, "col2im output");
    runColumnKernel(rt, "col2im", window, N * C, pc, taps * L, py, product(image));
    return tensor(rt.arena.take(py, outSize), [N, C, ...image]);
  });
}
