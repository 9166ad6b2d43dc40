// Upsampling an image by an integer factor f, four ways, side by side:
//   1. the input (nearest-neighbour display);
//   2. FCN's bilinear upsampling: a depthwise transposed convolution with bilinearWeights
//      (k = 2f − f mod 2, stride f), equal to bilinear interpolation (explain.bilinear checks it);
//   3. a transposed convolution with an odd kernel k = 2f − 1 (Gaussian or box): s does not divide
//      k, its phases sum to different gains and flat areas get a checkerboard;
//   4. resize-convolution: nearest (or bilinear) resize, then a stride-1 convolution with the same
//      kernel normalised: every output pixel sees the same taps, so no checkerboard.
// The image is generated here (no download).
import { conv, convTranspose, explain, tensor } from "../dist/index.js";
import { fmt, h, imageCanvas } from "./draw.js";

const SIZE = 16; // input H = W
const SHOW = 224; // CSS px of every picture

/** A 16×16 RGB image [1, 3, H, W] in [0, 1]: a smooth gradient, an orange disc and a dark bar. */
export function generatedImage(n = SIZE) {
  const d = new Float32Array(3 * n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const u = j / (n - 1), v = i / (n - 1);
    let rgb = [0.55 + 0.3 * u, 0.62, 0.8 - 0.3 * v];
    const disc = Math.hypot(i - 0.62 * n, j - 0.36 * n) / (0.24 * n);
    if (disc < 1) rgb = [0.95, 0.55, 0.15];
    else if (disc < 1.15) rgb = rgb.map((c, k) => 0.5 * (c + [0.95, 0.55, 0.15][k]));
    if (Math.abs(i - j * 0.8 - 0.1 * n) < 0.9 && j > n / 2) rgb = [0.15, 0.2, 0.35];
    for (let c = 0; c < 3; c++) d[(c * n + i) * n + j] = rgb[c];
  }
  return tensor(d, [1, 3, n, n]);
}

/** One axis of the odd kernel (k = 2f − 1): Gaussian σ = f/2 centred, or a box. */
function oddAxis(f, shape) {
  return Array.from({ length: 2 * f - 1 }, (_, i) => (shape === "box" ? 1 : Math.exp(-((i - f + 1) ** 2) / (2 * (f / 2) ** 2))));
}

/** The odd k×k kernel, the outer product of oddAxis with itself, scaled to sum to `total`. */
function oddKernel(f, shape, total) {
  const axis = oddAxis(f, shape), k = axis.length;
  const w = new Float32Array(k * k);
  let sum = 0;
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) sum += w[a * k + b] = axis[a] * axis[b];
  for (let i = 0; i < w.length; i++) w[i] *= total / sum;
  return w;
}

/** Depthwise weights [3, 1, k, k] repeating one k×k kernel. */
function depthwise(kernel, k) {
  const w = new Float32Array(3 * k * k);
  for (let c = 0; c < 3; c++) w.set(kernel, c * k * k);
  return tensor(w, [3, 1, k, k]);
}

/** Nearest-neighbour resize of [1, C, H, W] by f. */
function nearest(x, f) {
  const [, C, H, W] = x.shape;
  const y = new Float32Array(C * H * f * W * f);
  for (let c = 0; c < C; c++) for (let i = 0; i < H * f; i++) for (let j = 0; j < W * f; j++) {
    y[(c * H * f + i) * W * f + j] = x.data[(c * H + Math.floor(i / f)) * W + Math.floor(j / f)];
  }
  return tensor(y, [1, C, H * f, W * f]);
}

/** Gain of each output phase along one axis, Σ_{i ≡ r mod f} axis[i], relative to their mean. */
function phaseGains(f, shape) {
  const axis = oddAxis(f, shape);
  const gains = Array.from({ length: f }, (_, r) => axis.filter((_, i) => i % f === r).reduce((x, y) => x + y, 0));
  const mean = gains.reduce((x, y) => x + y, 0) / f;
  return gains.map((g) => g / mean);
}

