// The async forms (README "Threads: async forms"): convAsync, convTransposeAsync, gemmAsync, matmulAsync and
// Net.runAsync give bit-identical results to the synchronous ops, on one thread and on a 2-thread
// pool (Node); they give the event loop a turn (a Net between layers). On a pool an async op runs
// in stages on the workers (split on 3 threads, every algorithm, at lowered thresholds too): the
// event loop turns while it runs, sync ops meanwhile run on the
// calling thread, concurrent async calls queue; a worker that throws, exits or hangs rejects the
// call with PoolError and the pool recovers. A net refuses run() while its runAsync() is in
// progress; dispose() while a runAsync() runs rejects it with NotReadyError.
// This file switches ready()'s threads; vitest runs each test file in its own process.
import { afterAll, describe, expect, it } from "vitest";
import { fcn, randArray, rng } from "./lib.js";
import type { Tensor } from "../dist/index.js";
import { runtime } from "../dist/runtime/runtime.js";
import { setPoolTimeout } from "../dist/runtime/pool.js";
import { splitThresholds } from "../dist/ops/run.js";
import { FAULT_EXIT, FAULT_HANG, FAULT_THROW } from "../dist/runtime/control.js";

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const rand = (r: () => number, shape: number[]): Tensor => fcn.tensor(randArray(r, size(shape)), shape);

function bits(t: Tensor): number[] {
  return Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length));
}

function net(resident: boolean) {
  const spec = fcn.fcn({ variant: "8s", classes: 3, widths: [4, 6, 8, 8, 8], fc: 12, learnUpsampling: true, inputShape: [1, 3, 48, 40] });
  return fcn.Net.fromGraph(spec, undefined, { resident });
}

/**
 * Holds the pool as an async op does (a block on the arena's stack, a program running on a worker)
 * until open() (Pool.hold); resolves once a worker has the program, so `pool.busy` stays true.
 */
async function holdPool(): Promise<{ open: () => void; done: Promise<boolean> }> {
  const rt = runtime();
  const mark = rt.arena.mark();
  const ptr = rt.arena.alloc(64, "test gate program");
  rt.arena.commit();
  // the arena is given back inside the held call, before any async op queued behind it starts
  const held = rt.pool!.hold(ptr, () => rt.arena.release(mark));
  await held.started;
  expect(rt.pool!.busy, "the gate program is on a worker").toBe(true);
  return { open: held.open, done: held.done };
}

afterAll(async () => {
  await fcn.dispose();
});

describe.each([1, 2])("async forms on %i thread(s)", (threads) => {
  it("ready", async () => {
    const info = await fcn.ready({ threads });
    expect(info.threads).toBe(threads);
  });

  it("convAsync, convTransposeAsync, gemmAsync, matmulAsync: bit-identical to the sync ops", async () => {
    const r = rng(5);
    const x = rand(r, [2, 32, 40, 40]), w = rand(r, [48, 32, 3, 3]), b = rand(r, [48]);
    const xt = rand(r, [1, 64, 16, 16]), wt = rand(r, [64, 32, 4, 4]);
    const a = rand(r, [200, 300]), bb = rand(r, [300, 260]);
    expect(bits(await fcn.convAsync(x, w, b, { pads: 1, strides: 2 }))).toEqual(bits(fcn.conv(x, w, b, { pads: 1, strides: 2 })));
    expect(bits(await fcn.convTransposeAsync(xt, wt, null, { strides: 2, pads: 1 }))).toEqual(bits(fcn.convTranspose(xt, wt, null, { strides: 2, pads: 1 })));
    expect(bits(await fcn.gemmAsync(a, bb, null, { alpha: 0.5 }))).toEqual(bits(fcn.gemm(a, bb, null, { alpha: 0.5 })));
    expect(bits(await fcn.matmulAsync(a, bb))).toEqual(bits(fcn.matmul(a, bb)));
  });

  it("the async forms reject with the sync op's error", async () => {
    const x = fcn.tensor(new Float32Array(8), [1, 2, 2, 2]), w = fcn.tensor(new Float32Array(9), [1, 1, 3, 3]);
    await expect(fcn.convAsync(x, w)).rejects.toBeInstanceOf(fcn.ShapeError);
  });

  it("they give the event loop a turn before the op", async () => {
    const order: string[] = [];
    setImmediate(() => order.push("immediate"));
    const r = rng(6);
    await fcn.gemmAsync(rand(r, [4, 4]), rand(r, [4, 4])).then(() => order.push("gemm"));
    expect(order).toEqual(["immediate", "gemm"]);
  });

  for (const resident of [true, false]) {
    it(`Net.runAsync (resident ${resident}): bit-identical to run(), yields between layers, and blocks run() meanwhile`, async () => {
      const n = net(resident);
      const x = rand(rng(31), [1, 3, 48, 40]);
      const want = bits(n.run(x));
      let turns = 0;
      let ticking = true;
      const tick = () => {
        turns++;
        if (ticking) setImmediate(tick);
      };
      setImmediate(tick);
      const pending = n.runAsync(x);
      expect(() => n.run(x)).toThrow(fcn.UnsupportedError);
      expect(() => n.run(x)).toThrow(/runAsync\(\) of this net is still running/);
      const got = await pending;
      ticking = false;
      expect(bits(got)).toEqual(want);
      expect(turns, "event-loop turns during runAsync").toBeGreaterThan(5);
      expect(bits(n.run(x))).toEqual(want); // free again
      n.dispose();
    });
  }
});

