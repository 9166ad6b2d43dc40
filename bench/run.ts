// `npm run bench [-- --quick] [-- --filter <substring>] [-- --algorithms] [-- --threads N] [-- --list]`
// Runs every shape of bench/shapes.ts on fcn-wasm (relaxed-SIMD and SIMD128 builds) and the peers
// (onnxruntime-web, tfjs-wasm; one thread each) in one process. With --threads N (N > 1): fcn-wasm
// relaxed on 1 and on N threads and onnxruntime-web on N threads (its thread count is fixed per
// process, so its 1-thread column is left out; tfjs-wasm runs 1 thread in Node, left out); the summary gives
// fcn-wasm's N-vs-1 speed-up per shape and ConvTranspose against onnxruntime-web ×N. Per shape: check every
// implementation against a float64 reference (and the peers against fcn-wasm's full output), then
// time them with benchmark.js in interleaved rounds; report median ms, GFLOP/s and the ratio to the
// fastest peer. Writes bench/results/latest.json and bench/results/stride-sweep.svg.
import "./v8-flags.js";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import Benchmark from "benchmark";
import { checkAgainstOutput, checkAgainstReference, makeData, reference } from "./check.js";
import { fcnWasm } from "./implementations/fcn-wasm.js";
import { onnxruntimeWeb } from "./implementations/onnxruntime-web.js";
import { tfjsWasm } from "./implementations/tfjs-wasm.js";
import type { Implementation, Prepared } from "./implementations/types.js";
import { type ResultRow, type Series, formatMs, formatTable, strideSweepSvg } from "./report.js";
import { type BenchShape, SHAPES, macs, opType, selectShapes } from "./shapes.js";

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  quick: boolean;
  filters: string[];
  algorithms: boolean;
  list: boolean;
  threads: number;
}

const USAGE = `usage: npm run bench -- [--quick] [--filter <substring>]… [--algorithms] [--threads N] [--list]
  --quick         short run: 2 rounds, small maxTime (for a smoke test, not for numbers to keep)
  --filter <s>    only shapes whose group or name contains s (case-insensitive); repeatable (OR)
  --algorithms    also time each forced fcn-wasm ConvTranspose and Conv algorithm (relaxed build)
  --threads N     fcn-wasm relaxed on 1 and N threads and onnxruntime-web on N threads only (no SIMD128
                  build, no 1-thread ort, no tfjs-wasm); adds the N-vs-1 speed-up summary
  --list          print the shapes and exit`;

function parseArgs(argv: string[]): Options {
  const o: Options = { quick: false, filters: [], algorithms: false, list: false, threads: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") o.quick = true;
    else if (a === "--algorithms") o.algorithms = true;
    else if (a === "--list") o.list = true;
    else if (a === "--threads" || a.startsWith("--threads=")) {
      const v = a === "--threads" ? argv[++i] : a.slice("--threads=".length);
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 64) {
        console.error(`bench: --threads needs an integer from 1 to 64, got ${v}\n${USAGE}`);
        process.exit(2);
      }
      o.threads = n;
    }
    else if (a === "--filter") {
      if (i + 1 >= argv.length) {
        console.error(`bench: --filter needs a value\n${USAGE}`);
        process.exit(2);
      }
      o.filters.push(argv[++i]);
    }
    else if (a.startsWith("--filter=")) o.filters.push(a.slice("--filter=".length));
    else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`bench: unknown argument ${a}\n${USAGE}`);
      process.exit(2);
    }
  }
  return o;
}

/**
 * Timing plan. Each implementation is timed in `rounds` separate benchmark.js runs, interleaved
 * with the others (order rotated per round) so a noisy spell on the shared 2-core machine hits
 * all of them; the median is over every sample of every round. `budget` caps the seconds one
 * implementation spends on one shape (very slow peers get fewer samples, never fewer than 2 per round).
 */
interface Plan {
  rounds: number;
  minSamples: number;
  maxTime: number;
  minTime: number;
  budget: number;
}

