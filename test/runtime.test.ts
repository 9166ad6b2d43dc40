// Robustness of the runtime (README "Errors"): the module keeps working after every
// kind of error; ops that need more than wasm32's 4 GiB throw OutOfMemoryError quickly; ready()
// options; inputs are never mutated; results never alias wasm memory; the arena does not leak.
// Everything is observed through the public API only (plus process.memoryUsage() for memory).
import { availableParallelism } from "node:os";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";
import { beforeEach, describe, expect, it } from "vitest";
import { BUILDS, fcn, randArray, rng, useBuild } from "./lib.js";
import { buildReason } from "../dist/runtime/runtime.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type ErrorClass = new (message: string) => Error;
const F = fcn as any; // for deliberately ill-typed calls
type BuildName = (typeof BUILDS)[number];

const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** A tensor of `shape` filled with 1, 2, 3, … */
function T(shape: number[]): fcn.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return fcn.tensor(Float32Array.from({ length: n }, (_, i) => i + 1), shape);
}

function ones(shape: number[]): fcn.Tensor {
  return fcn.tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape);
}

function wasmFile(build: BuildName): string {
  return fileURLToPath(new URL(`../dist/wasm/fcn-wasm.${build}.wasm`, import.meta.url));
}

/** Loads the build from its bytes: a new runtime with a new (small) WebAssembly.Memory. */
async function freshRuntime(build: BuildName): Promise<void> {
  const info = await fcn.ready({ wasm: readFileSync(wasmFile(build)) });
  expect(info.build).toBe("custom");
}

const external = () => process.memoryUsage().external;

// A full GC before measuring, so that garbage freed during a measurement (an earlier runtime's
// memory, earlier results) cannot hide growth.
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
async function settle(): Promise<void> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 5));
  gc();
}

/** Plain-JS matmul reference. */
function matmulRef(a: Float32Array, b: Float32Array, M: number, K: number, N: number): Float32Array {
  const y = new Float32Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += a[i * K + k] * b[k * N + j];
    y[i * N + j] = s;
  }
  return y;
}

function expectData(t: fcn.Tensor, shape: number[], data: number[]): void {
  expect(t.shape).toEqual(shape);
  expect(Array.from(t.data)).toEqual(data);
}

