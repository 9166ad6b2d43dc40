// The worker pool (README "Threads"): every op gives bit-identical results with 1, 2 and 3 threads, at
// real sizes (the default split thresholds) and at tiny sizes with the thresholds lowered so every
// split and its tails run; Net (resident plan, FCN-8s and a 3-D U-Net) forward and backward too. The pool survives a
// worker that throws, exits or hangs (PoolError on the call, the next call right), and a Node
// process exits after dispose().
// This file switches ready()'s threads; vitest runs each test file in its own process, so other
// files never see a pool.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fcn, randArray, rng } from "./lib.js";
import type { GraphSpec, Tensor } from "../dist/index.js";
import { runtime } from "../dist/runtime/runtime.js";
import { splitThresholds } from "../dist/ops/run.js";
import { setPoolTimeout } from "../dist/runtime/pool.js";
import { FAULT_EXIT, FAULT_HANG, FAULT_THROW } from "../dist/runtime/control.js";

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function rand(r: () => number, shape: number[]): Tensor {
  return fcn.tensor(randArray(r, size(shape)), shape);
}

/** All of a result's numbers in one array (ops that return several tensors). */
function flat(out: Tensor | Record<string, Tensor> | Map<string, Tensor>): Float32Array {
  const parts = "data" in out ? [out as Tensor] : out instanceof Map ? [...out.values()] : Object.values(out);
  const all = new Float32Array(parts.reduce((n, t) => n + t.data.length, 0));
  let o = 0;
  for (const t of parts) {
    all.set(t.data, o);
    o += t.data.length;
  }
  return all;
}

function expectSameBits(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  const ug = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const uw = new Uint32Array(want.buffer, want.byteOffset, want.length);
  const i = ug.findIndex((v, j) => v !== uw[j]);
  expect(i, `${what}: first differing element ${i} (${got[i]} vs ${want[i]})`).toBe(-1);
}

type Case = [string, () => Tensor | Record<string, Tensor> | Map<string, Tensor>];

