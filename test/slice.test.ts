// slice and sliceBackward: forward against the ONNX definition (test/ref/data-movement.ts) over
// random ranks, axes (negative, any order), starts/ends beyond the axis and at ±2⁶³ (INT64 max and
// min: "to the end"), negative steps; backward by the adjoint identity
// ⟨dy, slice(x)⟩ = ⟨sliceBackward(dy), x⟩ (a scatter into zeros); typed errors; caller arrays
// untouched; Slice as a Net layer (gradients through it, plan equal to the op-by-op path).
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, expectSameBits, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { sliceRef } from "./ref/data-movement.js";
import type { GraphSpec, LayerSpec, Tensor } from "../dist/index.js";
import { expectEveryParameterGradient } from "./net-finite-differences.js";
const { Net, ShapeError, AttributeError, slice, sliceBackward } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
const BIG = 2 ** 63; // INT64_MAX as a JS number reads it

/** A random index for an axis of n: mostly near the axis, sometimes far beyond either end. */
const index = (r: () => number, n: number): number => {
  const u = r();
  return u < 0.08 ? BIG : u < 0.16 ? -BIG : randInt(r, -n - 3, n + 3);
};

/** Random slice attributes for `shape`: k distinct axes (negative half the time), steps ±1…3. */
function randomSlice(r: () => number, shape: number[]) {
  const rank = shape.length;
  const all = Array.from({ length: rank }, (_, i) => i).sort(() => r() - 0.5);
  const k = randInt(r, 0, rank);
  const axes = all.slice(0, k).map((a) => (r() < 0.5 ? a - rank : a));
  const starts = axes.map((a) => index(r, shape[a < 0 ? a + rank : a]));
  const ends = axes.map((a) => index(r, shape[a < 0 ? a + rank : a]));
  const steps = axes.map(() => (r() < 0.5 ? 1 : (r() < 0.5 ? -1 : 1) * randInt(r, 1, 3)));
  return { starts, ends, axes, steps };
}

describe.each(BUILDS)("slice (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("matches the ONNX definition on 400 random cases (rank 1–5, negative axes, far and INT64 indices, steps −3…3)", () => {
    const r = rng(99);
    for (let k = 0; k < 400; k++) {
      const rank = randInt(r, 1, 5);
      const shape = Array.from({ length: rank }, () => (r() < 0.04 ? 0 : randInt(r, 1, 6)));
      const attrs = randomSlice(r, shape);
      const x = fcn.tensor(randArray(r, size(shape)), shape);
      const keep = x.data.slice(), copy = JSON.stringify(attrs);
      const want = sliceRef(x.data, shape, attrs.starts, attrs.ends, attrs.axes, attrs.steps);
      expectClose(slice(x, attrs), want, `x [${shape}], ${copy}`, 0, 0);
      expect(x.data).toEqual(keep);
      expect(JSON.stringify(attrs)).toBe(copy);
    }
  });

  it("the ONNX examples: default axes, negative steps, INT_MAX end, negative start", () => {
    const x = fcn.tensor(Float32Array.from({ length: 20 }, (_, i) => i), [4, 5]);
    expect(slice(x, { starts: [1, 0], ends: [2, 3], axes: [0, 1], steps: [1, 2] }).data).toEqual(Float32Array.of(5, 7));
    expect(slice(x, { starts: [0, 1], ends: [-1, 1000] }).data).toEqual(Float32Array.of(1, 2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14));
    expect(slice(x, { starts: [-1], ends: [-BIG], axes: [1], steps: [-1] }).shape).toEqual([4, 5]); // reversed columns
    expect(Array.from(slice(x, { starts: [-1], ends: [-BIG], axes: [1], steps: [-2] }).data.slice(0, 3))).toEqual([4, 2, 0]);
    expect(slice(x, { starts: [3], ends: [1], axes: [0] }).shape).toEqual([0, 5]); // empty: start past end with step 1
  });

  it("sliceBackward is the adjoint of slice on 200 random cases: dy at the sliced positions, 0 elsewhere", () => {
    const r = rng(17);
    for (let k = 0; k < 200; k++) {
      const rank = randInt(r, 1, 4);
      const shape = Array.from({ length: rank }, () => randInt(r, 1, 6));
      const attrs = randomSlice(r, shape);
      const x = fcn.tensor(randArray(r, size(shape)), shape);
      const y = slice(x, attrs);
      const dy = fcn.tensor(randArray(r, y.data.length), y.shape.slice());
      const dx = sliceBackward(dy, shape, attrs);
      expect(Math.abs(dot(dy.data, y.data) - dot(dx.data, x.data))).toBeLessThan(1e-5);
      expect(dx.data.filter((v) => v !== 0).length).toBe(dy.data.filter((v) => v !== 0).length); // one position per element
    }
  });

  it("typed errors name the op and the value", () => {
    const x = fcn.tensor(new Float32Array(12), [3, 4]);
    expect(() => slice(x, { starts: [0], ends: [1], steps: [0] })).toThrow(/slice\(attrs\.steps\[0\]\): a step of 0/);
    expect(() => slice(x, { starts: [0, 0], ends: [1, 1], axes: [1, -1] })).toThrow(/axis 1 appears twice/);
    expect(() => slice(x, { starts: [0], ends: [1], axes: [2] })).toThrow(/axis 2 is out of range for x of rank 2/);
    expect(() => slice(x, { starts: [0, 0, 0], ends: [1, 1, 1] })).toThrow(/without axes, starts may have at most 2/);
    expect(() => slice(x, { starts: [0], ends: [1, 2] })).toThrow(/slice\(attrs\.ends\): expected 1 values/);
    expect(() => slice(x, { starts: [0.5], ends: [1] })).toThrow(/starts\[0\]\): expected an integer, got 0.5/);
    expect(() => slice(x, { ends: [1] } as never)).toThrow(/starts\): required/);
    expect(() => slice(x, { starts: [0], ends: [1], step: [1] } as never)).toThrow(AttributeError);
    expect(() => sliceBackward(fcn.tensor(new Float32Array(4), [1, 4]), [3, 4], { starts: [0], ends: [2] })).toThrow(ShapeError);
  });
});

