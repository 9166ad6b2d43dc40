// Net's resident plan (src/nn/plan.ts) against the op-by-op path (resident: false), which copies
// every tensor in and out of wasm memory through the public ops: the two must agree bit for bit,
// on the output, every blob and every gradient, for graphs with every op, FCN-8s/16s/32s, new
// input shapes, parameters changed in place, ops called in between, training with dropout over
// several optimiser steps, and backward after an inference run. Also the resident zone of the arena: gaps reused, the tail given back, nothing leaked when
// planning fails.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, fcn, randArray, rng, useBuild, expectSameBits } from "./lib.js";
import type { GraphSpec, Net as NetType, Tensor } from "../dist/index.js";
import { runtime } from "../dist/runtime/runtime.js";
import { Arena } from "../dist/runtime/arena.js";
import { OutOfMemoryError, UnsupportedError } from "../dist/errors.js";
const { Net } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const residentBytes = () => runtime().arena.residentBytes();

/** Every op: conv → relu → maxPool → dropout → convTranspose → crop + a 1×1 skip → scale → softmax. */
const every: GraphSpec = {
  input: { name: "x", shape: [2, 2, 7, 6] },
  output: "prob",
  layers: [
    { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 3, kernelShape: 3, pads: 1 } },
    { name: "r1", op: "Relu", inputs: ["c1"] },
    { name: "p1", op: "MaxPool", inputs: ["r1"], attrs: { kernelShape: 2, strides: 2, ceilMode: true } },
    { name: "d1", op: "Dropout", inputs: ["p1"], attrs: { ratio: 0.25 } },
    { name: "up", op: "ConvTranspose", inputs: ["d1"], attrs: { outChannels: 2, kernelShape: 4, strides: 2, init: "xavier" } },
    { name: "upc", op: "Crop", inputs: ["up", "x"] },
    { name: "skip", op: "Conv", inputs: ["x"], attrs: { outChannels: 2, kernelShape: 1, init: "xavier" } },
    { name: "fuse", op: "Add", inputs: ["upc", "skip"] },
    { name: "s", op: "Scale", inputs: ["fuse"], attrs: { scale: 0.5 } },
    { name: "prob", op: "Softmax", inputs: ["s"] },
  ],
};

/** The same net twice (same seed: same initial weights and the same dropout stream), planned and op by op. */
function pair(spec: GraphSpec, seed: number): [NetType, NetType] {
  const planned = Net.fromGraph(spec, undefined, { seed });
  const copying = Net.fromGraph(spec, undefined, { seed, resident: false });
  return [planned, copying];
}

function expectSameRun(planned: NetType, copying: NetType, x: Tensor, what: string): void {
  expectSameBits(planned.run(x), copying.run(x), `${what}: output`);
  for (const layer of planned.spec.layers) {
    expectSameBits(planned.blob(layer.name) as Tensor, copying.blob(layer.name) as Tensor, `${what}: blob ${layer.name}`);
  }
}

