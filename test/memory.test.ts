// Bounded memory (README "Memory"): Net plans are derived state, evicted least recently used
// first when the resident zone would pass its budget (setResidentBudget), so nets dropped without
// dispose() keep the WebAssembly memory bounded even if the garbage collector never runs. An
// evicted net runs again bit-identically; one evicted between run() and backward() or blob()
// replays its run (same input, same dropout draws) and its gradients equal a never-evicted twin's;
// a net inside runAsync() is not evicted. The arena also evicts when the memory cannot grow.
// Every bound is computed from the budget and the sizes involved, never from timing or the GC.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fcn, randArray, rng, useBuild, expectSameBits } from "./lib.js";
import type { GraphSpec, Net as NetType, Tensor } from "../dist/index.js";
import { runtime } from "../dist/runtime/runtime.js";
import { Arena } from "../dist/runtime/arena.js";
const { Net } = fcn;

const MiB = 2 ** 20;
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const wasmBytes = () => runtime().memory.buffer.byteLength;
/** Whether a net's current plan was evicted (a private field: the one thing the API does not show). */
const evicted = (net: NetType) => (net as unknown as { plan: { evicted: boolean } | null }).plan?.evicted === true;

/** About 112 KiB of plan per net (its blobs; 4·32·32 input). */
const small: GraphSpec = {
  input: { name: "x", shape: [1, 4, 32, 32] },
  output: "c2",
  layers: [
    { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 8, kernelShape: 3, pads: 1 } },
    { name: "r1", op: "Relu", inputs: ["c1"] },
    { name: "c2", op: "Conv", inputs: ["r1"], attrs: { outChannels: 8, kernelShape: 3, pads: 1, init: "xavier" } },
  ],
};

/** With dropout, for training replays: conv → relu → dropout → convTranspose. */
const dropout: GraphSpec = {
  input: { name: "x", shape: [2, 3, 12, 10] },
  output: "up",
  layers: [
    { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 6, kernelShape: 3, pads: 1 } },
    { name: "r1", op: "Relu", inputs: ["c1"] },
    { name: "d1", op: "Dropout", inputs: ["r1"], attrs: { ratio: 0.3 } },
    { name: "up", op: "ConvTranspose", inputs: ["d1"], attrs: { outChannels: 2, kernelShape: 4, strides: 2, init: "xavier" } },
  ],
};

const input = (r: () => number, spec: GraphSpec): Tensor => fcn.tensor(randArray(r, size(spec.input.shape)), spec.input.shape.slice());

/** Runs `count` new nets once each and forgets them (no dispose). */
function forgetNets(count: number, seed: number): void {
  const x = input(rng(seed), small);
  for (let i = 0; i < count; i++) Net.fromGraph(small, undefined, { seed: seed + i }).run(x);
}