/** Ops at sizes that pass the default split thresholds (each ≥ 2 threads' worth of work). */
function realCases(): Case[] {
  const r = rng(11);
  const a = rand(r, [200, 300]), b = rand(r, [300, 260]), bt = rand(r, [260, 300]), c = rand(r, [200, 1]);
  const narrow = rand(r, [300, 20]), tall = rand(r, [1500, 300]);
  const x = rand(r, [2, 32, 40, 40]), w = rand(r, [48, 32, 3, 3]), bias = rand(r, [48]);
  const xg = rand(r, [1, 32, 56, 56]), wg = rand(r, [64, 8, 3, 3]);
  const xp = rand(r, [1, 64, 48, 48]), wp = rand(r, [96, 64, 1, 1]);
  const x1 = rand(r, [2, 32, 1000]), w1 = rand(r, [48, 32, 5]);
  const xt = rand(r, [1, 64, 16, 16]), wt = rand(r, [64, 32, 4, 4]), bt2 = rand(r, [32]);
  const xt1 = rand(r, [1, 48, 24, 24]), wt1 = rand(r, [48, 40, 3, 3]);
  const xd = rand(r, [2, 21, 32, 32]), wd = rand(r, [21, 1, 16, 16]), wd2 = rand(r, [21, 2, 6, 6]);
  const xm = rand(r, [2, 64, 64, 64]);
  const dyc = rand(r, [2, 48, 20, 20]);
  const dyt = rand(r, [1, 32, 32, 32]);
  const convAttrs = { pads: 1, strides: 2 };
  return [
    ["gemm 200×300·300×260 + c[M,1]", () => fcn.gemm(a, b, c, { alpha: 0.5, beta: 2 })],
    ["gemm transB", () => fcn.gemm(a, bt, null, { transB: true })],
    ["gemm transA, narrow N (row split)", () => fcn.gemm(fcn.tensor(tall.data, [300, 1500]), narrow, null, { transA: true })],
    ["matmul batch 3", () => fcn.matmul(rand(rng(3), [3, 100, 200]), rand(rng(4), [200, 200]))],
    ["conv 3×3 s2 p1 batch 2 + bias", () => fcn.conv(x, w, bias, convAttrs)],
    ["conv grouped (4) dilated 2", () => fcn.conv(xg, wg, null, { group: 4, dilations: 2, pads: 2 })],
    ["conv pointwise", () => fcn.conv(xp, wp)],
    ["conv 128->256 10x10 (output-channel split)", () => fcn.conv(rand(rng(7), [1, 128, 10, 10]), rand(rng(8), [256, 128, 3, 3]), null, { pads: 1 })],
    ["convTranspose sub-pixel k16 s8 (output-channel split)", () => fcn.convTranspose(rand(rng(9), [1, 16, 12, 12]), rand(rng(10), [16, 16, 16, 16]), null, { strides: 8, pads: 4 }, { algorithm: "subpixel" })],
    ["conv 1-D k5 s1", () => fcn.conv(x1, w1, null, { pads: 2 })],
    ["convTranspose sub-pixel k4 s2", () => fcn.convTranspose(xt, wt, bt2, { strides: 2, pads: 1 }, { algorithm: "subpixel" })],
    ["convTranspose gemm-col2im k4 s2", () => fcn.convTranspose(xt, wt, bt2, { strides: 2, pads: 1 }, { algorithm: "gemm-col2im" })],
    ["convTranspose gemm-col2im dilated", () => fcn.convTranspose(xt, wt, null, { strides: 2, dilations: 2 }, { algorithm: "gemm-col2im" })],
    ["convTranspose sub-pixel stride 1 (runs as conv)", () => fcn.convTranspose(xt1, wt1, null, { pads: 1 }, { algorithm: "subpixel" })],
    ["convTranspose depthwise k16 s8", () => fcn.convTranspose(xd, wd, null, { strides: 8, pads: 4, group: 21 })],
    ["convTranspose depthwise multiplier 2", () => fcn.convTranspose(xd, wd2, null, { strides: 3, group: 21 }, { algorithm: "depthwise" })],
    ["resize linear pytorch_half_pixel 21×56² → 224² (plane split)", () => fcn.resize(rand(rng(12), [1, 21, 56, 56]), { mode: "linear", coordinateTransformationMode: "pytorch_half_pixel", sizes: [224, 224] })],
    ["resize nearest 2 × 21×56² → 112²", () => fcn.resize(rand(rng(13), [2, 21, 56, 56]), { mode: "nearest", scales: 2 })],
    ["maxPool 3×3 s2 ceil", () => fcn.maxPool(xm, { kernelShape: 3, strides: 2, ceilMode: true })],
    ["maxPoolBackward", () => fcn.maxPoolBackward(rand(rng(5), [2, 64, 31, 31]), xm, { kernelShape: 3, strides: 2 })],
    ["im2col 3×3 p1", () => fcn.im2col(xm, { kernelShape: 3, pads: 1 })],
    ["col2im 3×3 p1", () => fcn.col2im(rand(rng(6), [1, 64 * 9, 900]), { imageShape: [30, 30], kernelShape: 3, pads: 1 })],
    ["convBackward", () => fcn.convBackward(dyc, x, w, convAttrs)],
    ["convTransposeBackward", () => fcn.convTransposeBackward(dyt, xt, wt, { strides: 2, pads: 1 })],
  ];
}

/** Tiny ops (every split forced by lowered thresholds): tails, fewer units than threads, groups. */
function tinyCases(): Case[] {
  const r = rng(21);
  const cases: Case[] = [];
  for (let i = 0; i < 6; i++) {
    const N = 1 + (i % 2), group = [1, 2, 3][i % 3], Cg = 1 + (i % 4), Mg = 1 + ((i * 3) % 5);
    const k = 1 + (i % 4), s = 1 + (i % 3), H = 5 + i, W = 7 + (i % 3);
    const x = rand(r, [N, group * Cg, H, W]);
    const wc = rand(r, [group * Mg, Cg, k, k]);
    const attrs = { group, strides: s, pads: Math.floor(k / 2) };
    cases.push([`conv N${N} g${group} C${group * Cg} M${group * Mg} k${k} s${s} ${H}×${W}`, () => fcn.conv(x, wc, null, attrs)]);
    cases.push([`convBackward same`, () => fcn.convBackward(fcn.conv(x, wc, null, attrs), x, wc, attrs)]);
    const wt = rand(r, [group * Cg, Mg, k + 1, k + 1]);
    for (const algorithm of ["subpixel", "gemm-col2im"] as const) {
      cases.push([`convTranspose ${algorithm} N${N} g${group} k${k + 1} s${s}`, () => fcn.convTranspose(x, wt, null, { group, strides: s }, { algorithm })]);
    }
    cases.push([`convTransposeBackward N${N} g${group}`, () => {
      const y = fcn.convTranspose(x, wt, null, { group, strides: s });
      return fcn.convTransposeBackward(y, x, wt, { group, strides: s });
    }]);
    const xd = rand(r, [N, 3 + i, H, W]), wd = rand(r, [3 + i, 1 + (i % 2), k + 1, k + 1]);
    cases.push([`convTranspose depthwise C${3 + i}`, () => fcn.convTranspose(xd, wd, null, { group: 3 + i, strides: s })]);
    cases.push([`maxPool k${k + 1}`, () => fcn.maxPool(xd, { kernelShape: k + 1, strides: s })]);
    cases.push([`im2col k${k}`, () => fcn.im2col(xd, { kernelShape: k, strides: s })]);
    // N wide enough for column panels on 3 threads (4·16 columns each at least), ragged at the end
    cases.push([`gemm ${5 + i}×${3 + i}·${3 + i}×${197 + 2 * i}`, () => fcn.gemm(rand(rng(i), [5 + i, 3 + i]), rand(rng(i + 9), [3 + i, 197 + 2 * i]))]);
  }
  return cases;
}

