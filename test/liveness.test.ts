// The liveness memory plan (src/nn/liveness.ts) and Net's compact inference plans (NetOptions.keep):
// on random DAGs, a simulated run through the slots never reads a block another blob has overwritten,
// never writes an output over one of its own inputs, and leaves every kept blob intact; a Net with
// `keep: []` gives the same bits as one with `keep: "all"` in less memory, and says which blobs it
// did not keep.
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { BUILDS, expectSameBits, fcn, randArray, rng, useBuild } from "./lib.js";
import type { GraphSpec, Tensor } from "../dist/index.js";
import { type LiveStep, planSlots } from "../dist/nn/liveness.js";
import { runtime } from "../dist/runtime/runtime.js";

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** A random DAG: step i reads 1–3 earlier blobs (or the input); some steps are aliases of their first input. */
const dag = fc.array(fc.record({ reads: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), size: fc.integer({ min: 1, max: 50 }), alias: fc.boolean() }), { minLength: 1, maxLength: 25 })
  .chain((raw) => fc.tuple(fc.constant(raw), fc.subarray(raw.map((_, i) => `b${i}`))));

function buildSteps(raw: { reads: number[]; size: number; alias: boolean }[]): LiveStep[] {
  return raw.map((r, i) => {
    const names = ["in", ...raw.slice(0, i).map((_, j) => `b${j}`)];
    const inputs = [...new Set(r.reads.map((k) => names[k % names.length]))];
    return { name: `b${i}`, inputs, size: r.size, alias: r.alias && inputs.length === 1 };
  });
}

describe("planSlots", () => {
  it("never lets a blob be overwritten while it is still read or kept, nor an output share a block with its inputs", () => {
    fc.assert(fc.property(dag, ([raw, keepList]) => {
      const steps = buildSteps(raw);
      const keep = new Set(keepList);
      const { slots, slotOf } = planSlots(new Map([["in", 7]]), steps, keep);
      // who owns each slot's bytes now; an alias owns nothing of its own
      const root = new Map<string, string>([["in", "in"]]);
      for (const s of steps) root.set(s.name, s.alias ? root.get(s.inputs[0])! : s.name);
      const holder = new Map<number, string>([[slotOf.get("in")!, "in"]]);
      expect(slots[slotOf.get("in")!]).toBeGreaterThanOrEqual(7);
      for (const s of steps) {
        for (const x of s.inputs) expect(holder.get(slotOf.get(x)!), `${s.name} reads ${x}`).toBe(root.get(x));
        if (s.alias) {
          expect(slotOf.get(s.name)).toBe(slotOf.get(s.inputs[0]));
          continue;
        }
        for (const x of s.inputs) expect(slotOf.get(s.name), `${s.name} over its input ${x}`).not.toBe(slotOf.get(x));
        expect(slots[slotOf.get(s.name)!]).toBeGreaterThanOrEqual(s.size);
        holder.set(slotOf.get(s.name)!, s.name);
      }
      for (const k of [...keep, "in"]) expect(holder.get(slotOf.get(k)!), `kept ${k}`).toBe(root.get(k));
    }), { numRuns: 300 });
  });

  it("a chain of layers needs two blocks beside the input", () => {
    const steps: LiveStep[] = Array.from({ length: 10 }, (_, i) => ({ name: `b${i}`, inputs: [i === 0 ? "in" : `b${i - 1}`], size: 10 + i }));
    const { slots } = planSlots(new Map([["in", 5]]), steps, new Set(["b9"]));
    expect(slots.length).toBe(3);
  });
});

/** conv → relu → pool → dropout → convT → crop, a skip 1×1 conv, add, scale, softmax: every kind of plan step. */
const every: GraphSpec = {
  input: { name: "x", shape: [2, 2, 9, 8] },
  output: "prob",
  layers: [
    { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 4, kernelShape: 3, pads: 1 } },
    { name: "r1", op: "Relu", inputs: ["c1"] },
    { name: "c2", op: "Conv", inputs: ["r1"], attrs: { outChannels: 4, kernelShape: 3, pads: 1 } },
    { name: "s2", op: "Sigmoid", inputs: ["c2"] },
    { name: "p1", op: "MaxPool", inputs: ["s2"], attrs: { kernelShape: 2, strides: 2, ceilMode: true } },
    { name: "d1", op: "Dropout", inputs: ["p1"], attrs: { ratio: 0.25 } },
    { name: "up", op: "ConvTranspose", inputs: ["d1"], attrs: { outChannels: 2, kernelShape: 4, strides: 2, init: "xavier" } },
    { name: "upc", op: "Crop", inputs: ["up", "x"] },
    { name: "skip", op: "Conv", inputs: ["r1"], attrs: { outChannels: 2, kernelShape: 1, init: "xavier" } },
    { name: "cat", op: "Concat", inputs: ["upc", "skip"], attrs: { axis: 1 } },
    { name: "fuse", op: "Conv", inputs: ["cat"], attrs: { outChannels: 3, kernelShape: 1 } },
    { name: "s", op: "Scale", inputs: ["fuse"], attrs: { scale: 0.5 } },
    { name: "prob", op: "Softmax", inputs: ["s"] },
  ],
};

