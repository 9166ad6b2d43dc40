// A/B of the 3-D transposed-convolution paths, for the cost model's 3-D choice (today 'auto' takes
// GEMM + col2im for every 3-D layer but depthwise: src/ops/conv-transpose/algorithm.ts; the 3-D
// sub-pixel path, subpixel-3d.ts, runs only when forced until this decides). Issue 16's 3-D U-Net
// decoder shapes: one process, one thread, one build (`tsx bench/subpixel-3d-ab.ts relaxed|simd
// [names,…] [reps factor]`, names as printed, e.g. "64→32 k2 s2 32³"), both paths on a resident w
// (their kept forms: GEMM-packed wᵀ, phase weights), calls interleaved round by round; prints the
// median ms of each and gemm-col2im / subpixel time (> 1: sub-pixel faster). Checks they agree first.
// The timed calls write into one reused output array (options.out), so the times are the paths'.
// One run (2026-12-07, relaxed, shared machine, other processes at low priority), gemm-col2im /
// subpixel: 64→32 k2 s2 32³ 0.85×, 32→16 k2 s2 64³ 0.97×, 64→32 k4 s2 p1 32³ 1.00×, 32→16 k4 s2 p1
// 48³ 1.28×, 128→64 k2 s2 16³ 1.03×, 128→64 k4 s2 p1 16³ 0.85×, 32→32 k3 s2 p1 32³ 0.63×, 16→16 k4
// s2 p1 64³ 1.57×: no rule that wins everywhere, so 'auto' keeps GEMM + col2im for 3-D.
import "./v8-flags.js";
import * as fcn from "../dist/index.js";
import { mulberry32 } from "../dist/random.js";

const build = (process.argv[2] ?? "relaxed") as "relaxed" | "simd";
const filters = (process.argv[3] ?? "").split(",").filter((f) => f !== "");
const repsFactor = Number(process.argv[4] ?? 1);
/** [C, M, k, s, p, input size (cube)] */
const SHAPES: [number, number, number, number, number, number][] = [
  [64, 32, 2, 2, 0, 32], [32, 16, 2, 2, 0, 64], [64, 32, 4, 2, 1, 32], [32, 16, 4, 2, 1, 48],
  [128, 64, 2, 2, 0, 16], [128, 64, 4, 2, 1, 16], [32, 32, 3, 2, 1, 32], [16, 16, 4, 2, 1, 64],
];
const ALGORITHMS = ["gemm-col2im", "subpixel"] as const;

function median(a: number[]): number {
  const s = a.slice().sort((x, y) => x - y);
  return s[s.length >> 1];
}

await fcn.ready({ simd: build, threads: 1 });
for (const [C, M, k, s, p, S] of SHAPES) {
  const name = `${C}→${M} k${k} s${s}${p ? ` p${p}` : ""} ${S}³`;
  if (filters.length > 0 && !filters.includes(name)) continue;
  const r = mulberry32(C * 7919 + S * 31 + k);
  const fill = (n: number) => Float32Array.from({ length: n }, () => r() * 2 - 1);
  const x = fcn.tensor(fill(C * S ** 3), [1, C, S, S, S]);
  const w = fcn.resident(fcn.tensor(fill(C * M * k ** 3).map((v) => v * 0.05), [C, M, k, k, k]));
  const b = fcn.resident(fcn.tensor(fill(M), [M]));
  const attrs = { strides: s, pads: p };
  // Both write into one reused array (options.out): the copy into a fresh array of a 30 MB output
  // costs both paths alike, tens of ms of page faults on this VM (README "Speed: large outputs").
  let out: Float32Array | undefined;
  const run = (algorithm: string) => fcn.convTranspose(x, w, b, attrs, { algorithm: algorithm as fcn.ConvTransposeAlgorithm, out });
  // check (and make each kept form) first
  const ref = run("gemm-col2im").data;
  const y = run("subpixel").data;
  out = new Float32Array(y.length);
  let worst = 0;
  for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(y[i] - ref[i]));
  if (worst > 1e-3) throw new Error(`${name}: subpixel differs from gemm-col2im by ${worst}`);
  const macs = C * M * k ** 3 * S ** 3;
  const reps = Math.round(repsFactor * Math.max(5, Math.min(21, Math.round(3e9 / macs))));
  const times: Record<string, number[]> = {};
  for (const a of ALGORITHMS) times[a] = [];
  for (let i = 0; i < reps; i++) {
    for (const a of i % 2 === 0 ? ALGORITHMS : [...ALGORITHMS].reverse()) {
      const t0 = performance.now();
      run(a);
      times[a].push(performance.now() - t0);
    }
  }
  const [gemm, sub] = ALGORITHMS.map((a) => median(times[a]));
  console.log(`${build} ${name} (${reps} reps): gemm-col2im ${gemm.toFixed(2)} ms (${(2 * macs / gemm / 1e6).toFixed(1)} GFLOP/s), subpixel ${sub.toFixed(2)} ms; gemm-col2im/subpixel ${(gemm / sub).toFixed(2)}×`);
  w.dispose();
  b.dispose();
}
