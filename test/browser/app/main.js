// The browser test's consumer app (built from the packed tarball by Vite and by webpack 5).
// Query parameters pick ready()'s options: ?simd=simd|relaxed, ?wasm=URL, ?threads=auto.
// It runs convTranspose on known answers and writes one JSON result into #output[data-result]
// (or the error into data-error).
import { convTranspose, ready, tensor } from "fcn-wasm";

const violations = [];
document.addEventListener("securitypolicyviolation", (e) => violations.push(`${e.violatedDirective}: ${e.blockedURI}`));

const ones = (shape) => tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape);
const iota = (shape) => tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i + 1), shape);

async function main() {
  const params = new URLSearchParams(location.search);
  const options = {};
  if (params.has("simd")) options.simd = params.get("simd");
  if (params.has("wasm")) options.wasm = params.get("wasm");
  if (params.has("threads")) options.threads = params.get("threads") === "auto" ? "auto" : Number(params.get("threads"));
  const info = await ready(options);

  const cases = {};
  // README: upsample ×2, a 2×2 kernel of ones at stride 2 (depthwise path).
  const up = convTranspose(tensor([1, 2, 3, 4], [1, 1, 2, 2]), ones([1, 1, 2, 2]), null, { strides: 2 });
  cases.readme = { shape: up.shape, data: Array.from(up.data) };
  // Two input channels summed, on each general algorithm.
  for (const algorithm of ["subpixel", "gemm-col2im"]) {
    const y = convTranspose(iota([1, 2, 1, 2]), ones([2, 1, 1, 2]), null, {}, { algorithm });
    cases[algorithm] = { shape: y.shape, data: Array.from(y.data) };
  }
  // FCN-style ×2 upsampling with a bias: 3×3 → 6×6, kernel 4, stride 2, pads 1 (sum checked).
  const fcn = convTranspose(ones([1, 1, 3, 3]), ones([1, 1, 4, 4]), tensor([0.5], [1]), { strides: 2, pads: 1 });
  cases.fcn = { shape: fcn.shape, data: Array.from(fcn.data) };

  return { info, cases, crossOriginIsolated: self.crossOriginIsolated === true, violations };
}

const output = document.getElementById("output");
main().then(
  (result) => {
    output.dataset.result = JSON.stringify(result);
  },
  (error) => {
    output.dataset.error = `${error?.name}: ${error?.message ?? error}`;
  },
);
