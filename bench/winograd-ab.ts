// A/B of the conv algorithms on 3×3 stride-1 layers, for the cost model's thresholds
// (src/ops/conv-engine/winograd.ts WINOGRAD_AUTO, WINOGRAD_F4_AUTO): one process, one thread, one
// build (`tsx bench/winograd-ab.ts relaxed|simd [names,…] [reps factor]`, names as printed, e.g.
// "64→64 224²"), every algorithm on its kept form of a
// resident w (GEMM-packed w, or U), calls interleaved round by round; prints the median ms of each
// and the ratios F2/F4 time, im2col/F4 time (> 1: F4 faster). Checks the algorithms agree first.
import "./v8-flags.js";
import * as fcn from "../dist/index.js";
import { mulberry32 } from "../dist/random.js";

const build = (process.argv[2] ?? "relaxed") as "relaxed" | "simd";
const filters = (process.argv[3] ?? "").split(",").filter((f) => f !== "");
const repsFactor = Number(process.argv[4] ?? 1);
/** [C, M, H (= W)], pads 1 */
const SHAPES: [number, number, number][] = [
  [64, 64, 112], [128, 128, 56], [256, 256, 28], [512, 512, 14], [64, 64, 224], [32, 32, 56],
  [32, 16, 128], [16, 16, 128], [512, 512, 7], [256, 256, 7], [256, 256, 14], [128, 128, 14], [64, 64, 14], [32, 32, 14],
  [64, 64, 28], [64, 64, 56], [32, 32, 28], [32, 32, 112], [128, 128, 28],
  [64, 64, 160], [32, 32, 224], [128, 128, 112], [64, 32, 64], [32, 64, 112],
  [256, 256, 56], [512, 512, 28], [64, 128, 112], [128, 256, 56], [256, 512, 28], [48, 48, 20], [64, 64, 24],
];
const ALGORITHMS = ["im2col-gemm", "winograd", "winograd-f4"] as const;

function median(a: number[]): number {
  const s = a.slice().sort((x, y) => x - y);
  return s[s.length >> 1];
}

await fcn.ready({ simd: build, threads: 1 });
for (const [C, M, S] of SHAPES) {
  const name = `${C}→${M} ${S}²`;
  if (filters.length > 0 && !filters.includes(name)) continue;
  const r = mulberry32(C * 7919 + S);
  const fill = (n: number) => Float32Array.from({ length: n }, () => r() * 2 - 1);
  const x = fcn.tensor(fill(C * S * S), [1, C, S, S]);
  const w = fcn.resident(fcn.tensor(fill(M * C * 9).map((v) => v * 0.05), [M, C, 3, 3]));
  const b = fcn.resident(fcn.tensor(fill(M), [M]));
  const run = (algorithm: string) => fcn.conv(x, w, b, { pads: 1 }, { algorithm: algorithm as fcn.ConvAlgorithm });
  // check (and make each kept form) first
  const ref = run("im2col-gemm").data;
  for (const a of ALGORITHMS) {
    const y = run(a).data;
    let worst = 0;
    for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(y[i] - ref[i]));
    if (worst > 1e-3) throw new Error(`${name}: ${a} differs from im2col-gemm by ${worst}`);
  }
  const macs = M * C * 9 * S * S;
  const reps = Math.round(repsFactor * Math.max(7, Math.min(31, Math.round(3e9 / macs))));
  const times: Record<string, number[]> = {};
  for (const a of ALGORITHMS) times[a] = [];
  for (let k = 0; k < reps; k++) {
    for (const a of k % 2 === 0 ? ALGORITHMS : [...ALGORITHMS].reverse()) {
      const t0 = performance.now();
      run(a);
      times[a].push(performance.now() - t0);
    }
  }
  const [gemm, f2, f4] = ALGORITHMS.map((a) => median(times[a]));
  const tiles = Math.ceil(S / 4) ** 2;
  console.log(`${build} ${name} (${tiles} F4 tiles, ${reps} reps): im2col ${gemm.toFixed(2)} ms, F2 ${f2.toFixed(2)} ms, F4 ${f4.toFixed(2)} ms; F2/F4 ${(f2 / f4).toFixed(2)}×, im2col/F4 ${(gemm / f4).toFixed(2)}×, im2col/F2 ${(gemm / f2).toFixed(2)}×`);
  w.dispose();
  b.dispose();
}
