// Segmentation metrics from a confusion matrix: pixel accuracy and mean IoU (FCN's Table 1-3
// metrics). Predictions are the arg-max class per pixel of [N, K, H, W] scores.
import { type Tensor, plain } from "../tensor.js";

/** The arg-max class per pixel: N·H·W integers. Ties go to the lower class. */
export function argmaxChannels(scores: Tensor): Int32Array {
  const [N, K] = scores.shape;
  const plane = scores.shape.slice(2).reduce((a, b) => a * b, 1);
  const s = plain(scores).data;
  const out = new Int32Array(N * plane);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < plane; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (s[(n * K + k) * plane + i] > s[(n * K + best) * plane + i]) best = k;
      out[n * plane + i] = best;
    }
  }
  return out;
}

/** confusion[label·K + prediction] counts, skipping pixels whose label is `ignoreLabel` or outside [0, K). */
export function confusionMatrix(predictions: ArrayLike<number>, labels: ArrayLike<number>, classes: number, ignoreLabel = 255): Float64Array {
  const m = new Float64Array(classes * classes);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l === ignoreLabel || l < 0 || l >= classes) continue;
    m[l * classes + predictions[i]]++;
  }
  return m;
}

/** Σ_k m[k, k] / Σ m: the fraction of counted pixels labelled correctly. */
export function pixelAccuracy(confusion: Float64Array, classes: number): number {
  let right = 0, all = 0;
  for (let k = 0; k < classes; k++) right += confusion[k * classes + k];
  for (const v of confusion) all += v;
  return all > 0 ? right / all : 0;
}

/** Mean over classes present in labels or predictions of TP / (TP + FP + FN). */
export function meanIoU(confusion: Float64Array, classes: number): number {
  let sum = 0, present = 0;
  for (let k = 0; k < classes; k++) {
    let row = 0, col = 0;
    for (let j = 0; j < classes; j++) {
      row += confusion[k * classes + j];
      col += confusion[j * classes + k];
    }
    const tp = confusion[k * classes + k];
    const union = row + col - tp;
    if (union > 0) {
      sum += tp / union;
      present++;
    }
  }
  return present > 0 ? sum / present : 0;
}
