// Net: a small graph with every op gets its parameter gradients checked against central finite
// differences of the loss ⟨run(x), r⟩; FCN-8s/16s/32s (scaled-down widths) run forward to the
// input's size and backward to every trainable parameter; bad weights are rejected; and a few
// SGD steps on a tiny segmentation problem lower the loss.
import { beforeAll, describe, expect, it } from "vitest";
import { fcn, randArray, rng, useBuild } from "./lib.js";
const { Net } = fcn;
import type { GraphSpec } from "../dist/index.js";

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Every op once: conv → relu → maxPool → convTranspose → crop(like x) + a 1×1 conv skip → scale → softmax. */
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

describe("Net", () => {
  beforeAll(() => useBuild("simd"));

  it("parameter gradients match central finite differences (every op, dropout on, batch 2)", () => {
    const r = rng(21);
    const net = Net.fromGraph(every, undefined, { seed: 3 });
    const x = fcn.tensor(randArray(r, size(every.input.shape)), every.input.shape);
    const out = net.run(x);
    expect(out.shape).toEqual([2, 2, 7, 6]);
    const dir = fcn.tensor(randArray(r, out.data.length), out.shape.slice());
    // The loss is ⟨run(x), r⟩ with the dropout mask of this run held fixed.
    const grads = net.backward(dir);
    expect([...grads.keys()].sort()).toEqual(["c1.bias", "c1.weight", "skip.bias", "skip.weight", "up.bias", "up.weight"]);
    const params = net.parameters();
    const seedOfRun = 3;
    const loss = (): number => {
      // re-run with the same dropout mask: a fresh Net with the same seed and the current weights
      const again = Net.fromGraph(every, params, { seed: seedOfRun });
      again.training = true;
      const y = again.run(x).data;
      let s = 0;
      for (let i = 0; i < y.length; i++) s += y[i] * dir.data[i];
      return s;
    };
    // training mode changes the mask stream: compute the reference gradient in training mode too
    const trained = Net.fromGraph(every, params, { seed: seedOfRun });
    trained.training = true;
    trained.run(x);
    const tg = trained.backward(dir);
    for (const [name, g] of tg) {
      const w = params.get(name)!;
      for (let t = 0; t < 4; t++) {
        const i = Math.floor(r() * w.data.length);
        const keep = w.data[i];
        const h = 2e-3 * Math.max(1, Math.abs(keep)); // small enough not to cross a relu or max-pool kink
        w.data[i] = keep + h; const plus = loss();
        w.data[i] = keep - h; const minus = loss();
        w.data[i] = keep;
        const fd = (plus - minus) / (2 * h);
        expect(Math.abs(fd - g.data[i]), `${name}[${i}]: finite difference ${fd}, backward ${g.data[i]}`).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
      }
    }
    expect(grads.get("up.weight")!.shape).toEqual([3, 2, 4, 4]);
  });

  for (const variant of ["32s", "16s", "8s"] as const) {
    it(`FCN-${variant} (small widths) runs to the input's size and back-propagates to every trainable parameter`, () => {
      const spec = fcn.fcn({ variant, classes: 5, widths: [4, 4, 8, 8, 8], fc: 16, inputShape: [1, 3, 64, 64] });
      const net = Net.fromGraph(spec, undefined, { seed: 1 });
      const x = fcn.tensor(randArray(rng(2), 3 * 64 * 64), [1, 3, 64, 64]);
      const y = net.run(x);
      expect(y.shape).toEqual([1, 5, 64, 64]);
      const grads = net.backward(fcn.tensor(randArray(rng(3), y.data.length), y.shape.slice()));
      const trainable = net.trainableParameters();
      expect([...grads.keys()].sort()).toEqual([...trainable.keys()].sort());
      for (const [name, g] of grads) expect(g.shape).toEqual(trainable.get(name)!.shape);
      // the fixed bilinear upsampling has no gradient
      expect([...grads.keys()].some((k) => k.startsWith("upscore"))).toBe(false);
    });
  }

  it("rejects weights that are no parameter of the graph, or of the wrong shape", () => {
    expect(() => Net.fromGraph(every, { "c1.wieght": fcn.tensor(new Float32Array(54), [3, 2, 3, 3]) })).toThrow(/"c1.wieght" is not a parameter/);
    expect(() => Net.fromGraph(every, { "c1.weight": fcn.tensor(new Float32Array(6), [3, 2, 1, 1]) })).toThrow(/should be \[3, 2, 3, 3\]/);
  });

  it("SGD on a tiny segmentation problem lowers the cross-entropy", () => {
    // label = 1 where the first channel is brighter than the second, a task one 3×3 conv can learn
    const spec: GraphSpec = {
      input: { name: "x", shape: [2, 2, 12, 12] },
      output: "score",
      layers: [
        { name: "conv", op: "Conv", inputs: ["x"], attrs: { outChannels: 4, kernelShape: 3, pads: 1 } },
        { name: "relu", op: "Relu", inputs: ["conv"] },
        { name: "score", op: "Conv", inputs: ["relu"], attrs: { outChannels: 2, kernelShape: 1 } },
      ],
    };
    const r = rng(8);
    const x = fcn.tensor(randArray(r, 2 * 2 * 144), [2, 2, 12, 12]);
    const labels = Array.from({ length: 2 * 144 }, (_, i) => {
      const n = Math.floor(i / 144), p = i % 144;
      return x.data[(n * 2) * 144 + p] > x.data[(n * 2 + 1) * 144 + p] ? 1 : 0;
    });
    const net = Net.fromGraph(spec, undefined, { seed: 5 });
    const sgd = new fcn.SGD({ lr: 0.5, momentum: 0.9 });
    const first = fcn.softmaxCrossEntropy(net.run(x), labels).loss;
    let last = first;
    for (let step = 0; step < 40; step++) {
      const { loss, grad } = fcn.softmaxCrossEntropy(net.run(x), labels);
      last = loss;
      sgd.step(net.parameters(), net.backward(grad));
    }
    expect(last).toBeLessThan(first * 0.5);
  });
});