const FULL: Plan = { rounds: 3, minSamples: 5, maxTime: 1, minTime: 0.05, budget: 12 };
const QUICK: Plan = { rounds: 2, minSamples: 2, maxTime: 0.1, minTime: 0.02, budget: 3 };

// ---------------------------------------------------------------------------------------------
// Progress (stderr): one rewritten line on a terminal, plain lines otherwise.

const tty = process.stderr.isTTY === true;
const t0 = performance.now();
function progress(text: string): void {
  const line = `${((performance.now() - t0) / 1e3).toFixed(0).padStart(4)} s  ${text}`;
  if (tty) process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
  else process.stderr.write(`${line}\n`);
}
function progressDone(): void {
  if (tty) process.stderr.write("\r\x1b[2K");
}

// ---------------------------------------------------------------------------------------------
// Timing

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** One benchmark.js run of `prepared`; resolves to its samples (seconds per call). */
function timeOnce(name: string, prepared: Prepared, plan: Plan, minSamples: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const options: Benchmark.Options = {
      name,
      minSamples,
      maxTime: plan.maxTime,
      minTime: plan.minTime,
      onComplete() {
        if (bench.error) reject(bench.error);
        else resolve(bench.stats.sample.slice());
      },
      onError() {
        reject(bench.error);
      },
    };
    // benchmark.js times a promise-returning call correctly only as a deferred benchmark.
    const bench = prepared.async
      ? new Benchmark({
          ...options,
          defer: true,
          fn(deferred: { resolve(): void; benchmark: Benchmark }) {
            (prepared.run() as Promise<unknown>).then(
              () => deferred.resolve(),
              (e: unknown) => {
                deferred.benchmark.abort();
                reject(e);
              },
            );
          },
        })
      : new Benchmark({ ...options, fn: () => prepared.run() });
    bench.run({ async: true });
  });
}

// ---------------------------------------------------------------------------------------------
// One shape

interface ImplResult {
  implementation: string;
  peer: boolean;
  status: "ok" | "n/a" | "failed";
  reason?: string;
  medianMs?: number;
  gflops?: number;
  vsBestPeer?: number;
  /** Median of each round (ms), to see the spread. */
  roundMedians?: number[];
  samplesMs?: number[];
  check?: { reference: string; maxRelErr: number; crossCheckedWith?: string; crossMaxRelErr?: number };
}

interface ShapeResult {
  shape: BenchShape;
  macs: number;
  results: ImplResult[];
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0].slice(0, 300);
}

