// Does convTranspose's 'auto' pick the fastest algorithm? Every dense 2-D transposed convolution of
// bench/shapes.ts (FCN upsamplings, decoders, the stride sweep) and DCGAN's generator layers, run
// by each algorithm that applies (gemm-col2im, subpixel, subpixel-winograd) through the public
// API: weights resident (each algorithm packs its form once, as for a Net plan), the result written
// into one reused array (options.out: the first touch of a fresh output costs every algorithm the
// same, see bench/output-first-touch.ts), one thread, interleaved, medians. Checks first that every
// algorithm agrees with GEMM + col2im (within 1e-5 of the output's largest magnitude). Prints
// each shape's times, what 'auto' took, the fastest, and auto ÷ fastest (1.00: auto took it).
// The constants of src/ops/conv-transpose/algorithm.ts cite runs of this script.
//   npx tsx bench/convtranspose-auto.ts [--reps 9] [--simd relaxed|simd]
import "./v8-flags.js";
import * as fcn from "../dist/index.js";
import type { ConvTransposeAlgorithm } from "../dist/index.js";
import { SHAPES, tensorShapes } from "./shapes.js";

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
};
const REPS = Number(arg("reps", "9")), SIMD = arg("simd", "relaxed") as "relaxed" | "simd";
const median = (v: number[]): number => v.slice().sort((a, b) => a - b)[v.length >> 1];
const size = (d: readonly number[]): number => d.reduce((a, b) => a * b, 1);

interface Case { name: string; x: number[]; w: number[]; bias: boolean; strides: number[]; pads: number[]; outputPadding: number[] }

/** DCGAN's generator (Radford et al. 2016, 64×64 output): 100 → 512 on 1×1, then k4 s2 p1 up to 32² → 3 channels. */
const DCGAN: Case[] = [[100, 512, 1, 1, 0], [512, 256, 4, 2, 1], [256, 128, 8, 2, 1], [128, 64, 16, 2, 1], [64, 3, 32, 2, 1]].map(([C, M, H, s, p]) => ({
  name: `dcgan convT k4 s${s} p${p} ${C}->${M} ${H}x${H}`, x: [1, C, H, H], w: [C, M, 4, 4], bias: false, strides: [s, s], pads: [p, p, p, p], outputPadding: [0, 0],
}));

const cases: Case[] = [
  ...SHAPES.flatMap((s): Case[] => (s.kind === "convTranspose" && s.groups === 1
    ? [{ name: s.name, ...tensorShapes(s), bias: s.bias, strides: s.strides, pads: s.pads, outputPadding: s.outputPadding }]
    : [])),
  ...DCGAN,
];

await fcn.ready({ simd: SIMD, threads: 1 });
const ALGORITHMS: ConvTransposeAlgorithm[] = ["gemm-col2im", "subpixel", "subpixel-winograd"];
console.log(`${SIMD} build, 1 thread, weights resident, output into a reused array, medians of ${REPS} interleaved runs (ms)\n`);
console.log(`| shape | ${ALGORITHMS.join(" | ")} | auto took | fastest | auto ÷ fastest |\n|---|${ALGORITHMS.map(() => "---:|").join("")}---|---|---:|`);
for (const c of cases) {
  const x = fcn.tensor(Float32Array.from({ length: size(c.x) }, (_, i) => Math.sin(0.37 * i + 0.1)), c.x);
  const w = fcn.resident(fcn.tensor(Float32Array.from({ length: size(c.w) }, (_, i) => 0.05 * Math.cos(0.11 * i)), c.w));
  const b = c.bias ? fcn.tensor(Float32Array.from({ length: c.w[1] }, (_, i) => 0.01 * i), [c.w[1]]) : null;
  const attrs = { strides: c.strides, pads: c.pads, outputPadding: c.outputPadding };
  const auto = fcn.convTransposePlan(c.x, c.w, attrs).algorithm;
  const want = fcn.convTranspose(x, w, b, attrs, { algorithm: "gemm-col2im" }).data;
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const out = new Float32Array(want.length);
  const runs = ALGORITHMS.filter((algorithm) => {
    try {
      fcn.convTranspose(x, w, b, attrs, { algorithm, out });
    } catch (e) {
      if (e instanceof fcn.UnsupportedError) return false; // does not apply to this geometry
      throw e;
    }
    const bad = out.findIndex((v, i) => !(Math.abs(v - want[i]) <= 1e-5 * scale));
    if (bad >= 0) throw new Error(`${c.name}: ${algorithm} gives ${out[bad]} at ${bad}, GEMM + col2im ${want[bad]}`);
    return true;
  });
  const times = new Map<string, number[]>(runs.map((a) => [a, []]));
  for (let r = 0; r < REPS; r++) {
    for (const algorithm of r % 2 === 0 ? runs : runs.slice().reverse()) {
      const t0 = performance.now();
      fcn.convTranspose(x, w, b, attrs, { algorithm, out });
      (times.get(algorithm) as number[]).push(performance.now() - t0);
    }
  }
  const med = new Map(runs.map((a) => [a, median(times.get(a) as number[])]));
  const fastest = runs.reduce((p, a) => ((med.get(a) as number) < (med.get(p) as number) ? a : p));
  const cells = ALGORITHMS.map((a) => (med.has(a) ? (med.get(a) as number).toPrecision(3) : "n/a"));
  console.log(`| ${c.name} | ${cells.join(" | ")} | ${auto} | ${fastest} | ${((med.get(auto) as number) / (med.get(fastest) as number)).toFixed(2)} |`);
  w.dispose();
}
await fcn.dispose();