function netCase(): Case {
  const spec = fcn.fcn({ variant: "8s", classes: 3, widths: [4, 6, 8, 8, 8], fc: 12, learnUpsampling: true, inputShape: [1, 3, 48, 40] });
  const x = rand(rng(31), [1, 3, 48, 40]);
  return ["Net FCN-8s forward and backward (resident plan)", () => {
    const net = fcn.Net.fromGraph(spec, undefined, { seed: 7 });
    const y = net.run(x);
    const grads = net.backward(fcn.tensor(randArray(rng(32), size(y.shape)), y.shape.slice()));
    grads.set("output", y);
    net.dispose();
    return grads;
  }];
}

function fusedNetCase(): Case {
  // conv with a fused activation in its per-band epilogue (several bands, split over threads),
  // a depthwise conv with the hard-swish form, a sub-pixel ConvTranspose with LeakyRelu
  const spec = {
    input: { name: "x", shape: [1, 16, 48, 48] }, output: "t",
    layers: [
      { name: "a", op: "Conv", inputs: ["x"], attrs: { outChannels: 32, kernelShape: [3, 3], pads: 1, activation: { op: "Clip", attrs: { min: 0, max: 6 } } } },
      { name: "d", op: "Conv", inputs: ["a"], attrs: { outChannels: 32, kernelShape: [3, 3], pads: 1, group: 32, activation: { op: "Clip", attrs: { min: 0, max: 6 }, form: "x*f(x+3)/6" } } },
      { name: "t", op: "ConvTranspose", inputs: ["d"], attrs: { outChannels: 8, kernelShape: [4, 4], strides: 2, pads: 1, activation: { op: "LeakyRelu", attrs: { alpha: 0.1 } } } },
    ],
  } as GraphSpec;
  const x = rand(rng(33), [1, 16, 48, 48]);
  return ["Net with fused conv activations (resident inference plan)", () => {
    const net = fcn.Net.fromGraph(spec, undefined, { seed: 8 });
    const y = net.run(x);
    net.dispose();
    return y;
  }];
}

function volumeNetCase(): Case {
  // a 3-D U-Net: im2col + GEMM convs in bands of depth slices, maxPool's separable passes, a
  // trilinear GEMM + col2im upsampling, Concat; forward and backward on the resident training plan
  const spec = {
    input: { name: "x", shape: [2, 2, 12, 12, 12] }, output: "score",
    layers: [
      { name: "enc", op: "Conv", inputs: ["x"], attrs: { outChannels: 8, kernelShape: [3, 3, 3], pads: 1, activation: { op: "Relu" } } },
      { name: "pool", op: "MaxPool", inputs: ["enc"], attrs: { kernelShape: [2, 2, 2], strides: [2, 2, 2] } },
      { name: "mid", op: "Conv", inputs: ["pool"], attrs: { outChannels: 8, kernelShape: [3, 3, 3], pads: 1, activation: { op: "Relu" } } },
      { name: "up", op: "ConvTranspose", inputs: ["mid"], attrs: { outChannels: 8, kernelShape: [2, 2, 2], strides: [2, 2, 2], init: "bilinear" } },
      { name: "skip", op: "Concat", inputs: ["up", "enc"], attrs: { axis: 1 } },
      { name: "score", op: "Conv", inputs: ["skip"], attrs: { outChannels: 2, kernelShape: [3, 3, 3], pads: 1 } },
    ],
  } as GraphSpec;
  const x = rand(rng(34), [2, 2, 12, 12, 12]);
  return ["Net 3-D U-Net forward and backward (resident training plan)", () => {
    const net = fcn.Net.fromGraph(spec, undefined, { seed: 9 });
    net.training = true;
    const y = net.run(x);
    const grads = net.backward(fcn.tensor(randArray(rng(35), size(y.shape)), y.shape.slice()));
    grads.set("output", y);
    net.dispose();
    return grads;
  }];
}