describe("async ops on a 2-thread pool run on a worker, the calling thread free", () => {
  const r = rng(9);
  const x = rand(r, [1, 64, 96, 96]), w = rand(r, [64, 64, 3, 3]);
  const a = rand(r, [200, 300]), bb = rand(r, [300, 260]);
  let wantConv: number[], wantGemm: number[];

  it("ready", async () => {
    await fcn.ready({ threads: 2 });
    wantConv = bits(fcn.conv(x, w, null, { pads: 1 }));
    wantGemm = bits(fcn.gemm(a, bb));
  });

  it("each async op is one program on a worker", async () => {
    const pool = runtime().pool!;
    const before = pool.asyncDispatches;
    expect(bits(await fcn.convAsync(x, w, null, { pads: 1 }))).toEqual(wantConv);
    expect(pool.asyncDispatches - before).toBeGreaterThanOrEqual(1);
  });

  // The states below are held by a gate (holdPool), never assumed from timing: a fast machine
  // finishes a real op before the next turn of the event loop.
  it("the event loop turns while a worker runs an async program", async () => {
    const held = await holdPool();
    for (let turn = 0; turn < 20; turn++) {
      expect(runtime().pool!.busy).toBe(true);
      await new Promise((res) => setImmediate(res));
    }
    held.open();
    await held.done;
    expect(runtime().pool!.busy).toBe(false);
  });

  it("sync ops while an async op holds the pool (on this thread alone), and async ops queued behind it, are right", async () => {
    const held = await holdPool();
    const pending = Promise.all([fcn.convAsync(x, w, null, { pads: 1 }), fcn.gemmAsync(a, bb), fcn.convAsync(x, w, null, { pads: 1 })]);
    await new Promise((res) => setImmediate(res));
    expect(runtime().pool!.busy).toBe(true);
    expect(bits(fcn.gemm(a, bb))).toEqual(wantGemm);
    expect(bits(fcn.conv(x, w, null, { pads: 1 }))).toEqual(wantConv);
    held.open();
    const [y1, g, y2] = await pending;
    expect([bits(y1), bits(g), bits(y2)]).toEqual([wantConv, wantGemm, wantConv]);
    expect(runtime().pool!.busy).toBe(false);
  });

  it("sync ops interleaved with real async ops are right whatever state the pool is in", async () => {
    const pending = Promise.all([fcn.convAsync(x, w, null, { pads: 1 }), fcn.gemmAsync(a, bb)]);
    for (let turn = 0; turn < 3; turn++) {
      expect(bits(fcn.gemm(a, bb))).toEqual(wantGemm);
      await new Promise((res) => setImmediate(res));
    }
    const [y, g] = await pending;
    expect([bits(y), bits(g)]).toEqual([wantConv, wantGemm]);
  });

  it("a sync convTranspose with a new resident weight while an async op holds the arena packs its phase weights for that call", async () => {
    const r = rng(33);
    const xt = rand(r, [1, 64, 16, 16]), wt = rand(r, [64, 32, 4, 4]);
    const want = bits(fcn.convTranspose(xt, wt, null, { strides: 2, pads: 1 }, { algorithm: "subpixel" }));
    const rw = fcn.resident(wt);
    const held = await holdPool();
    const residentBefore = runtime().arena.residentBytes();
    expect(bits(fcn.convTranspose(xt, rw, null, { strides: 2, pads: 1 }, { algorithm: "subpixel" }))).toEqual(want);
    held.open();
    await held.done;
    // between ops again: now the phase weights are kept, and the answer is the same
    expect(bits(fcn.convTranspose(xt, rw, null, { strides: 2, pads: 1 }, { algorithm: "subpixel" }))).toEqual(want);
    expect(runtime().arena.residentBytes(), "the phase weights now kept beside the resident weight").toBeGreaterThan(residentBefore);
    rw.dispose();
  });

  it("a worker that throws, exits or hangs during an async program rejects it with PoolError; the pool recovers", async () => {
    const rt = runtime();
    const pool = rt.pool!;
    const asyncFault = (kind: number) => pool.exclusive(async () => {
      const ptr = rt.arena.allocResident(64, "test fault program");
      try {
        new Float64Array(rt.memory.buffer, ptr, 4).set([kind, 0, ptr, 2]);
        return await pool.runAsync(ptr + 16, 1);
      } finally {
        rt.arena.freeResident(ptr);
      }
    });
    // A replacement worker starts in ~0.1 s on an idle machine; the bound is for a loaded one.
    const waitForWorker = async () => {
      for (const until = Date.now() + 60_000; pool.liveWorkers() < 1 && Date.now() < until;) await new Promise((res) => setTimeout(res, 10));
      expect(pool.liveWorkers()).toBe(1);
    };
    await expect(asyncFault(FAULT_THROW)).rejects.toThrow(/^a pool worker threw: fault injected/);
    expect(bits(await fcn.convAsync(x, w, null, { pads: 1 }))).toEqual(wantConv);
    // the worker's exit event frees its slot and may start the replacement in it (zeroing the
    // words the waiter reads) before the waiter wakes: three times, so that order is met
    for (let round = 0; round < 3; round++) {
      await expect(asyncFault(FAULT_EXIT)).rejects.toThrow(/exited during the call/);
      await waitForWorker();
    }
    expect(bits(await fcn.gemmAsync(a, bb))).toEqual(wantGemm);
    const old = setPoolTimeout(300);
    try {
      await expect(asyncFault(FAULT_HANG)).rejects.toThrow(fcn.PoolError);
    } finally {
      setPoolTimeout(old);
    }
    await waitForWorker();
    expect(bits(await fcn.convAsync(x, w, null, { pads: 1 }))).toEqual(wantConv);
    expect(bits(fcn.conv(x, w, null, { pads: 1 }))).toEqual(wantConv);
  }, 300_000); // two worker replacements: seconds when idle, far more on a loaded 2-core machine
});