async function runShape(shape: BenchShape, index: number, total: number, impls: Implementation[], plan: Plan): Promise<ShapeResult> {
  const tag = `[${index + 1}/${total}] ${shape.name}`;
  const work = macs(shape);
  progress(`${tag}: float64 reference`);
  const data = makeData(shape);
  const ref = reference(shape, data, work);
  const outputs = data.dims.y.reduce((a, b) => a * b, 1);

  // 1. Check: every implementation against float64; the others also against the first fcn-wasm
  //    output that passed (full tensor).
  const results = new Map<Implementation, ImplResult>();
  const prepared = new Map<Implementation, { p: Prepared; seconds: number }>();
  let crossRef: { name: string; y: Float32Array } | null = null;
  for (const impl of impls) {
    const r: ImplResult = { implementation: impl.name, peer: impl.peer, status: "ok" };
    results.set(impl, r);
    progress(`${tag}: checking ${impl.name}`);
    let p: Prepared | null = null;
    try {
      await impl.activate?.();
      const ready = await impl.prepare(shape, data);
      if ("na" in ready) {
        r.status = "n/a";
        r.reason = ready.na;
        continue;
      }
      p = ready;
      const y = await p.output();
      const { maxRelErr } = checkAgainstReference(y, ref, outputs, `${impl.name} on ${shape.name}`);
      r.check = { reference: `float64 ${ref.coverage}`, maxRelErr };
      if (crossRef) {
        const cross = checkAgainstOutput(y, crossRef.y, `${impl.name} on ${shape.name}`);
        r.check.crossCheckedWith = crossRef.name;
        r.check.crossMaxRelErr = cross.maxRelErr;
      } else if (!impl.peer) {
        crossRef = { name: impl.name, y: y.slice() };
      }
      // A second (warm) call estimates the time per call, to size the sample count.
      const t0 = performance.now();
      await p.run();
      prepared.set(impl, { p, seconds: (performance.now() - t0) / 1e3 });
    } catch (e) {
      r.status = "failed";
      r.reason = errorText(e);
      p?.dispose();
    }
  }

  // 2. Time, in rounds, rotating the order.
  const order = impls.filter((i) => prepared.has(i));
  const samples = new Map<Implementation, number[][]>(order.map((i) => [i, []]));
  for (let round = 0; round < plan.rounds; round++) {
    const turn = order.map((_, k) => order[(k + round) % order.length]);
    for (const impl of turn) {
      if (!prepared.has(impl)) continue; // failed in an earlier round
      const { p, seconds } = prepared.get(impl)!;
      // A call of `seconds` gets at most budget/rounds seconds per round, and ≥ 2 samples.
      const minSamples = Math.max(2, Math.min(plan.minSamples, Math.floor(plan.budget / plan.rounds / Math.max(seconds, 1e-6))));
      progress(`${tag}: timing ${impl.name} (round ${round + 1}/${plan.rounds}, ~${formatMs(seconds * 1e3)} ms/call)`);
      try {
        await impl.activate?.();
        samples.get(impl)!.push((await timeOnce(`${shape.name} ${impl.name}`, p, plan, minSamples)).map((s) => s * 1e3));
      } catch (e) {
        const r = results.get(impl)!;
        r.status = "failed";
        r.reason = `while timing: ${errorText(e)}`;
        p.dispose();
        prepared.delete(impl);
      }
    }
  }
  for (const { p } of prepared.values()) p.dispose();

  for (const [impl, rounds] of samples) {
    const r = results.get(impl)!;
    if (r.status !== "ok") continue;
    const all = rounds.flat();
    r.samplesMs = all;
    r.roundMedians = rounds.map(median);
    r.medianMs = median(all);
    r.gflops = (2 * work) / (r.medianMs * 1e6);
  }
  const peerTimes = [...results.values()].filter((r) => r.peer && r.status === "ok").map((r) => r.medianMs!);
  if (peerTimes.length > 0) {
    const best = Math.min(...peerTimes);
    for (const r of results.values()) if (r.status === "ok") r.vsBestPeer = best / r.medianMs!;
  }
  return { shape, macs: work, results: [...results.values()] };
}

// ---------------------------------------------------------------------------------------------
// Main

function checkText(r: ImplResult): string {
  if (!r.check) return "";
  const ref = r.check.reference.replace(/^float64 (\d+) points$/, (_, n: string) => `float64 ${Math.round(Number(n) / 1000)}k pts`);
  return r.check.crossCheckedWith ? `${ref} + all vs fcn` : ref;
}

/**
 * --threads N: per shape, fcn-wasm's 1-thread median / its N-thread median; their geometric mean
 * and minimum over the shapes of at least 0.2 GFLOP (the targets: ≥ 1.75× and ≥ 1.4× for
 * N = 2); and each ConvTranspose shape's fcn-wasm ×N against onnxruntime-web ×N.
 */