function runAll(cases: Case[]): Float32Array[] {
  return cases.map(([, f]) => flat(f()));
}

describe("threads: results identical to one thread", () => {
  const real = realCases(), tiny = tinyCases(), net = [netCase(), fusedNetCase(), volumeNetCase()];
  const want: Record<string, Float32Array[]> = {};
  beforeAll(async () => {
    await fcn.ready({ threads: 1 });
    want.real = runAll(real);
    want.tiny = runAll(tiny);
    want.net = runAll(net);
  });
  afterAll(() => fcn.dispose());

  for (const threads of [2, 3]) {
    it(`${threads} threads: runtime info`, async () => {
      const info = await fcn.ready({ threads });
      expect(info.threads).toBe(threads);
      expect(info.build).toMatch(/-threads$/);
      expect(info.threadsReason).toMatch(/worker/);
    });
    it(`${threads} threads: ops at real sizes`, async () => {
      await fcn.ready({ threads });
      const pool = runtime().pool!;
      const notSplit: string[] = [];
      real.forEach(([name, f], i) => {
        const before = pool.dispatches;
        expectSameBits(flat(f()), want.real[i], `${name}, ${threads} threads`);
        if (pool.dispatches === before) notSplit.push(name);
      });
      expect(notSplit, "ops that did not split over the pool").toEqual([]);
    });
    it(`${threads} threads: tiny ops with every split forced`, async () => {
      await fcn.ready({ threads });
      const saved = { ...splitThresholds };
      splitThresholds.macs = 1;
      splitThresholds.bytes = 1;
      try {
        // Some tiny cases cannot split at all (one output channel and one image); every kind of
        // op must split in some of its cases, or the forced thresholds test nothing.
        const pool = runtime().pool!;
        const kind = (name: string) => name.split(" ").slice(0, name.startsWith("convTranspose ") ? 2 : 1).join(" ");
        const split = new Map<string, boolean>();
        tiny.forEach(([name, f], i) => {
          const before = pool.dispatches;
          expectSameBits(flat(f()), want.tiny[i], `${name}, ${threads} threads`);
          split.set(kind(name), (split.get(kind(name)) ?? false) || pool.dispatches > before);
        });
        expect([...split].filter(([, s]) => !s).map(([k]) => k), "kinds of tiny op that never split with the thresholds at 1").toEqual([]);
        net.forEach(([name, f], i) => expectSameBits(flat(f()), want.net[i], `${name}, ${threads} threads, forced splits`));
      } finally {
        Object.assign(splitThresholds, saved);
      }
    });
    it(`${threads} threads: Net at default thresholds`, async () => {
      await fcn.ready({ threads });
      net.forEach(([name, f], i) => expectSameBits(flat(f()), want.net[i], `${name}, ${threads} threads`));
    });
  }
});

describe("threads: the SIMD128 build's threads variant", () => {
  afterAll(() => fcn.dispose());
  it("simd-threads with 2 threads equals the simd build on 1, bit for bit", async () => {
    const r = rng(51);
    const x = rand(r, [1, 48, 48, 48]), w = rand(r, [32, 48, 4, 4]), attrs = { strides: 2, pads: 1 };
    const run = () => {
      const y = fcn.conv(x, w, null, attrs);
      const back = fcn.convBackward(y, x, w, attrs);
      return flat({ y, up: fcn.convTranspose(y, w, null, attrs), ...back });
    };
    await fcn.ready({ simd: "simd", threads: 1 });
    const want = run();
    const info = await fcn.ready({ simd: "simd", threads: 2 });
    expect(info.build).toBe("simd-threads");
    const before = runtime().pool!.dispatches;
    expectSameBits(run(), want, "conv, convTranspose, convBackward on simd-threads");
    expect(runtime().pool!.dispatches).toBeGreaterThan(before);
  });
});