describe("resident memory stays within the budget", () => {
  let previous = 0;
  let planBytes = 0;
  const budget = 1 * MiB;

  beforeAll(async () => {
    await useBuild("simd");
    // One net first, disposed: its run takes the stack's high-water mark, and tells the plan's size.
    const net = Net.fromGraph(small);
    net.run(input(rng(1), small));
    planBytes = fcn.memoryInfo().planBytes;
    net.dispose();
    previous = fcn.setResidentBudget(budget);
  });

  afterAll(() => {
    fcn.setResidentBudget(previous);
  });

  it("setResidentBudget returns the previous budget and refuses a bad one (AttributeError naming it)", () => {
    expect(previous).toBe(fcn.DEFAULT_RESIDENT_BUDGET);
    expect(fcn.DEFAULT_RESIDENT_BUDGET).toBe(2 ** 30);
    expect(fcn.memoryInfo().budget).toBe(budget);
    for (const bad of [-1, Number.NaN, Infinity, "1e6"]) {
      expect(() => fcn.setResidentBudget(bad as number)).toThrow(/setResidentBudget\(bytes\): expected a finite number of bytes ≥ 0, got/);
      expect(() => fcn.setResidentBudget(bad as number)).toThrow(fcn.AttributeError);
    }
    expect(fcn.memoryInfo().budget).toBe(budget);
  });

  it("300 nets run once and never disposed grow the memory by at most the budget and a plan", () => {
    expect(planBytes).toBeGreaterThan(100_000); // the sizes this bound is made of
    const before = wasmBytes();
    const evictionsBefore = fcn.memoryInfo().evictions;
    forgetNets(300, 100); // ≈ 33 MiB of plans without eviction
    const info = fcn.memoryInfo();
    expect(info.zoneBytes, "resident zone").toBeLessThanOrEqual(budget + planBytes);
    expect(info.planBytes).toBeLessThanOrEqual(budget);
    expect(wasmBytes() - before, "wasm memory growth").toBeLessThanOrEqual(budget + planBytes + 64 * 1024);
    expect(info.evictions - evictionsBefore).toBeGreaterThan(250);
  });

  it("a net whose plan was evicted runs again, bit-identical", () => {
    const r = rng(7);
    const net = Net.fromGraph(small, undefined, { seed: 5 });
    const x = input(r, small);
    const first = net.run(x);
    forgetNets(20, 200);
    expect(evicted(net)).toBe(true);
    expectSameBits(net.run(x), first, "after eviction");
    expect(evicted(net)).toBe(false);
    net.dispose();
  });

  it("blob() after an eviction replays the run: the same blobs as a never-evicted twin's", () => {
    const r = rng(8);
    const net = Net.fromGraph(small, undefined, { seed: 6 });
    const twin = Net.fromGraph(small, undefined, { seed: 6, resident: false });
    net.run(input(r, small));
    const x = input(r, small);
    net.run(x); // the last run is this one
    twin.run(x);
    forgetNets(20, 300);
    expect(evicted(net)).toBe(true);
    for (const name of ["c1", "r1", "c2"]) expectSameBits(net.blob(name) as Tensor, twin.blob(name) as Tensor, `blob ${name} after eviction`);
    net.dispose();
  });

  it("blob() after an eviction and an optimiser step is a NotReadyError, never the blobs of other parameters", () => {
    const r = rng(11);
    const net = Net.fromGraph(small, undefined, { seed: 7 });
    net.training = true;
    const x = input(r, small);
    const y = net.run(x);
    const want = net.blob("c2") as Tensor;
    const grads = net.backward(fcn.tensor(randArray(r, size(y.shape)), y.shape.slice()));
    new fcn.SGD({ lr: 0.5 }).step(net.parameters(), grads);
    forgetNets(20, 700);
    expect(evicted(net)).toBe(true);
    expectSameBits(net.blob("c2") as Tensor, want, "a blob read before the eviction is kept"); // copied out on first read
    expect(() => net.blob("c1")).toThrow(fcn.NotReadyError);
    expect(() => net.blob("c1")).toThrow(/parameters have changed since that run/);
    const again = net.run(x); // a new run on the new parameters works, and differs
    expect(Array.from(again.data)).not.toEqual(Array.from(y.data));
    expect(Array.from((net.blob("c2") as Tensor).data)).not.toEqual(Array.from(want.data));
    net.dispose();
  });

  it("training with dropout, evicted between every run() and backward(): gradients equal a never-evicted twin's", () => {
    const r = rng(9);
    const evictedNet = Net.fromGraph(dropout, undefined, { seed: 3 });
    const twin = Net.fromGraph(dropout, undefined, { seed: 3, resident: false }); // op by op: no plan to evict
    evictedNet.training = true;
    twin.training = true;
    const optA = new fcn.SGD({ lr: 0.1, momentum: 0.9 }), optB = new fcn.SGD({ lr: 0.1, momentum: 0.9 });
    for (let step = 0; step < 3; step++) {
      const x = input(r, dropout);
      const y = evictedNet.run(x);
      expectSameBits(y, twin.run(x), `step ${step}: output`);
      forgetNets(20, 400 + step * 20);
      expect(evicted(evictedNet), `step ${step}: evicted before backward`).toBe(true);
      const dOut = fcn.tensor(randArray(r, size(y.shape)), y.shape.slice());
      const a = evictedNet.backward(dOut), b = twin.backward(dOut);
      expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
      for (const [name, g] of a) expectSameBits(g, b.get(name) as Tensor, `step ${step}: gradient ${name}`);
      optA.step(evictedNet.parameters(), a);
      optB.step(twin.parameters(), b);
    }
    for (const [name, p] of evictedNet.parameters()) expectSameBits(p, twin.parameters().get(name) as Tensor, `parameter ${name}`);
    evictedNet.dispose();
  });

  it("a net inside runAsync() is not evicted by plans made meanwhile", async () => {
    const r = rng(10);
    const net = Net.fromGraph(small, undefined, { seed: 8 });
    const x = input(r, small);
    const want = net.run(x);
    const pending = net.runAsync(x);
    await new Promise((resolve) => setImmediate(resolve)); // runAsync has planned and started
    const evictionsBefore = fcn.memoryInfo().evictions;
    forgetNets(30, 500); // 30 plans ≈ 3× the budget: everything unpinned gets evicted
    expect(fcn.memoryInfo().evictions - evictionsBefore).toBeGreaterThan(20);
    expectSameBits(await pending, want, "runAsync");
    net.dispose();
  });

  it("resident tensors count against the budget: a large one evicts the plans", () => {
    forgetNets(5, 600);
    expect(fcn.memoryInfo().plans).toBeGreaterThan(0);
    const t = fcn.resident(fcn.tensor(new Float32Array(budget / 4), [budget / 4]));
    expect(fcn.memoryInfo().plans).toBe(0);
    t.dispose();
  });
});