export async function upsamplingSection(root) {
  const factor = h("select", { id: "up-factor" }, [2, 3, 4, 8].map((f) => h("option", { value: f, selected: f === 4 }, `× ${f}`)));
  const shape = h("select", { id: "up-kernel" }, h("option", { value: "gauss" }, "Gaussian"), h("option", { value: "box" }, "box"));
  const resize = h("select", { id: "up-resize" }, h("option", { value: "nearest" }, "nearest"), h("option", { value: "bilinear" }, "bilinear"));
  const pictures = h("div", { class: "row", id: "up-pictures" });
  root.append(
    h("div", { class: "wide-panel" },
      h("p", { class: "blurb" }, "FCN initialises its upsampling layers with a bilinear kernel: a transposed convolution with stride f and kernel 2f (f even) gives every output pixel taps that sum to 1, so it is exactly bilinear interpolation. An odd kernel 2f − 1 at stride f gives different output phases different sums: the checkerboard. Resizing first and convolving after (resize-convolution) avoids it."),
      h("div", { class: "buttons" },
        h("label", { for: "up-factor" }, "factor f"), factor,
        h("label", { for: "up-kernel" }, "odd kernel"), shape,
        h("label", { for: "up-resize" }, "resize"), resize),
      pictures));

  const x = generatedImage();
  const draw = () => {
    const f = Number(factor.value);
    const scale = SHOW / (SIZE * f);
    // 2. FCN's bilinear upsampling (depthwise transposed convolution) against the formula.
    const bi = explain.bilinear(x, f);
    // 3. Odd kernel k = 2f − 1, stride f, pads and output padding chosen for an output of f·H.
    const k = 2 * f - 1, p = Math.ceil((f - 1) / 2), op = 2 * p - (f - 1);
    const odd = convTranspose(x, depthwise(oddKernel(f, shape.value, f * f), k), null, {
      kernelShape: [k, k], strides: [f, f], pads: [p, p, p, p], outputPadding: [op, op], group: 3,
    });
    const overlap = explain.overlapMap([1, 1, SIZE, SIZE], [1, 1, k, k], { kernelShape: [k, k], strides: [f, f], pads: [p, p, p, p], outputPadding: [op, op] });
    const gains = phaseGains(f, shape.value);
    // 4. Resize, then a stride-1 convolution with the same kernel normalised to sum 1.
    const big = resize.value === "nearest" ? nearest(x, f) : bi.output;
    const rc = conv(big, depthwise(oddKernel(f, shape.value, 1), k), null, { kernelShape: [k, k], pads: [f - 1, f - 1, f - 1, f - 1], group: 3 });
    const show = (t, id, label) => {
      const c = imageCanvas(t.data, t.shape[2], t.shape[3], t === x ? SHOW / SIZE : scale, { label });
      c.id = id;
      return c;
    };
    pictures.replaceChildren(
      h("figure", { class: "pic" }, show(x, "up-input", "generated input image"), h("figcaption", {}, `input, ${SIZE}×${SIZE}`)),
      h("figure", { class: "pic" }, show(bi.output, "up-bilinear", "bilinear transposed convolution"),
        h("figcaption", {}, `bilinear: convTranspose, depthwise, k ${bi.attrs.kernelShape[0]}, s ${f}, p ${bi.attrs.pads[0]}`, h("br"), `= bilinear interpolation (max diff ${bi.maxDifference.toExponential(1)})`)),
      h("figure", { class: "pic" }, show(odd, "up-odd", "odd-kernel transposed convolution"),
        h("figcaption", { id: "up-odd-caption" }, `odd kernel: convTranspose, k ${k}, s ${f}, p ${p}, op ${op}`, h("br"),
          overlap.uniform ? "taps per phase uniform" : `phase gains ${gains.map(fmt).join(", ")}: checkerboard`)),
      h("figure", { class: "pic" }, show(rc, "up-resize-conv", "resize-convolution"),
        h("figcaption", {}, `resize-convolution: ${resize.value} ×${f}, then conv k ${k}, s 1`, h("br"), "every pixel sees the same taps")),
    );
  };
  for (const el of [factor, shape, resize]) el.addEventListener("change", draw);
  draw();
}
