// Segmentation metrics from a confusion matrix: FCN's four (Long et al. §4, "Metrics"), with
// n_ij the pixels of class i predicted as j and t_i = Σ_j n_ij the pixels of class i:
//   pixel accuracy        Σ_i n_ii / Σ_i t_i
//   mean accuracy         (1/n_cl) Σ_i n_ii / t_i
//   mean IU               (1/n_cl) Σ_i n_ii / (t_i + Σ_j n_ji − n_ii)
//   frequency-weighted IU (Σ_k t_k)⁻¹ Σ_i t_i · n_ii / (t_i + Σ_j n_ji − n_ii)
// n_cl counts the classes the mean is defined for (see each function). Predictions are the
// arg-max class per pixel of [N, K, H, W] scores.
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

/** Mean over classes with labelled pixels (t_i > 0) of n_ii / t_i: each class's recall, averaged. */
export function meanAccuracy(confusion: Float64Array, classes: number): number {
  let sum = 0, present = 0;
  for (let i = 0; i < classes; i++) {
    let t = 0;
    for (let j = 0; j < classes; j++) t += confusion[i * classes + j];
    if (t > 0) {
      sum += confusion[i * classes + i] / t;
      present++;
    }
  }
  return present > 0 ? sum / present : 0;
}

/** Σ_i t_i · IU_i / Σ_k t_k: each class's IU weighted by its share of the labelled pixels. */
export function frequencyWeightedIU(confusion: Float64Array, classes: number): number {
  let sum = 0, all = 0;
  for (let i = 0; i < classes; i++) {
    let t = 0, predicted = 0;
    for (let j = 0; j < classes; j++) {
      t += confusion[i * classes + j];
      predicted += confusion[j * classes + i];
    }
    all += t;
    // t_i > 0 makes the union t_i + Σ_j n_ji − n_ii ≥ t_i > 0
    if (t > 0) sum += (t * confusion[i * classes + i]) / (t + predicted - confusion[i * classes + i]);
  }
  return all > 0 ? sum / all : 0;
}