describe("the arena evicts when the memory cannot grow", () => {
  it("a reservation the memory cannot grow to evicts a holder and is served from its space", () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
    const arena = new Arena(memory, 1024);
    const held = arena.allocResident(100_000, "held block");
    let evictions = 0;
    arena.evictable.add({ bytes: 100_000, evict: () => { evictions++; arena.freeResident(held); } });
    const ptr = arena.allocResident(100_000, "new block"); // 1024 + 2·100 000 > 2 pages
    expect(evictions).toBe(1);
    expect(ptr).toBe(held);
    expect(() => arena.allocResident(100_000, "one more")).toThrow(fcn.OutOfMemoryError); // nothing left to evict
    expect(memory.buffer.byteLength).toBe(2 * 65536);
  });

  it("while an op holds the stack, a reservation no eviction could serve evicts nothing before its error", () => {
    const memory = new WebAssembly.Memory({ initial: 4 });
    const arena = new Arena(memory, 1024);
    const blocks = [0, 1, 2].map(() => arena.allocResident(10_000, "plan block"));
    let evictions = 0;
    for (const ptr of blocks) arena.evictable.add({ bytes: 10_000, evict: () => { evictions++; arena.freeResident(ptr); } });
    const mark = arena.mark();
    arena.alloc(64, "an op's buffer"); // the stack is in use: the zone cannot extend
    expect(() => arena.allocResident(100_000, "too large for every gap")).toThrow(fcn.UnsupportedError);
    expect(evictions, "evicting 30 000 bytes could never give 100 000").toBe(0);
    expect(arena.allocResident(15_000, "fits once two neighbours go")).toBe(blocks[0]);
    expect(evictions).toBe(2);
    arena.release(mark);
  });

  it("a tail block freed while an op held the stack goes back once the stack is empty", () => {
    const arena = new Arena(new WebAssembly.Memory({ initial: 4 }), 1024);
    const first = arena.allocResident(10_000, "first");
    const tail = arena.allocResident(10_000, "tail");
    const zone = arena.zoneBytes();
    const mark = arena.mark();
    arena.alloc(64, "an op's buffer");
    arena.freeResident(tail); // the stack is in use: the zone keeps its extent for now
    expect(arena.zoneBytes()).toBe(zone);
    arena.release(mark);
    expect(arena.zoneBytes(), "the zone ends after the first block again").toBe(zone - 10_048);
    expect(arena.allocResident(20_000, "larger")).toBe(tail); // extends from there, no gap left behind
    expect(first).toBeLessThan(tail);
  });
});