describe.each(BUILDS)("Net resident plan (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("equals the op-by-op path bit for bit on every blob (every op, batch 2)", () => {
    const r = rng(5);
    const [planned, copying] = pair(every, 4);
    for (let t = 0; t < 3; t++) {
      const x = fcn.tensor(randArray(r, size(every.input.shape)), every.input.shape);
      expectSameRun(planned, copying, x, `run ${t}`);
    }
    planned.dispose();
  });

  it.each(["32s", "16s", "8s"] as const)("FCN-%s (scaled down, learned upsampling): same output and blobs", (variant) => {
    const r = rng(variant.length + 11);
    const spec = fcn.fcn({ variant, classes: 3, widths: [2, 3, 4, 4, 4], fc: 6, learnUpsampling: variant !== "32s", inputShape: [1, 3, 13, 11] });
    const [planned, copying] = pair(spec, 9);
    const x = fcn.tensor(randArray(r, 3 * 13 * 11), [1, 3, 13, 11]);
    expectSameRun(planned, copying, x, variant);
    planned.dispose();
  });

  it("Resize layers (their resident kernels): same output, blobs and gradients", () => {
    const r = rng(21);
    const spec: GraphSpec = {
      input: { name: "x", shape: [2, 2, 5, 7] },
      output: "out",
      layers: [
        { name: "c", op: "Conv", inputs: ["x"], attrs: { outChannels: 3, kernelShape: 3, pads: 1 } },
        { name: "up", op: "Resize", inputs: ["c"], attrs: { mode: "linear", coordinateTransformationMode: "pytorch_half_pixel", sizes: [11, 17] } },
        { name: "down", op: "Resize", inputs: ["up"], attrs: { mode: "nearest", coordinateTransformationMode: "asymmetric", nearestMode: "ceil", scales: [0.5, 0.6] } },
        { name: "half", op: "Resize", inputs: ["down"], attrs: { mode: "linear", coordinateTransformationMode: "align_corners", scales: [1.5, 0.75] } },
        { name: "out", op: "Relu", inputs: ["half"] },
      ],
    };
    const [planned, copying] = pair(spec, 3);
    for (const shape of [[2, 2, 5, 7], [1, 2, 9, 4]]) {
      const x = fcn.tensor(randArray(r, size(shape)), shape);
      expectSameRun(planned, copying, x, `shape ${shape}`);
      const dOut = fcn.tensor(randArray(r, size(planned.blob("out")!.shape)), planned.blob("out")!.shape.slice());
      const a = planned.backward(dOut), b = copying.backward(dOut);
      for (const [name, g] of a) expectSameBits(g, b.get(name) as Tensor, `gradient ${name}`);
    }
    planned.dispose();
  });

  it("plans again for a new input shape, and back", () => {
    const r = rng(8);
    const [planned, copying] = pair(every, 2);
    for (const shape of [[2, 2, 7, 6], [1, 2, 9, 10], [3, 2, 5, 8], [2, 2, 7, 6]]) {
      const x = fcn.tensor(randArray(r, size(shape)), shape);
      expectSameRun(planned, copying, x, `shape ${shape}`);
    }
    planned.dispose();
  });

  it("sees parameters changed in place (an optimiser step) on the next run", () => {
    const r = rng(3);
    const [planned, copying] = pair(every, 6);
    const x = fcn.tensor(randArray(r, size(every.input.shape)), every.input.shape);
    const before = planned.run(x);
    const grads = new Map([...planned.trainableParameters()].map(([n, t]) => [n, fcn.tensor(randArray(r, t.data.length), t.shape.slice())]));
    new fcn.SGD({ lr: 0.5, momentum: 0.9 }).step(planned.parameters(), grads);
    new fcn.SGD({ lr: 0.5, momentum: 0.9 }).step(copying.parameters(), grads);
    const after = planned.run(x);
    expect(Array.from(after.data)).not.toEqual(Array.from(before.data));
    expectSameBits(after, copying.run(x), "after the step");
    planned.dispose();
  });

  it("copies the parameters in once while nobody holds them, and on every run once parameters() handed them out", () => {
    const r = rng(77);
    const [planned, copying] = pair(every, 12);
    const x = fcn.tensor(randArray(r, size(every.input.shape)), every.input.shape);
    expectSameBits(planned.run(x), copying.run(x), "first run");
    expectSameBits(planned.run(x), copying.run(x), "second run (no copy: nothing can have changed them)");
    // once handed out, an in-place change (an optimiser's, a user's) is seen at the next run
    const w = planned.parameters().get("c1.weight")!;
    for (let i = 0; i < w.data.length; i++) w.data[i] *= -0.5;
    const v = copying.parameters().get("c1.weight")!;
    for (let i = 0; i < v.data.length; i++) v.data[i] *= -0.5;
    expectSameBits(planned.run(x), copying.run(x), "after an in-place change");
    const held = planned.trainableParameters().get("skip.weight")!;
    held.data[0] += 1;
    copying.parameters().get("skip.weight")!.data[0] += 1;
    expectSameBits(planned.run(x), copying.run(x), "after a change through trainableParameters()");
    planned.dispose();
  });

  it("is unaffected by ops called between run() and blob()/backward()", () => {
    const r = rng(12);
    const [planned, copying] = pair(every, 1);
    const x = fcn.tensor(randArray(r, size(every.input.shape)), every.input.shape);
    const dOut = fcn.tensor(randArray(r, size(every.input.shape)), every.input.shape);
    planned.run(x);
    copying.run(x);
    // a big op that uses (and grows) the arena's stack
    const big = fcn.tensor(randArray(r, 64 * 96), [1, 1, 64, 96]);
    fcn.convTranspose(big, fcn.tensor(randArray(r, 4 * 16), [1, 4, 4, 4]), null, { strides: [2, 2] });
    const a = planned.backward(dOut), b = copying.backward(dOut);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [name, g] of a) expectSameBits(g, b.get(name) as Tensor, `gradient ${name}`);
    expectSameBits(planned.blob("up") as Tensor, copying.blob("up") as Tensor, "blob up");
    planned.dispose();
  });

  it("a wrong input shape is a named error and leaks no resident memory; dispose gives it all back", () => {
    const held = residentBytes();
    const net = Net.fromGraph(every, undefined, { seed: 1 });
    expect(() => net.run(fcn.tensor(new Float32Array(2 * 3 * 7 * 6), [2, 3, 7, 6]))).toThrow(/"c1\.weight" to be \[3, 3, 3, 3\]/);
    expect(residentBytes()).toBe(held);
    net.run(fcn.tensor(new Float32Array(size(every.input.shape)), every.input.shape));
    expect(residentBytes()).toBeGreaterThan(held);
    net.dispose();
    expect(residentBytes()).toBe(held);
    // a disposed net plans again on the next run
    expect(net.run(fcn.tensor(new Float32Array(size(every.input.shape)), every.input.shape)).shape).toEqual(every.input.shape);
    net.dispose();
  });

  function expectSameGradients(a: Map<string, Tensor>, b: Map<string, Tensor>, what: string): void {
    expect([...a.keys()], `${what}: parameters, in order`).toEqual([...b.keys()]);
    for (const [name, g] of a) expectSameBits(g, b.get(name) as Tensor, `${what}: gradient ${name}`);
  }

  it("training: same dropout masks, outputs and gradients as the op-by-op path, over several SGD steps", () => {
    const r = rng(17);
    const [planned, copying] = pair(every, 5);
    planned.training = copying.training = true;
    const sgdA = new fcn.SGD({ lr: 0.05, momentum: 0.9 }), sgdB = new fcn.SGD({ lr: 0.05, momentum: 0.9 });
    for (let step = 0; step < 3; step++) {
      const x = fcn.tensor(randArray(r, size(every.input.shape)), every.input.shape);
      const dOut = fcn.tensor(randArray(r, size(every.input.shape)), every.input.shape);
      expectSameBits(planned.run(x), copying.run(x), `step ${step}: output`);
      expectSameBits(planned.blob("d1") as Tensor, copying.blob("d1") as Tensor, `step ${step}: dropout output`);
      const ga = planned.backward(dOut), gb = copying.backward(dOut);
      expectSameGradients(ga, gb, `step ${step}`);
      sgdA.step(planned.parameters(), ga);
      sgdB.step(copying.parameters(), gb);
    }
    planned.dispose();
  });

  it("training with fan-out: a blob read by three layers (one of them twice) sums their gradients", () => {
    const fanout: GraphSpec = {
      input: { name: "x", shape: [2, 2, 6, 5] },
      output: "out",
      layers: [
        { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 3, kernelShape: 3, pads: 1, init: "xavier" } },
        { name: "r1", op: "Relu", inputs: ["c1"] },
        { name: "a", op: "Conv", inputs: ["r1"], attrs: { outChannels: 3, kernelShape: 1, init: "xavier" } },
        { name: "b", op: "Conv", inputs: ["r1"], attrs: { outChannels: 3, kernelShape: 3, pads: 1, init: "xavier" } },
        { name: "ab", op: "Add", inputs: ["a", "b"] },
        { name: "twice", op: "Add", inputs: ["r1", "r1"] },
        { name: "out", op: "Add", inputs: ["ab", "twice"] },
      ],
    };
    const r = rng(31);
    const [planned, copying] = pair(fanout, 2);
    planned.training = copying.training = true;
    const x = fcn.tensor(randArray(r, size(fanout.input.shape)), fanout.input.shape);
    expectSameBits(planned.run(x), copying.run(x), "output");
    const dOut = fcn.tensor(randArray(r, 2 * 3 * 6 * 5), [2, 3, 6, 5]);
    const ga = planned.backward(dOut);
    expectSameGradients(ga, copying.backward(dOut), "fan-out");
    // c1's weight gradient sees all four paths: it is not what any one of them alone would give
    expect(Math.max(...Array.from((ga.get("c1.weight") as Tensor).data, Math.abs))).toBeGreaterThan(0);
    planned.dispose();
  });

  it.each(["8s", "16s"] as const)("training FCN-%s (fixed bilinear upsampling is frozen): same gradients", (variant) => {
    const r = rng(23);
    const spec = fcn.fcn({ variant, classes: 3, widths: [2, 3, 4, 4, 4], fc: 6, inputShape: [2, 3, 12, 10] });
    const [planned, copying] = pair(spec, 4);
    planned.training = copying.training = true;
    const x = fcn.tensor(randArray(r, 2 * 3 * 12 * 10), [2, 3, 12, 10]);
    const y = planned.run(x);
    expectSameBits(y, copying.run(x), "output");
    const dOut = fcn.tensor(randArray(r, y.data.length), y.shape.slice());
    const ga = planned.backward(dOut);
    expectSameGradients(ga, copying.backward(dOut), variant);
    expect([...ga.keys()].some((k) => k.startsWith("upscore"))).toBe(false); // frozen
    expect(ga.has("conv1_1.weight")).toBe(true);
    planned.dispose();
  });

  it("an inference run on a training plan turns dropout off, in forward and in backward", () => {
    const r = rng(29);
    const [planned, copying] = pair(every, 8);
    planned.training = copying.training = true;
    const x = fcn.tensor(randArray(r, size(every.input.shape)), every.input.shape);
    planned.run(x);
    copying.run(x);
    planned.training = copying.training = false;
    const held = residentBytes();
    expectSameBits(planned.run(x), copying.run(x), "inference output");
    expect(residentBytes()).toBe(held); // the training plan serves inference: no new plan
    const dOut = fcn.tensor(randArray(r, size(every.input.shape)), every.input.shape);
    expectSameGradients(planned.backward(dOut), copying.backward(dOut), "after inference");
    planned.dispose();
  });

  it("after dispose(), blob() and backward() never read blocks that another plan now holds", () => {
    const x = fcn.tensor(randArray(rng(3), size(every.input.shape)), every.input.shape);
    const a = Net.fromGraph(every, undefined, { seed: 1 });
    a.training = true;
    a.run(x);
    expect(a.blob("c1")).toBeDefined(); // builds the lazy reads of the last run
    a.dispose();
    // B's plan takes the blocks A gave back, and fills them
    const b = Net.fromGraph(every, undefined, { seed: 2 });
    b.training = true;
    b.run(x);
    expect(a.blob("c1")).toBeUndefined();
    expect(() => a.backward(fcn.tensor(new Float32Array(size(every.input.shape)), every.input.shape))).toThrow(/run\(\) first/);
    // the same for a plan that ran inference only
    a.training = false;
    a.run(x);
    a.dispose();
    expect(a.blob("prob")).toBeUndefined();
    b.dispose();
  });

  it("backward before any run, or with a dOut of the wrong shape, is a ShapeError", () => {
    const net = Net.fromGraph(every);
    expect(() => net.backward(fcn.tensor(new Float32Array(size(every.input.shape)), every.input.shape))).toThrow(/run\(\) first/);
    net.training = true;
    net.run(fcn.tensor(new Float32Array(size(every.input.shape)), every.input.shape));
    expect(() => net.backward(fcn.tensor(new Float32Array(4), [1, 1, 2, 2]))).toThrow(/expected the output's shape \[2, 2, 7, 6\]/);
    net.dispose();
  });
});