function threadSummary(shapeResults: ShapeResult[], T: number): { text: string; json: object } {
  const one = "fcn-wasm relaxed", many = `fcn-wasm relaxed ×${T}`, ort = `onnxruntime-web ×${T}`;
  const ms = (s: ShapeResult, name: string) => {
    const r = s.results.find((x) => x.implementation === name);
    return r?.status === "ok" ? r.medianMs! : null;
  };
  const lines: string[] = [`${T} threads vs 1 (fcn-wasm relaxed; speed-up = 1-thread median / ${T}-thread median):`];
  const rows: { shape: string; gflop: number; speedup: number | null; vsOrt: number | null }[] = [];
  for (const s of shapeResults) {
    const a = ms(s, one), b = ms(s, many), o = ms(s, ort);
    const speedup = a !== null && b !== null ? a / b : null;
    const vsOrt = opType(s.shape) === "ConvTranspose" && b !== null && o !== null ? o / b : null;
    rows.push({ shape: s.shape.name, gflop: (2 * s.macs) / 1e9, speedup, vsOrt });
    lines.push(`  ${s.shape.name.padEnd(40)} ${((2 * s.macs) / 1e9).toFixed(2).padStart(6)} GFLOP  ×${T}/×1 ${speedup === null ? "  n/a" : speedup.toFixed(2)}` +
      (vsOrt === null ? "" : `   vs ${ort} ${vsOrt.toFixed(2)}×`));
  }
  const big = rows.filter((r) => r.gflop >= 0.2 && r.speedup !== null).map((r) => r.speedup!);
  const geomean = big.length ? Math.exp(big.reduce((acc, v) => acc + Math.log(v), 0) / big.length) : null;
  const min = big.length ? Math.min(...big) : null;
  lines.push(big.length
    ? `  over the ${big.length} shapes of ≥ 0.2 GFLOP: geomean ${geomean!.toFixed(2)}×, min ${min!.toFixed(2)}× (targets for 2 threads: ≥ 1.75×, none below 1.4×)`
    : "  no shape of ≥ 0.2 GFLOP in this run");
  const ct = rows.filter((r) => r.vsOrt !== null).map((r) => r.vsOrt!);
  if (ct.length) {
    const g = Math.exp(ct.reduce((acc, v) => acc + Math.log(v), 0) / ct.length);
    lines.push(`  ConvTranspose, fcn-wasm ×${T} vs ${ort}: geomean ${g.toFixed(2)}×, min ${Math.min(...ct).toFixed(2)}× (target ≥ 2.5×)`);
  }
  return { text: lines.join("\n"), json: { threads: T, rows, geomeanAtLeast02Gflop: geomean, minAtLeast02Gflop: min } };
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const plan = options.quick ? QUICK : FULL;
  const shapes = options.filters.length === 0 ? [...SHAPES] : SHAPES.filter((s) => options.filters.some((f) => selectShapes(f).includes(s)));
  if (options.list) {
    const width = Math.max(...SHAPES.map((s) => s.name.length));
    for (const s of SHAPES) console.log(`${s.group.padEnd(8)} ${s.name.padEnd(width)} ${(macs(s) / 1e6).toFixed(1).padStart(8)} MMAC`);
    return 0;
  }
  if (shapes.length === 0) {
    console.error(`bench: no shape matches ${options.filters.map((f) => JSON.stringify(f)).join(" or ")} (see --list)`);
    return 2;
  }

  const started = performance.now();
  const impls: Implementation[] = [];
  const relaxed = fcnWasm("relaxed");
  const tryInit = async (impl: Implementation) => {
    progress(`loading ${impl.name}`);
    try {
      await impl.init();
      impls.push(impl);
    } catch (e) {
      console.error(`bench: ${impl.name} could not load, left out: ${errorText(e)}`);
    }
  };
  const T = options.threads;
  await tryInit(relaxed);
  if (T > 1) await tryInit(fcnWasm("relaxed", "auto", T));
  else await tryInit(fcnWasm("simd"));
  if (options.algorithms && impls.includes(relaxed)) {
    // ConvTranspose's three and Conv's im2col-gemm and im2col-skinny ("depthwise" forces the direct kernel of either op)
    for (const algorithm of ["subpixel", "gemm-col2im", "depthwise", "im2col-gemm", "im2col-skinny"]) impls.push(fcnWasm("relaxed", algorithm, T));
  }
  await tryInit(onnxruntimeWeb(T));
  if (T === 1) await tryInit(tfjsWasm()); // a threads run compares fcn-wasm with itself and ort ×N

  const shapeResults: ShapeResult[] = [];
  for (const [i, shape] of shapes.entries()) shapeResults.push(await runShape(shape, i, shapes.length, impls, plan));
  progressDone();
  const elapsed = (performance.now() - started) / 1e3;

  // Table.
  const rows: ResultRow[] = shapeResults.flatMap(({ shape, results }) =>
    results.map((r) => ({ shape: shape.name, implementation: r.implementation, status: r.status, reason: r.reason, medianMs: r.medianMs, gflops: r.gflops, vsBestPeer: r.vsBestPeer, check: checkText(r) })),
  );
  const machine = {
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    threads: T,
  };
  const threadNote = T > 1 ? `fcn-wasm on 1 and ${T} threads, onnxruntime-web on ${T}` : "every implementation on 1 thread";
  console.log(`fcn-wasm benchmark: ${machine.node}, ${machine.cpu} (${machine.cores} cores), ${threadNote}; ${options.quick ? "--quick" : "full"} run, ${plan.rounds} interleaved rounds, median of all samples; ${elapsed.toFixed(0)} s.`);
  console.log(`GFLOP/s = 2·MACs / median time; vs best peer = fastest peer's median / this median (> 1: faster). check: float64 naive reference at all output elements or a seeded sample; "+ all vs fcn": every element also compared with the first fcn-wasm output.\n`);
  console.log(formatTable(rows));
  const threadsSummary = T > 1 ? threadSummary(shapeResults, T) : null;
  if (threadsSummary) console.log(`\n${threadsSummary.text}`);

  // JSON.
  const dir = fileURLToPath(new URL("./results/", import.meta.url));
  mkdirSync(dir, { recursive: true });
  const json = {
    date: new Date().toISOString(),
    machine,
    run: { quick: options.quick, filters: options.filters, algorithms: options.algorithms, threads: T, plan, elapsedSeconds: elapsed },
    ...(threadsSummary ? { threads: threadsSummary.json } : {}),
    implementations: Object.fromEntries(impls.map((i) => [i.name, { peer: i.peer, ...i.describe() }])),
    units: { medianMs: "ms per call", gflops: "2·MACs / median time", vsBestPeer: "fastest peer's median / this median" },
    shapes: shapeResults.map(({ shape, macs: m, results }) => ({ ...shape, macs: m, results })),
  };
  writeFileSync(dir + "latest.json", JSON.stringify(json, null, 1) + "\n");

  // Stride-sweep plot (only when the run had sweep shapes).
  const sweep = shapeResults.filter((s) => s.shape.group === "sweep");
  let wrote = [dir + "latest.json"];
  if (sweep.length > 0) {
    const series: Series[] = impls.map((impl) => ({
      name: impl.name,
      points: sweep.map((s) => {
        const r = s.results.find((x) => x.implementation === impl.name);
        return { stride: s.shape.kind === "gemm" ? 0 : s.shape.strides[0], gflops: r?.status === "ok" ? r.gflops! : null };
      }),
    })).filter((s, i) => impls[i].peer || s.points.some((p) => p.gflops !== null)); // drop forced algorithms that never apply
    const svg = strideSweepSvg(series, "ConvTranspose stride sweep: 32→32 channels, 32×32 input, k = 2s, p = ⌊s/2⌋", `${machine.node}, ${machine.cpu}, 1 thread, batch 1, ${options.quick ? "quick run" : "full run"}, ${json.date.slice(0, 10)}`);
    writeFileSync(dir + "stride-sweep.svg", svg);
    wrote.push(dir + "stride-sweep.svg");
  }
  const rel = (p: string) => p.replace(fileURLToPath(new URL("../", import.meta.url)), "");
  wrote = wrote.map(rel);
  console.log(`\nwrote ${wrote.join(", ")}`);

  const failed = rows.filter((r) => r.status === "failed");
  if (failed.length > 0) {
    console.log(`\n${failed.length} FAILED (not timed, or timing stopped):`);
    for (const f of failed) console.log(`  ${f.shape} · ${f.implementation}: ${f.reason}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    progressDone();
    console.error(e);
    process.exit(1);
  },
);