/** A Xavier-initialised conv layer reading `input`. */
const conv = (name: string, input: string, outChannels: number, kernelShape: number): LayerSpec =>
  ({ name, op: "Conv", inputs: [input], attrs: { outChannels, kernelShape, init: "xavier" } });

/** conv → Slice of channels and a reversed, strided width → conv → Slice with a negative start. */
const spec: GraphSpec = {
  input: { name: "x", shape: [2, 3, 7, 9] },
  output: "out",
  layers: [
    conv("c1", "x", 5, 1),
    { name: "s1", op: "Slice", inputs: ["c1"], attrs: { starts: [1, -1], ends: [4, -BIG], axes: [1, 3], steps: [1, -2] } },
    conv("c2", "s1", 4, 3),
    { name: "out", op: "Slice", inputs: ["c2"], attrs: { starts: [-3], ends: [BIG], axes: [-2] } },
  ],
};

describe.each(BUILDS)("Slice as a Net layer (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("runs as the op does; every parameter's gradient matches finite differences through strided and reversed slices", () => {
    const net = Net.fromGraph(spec, undefined, { seed: 5 });
    const x = fcn.tensor(randArray(rng(3), size(spec.input.shape)), spec.input.shape);
    net.run(x);
    expectClose(net.blob("s1") as Tensor, slice(net.blob("c1") as Tensor, spec.layers[1].attrs as never), "s1", 0, 0);
    expect(net.run(x).shape).toEqual([2, 4, 3, 3]);
    net.dispose();
    expectEveryParameterGradient(spec, 5, rng(4), [2, 4, 3, 3]);
  });

  it("the plan equals the op-by-op path bit for bit, training", () => {
    const planned = Net.fromGraph(spec, undefined, { seed: 9 }), copying = Net.fromGraph(spec, undefined, { seed: 9, resident: false });
    planned.training = copying.training = true;
    const x = fcn.tensor(randArray(rng(8), size(spec.input.shape)), spec.input.shape);
    expectSameBits(planned.run(x), copying.run(x), "output");
    const dOut = fcn.tensor(randArray(rng(10), 2 * 4 * 3 * 3), [2, 4, 3, 3]);
    const a = planned.backward(dOut), b = copying.backward(dOut);
    for (const [name, g] of a) expectSameBits(g, b.get(name)!, `gradient ${name}`);
    planned.dispose();
    copying.dispose();
  });

  it("a Slice with bad attributes is an AttributeError naming the layer", () => {
    const bad = (attrs: Record<string, unknown>): GraphSpec => ({ input: { name: "x", shape: [1, 2, 3, 3] }, output: "s", layers: [{ name: "s", op: "Slice", inputs: ["x"], attrs } as LayerSpec] });
    expect(() => Net.fromGraph(bad({ starts: [0], ends: [1], steps: [0] }))).toThrow(/"s".*step of 0/);
    expect(() => Net.fromGraph(bad({ starts: [0], ends: [1], axis: [0] }))).toThrow(AttributeError);
  });
});