describe.each(BUILDS)("Net with a compact inference plan (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("gives the same bits as keeping every blob, in fewer bytes, and names what it did not keep", () => {
    const r = rng(31);
    const all = fcn.Net.fromGraph(every, undefined, { seed: 3 });
    const compact = fcn.Net.fromGraph(every, undefined, { seed: 3, keep: ["skip"] });
    for (let t = 0; t < 3; t++) {
      const x = fcn.tensor(randArray(r, size(every.input.shape)), every.input.shape);
      expectSameBits(compact.run(x), all.run(x), `run ${t}: output`);
      expectSameBits(compact.blob("skip") as Tensor, all.blob("skip") as Tensor, `run ${t}: kept blob`);
      expectSameBits(compact.blob("prob") as Tensor, all.blob("prob") as Tensor, `run ${t}: the output blob`);
    }
    expect(compact.summary().plannedBytes).toBeLessThan(all.summary().plannedBytes);
    // summary's prediction for a net not yet planned is the layout the plan makes
    expect(fcn.Net.fromGraph(every, undefined, { keep: ["skip"] }).summary().plannedBytes).toBe(compact.summary().plannedBytes);
    const before = runtime().arena.residentBytes();
    all.dispose();
    const freedAll = before - runtime().arena.residentBytes();
    const before2 = runtime().arena.residentBytes();
    compact.dispose();
    const freedCompact = before2 - runtime().arena.residentBytes();
    expect(freedCompact).toBeLessThan(freedAll);
    compact.run(fcn.tensor(randArray(r, size(every.input.shape)), every.input.shape));
    expect(() => compact.blob("c2")).toThrow(fcn.UnsupportedError);
    expect(() => compact.blob("c2")).toThrow(/blob "c2" of the last run was not kept.*keep: \["c2"\]/);
    // backward needs every blob: after a compact inference run it says how to get them
    expect(() => compact.backward(fcn.tensor(new Float32Array(2 * 3 * 9 * 8), [2, 3, 9, 8]))).toThrow(/training = true/);
    compact.dispose();
  });

  it("a training run keeps every blob (backward works); its plan serves later inference runs", () => {
    const r = rng(32);
    const all = fcn.Net.fromGraph(every, undefined, { seed: 5 });
    const compact = fcn.Net.fromGraph(every, undefined, { seed: 5, keep: [] });
    const x = fcn.tensor(randArray(r, size(every.input.shape)), every.input.shape);
    all.training = compact.training = true;
    expectSameBits(compact.run(x), all.run(x), "training run");
    const dy = fcn.tensor(randArray(r, 2 * 3 * 9 * 8), [2, 3, 9, 8]);
    const ga = all.backward(dy), gc = compact.backward(dy);
    for (const [name, g] of ga) expectSameBits(gc.get(name) as Tensor, g, `gradient ${name}`);
    all.training = compact.training = false;
    expectSameBits(compact.run(x), all.run(x), "inference run after training");
    expectSameBits(compact.blob("c1") as Tensor, all.blob("c1") as Tensor, "a blob of the training plan");
    all.dispose();
    compact.dispose();
  });

  it("rejects keep names that are no blobs, and keep values of the wrong type", () => {
    expect(() => fcn.Net.fromGraph(every, undefined, { keep: ["c1", "nope"] })).toThrow(/"nope" is no blob/);
    expect(() => fcn.Net.fromGraph(every, undefined, { keep: "some" as never })).toThrow(fcn.AttributeError);
  });

  it("Net.fromOnnx plans compactly by default, and keeps what it is asked to", () => {
    const net = fcn.Net.fromGraph(every, undefined, { seed: 9 });
    const bytes = net.toOnnx();
    const x = fcn.tensor(randArray(rng(33), size(every.input.shape)), every.input.shape);
    const want = net.run(x);
    const imported = fcn.Net.fromOnnx(bytes);
    expectSameBits(imported.run(x), want, "imported, compact");
    const inner = imported.spec.layers[2].name;
    expect(() => imported.blob(inner)).toThrow(fcn.UnsupportedError);
    const keeping = fcn.Net.fromOnnx(bytes, { keep: "all" });
    keeping.run(x);
    expect(keeping.blob(inner)).toBeDefined();
    for (const n of [net, imported, keeping]) n.dispose();
  });
});
