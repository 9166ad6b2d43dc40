// The one layer every view draws: x [1, 1, in, in], w [1, 1, k, k] and convTranspose's attributes
// from the sliders (the same value on both spatial axes).
import { tensor } from "../dist/index.js";

/** Input pixel values: small integers 1…3 in a pattern, so sums can be checked by eye. */
export function inputTensor(n) {
  return tensor(Array.from({ length: n * n }, (_, p) => 1 + ((Math.floor(p / n) + 2 * (p % n)) % 3)), [1, 1, n, n]);
}

/** Kernel values: "ones" (the output counts weighted inputs) or "ramp" (1, 2, …, k²: taps tell apart). */
export function kernelTensor(k, kind) {
  return tensor(Array.from({ length: k * k }, (_, p) => (kind === "ramp" ? p + 1 : 1)), [1, 1, k, k]);
}

/** { x, w, attrs } for a slider state { kernel, stride, pad, dilation, outputPadding, input, weights }. */
export function layerArgs(layer) {
  const { kernel: k, stride: s, pad: p, dilation: d, outputPadding: op, input: n } = layer;
  return {
    x: inputTensor(n),
    w: kernelTensor(k, layer.weights),
    attrs: { kernelShape: [k, k], strides: [s, s], pads: [p, p, p, p], dilations: [d, d], outputPadding: [op, op] },
  };
}