describe("async ops on 3 threads: split over the workers, in stages, bit-identical", () => {
  it("every async form equals its sync op at default and at lowered split thresholds", async () => {
    await fcn.ready({ threads: 3 });
    const pool = runtime().pool!;
    const r = rng(12);
    const x = rand(r, [2, 16, 20, 20]), w = rand(r, [24, 16, 3, 3]), b = rand(r, [24]);
    const xg = rand(r, [1, 12, 15, 13]), wg = rand(r, [12, 2, 3, 3]);
    const xt = rand(r, [2, 8, 9, 7]), wt = rand(r, [8, 6, 4, 4]), bt = rand(r, [6]);
    const xd = rand(r, [1, 5, 8, 8]), wd = rand(r, [5, 1, 4, 4]);
    const a = rand(r, [37, 53]), bb = rand(r, [53, 70]), c = rand(r, [37, 1]);
    const m1 = rand(r, [3, 20, 30]), m2 = rand(r, [30, 40]);
    const cases: [string, () => Tensor, () => Promise<Tensor>][] = [
      ["conv + bias", () => fcn.conv(x, w, b, { pads: 1 }), () => fcn.convAsync(x, w, b, { pads: 1 })],
      ["conv grouped s2", () => fcn.conv(xg, wg, null, { group: 6, strides: 2 }), () => fcn.convAsync(xg, wg, null, { group: 6, strides: 2 })],
      ...(["subpixel", "gemm-col2im"] as const).map((algorithm): [string, () => Tensor, () => Promise<Tensor>] => [
        `convTranspose ${algorithm} + bias`,
        () => fcn.convTranspose(xt, wt, bt, { strides: 2, pads: 1 }, { algorithm }),
        () => fcn.convTransposeAsync(xt, wt, bt, { strides: 2, pads: 1 }, { algorithm }),
      ]),
      ["convTranspose depthwise", () => fcn.convTranspose(xd, wd, null, { strides: 2, group: 5 }), () => fcn.convTransposeAsync(xd, wd, null, { strides: 2, group: 5 })],
      ["gemm + c[M,1]", () => fcn.gemm(a, bb, c, { alpha: 0.5, beta: 2 }), () => fcn.gemmAsync(a, bb, c, { alpha: 0.5, beta: 2 })],
      ["matmul batch", () => fcn.matmul(m1, m2), () => fcn.matmulAsync(m1, m2)],
    ];
    const saved = { ...splitThresholds };
    try {
      for (const lowered of [false, true]) {
        if (lowered) Object.assign(splitThresholds, { macs: 1, bytes: 1 });
        const splitsBefore = pool.asyncSplits;
        for (const [name, sync, async_] of cases) {
          expect(bits(await async_()), `${name}${lowered ? " (lowered thresholds)" : ""}`).toEqual(bits(sync()));
        }
        if (lowered) expect(pool.asyncSplits - splitsBefore, "async stages split over 2 workers").toBeGreaterThan(0);
      }
    } finally {
      Object.assign(splitThresholds, saved);
    }
  });
});

