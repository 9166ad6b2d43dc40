// Pixelwise softmax cross-entropy, FCN's training loss (Caffe's SoftmaxWithLoss with an ignore
// label and VALID normalisation), and the channel softmax with its backward for Softmax layers.
// Logits are [N, K, H, W] (K classes); labels are one integer per pixel, [N, H, W] row-major.
import { ShapeError } from "../errors.js";
import { softmax as softmaxAxis, softmaxBackward as softmaxAxisBackward } from "../ops/softmax.js";
import { type Tensor, checkTensor, describeShape, tensor } from "../tensor.js";

export interface CrossEntropyOptions {
  /** Pixels with this label add nothing to the loss or the gradient. Default 255 (PASCAL VOC's border). */
  ignoreLabel?: number;
}

export interface CrossEntropyResult {
  /** Mean of −log p[label] over the pixels whose label is not ignored (0 when there are none). */
  loss: number;
  /** dLoss/dLogits [N, K, H, W]: (p − onehot(label)) / valid pixels; zero at ignored pixels. */
  grad: Tensor;
  /** Pixels that counted. */
  validPixels: number;
}

/**
 * Softmax over the channel axis followed by cross-entropy with the labels, averaged over the
 * pixels that are not ignored. Labels outside [0, K) that are not the ignore label are an error.
 * @param logits [N, K, H, W] (or [N, K, L])
 * @param labels N·H·W integers
 */
export function softmaxCrossEntropy(logits: Tensor, labels: ArrayLike<number>, options: CrossEntropyOptions = {}): CrossEntropyResult {
  const shape = checkTensor(logits, "softmaxCrossEntropy(logits)");
  if (shape.length < 2) throw new ShapeError(`softmaxCrossEntropy(logits): expected [N, K, spatial…], got ${describeShape(shape)}`);
  const [N, K] = shape;
  const plane = shape.slice(2).reduce((a, b) => a * b, 1);
  if (labels.length !== N * plane) {
    throw new ShapeError(`softmaxCrossEntropy(labels): expected ${N * plane} labels (one per pixel of ${describeShape(shape)}), got ${labels.length}`);
  }
  const ignore = options.ignoreLabel ?? 255;
  const x = logits.data;
  const grad = new Float32Array(x.length);
  let loss = 0;
  let valid = 0;
  const p = new Float64Array(K);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < plane; i++) {
      const label = labels[n * plane + i];
      if (label === ignore) continue;
      if (!Number.isInteger(label) || label < 0 || label >= K) {
        throw new ShapeError(`softmaxCrossEntropy(labels[${n * plane + i}]): expected a class in [0, ${K}) or the ignore label ${ignore}, got ${label}`);
      }
      // p = softmax(x[n, :, i]), shifted by the max for stability
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, x[(n * K + k) * plane + i]);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += (p[k] = Math.exp(x[(n * K + k) * plane + i] - max));
      for (let k = 0; k < K; k++) {
        p[k] /= sum;
        grad[(n * K + k) * plane + i] = p[k] - (k === label ? 1 : 0);
      }
      loss -= Math.log(Math.max(p[label], 1e-30));
      valid++;
    }
  }
  if (valid > 0) for (let j = 0; j < grad.length; j++) grad[j] /= valid;
  return { loss: valid > 0 ? loss / valid : 0, grad: tensor(grad, shape.slice()), validPixels: valid };
}

/** Softmax over the channel axis (axis 1) of [N, K, spatial…]: Net's Softmax layer (ops/softmax.ts, axis 1). */
export function softmax(x: Tensor): Tensor {
  return softmaxAxis(x, { axis: 1 });
}

/** Gradient of the channel softmax: dx = y ⊙ (dy − Σ_k dy·y), per pixel. */
export function softmaxBackward(dy: Tensor, y: Tensor): Tensor {
  return softmaxAxisBackward(dy, y, { axis: 1 });
}
