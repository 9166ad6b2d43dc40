// pad and padBackward: forward against the definition (test/ref/data-movement.ts) over random
// ranks, sizes, pads (negative ones crop) and modes; backward by the adjoint identity
// ⟨dy, pad(x)⟩ = ⟨padBackward(dy), x⟩; typed errors; caller arrays untouched; Pad as a Net layer
// (finite-difference gradients through it, plan equal to the op-by-op path bit for bit).
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, expectSameBits, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { padRef } from "./ref/data-movement.js";
import type { GraphSpec, LayerSpec, PadMode, Tensor } from "../dist/index.js";
import { expectEveryParameterGradient } from "./net-finite-differences.js";
const { Net, ShapeError, AttributeError, pad, padBackward } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const MODES: PadMode[] = ["constant", "reflect", "edge"];
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };

describe.each(BUILDS)("pad (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("matches the definition on 300 random cases (rank 1–5, sizes 0–6, pads −3…4, every mode); impossible ones are ShapeErrors", () => {
    const r = rng(2026);
    let ran = 0;
    for (let k = 0; k < 300; k++) {
      const rank = randInt(r, 1, 5);
      const shape = Array.from({ length: rank }, () => (r() < 0.05 ? 0 : randInt(r, 1, 6)));
      const pads = Array.from({ length: 2 * rank }, () => randInt(r, -3, 4));
      const mode = MODES[k % 3], value = mode === "constant" ? Math.round(r() * 10 - 5) / 4 : undefined;
      const x = fcn.tensor(randArray(r, size(shape)), shape);
      const keep = x.data.slice(), padsCopy = pads.slice();
      const want = padRef(x.data, shape, pads, mode, value ?? 0);
      const what = `x [${shape}], pads [${pads}], mode ${mode}, value ${value}`;
      const attrs = value === undefined ? { pads, mode } : { pads, mode, value };
      if (want === null) { expect(() => pad(x, attrs), what).toThrow(ShapeError); continue; }
      expectClose(pad(x, attrs), want, what, 0, 0);
      expect(x.data).toEqual(keep);
      expect(pads).toEqual(padsCopy);
      ran++;
    }
    expect(ran).toBeGreaterThan(100);
  });

  it("the ONNX examples: constant, reflect and edge of [[1, 1.2], [2.3, 3.4], [4.5, 5.7]]", () => {
    const x = fcn.tensor([1, 1.2, 2.3, 3.4, 4.5, 5.7], [3, 2]);
    expect(Array.from(pad(x, { pads: [0, 2, 0, 0] }).data)).toEqual(Array.from(Float32Array.of(0, 0, 1, 1.2, 0, 0, 2.3, 3.4, 0, 0, 4.5, 5.7)));
    // reflect by 2 on an axis of 2 mirrors twice in the ONNX text's example (numpy.pad); onnxruntime
    // refuses it and so does pad: one reflection, pad ≤ size − 1
    expect(() => pad(x, { pads: [0, 2, 0, 0], mode: "reflect" })).toThrow(ShapeError);
    expect(Array.from(pad(x, { pads: [2, 1, 0, 0], mode: "reflect" }).data)).toEqual(Array.from(Float32Array.of(5.7, 4.5, 5.7, 3.4, 2.3, 3.4, 1.2, 1, 1.2, 3.4, 2.3, 3.4, 5.7, 4.5, 5.7)));
    expect(Array.from(pad(x, { pads: [0, 2, 0, 0], mode: "edge" }).data)).toEqual(Array.from(Float32Array.of(1, 1, 1, 1.2, 2.3, 2.3, 2.3, 3.4, 4.5, 4.5, 4.5, 5.7)));
    // a negative pad crops: the first row goes, one row of 9s comes at the end
    expect(Array.from(pad(x, { pads: [-1, 0, 1, 0], value: 9 }).data)).toEqual(Array.from(Float32Array.of(2.3, 3.4, 4.5, 5.7, 9, 9)));
  });

  it("padBackward is the adjoint of pad (⟨dy, pad(x)⟩ = ⟨padBackward(dy), x⟩) on 150 random cases; edge and reflect sum the copies", () => {
    const r = rng(7);
    for (let k = 0; k < 150; k++) {
      const rank = randInt(r, 1, 4);
      const shape = Array.from({ length: rank }, () => randInt(r, 2, 6));
      const pads = Array.from({ length: 2 * rank }, () => randInt(r, -1, 3));
      const mode = MODES[k % 3];
      const x = fcn.tensor(randArray(r, size(shape)), shape);
      if (padRef(x.data, shape, pads, mode, 0) === null) continue;
      const y = pad(x, { pads, mode });
      const dy = fcn.tensor(randArray(r, y.data.length), y.shape.slice());
      const dx = padBackward(dy, shape, { pads, mode });
      expect(dx.shape).toEqual(shape);
      const lhs = dot(dy.data, y.data), rhs = dot(dx.data, x.data);
      expect(Math.abs(lhs - rhs), `x [${shape}] pads [${pads}] ${mode}: ${lhs} vs ${rhs}`).toBeLessThan(1e-4 * (1 + Math.abs(lhs)));
    }
    // edge: the border element gets its own gradient plus the two copies'
    const dx = padBackward(fcn.tensor([1, 2, 3, 4, 5], [5]), [3], { pads: [1, 1], mode: "edge" });
    expect(Array.from(dx.data)).toEqual([3, 3, 9]);
  });

  it("typed errors name the op and the value", () => {
    const x = fcn.tensor(new Float32Array(12), [3, 4]);
    expect(() => pad(x, { pads: [1, 1] })).toThrow(/pad\(attrs\.pads\): expected 4 integers/);
    expect(() => pad(x, {} as never)).toThrow(AttributeError);
    expect(() => pad(x, { pads: [0, 1.5, 0, 0] })).toThrow(/pads\[1\]\): expected an integer, got 1.5/);
    expect(() => pad(x, { pads: [0, 0, 0, 0], mode: "wrap" as never })).toThrow(fcn.UnsupportedError);
    expect(() => pad(x, { pads: [0, 0, 0, 0], mode: "mirror" as never })).toThrow(/expected one of 'constant', 'reflect', 'edge', got "mirror"/);
    expect(() => pad(x, { pads: [0, 0, 0, 0], mode: "edge", value: 2 })).toThrow(AttributeError);
    expect(() => pad(x, { pads: [0, 0, 0, 0], extra: 1 } as never)).toThrow(/unknown attribute/);
    expect(() => pad(x, { pads: [0, 4, 0, 0], mode: "reflect" })).toThrow(/reflect.*axis 1 needs each pad smaller than the size it mirrors \(4\)/);
    expect(() => pad(x, { pads: [-2, 0, -2, 0] })).toThrow(ShapeError);
    expect(() => pad(fcn.tensor([], [0, 2]), { pads: [1, 0, 0, 0], mode: "edge" })).toThrow(/keeps no element/);
    expect(() => padBackward(fcn.tensor(new Float32Array(12), [3, 4]), [3, 4], { pads: [1, 0, 0, 0] })).toThrow(/padBackward\(dy\)/);
    expect(() => pad({ data: [1], shape: [1] } as never, { pads: [0, 0] })).toThrow(ShapeError);
  });
});

