// A Net plan learns per layer whether splitting over the pool pays (src/nn/split-tuner.ts): its
// first runs alternate each layer between split and unsplit, then keep the faster median. The
// choice is timing's, so these tests check the rule on given timings, and on the plan only what
// does not depend on speed: the arms alternate as stated, an unsplit layer dispatches nothing to
// the pool, and every run gives one thread's bits whichever way its layers ran.
import { afterAll, describe, expect, it } from "vitest";
import { expectSameBits, fcn, randArray, rng } from "./lib.js";
import type { GraphSpec, Net as NetType } from "../dist/index.js";
import { SPLIT_TRIALS, SplitTuner } from "../dist/nn/split-tuner.js";
import { runtime } from "../dist/runtime/runtime.js";
import { splitThresholds } from "../dist/ops/run.js";

describe("SplitTuner", () => {
  it("alternates split and single until each has SPLIT_TRIALS timings, then keeps the faster median", () => {
    const t = new SplitTuner(2, true);
    const arms: string[] = [];
    // layer 0: single is faster; layer 1: split is faster, with one outlier on each side
    const ms = { split: [5, 5, 1, 5], single: [2, 9, 2, 2] };
    const seen = { split: 0, single: 0 };
    for (let run = 0; run < 2 * SPLIT_TRIALS; run++) {
      const a0 = t.arm(0), a1 = t.arm(1);
      arms.push(a0);
      expect(a1).toBe(a0);
      t.record(0, a0, ms[a0][seen[a0]]);
      t.record(1, a1, 12 - ms[a1][seen[a1]]);
      seen[a0]++;
      expect(t.choice(0), `run ${run}`).toBe(run < 2 * SPLIT_TRIALS - 1 ? null : "single");
    }
    expect(arms).toEqual(Array.from({ length: 2 * SPLIT_TRIALS }, (_, i) => (i % 2 === 0 ? "split" : "single")));
    expect(t.choice(1)).toBe("split");
    // decided: the arm stays, later timings change nothing
    t.record(0, "split", 0);
    expect([t.arm(0), t.arm(1)]).toEqual(["single", "split"]);
  });

  it("keeps split on a tie, and without a pool never tries single", () => {
    const t = new SplitTuner(1, true);
    for (let r = 0; r < SPLIT_TRIALS; r++) {
      t.record(0, "split", 3);
      t.record(0, "single", 3);
    }
    expect(t.choice(0)).toBe("split");
    const none = new SplitTuner(3, false);
    expect([0, 1, 2].map((i) => none.arm(i))).toEqual(["split", "split", "split"]);
    none.decide(1, "single");
    expect(none.choice(1)).toBe("split");
  });
});

/** Three conv layers and a transposed one, big enough to split with the thresholds at 1. */
const SPEC: GraphSpec = {
  input: { name: "x", shape: [1, 8, 20, 20] },
  output: "up",
  layers: [
    { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 16, kernelShape: 3, pads: 1 } },
    { name: "r1", op: "Relu", inputs: ["c1"] },
    { name: "c2", op: "Conv", inputs: ["r1"], attrs: { outChannels: 16, kernelShape: 3, pads: 1 } },
    { name: "up", op: "ConvTranspose", inputs: ["c2"], attrs: { outChannels: 8, kernelShape: 4, strides: 2, pads: 1 } },
  ],
};

const tunerOf = (net: NetType) => (net as unknown as { plan: { tuner: SplitTuner } }).plan.tuner;

describe("a Net plan on 2 threads tries each layer split and unsplit", () => {
  afterAll(() => fcn.dispose());

  it("alternates, dispatches to the pool only on split runs, and gives one thread's bits every run", async () => {
    const x = fcn.tensor(randArray(rng(17), 8 * 20 * 20), [1, 8, 20, 20]);
    await fcn.ready({ threads: 1 });
    const one = fcn.Net.fromGraph(SPEC, undefined, { seed: 4 });
    const want = one.run(x);
    expect(tunerOf(one).choice(0), "no pool: nothing to try").toBe("split");
    const params = one.parameters();
    await fcn.ready({ threads: 2 });
    const saved = { ...splitThresholds };
    splitThresholds.macs = 1;
    splitThresholds.bytes = 1;
    try {
      const net = fcn.Net.fromGraph(SPEC, params);
      const pool = runtime().pool!;
      for (let run = 0; run < 2 * SPLIT_TRIALS; run++) {
        const before = pool.dispatches;
        expectSameBits(net.run(x), want, `run ${run}`);
        // run 0 splits every layer, run 1 none, and so on
        if (run % 2 === 0) expect(pool.dispatches, `run ${run} (split)`).toBeGreaterThan(before);
        else expect(pool.dispatches, `run ${run} (single)`).toBe(before);
      }
      const tuner = tunerOf(net);
      SPEC.layers.forEach((_, i) => expect(tuner.choice(i), `layer ${i} decided`).not.toBeNull());
      tuner.decideAll("single");
      let before = pool.dispatches;
      expectSameBits(net.run(x), want, "every layer kept unsplit");
      expect(pool.dispatches).toBe(before);
      tuner.decideAll("split");
      before = pool.dispatches;
      expectSameBits(net.run(x), want, "every layer kept split");
      expect(pool.dispatches).toBeGreaterThan(before);
      net.dispose();
    } finally {
      Object.assign(splitThresholds, saved);
    }
  });
});