/** Valid ops with known answers: the module works. */
function battery(): void {
  // README's example: upsample ×2 with a 2×2 kernel of ones (depthwise transposed conv)
  expectData(fcn.convTranspose(fcn.tensor([1, 2, 3, 4], [1, 1, 2, 2]), ones([1, 1, 2, 2]), null, { strides: 2 }),
    [1, 1, 4, 4], [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  // transposed conv over 2 channels, on the sub-pixel and the GEMM + col2im paths
  for (const algorithm of ["subpixel", "gemm-col2im"] as const) {
    expectData(fcn.convTranspose(T([1, 2, 1, 2]), ones([2, 1, 1, 2]), null, {}, { algorithm }), [1, 1, 1, 3], [4, 10, 6]);
  }
  // conv (im2col + GEMM) with bias
  expectData(fcn.conv(T([1, 1, 3, 3]), ones([1, 1, 2, 2]), fcn.tensor([0.5], [1])), [1, 1, 2, 2], [12.5, 16.5, 24.5, 28.5]);
  // gemm with c
  expectData(fcn.gemm(T([2, 2]), fcn.tensor([5, 6, 7, 8], [2, 2]), fcn.tensor([1], [1])), [2, 2], [20, 23, 44, 51]);
  expectData(fcn.maxPool(T([1, 1, 4, 4]), { kernelShape: 2, strides: 2 }), [1, 1, 2, 2], [6, 8, 14, 16]);
  expectData(fcn.im2col(T([1, 1, 2, 3]), { kernelShape: [2, 2] }), [1, 4, 2], [1, 2, 2, 3, 4, 5, 5, 6]);
  expectData(fcn.col2im(ones([1, 4, 2]), { imageShape: [2, 3], kernelShape: [2, 2] }), [1, 1, 2, 3], [1, 2, 1, 1, 2, 1]);
  expectData(fcn.add(T([2, 2]), fcn.tensor([10, 20], [2])), [2, 2], [11, 22, 13, 24]);
  expectData(fcn.relu(fcn.tensor([-1, 2, -3, 4], [4])), [4], [0, 2, 0, 4]);
  expectData(fcn.crop(T([1, 1, 3, 3]), { offsets: [1, 1], shape: [2, 2] }), [1, 1, 2, 2], [5, 6, 8, 9]);
  // a GEMM large enough to use the packed, blocked kernel
  const r = rng(11);
  const a = randArray(r, 37 * 300), b = randArray(r, 300 * 29);
  const y = fcn.matmul(fcn.tensor(a, [37, 300]), fcn.tensor(b, [300, 29]));
  const want = matmulRef(a, b, 37, 300, 29);
  expect(y.shape).toEqual([37, 29]);
  for (let i = 0; i < want.length; i++) expect(Math.abs(y.data[i] - want[i])).toBeLessThan(1e-3);
}

/** Runs `call`, which must throw quickly: an instance of `cls` if given, else anything. */
function expectFails(call: () => unknown, cls: ErrorClass | null): unknown {
  let err: unknown = undefined;
  let threw = false;
  try {
    call();
  } catch (e) {
    err = e;
    threw = true;
  }
  expect(threw, "expected the call to throw").toBe(true);
  if (cls !== null) expect(err).toBeInstanceOf(cls);
  return err;
}

// One trigger per kind of failure. `cls` null: any error (the class is checked elsewhere).
const TRIGGERS: [string, () => unknown, ErrorClass | null][] = [
  ["ShapeError", () => fcn.conv(T([1, 2, 5, 5]), T([3, 3, 3, 3])), fcn.ShapeError],
  ["AttributeError", () => F.conv(T([1, 2, 5, 5]), T([3, 2, 3, 3]), null, { stride: 2 }), fcn.AttributeError],
  ["UnsupportedError (Winograd on a 3-D conv)", () => fcn.conv(T([1, 1, 2, 2, 2]), T([1, 1, 1, 1, 1]), null, {}, { algorithm: "winograd" }), fcn.UnsupportedError],
  ["UnsupportedError (forced algorithm)", () => fcn.convTranspose(T([1, 2, 3, 3]), T([2, 1, 2, 2]), null, {}, { algorithm: "depthwise" }), fcn.UnsupportedError],
  ["OutOfMemoryError before any allocation", () => fcn.gemm(ones([70000, 1]), ones([1, 70000])), fcn.OutOfMemoryError],
  ["OutOfMemoryError after the inputs were copied in", () => fcn.conv(ones([1, 1, 1, 300000]), ones([1, 1, 1, 1]), null, { pads: [0, 2 ** 30, 0, 2 ** 30] }), fcn.OutOfMemoryError],
  ["OutOfMemoryError in a workspace after the output was allocated",
    () => fcn.convTranspose(ones([1, 2, 1, 40000]), ones([2, 1, 1, 40000]), null, { dilations: [1, 2] }), fcn.OutOfMemoryError],
  ["a caller's own exception (a throwing getter)", () => fcn.relu({ get data(): Float32Array { throw new Error("boom"); }, shape: [1] }), Error],
  ["a kernel-side failure (strides beyond the int32 range)", () => fcn.conv(T([1, 1, 1, 3]), T([1, 1, 1, 1]), null, { strides: [1, 2 ** 32] }), null],
  ["gemm with c too large for memory", () => fcn.gemm(ones([70000, 1]), ones([1, 70000]), ones([1])), null],
];

describe.each(BUILDS)("runtime (%s build)", (build) => {
  beforeEach(() => useBuild(build));

  // -------------------------------------------------------------------------------------------
  describe("the module keeps working after errors", () => {
    it("known answers before any error (control)", () => {
      battery();
    });
    it.each(TRIGGERS)("after %s", (_name, call, cls) => {
      expectFails(call, cls);
      battery();
    });
    it("after 200 errors of every kind interleaved with valid ops", () => {
      const x = T([1, 3, 6, 6]), w = T([4, 3, 3, 3]);
      const want = Array.from(fcn.conv(x, w, null, { pads: 1 }).data);
      for (let i = 0; i < 200; i++) {
        const [, call, cls] = TRIGGERS[i % TRIGGERS.length];
        expectFails(call, cls);
        expect(Array.from(fcn.conv(x, w, null, { pads: 1 }).data)).toEqual(want);
      }
      battery();
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("OutOfMemoryError", () => {
    // Small inputs whose output or workspace needs more than the 4 GiB wasm32 can address.
    const cases: [string, () => unknown, RegExp][] = [
      ["conv output (huge pads)", () => fcn.conv(ones([1, 1, 1, 1]), ones([1, 1, 1, 1]), null, { pads: [0, 2 ** 30, 0, 2 ** 30] }), /conv/],
      ["conv im2col buffer (long 1-D kernel)", () => fcn.conv(ones([1, 1, 1, 70000]), ones([1, 1, 1, 35000]), null, {}, { algorithm: "im2col-gemm" }), /conv/],
      ["conv depthwise padded plane (huge pads)", () => fcn.conv(ones([1, 2, 1, 1]), ones([2, 1, 1, 1]), null, { group: 2, pads: [0, 6e8, 0, 6e8] }), /conv/],
      ["convTranspose output (stride 2^30, depthwise)", () => fcn.convTranspose(ones([1, 1, 1, 2]), ones([1, 1, 1, 1]), null, { strides: [1, 2 ** 30] }), /convTranspose/],
      ["convTranspose column buffer (GEMM + col2im)", () => fcn.convTranspose(ones([1, 2, 1, 40000]), ones([2, 1, 1, 40000]), null, { dilations: [1, 2] }), /convTranspose/],
      ["convTranspose sub-pixel columns", () => fcn.convTranspose(ones([1, 2, 1, 40000]), ones([2, 1, 1, 40000])), /convTranspose/],
      ["maxPool output (huge pads)", () => fcn.maxPool(ones([1, 2, 1, 1]), { kernelShape: [1, 2 ** 30], pads: [0, 2 ** 30 - 1, 0, 2 ** 30 - 1] }), /maxPool/],
      ["im2col output", () => fcn.im2col(ones([1, 1, 1, 70000]), { kernelShape: [1, 35000] }), /im2col/],
      ["col2im output (one window, huge image)", () => fcn.col2im(ones([1, 1, 1]), { imageShape: [65536, 65536], kernelShape: 1, strides: 65536 }), /col2im/],
      ["gemm output", () => fcn.gemm(ones([70000, 1]), ones([1, 70000])), /gemm/],
      ["gemm output with c", () => fcn.gemm(ones([70000, 1]), ones([1, 70000]), ones([1])), /gemm/],
      ["matmul output", () => fcn.matmul(ones([70000, 1]), ones([1, 70000])), /matmul/],
      ["matmul batched output", () => fcn.matmul(ones([300, 1, 1]), ones([1, 1, 4000000])), /matmul/],
      ["add broadcast output", () => fcn.add(ones([70000, 1]), ones([1, 70000])), /add/],
    ];
    it.each(cases)("%s: thrown quickly, names the op and 4 GiB", (_name, call, op) => {
      const t0 = performance.now();
      const err = expectFails(call, fcn.OutOfMemoryError) as Error;
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(err).toBeInstanceOf(fcn.FcnWasmError);
      expect(err.name).toBe("OutOfMemoryError");
      expect(err.message).toMatch(op);
      expect(err.message).toMatch(/4 GiB/);
      expect(err.message).toMatch(/\d+(\.\d+)? GiB in all|needs/);
      battery();
    });
    it("buffers that fit one by one but not together: thrown quickly", () => {
      // output 2.46 GiB, then an im2col buffer of the same size
      const t0 = performance.now();
      expectFails(() => fcn.conv(ones([1, 1, 1, 1]), ones([1, 1, 1, 1]), null, { pads: [0, 3.3e8, 0, 3.3e8] }), fcn.OutOfMemoryError);
      expect(performance.now() - t0).toBeLessThan(1000);
      battery();
    });
    it("a failed op leaves the wasm memory as it found it (no permanent growth)", async () => {
      await freshRuntime(build);
      battery();
      await settle();
      const before = external();
      expectFails(() => fcn.conv(ones([1, 1, 1, 1]), ones([1, 1, 1, 1]), null, { pads: [0, 3.3e8, 0, 3.3e8] }), fcn.OutOfMemoryError);
      const grown = external() - before;
      expect(grown, `wasm memory grew by ${(grown / GiB).toFixed(2)} GiB for an op that failed`).toBeLessThan(64 * MiB);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("inputs are never mutated", () => {
    it("by any op (every tensor, its shape, its neighbours in a shared buffer, and the attrs)", () => {
      const r = rng(2024);
      const backings: Float32Array[] = [];
      /** A hand-made tensor viewing the middle of a larger buffer, with negatives, NaN and -0. */
      const mk = (shape: number[]) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const backing = randArray(r, n + 7);
        if (n > 2) {
          backing[4] = NaN;
          backing[5] = -0;
        }
        backings.push(backing);
        return { data: backing.subarray(3, 3 + n), shape: shape.slice() } as fcn.Tensor;
      };
      const x = mk([2, 4, 7, 6]), w = mk([6, 2, 3, 3]), b = mk([6]), w1 = mk([5, 4, 1, 1]);
      const x1 = mk([2, 3, 11]), w1d = mk([4, 3, 3]);
      const tx = mk([1, 4, 5, 4]), tw = mk([4, 3, 4, 4]), tb = mk([3]), tdw = mk([4, 1, 4, 4]), tdwb = mk([4]);
      const ga = mk([5, 3]), gb = mk([4, 5]), gc = mk([3, 1]);
      const ma = mk([2, 1, 3, 4]), mb = mk([3, 4, 5]), v = mk([4]);
      const aa = mk([3, 1, 5]), ab = mk([4, 1]);
      const cols = mk([2, 16, 16]);
      const attrs = {
        conv: { pads: [1, 0, 1, 2], strides: [2, 1], dilations: [1, 2], group: 2 },
        conv1: { strides: 2, pads: [1, 1] },
        ct: { strides: [2, 2], pads: [1, 1, 0, 0], outputPadding: [1, 0] },
        ctShape: { strides: 2, outputShape: [10, 9] },
        ctDw: { strides: 2, group: 4 },
        pool: { kernelShape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true },
        i2c: { kernelShape: [2, 3], strides: [2, 1], pads: [0, 1, 1, 0], dilations: [1, 1] },
        c2i: { imageShape: [7, 6], kernelShape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1] },
        gemm: { alpha: 0.5, beta: 2, transA: true, transB: true },
        crop: { offsets: [1, 2], shape: [4, 3] },
      };
      const inputs = [x, w, b, w1, x1, w1d, tx, tw, tb, tdw, tdwb, ga, gb, gc, ma, mb, v, aa, ab, cols];
      const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
      const before = {
        backings: backings.map(bits),
        shapes: inputs.map((t) => t.shape.slice()),
        attrs: JSON.stringify(attrs),
      };

      const outs: fcn.Tensor[] = [
        fcn.conv(x, w, b, attrs.conv),
        fcn.conv(x, w1),
        fcn.conv(x1, w1d, null, attrs.conv1),
        fcn.convTranspose(tx, tw, tb, attrs.ct, { algorithm: "subpixel" }),
        fcn.convTranspose(tx, tw, tb, attrs.ct, { algorithm: "gemm-col2im" }),
        fcn.convTranspose(tx, tw, null, attrs.ctShape),
        fcn.convTranspose(tx, tdw, tdwb, attrs.ctDw),
        fcn.maxPool(x, attrs.pool),
        fcn.im2col(x, attrs.i2c),
        fcn.col2im(cols, attrs.c2i),
        fcn.gemm(ga, gb, gc, attrs.gemm),
        fcn.matmul(ma, mb),
        fcn.matmul(v, mb),
        fcn.add(aa, ab),
        fcn.relu(x),
        fcn.relu(b),
        fcn.crop(x, attrs.crop),
      ];

      expect(backings.map(bits)).toEqual(before.backings);
      expect(inputs.map((t) => t.shape.slice())).toEqual(before.shapes);
      expect(JSON.stringify(attrs)).toBe(before.attrs);
      // and no output shares a buffer with an input
      for (const o of outs) for (const t of inputs) expect(o.data.buffer).not.toBe(t.data.buffer);
      // relu really computed something from the negatives it did not write back
      expect(Array.from(fcn.relu(x).data).every((y) => Number.isNaN(y) || y >= 0)).toBe(true);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("outputs do not alias wasm memory", () => {
    /** Not a WebAssembly.Memory buffer: those are always whole 64 KiB pages. */
    function ownBuffer(t: fcn.Tensor): void {
      expect(t.data).toBeInstanceOf(Float32Array);
      expect(t.data.byteLength % 65536, "test precondition: an output size that is not a page multiple").not.toBe(0);
      expect(t.data.buffer.byteLength % 65536).not.toBe(0);
      expect(t.data.buffer.byteLength).toBeGreaterThanOrEqual(t.data.byteLength);
    }
    function opsWithOutputs(): fcn.Tensor[] {
      return [
        fcn.conv(T([1, 2, 9, 9]), T([3, 2, 3, 3]), T([3])),
        fcn.convTranspose(T([1, 2, 5, 5]), T([2, 3, 3, 3]), null, { strides: 2 }),
        fcn.convTranspose(T([1, 1, 5, 5]), T([1, 1, 2, 2]), null, { strides: 2 }),
        fcn.maxPool(T([1, 2, 9, 9]), { kernelShape: 2 }),
        fcn.im2col(T([1, 2, 9, 9]), { kernelShape: 3 }),
        fcn.col2im(T([1, 8, 16]), { imageShape: [5, 5], kernelShape: 2 }),
        fcn.gemm(T([7, 5]), T([5, 3]), T([3])),
        fcn.matmul(T([2, 7, 5]), T([5, 3])),
        fcn.add(T([3, 5]), T([5])),
        fcn.relu(fcn.tensor(Float32Array.from({ length: 30000 }, (_, i) => i - 15000), [30000])),
        fcn.crop(T([1, 2, 9, 9]), { offsets: [1, 2], shape: [5, 5] }),
      ];
    }
    it("every op's result owns its buffer, and its values survive later ops that grow the memory", async () => {
      await freshRuntime(build); // 2 pages of memory: anything big must grow it
      const results = opsWithOutputs();
      results.forEach(ownBuffer);
      const snapshots = results.map((t) => Float32Array.from(t.data));
      const shapes = results.map((t) => t.shape.slice());
      // ~26 MB output plus ~1 MB input: the memory grows (and its old buffer is detached)
      const big = fcn.im2col(fcn.tensor(new Float32Array(512 * 512).fill(7), [1, 1, 512, 512]), { kernelShape: 5 });
      expect(big.data.length).toBe(25 * 508 * 508);
      expect(big.data[12345]).toBe(7);
      battery();
      results.forEach((t, i) => {
        expect(t.data.length).toBe(snapshots[i].length); // not detached
        expect(t.shape).toEqual(shapes[i]);
        expect(t.data).toEqual(snapshots[i]);
      });
    });
    it("writing into a result changes neither later results nor the module", () => {
      const first = fcn.conv(T([1, 1, 3, 3]), ones([1, 1, 2, 2]));
      const want = Array.from(first.data);
      first.data.fill(-999);
      expect(Array.from(fcn.conv(T([1, 1, 3, 3]), ones([1, 1, 2, 2])).data)).toEqual(want);
      battery();
    });
    it("results survive ready() switching to another runtime", async () => {
      const before = opsWithOutputs();
      const snapshots = before.map((t) => Float32Array.from(t.data));
      await fcn.ready({ simd: build === "simd" ? "relaxed" : "simd" });
      battery();
      before.forEach((t, i) => expect(t.data).toEqual(snapshots[i]));
      await freshRuntime(build);
      const after = opsWithOutputs();
      after.forEach((t, i) => expect(t.data).toEqual(snapshots[i]));
      before.forEach((t, i) => expect(t.data).toEqual(snapshots[i]));
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("no arena leak", () => {
    it("2000 calls in a row, each followed by a failed call, do not grow memory", async () => {
      await freshRuntime(build);
      // Each im2col call puts x (256 KiB) and its output (2.3 MiB) in the arena: leaked, 2000 calls
      // would need 5.2 GB and hit OutOfMemoryError. Each failed conv copies 1.2 MB in before its
      // output allocation fails: leaked, that is 2.4 GB of growth.
      const x = fcn.tensor(randArray(rng(5), 256 * 256), [1, 1, 256, 256]);
      const first = fcn.im2col(x, { kernelShape: 3 });
      const bigX = ones([1, 1, 1, 300000]), one = ones([1, 1, 1, 1]);
      const fail = () => fcn.conv(bigX, one, null, { pads: [0, 2 ** 30, 0, 2 ** 30] });
      const round = (i: number) => {
        const y = fcn.im2col(x, { kernelShape: 3 });
        let err: unknown = null;
        try {
          fail();
        } catch (e) {
          err = e;
        }
        if (!(err instanceof fcn.OutOfMemoryError)) throw new Error(`call ${i}: expected OutOfMemoryError, got ${String(err)}`);
        if (i % 400 === 399) {
          for (let j = 0; j < first.data.length; j += 997) {
            if (y.data[j] !== first.data[j]) throw new Error(`call ${i}: element ${j} is ${y.data[j]}, expected ${first.data[j]}`);
          }
        }
      };
      for (let i = 0; i < 10; i++) round(i);
      await settle();
      const base = external();
      for (let i = 10; i < 2000; i++) round(i);
      await settle();
      const grown = external() - base;
      expect(grown, `external memory grew by ${(grown / MiB).toFixed(0)} MiB over 2000 calls`).toBeLessThan(256 * MiB);
      battery();
    });
  });
});

// ---------------------------------------------------------------------------------------------
describe("ready()", () => {
  it("{ simd: 'simd' } runs the SIMD128 build", async () => {
    const info = await fcn.ready({ simd: "simd" });
    expect(info.build).toBe("simd");
    expect(info.buildReason).toBe("simd: 'simd' asked for the SIMD128 build");
    expect(info.threads).toBe(1);
    expect(info.features.simd).toBe(true);
    expect(fcn.isReady()).toBe(true);
    battery();
  });
  it("{ simd: 'relaxed' } runs the relaxed-SIMD build (test/setup.ts enables it in Node 20)", async () => {
    const info = await fcn.ready({ simd: "relaxed" });
    expect(info.build).toBe("relaxed");
    expect(info.buildReason).toMatch(/asked for the relaxed-SIMD build .*this host validates it/);
    expect(info.features.relaxedSimd).toBe(true);
    battery();
  });
  it("the default ('auto') picks relaxed where the host validates it", async () => {
    const info = await fcn.ready();
    expect(info.build).toBe(info.features.relaxedSimd ? "relaxed" : "simd");
    expect(info.buildReason).toMatch(info.features.relaxedSimd ? /validates relaxed SIMD: the relaxed build/ : /does not validate relaxed SIMD/);
    // a host without relaxed SIMD is told how to get it
    expect(buildReason("auto", { simd: true, relaxedSimd: false }, "simd")).toBe("this host does not validate relaxed SIMD, so the SIMD128 build (Node ≥ 22 and Chrome ≥ 114 validate it by default; Node 20 with --experimental-wasm-relaxed-simd)");
    const again = await fcn.ready({ simd: "auto" });
    expect(again.build).toBe(info.build);
    battery();
  });
  it("{ simd: 'bogus' } rejects with AttributeError naming the option and the value", async () => {
    const p = F.ready({ simd: "bogus" });
    expect(p).toBeInstanceOf(Promise);
    await expect(p).rejects.toThrow(fcn.AttributeError);
    await expect(p).rejects.toThrow(/simd/);
    await expect(p).rejects.toThrow(/bogus/);
  });
  it.each([65, 1000])("{ threads: %i } (more than 64) rejects with AttributeError naming the value", async (n) => {
    const p = fcn.ready({ threads: n });
    await expect(p).rejects.toThrow(fcn.AttributeError);
    await expect(p).rejects.toThrow(/threads/);
    await expect(p).rejects.toThrow(new RegExp(`\\b${n}\\b`));
  });
  it.each([0, -1, 1.5, NaN, "2"])("{ threads: %s } rejects with AttributeError", async (n) => {
    const p = F.ready({ threads: n });
    await expect(p).rejects.toThrow(fcn.AttributeError);
    await expect(p).rejects.toThrow(/threads/);
  });
  it("{ threads: 'auto' } resolves with the host's core count and says why", async () => {
    const info = await fcn.ready({ threads: "auto" });
    expect(info.threads).toBe(Math.min(availableParallelism(), 64));
    expect(typeof info.threadsReason).toBe("string");
    expect(info.threadsReason.length).toBeGreaterThan(0);
    battery();
  });
  it("{ threads: 1 } resolves with one thread", async () => {
    const info = await fcn.ready({ threads: 1 });
    expect(info.threads).toBe(1);
  });
  it("an unknown option rejects with AttributeError naming it", async () => {
    const p = F.ready({ unknownOption: 1 });
    expect(p).toBeInstanceOf(Promise);
    await expect(p).rejects.toThrow(fcn.AttributeError);
    await expect(p).rejects.toThrow(/unknownOption/);
    await expect(F.ready({ simd: "simd", thread: 1 })).rejects.toThrow(/\bthread\b/);
  });
  it("the unknown-option message names the argument as options, not attrs", async () => {
    await expect(F.ready({ unknownOption: 1 })).rejects.toThrow(/options\.unknownOption/);
  });
  it("ready(null) does not throw synchronously (it resolves with defaults or rejects)", async () => {
    let p: Promise<unknown> | undefined;
    expect(() => { p = F.ready(null); }).not.toThrow();
    await p?.catch((e: unknown) => expect(e).toBeInstanceOf(fcn.FcnWasmError));
  });
  it("{ wasm: bytes of fcn-wasm.simd.wasm } works and reports build 'custom'", async () => {
    const info = await fcn.ready({ wasm: readFileSync(wasmFile("simd")) });
    expect(info.buildReason).toMatch(/options.wasm gave the module/);
    expect(info.build).toBe("custom");
    expect(info.threads).toBe(1);
    battery();
  });
  it("{ wasm: an ArrayBuffer of the relaxed build } works", async () => {
    const bytes = readFileSync(wasmFile("relaxed"));
    const info = await fcn.ready({ wasm: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
    expect(info.build).toBe("custom");
    battery();
  });
  it("{ wasm: a file URL, or its string } works", async () => {
    const url = new URL("../dist/wasm/fcn-wasm.simd.wasm", import.meta.url);
    expect((await fcn.ready({ wasm: url })).build).toBe("custom");
    battery();
    expect((await fcn.ready({ wasm: url.href })).build).toBe("custom");
    battery();
  });
  const badWasm: [string, unknown][] = [
    ["bytes that are not a wasm module", new Uint8Array([1, 2, 3, 4])],
    ["a URL of a missing file", new URL("../dist/wasm/no-such-build.wasm", import.meta.url)],
    ["a number", 42],
  ];
  it.each(badWasm)("{ wasm: %s } rejects, and the runtime loaded before keeps working", async (_what, wasm) => {
    await fcn.ready({ simd: "simd" });
    await expect(F.ready({ wasm })).rejects.toBeDefined();
    battery();
  });
  it.each(badWasm)("{ wasm: %s } rejects with an FcnWasmError naming options.wasm", async (_what, wasm) => {
    const err = await F.ready({ wasm }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(fcn.FcnWasmError);
    expect((err as Error).message).toMatch(/wasm/);
  });
  it("{ wasm: a module without the kernels } rejects with UnsupportedError; the previous runtime keeps working", async () => {
    await fcn.ready({ simd: "simd" });
    const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    await expect(fcn.ready({ wasm: empty })).rejects.toThrow(fcn.UnsupportedError);
    battery();
  });
  it("after every rejected ready() the runtime loaded before keeps working", async () => {
    await fcn.ready({ simd: "simd" });
    for (const options of [{ threads: 65 }, { simd: "bogus" }, { unknownOption: 1 }, { threads: 0 }]) {
      await expect(F.ready(options)).rejects.toBeInstanceOf(fcn.FcnWasmError);
      expect(fcn.isReady()).toBe(true);
      battery();
    }
  });
});

describe("kernel parameter blocks across memory growth", () => {
  // One thread runs on an unshared memory, whose buffer detaches (and every view on it reads as
  // empty) when it grows: the parameter block must still reach the kernels after each growth.
  it.each([1, 2])("every op after the memory grew gets its own parameters (%i thread(s))", async (threads) => {
    await fcn.ready({ threads });
    const ones = (n: number) => fcn.tensor(new Float32Array(n * n).fill(1), [n, n]);
    // each GEMM borrows more than the last, so the memory grows before most of them
    for (const n of [4, 64, 256, 512, 8, 700]) {
      const y = fcn.gemm(ones(n), ones(n), null, { alpha: 0.5 });
      expect(y.shape).toEqual([n, n]);
      expect([y.data[0], y.data[n * n - 1]]).toEqual([n / 2, n / 2]);
    }
    await fcn.dispose();
  });
});