/** A Xavier-initialised conv layer reading `input`. */
const conv = (name: string, input: string, outChannels: number, kernelShape: number, pads = 0): LayerSpec =>
  ({ name, op: "Conv", inputs: [input], attrs: { outChannels, kernelShape, pads, init: "xavier" } });

/** conv → reflect Pad → conv → edge Pad with a crop → conv → constant Pad on the channels. */
const spec: GraphSpec = {
  input: { name: "x", shape: [2, 3, 6, 5] },
  output: "out",
  layers: [
    conv("c1", "x", 3, 1),
    { name: "p1", op: "Pad", inputs: ["c1"], attrs: { pads: [0, 0, 2, 1, 0, 0, 1, 2], mode: "reflect" } },
    conv("c2", "p1", 4, 3),
    { name: "p2", op: "Pad", inputs: ["c2"], attrs: { pads: [0, 0, -1, 2, 0, 0, 1, -1], mode: "edge" } },
    conv("c3", "p2", 2, 3),
    { name: "out", op: "Pad", inputs: ["c3"], attrs: { pads: [0, 1, 0, 0, 0, 2, 0, 0], value: 0.5 } },
  ],
};

describe.each(BUILDS)("Pad as a Net layer (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("runs as the op does; every parameter's gradient matches finite differences through reflect, edge and constant pads", () => {
    const net = Net.fromGraph(spec, undefined, { seed: 5 });
    const x = fcn.tensor(randArray(rng(3), size(spec.input.shape)), spec.input.shape);
    net.run(x);
    const p1 = net.blob("p1") as Tensor;
    expectClose(p1, pad(net.blob("c1") as Tensor, { pads: [0, 0, 2, 1, 0, 0, 1, 2], mode: "reflect" }), "p1", 0, 0);
    expect(net.run(x).shape).toEqual([2, 5, 5, 5]);
    net.dispose();
    expectEveryParameterGradient(spec, 5, rng(4), [2, 5, 5, 5]);
  });

  it("the plan equals the op-by-op path bit for bit, training", () => {
    const planned = Net.fromGraph(spec, undefined, { seed: 9 }), copying = Net.fromGraph(spec, undefined, { seed: 9, resident: false });
    planned.training = copying.training = true;
    const x = fcn.tensor(randArray(rng(8), size(spec.input.shape)), spec.input.shape);
    expectSameBits(planned.run(x), copying.run(x), "output");
    const dOut = fcn.tensor(randArray(rng(10), 2 * 5 * 5 * 5), [2, 5, 5, 5]);
    const a = planned.backward(dOut), b = copying.backward(dOut);
    for (const [name, g] of a) expectSameBits(g, b.get(name)!, `gradient ${name}`);
    planned.dispose();
    copying.dispose();
  });

  it("a Pad with a bad attribute is an AttributeError naming the layer; a reflect too wide a ShapeError", () => {
    const bad = (attrs: Record<string, unknown>): GraphSpec => ({ input: { name: "x", shape: [1, 2, 3, 3] }, output: "p", layers: [{ name: "p", op: "Pad", inputs: ["x"], attrs } as LayerSpec] });
    expect(() => Net.fromGraph(bad({ pads: [1, 1] }))).toThrow(/"p".*pads/);
    expect(() => Net.fromGraph(bad({ pads: [1, 1], mod: "edge" }))).toThrow(AttributeError);
    expect(() => Net.fromGraph(bad({ pads: [0, 0, 3, 0, 0, 0, 0, 0], mode: "reflect" }))).toThrow(ShapeError);
  });
});

