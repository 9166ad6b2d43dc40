// fcn-wasm in a browser app built by Vite: no plugin and no setting needed. The package finds its
// .wasm files through `new URL('…', import.meta.url)`, which Vite follows and copies into the
// build. Under a Content-Security-Policy, allow WebAssembly with `script-src 'self' 'wasm-unsafe-eval'`.
import { convTranspose, ready, tensor } from "fcn-wasm";

const status = document.getElementById("status");
const output = document.getElementById("output");

async function main() {
  // Once, before any op: loads the best build this browser supports (relaxed SIMD or SIMD128).
  // To serve the .wasm from somewhere else: `await ready({ wasm: "/static/fcn-wasm.simd.wasm" })`.
  const info = await ready();

  // The README's example: a 2×2 image, one channel, a 2×2 kernel of ones at stride 2.
  const x = tensor([1, 2, 3, 4], [1, 1, 2, 2]); // N, C, H, W
  const w = tensor([1, 1, 1, 1], [1, 1, 2, 2]); // C, M/group, kH, kW
  const y = convTranspose(x, w, null, { strides: 2 });

  const [, , height, width] = y.shape;
  const rows = [];
  for (let r = 0; r < height; r++) rows.push(Array.from(y.data.subarray(r * width, (r + 1) * width)).join(" "));
  status.textContent = `build ${info.build}, ${info.threads} thread (${info.threadsReason})`;
  output.textContent = rows.join("\n");
  // The same result as JSON, for scripts (the package's browser test reads it).
  output.dataset.result = JSON.stringify({ info, shape: y.shape, data: Array.from(y.data) });
}

main().catch((error) => {
  status.textContent = `fcn-wasm failed: ${error.message}`;
  output.dataset.error = String(error?.message ?? error);
  console.error(error);
});
