// Load-time folding of per-channel affine maps into the preceding convolution, so an imported
// Conv → BatchNormalization (→ bias Add) chain runs as one conv. Pure functions on new arrays:
// the weights given are not changed.
//
// BatchNormalization (inference): y = γ·(x − μ)/√(σ² + ε) + β = s·x + (β − s·μ), s = γ/√(σ² + ε).
// With x = W∗in + b for output channel m: W'[m] = s[m]·W[m], b'[m] = s[m]·(b[m] − μ[m]) + β[m].

/** Per-output-channel scale s and shift t of an inference BatchNormalization: y = s·x + t. */
export function batchNormAffine(gamma: Float32Array, beta: Float32Array, mean: Float32Array, variance: Float32Array, epsilon: number): { scale: Float64Array; shift: Float64Array } {
  const n = gamma.length;
  const scale = new Float64Array(n), shift = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    scale[m] = gamma[m] / Math.sqrt(variance[m] + epsilon); // s = γ/√(σ² + ε)
    shift[m] = beta[m] - scale[m] * mean[m];                // t = β − s·μ
  }
  return { scale, shift };
}

/**
 * Which output channel each weight element of a convolution feeds, by the weight's leading two
 * axes: Conv [M, C/g, k…] → the first axis; ConvTranspose [C, M/g, k…] → input channel c of group
 * ⌊c / (C/g)⌋ and column j feed output channel ⌊c / (C/g)⌋·(M/g) + j.
 */
function outputChannelOf(transposed: boolean, dims: readonly number[], group: number): (a: number, b: number) => number {
  if (!transposed) return (a) => a;
  const inPerGroup = dims[0] / group, outPerGroup = dims[1];
  return (c, j) => Math.floor(c / inPerGroup) * outPerGroup + j;
}

/**
 * Folds y = s·conv(x) + t into the conv: returns new weight and bias (W'[·m·] = s[m]·W, b'[m] =
 * s[m]·b[m] + t[m]; a missing bias counts as 0). `dims` is the weight's shape in its ONNX layout.
 */
export function foldAffineIntoConv(weight: Float32Array, dims: readonly number[], bias: Float32Array | null, group: number, transposed: boolean,
  scale: ArrayLike<number>, shift: ArrayLike<number>): { weight: Float32Array; bias: Float32Array } {
  const channelOf = outputChannelOf(transposed, dims, group);
  const inner = dims.slice(2).reduce((a, b) => a * b, 1);
  const w = new Float32Array(weight.length);
  for (let a = 0; a < dims[0]; a++) {
    for (let b = 0; b < dims[1]; b++) {
      const s = scale[channelOf(a, b)], at = (a * dims[1] + b) * inner;
      for (let k = 0; k < inner; k++) w[at + k] = s * weight[at + k];
    }
  }
  const b = new Float32Array(scale.length);
  for (let m = 0; m < b.length; m++) b[m] = scale[m] * (bias === null ? 0 : bias[m]) + shift[m];
  return { weight: w, bias: b };
}