describe("Pad and Slice in Net's coordinate maps", () => {
  beforeAll(() => useBuild("simd"));

  it("a Crop after Pad then Slice gets its offsets computed (Pad shifts by its begin pads, Slice by −start) and recovers x exactly", () => {
    const spec: GraphSpec = {
      input: { name: "x", shape: [1, 2, 5, 6] },
      output: "cr",
      layers: [
        { name: "p", op: "Pad", inputs: ["x"], attrs: { pads: [0, 0, 2, 3, 0, 0, 1, 0], mode: "reflect" } },
        { name: "s", op: "Slice", inputs: ["p"], attrs: { starts: [1, 1], ends: [-1, 100], axes: [2, 3] } },
        { name: "cr", op: "Crop", inputs: ["s", "x"] },
      ],
    };
    expect(fcn.analyzeGraph(spec).cropOffsets.get("cr")).toEqual([1, 2]);
    const net = Net.fromGraph(spec);
    const x = fcn.tensor(randArray(rng(2), 60), [1, 2, 5, 6]);
    expectSameBits(net.run(x), x, "crop of the padded, sliced x");
    net.dispose();
  });

  it("a strided Slice scales the map (as a stride-2 pool does); a reversed one has no map, so a Crop after it needs offsets", () => {
    const layers = (steps: number[]): LayerSpec[] => [
      { name: "m", op: "MaxPool", inputs: ["x"], attrs: { kernelShape: 1, strides: 2 } },
      { name: "s", op: "Slice", inputs: ["x"], attrs: { starts: steps[0] > 0 ? [0, 0] : [-1, -1], ends: steps[0] > 0 ? [100, 100] : [-100, -100], axes: [2, 3], steps } },
      { name: "cr", op: "Crop", inputs: ["s", "m"] },
    ];
    expect(fcn.analyzeGraph({ input: { name: "x", shape: [1, 1, 6, 6] }, output: "cr", layers: layers([2, 2]) }).cropOffsets.get("cr")).toEqual([0, 0]);
    expect(() => Net.fromGraph({ input: { name: "x", shape: [1, 1, 6, 6] }, output: "cr", layers: layers([-2, -2]) })).toThrow(ShapeError);
  });
});