describe("arena resident zone", () => {
  // A private arena on its own small memory: independent of what other tests left resident.
  const fresh = (maxPages = 64) => new Arena(new WebAssembly.Memory({ initial: 1, maximum: maxPages }), 1024);

  it("reuses freed gaps first-fit, gives the tail back, and refuses to extend during an op", () => {
    const arena = fresh();
    const a = arena.allocResident(1000, "a");
    const b = arena.allocResident(64, "b");
    const c = arena.allocResident(128, "c");
    expect(a).toBe(1024);
    expect([a % 64, b % 64, c % 64]).toEqual([0, 0, 0]);
    expect(b).toBeGreaterThanOrEqual(a + 1000);
    expect(c).toBeGreaterThanOrEqual(b + 64);
    arena.freeResident(a);
    expect(arena.allocResident(512, "d")).toBe(a); // first fit in a's gap
    arena.freeResident(a);
    arena.freeResident(b);
    arena.freeResident(c); // the tail: the zone shrinks back
    expect(arena.residentBytes()).toBe(0);
    expect(arena.mark()).toBe(1024);
    const again = arena.allocResident(64, "e");
    expect(again).toBe(a);
    arena.freeResident(again);
    const mark = arena.mark();
    arena.alloc(64, "scratch");
    expect(() => arena.allocResident(1 << 20, "during an op")).toThrow(UnsupportedError);
    expect(() => arena.allocResident(1 << 20, "during an op")).toThrow(/between op calls/);
    arena.release(mark);
  });

  it("a block the memory cannot grow to is an OutOfMemoryError and leaves the zone as it was", () => {
    const arena = fresh(2); // at most 128 KiB
    const a = arena.allocResident(1000, "a");
    expect(() => arena.allocResident(200_000, "too big")).toThrow(OutOfMemoryError);
    expect(arena.residentBytes()).toBe(1024);
    const b = arena.allocResident(64, "b"); // right after a, not past the failed block
    expect(b).toBe(a + 1024);
    const mark = arena.mark();
    expect(mark).toBe(b + 64); // the stack starts at the zone's end
    arena.freeResident(b);
    arena.freeResident(a);
    expect(arena.mark()).toBe(1024);
    // a zone that starts unaligned: the failed block's alignment gap is not kept either
    const odd = new Arena(new WebAssembly.Memory({ initial: 1, maximum: 2 }), 1000);
    expect(() => odd.allocResident(200_000, "too big")).toThrow(OutOfMemoryError);
    expect(odd.mark()).toBe(1000);
    expect(odd.allocResident(64, "small")).toBe(1024);
  });
});