describe("threads: the pool survives a failing worker", () => {
  const r = rng(41);
  const x = rand(r, [1, 32, 40, 40]), w = rand(r, [64, 32, 3, 3]);
  let want: Float32Array;
  const faultPtr = () => runtime().arena.allocResident(64, "test fault program");
  const fault = (kind: number) => {
    const rt = runtime();
    const ptr = faultPtr();
    try {
      rt.pool!.fault(kind, ptr);
    } finally {
      rt.arena.freeResident(ptr);
    }
  };
  // A replacement worker starts in ~0.1 s on an idle machine; the bound is for a loaded one.
  const waitForWorkers = async (n: number) => {
    for (const until = Date.now() + 60_000; runtime().pool!.liveWorkers() < n && Date.now() < until;) await new Promise((res) => setTimeout(res, 10));
    expect(runtime().pool!.liveWorkers()).toBe(n);
  };
  beforeAll(async () => {
    await fcn.ready({ threads: 1 });
    want = fcn.conv(x, w, null, { pads: 1 }).data;
    await fcn.ready({ threads: 3 });
  });
  afterAll(() => fcn.dispose());

  it("a worker that throws: PoolError (an FcnWasmError) naming it; the next call is right", () => {
    expect(() => fault(FAULT_THROW)).toThrow(fcn.PoolError);
    expect(() => fault(FAULT_THROW)).toThrow(/worker threw: fault injected/);
    expect(new fcn.PoolError("x")).toBeInstanceOf(fcn.FcnWasmError);
    expectSameBits(fcn.conv(x, w, null, { pads: 1 }).data, want, "conv after a throw");
  });
  it("a worker that exits: PoolError; the call after is right at once; the worker is replaced", async () => {
    expect(() => fault(FAULT_EXIT)).toThrow(/exited/);
    expectSameBits(fcn.conv(x, w, null, { pads: 1 }).data, want, "conv right after an exit");
    await waitForWorkers(2);
    expectSameBits(fcn.conv(x, w, null, { pads: 1 }).data, want, "conv with the replacement");
  }, 180_000); // waiting for the replacement may take long on a loaded machine
  it("a worker that hangs: PoolError after the time limit, no hang; the worker is replaced", async () => {
    const old = setPoolTimeout(300);
    try {
      expect(() => fault(FAULT_HANG)).toThrow(/did not finish/); // a hang would time the test out instead
    } finally {
      setPoolTimeout(old);
    }
    expectSameBits(fcn.conv(x, w, null, { pads: 1 }).data, want, "conv right after a hang");
    await waitForWorkers(2);
    expectSameBits(fcn.conv(x, w, null, { pads: 1 }).data, want, "conv with the replacement");
  }, 180_000);
  it("ops throw NotReadyError after dispose(), and work after ready() again", async () => {
    await fcn.dispose();
    expect(() => fcn.conv(x, w)).toThrow(fcn.NotReadyError);
    await fcn.ready({ threads: 2 });
    expectSameBits(fcn.conv(x, w, null, { pads: 1 }).data, want, "conv after a new ready()");
  });
});

describe("threads: process exit", () => {
  it("a Node process that used 2 threads exits after dispose()", () => {
    const index = fileURLToPath(new URL("../dist/index.js", import.meta.url));
    const script = `
      const fcn = await import(${JSON.stringify(index)});
      const info = await fcn.ready({ threads: 2 });
      const x = fcn.tensor(new Float32Array(64 * 32 * 32).fill(0.5), [1, 64, 32, 32]);
      const w = fcn.tensor(new Float32Array(64 * 64 * 9).fill(0.25), [64, 64, 3, 3]);
      const y = fcn.conv(x, w, null, { pads: 1 });
      await fcn.dispose();
      console.log(info.threads, y.data[500]);`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
    expect(child.error, String(child.error)).toBeUndefined();
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe("2 72");
  });

  it("a Node script that awaits an async op on the pool gets its result before it exits", () => {
    const index = fileURLToPath(new URL("../dist/index.js", import.meta.url));
    // Nothing else keeps the event loop alive while the op runs on a worker.
    const script = `
      const fcn = await import(${JSON.stringify(index)});
      await fcn.ready({ threads: 2 });
      const a = fcn.tensor(new Float32Array(256 * 256).fill(0.5), [256, 256]);
      const y = await fcn.gemmAsync(a, a);
      const x = fcn.tensor(new Float32Array(64 * 32 * 32).fill(0.5), [1, 64, 32, 32]);
      const w = fcn.tensor(new Float32Array(64 * 64 * 9).fill(0.25), [64, 64, 3, 3]);
      const z = await fcn.convAsync(x, w, null, { pads: 1 });
      console.log(y.data[0], z.data[500]);`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
    expect(child.error, String(child.error)).toBeUndefined();
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe("64 72");
  });
});