describe("ready() and dispose() while a ready() is still loading", () => {
  it("dispose() wins over a ready() it overtook: no runtime, no workers", async () => {
    const p = fcn.ready({ threads: 2 });
    await fcn.dispose();
    await expect(p).rejects.toBeInstanceOf(fcn.NotReadyError);
    expect(fcn.isReady()).toBe(false);
  });

  it("the last ready() wins over an earlier one still loading", async () => {
    const first = fcn.ready({ threads: 2 });
    const second = fcn.ready({ threads: 1 });
    await expect(first).rejects.toBeInstanceOf(fcn.NotReadyError);
    expect((await second).threads).toBe(1);
    expect(runtime().info.threads).toBe(1);
    expect(runtime().pool).toBeNull();
  });

  it("Net.backward after a new ready() asks for a new run()", async () => {
    await fcn.ready({ threads: 2 });
    const n = net(true);
    n.training = true;
    const x = rand(rng(34), [1, 3, 48, 40]);
    const y = n.run(x);
    await fcn.ready({ threads: 1 });
    expect(() => n.backward(fcn.tensor(new Float32Array(size(y.shape)), y.shape.slice()))).toThrow(fcn.NotReadyError);
    n.run(x);
    expect(n.backward(fcn.tensor(new Float32Array(size(y.shape)), y.shape.slice())).size).toBeGreaterThan(0);
  });
});

describe("Net.runAsync and dispose()", () => {
  it("dispose() of the runtime while a runAsync() runs rejects it with NotReadyError", async () => {
    await fcn.ready({ threads: 2 });
    const n = net(true);
    const x = rand(rng(32), [1, 3, 48, 40]);
    const rejected = expect(n.runAsync(x)).rejects.toBeInstanceOf(fcn.NotReadyError);
    await fcn.dispose();
    await rejected;
  });
});
