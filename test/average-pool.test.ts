// AveragePool: the op and its backward against the float64 reference (test/ref/average-pool.ts) on
// random 1-D, 2-D and 3-D shapes, kernels, strides, dilations, pads, ceilMode and countIncludePad with
// NaN and ±∞; auto_pad cases against their explicit pads; typed errors; as a Net layer:
// finite-difference gradients and the plan equal to the op-by-op path; ONNX import per opset.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { expectIeee, sprinkle } from "./special.js";
import { type AvgRefAttrs, averagePoolBackwardRef, averagePoolRef } from "./ref/average-pool.js";
import { attr, model, node, valueInfo } from "./onnx/proto-writer.js";
import type { AveragePoolAttrs, GraphSpec } from "../dist/index.js";
import { expectEveryParameterGradient } from "./net-finite-differences.js";
import { expectPlanMatchesOpByOp } from "./net-plan-parity.js";
const { Net, ShapeError, AttributeError, UnsupportedError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** A random case: pads at most half the dilated kernel, so every window sees the input. */
function randomCase(r: () => number, rank: number): { shape: number[]; attrs: AveragePoolAttrs; ref: AvgRefAttrs } {
  const kernel = Array.from({ length: rank }, () => randInt(r, 1, 4));
  const dilations = kernel.map(() => randInt(r, 1, 3)), strides = kernel.map(() => randInt(r, 1, 4));
  const spans = kernel.map((k, i) => dilations[i] * (k - 1) + 1);
  const pads = [...spans, ...spans].map((s) => randInt(r, 0, Math.floor(s / 2)));
  const ceil = r() < 0.5, includePad = r() < 0.5;
  const shape = [randInt(r, 1, 3), randInt(r, 1, 4), ...spans.map((s) => s + randInt(r, 0, 7))];
  return { shape, attrs: { kernelShape: kernel, strides, dilations, pads, ceilMode: ceil, countIncludePad: includePad }, ref: { kernel, strides, dilations, pads, ceil, includePad } };
}

describe.each(BUILDS)("averagePool (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("random 1-D and 2-D windows, pads, ceilMode, countIncludePad, NaN and ±∞: forward and backward match the reference; inputs unchanged", () => {
    const r = rng(71);
    for (let t = 0; t < 40; t++) {
      const { shape, attrs, ref } = randomCase(r, 1 + (t % 2));
      const what = `${JSON.stringify(shape)} ${JSON.stringify(attrs)}`;
      const x = sprinkle(r, randArray(r, size(shape)).map((v) => 4 * v), t % 3);
      const want = averagePoolRef(x, shape, ref);
      const dy = randArray(r, size(want.shape));
      const copies = [x.slice(), dy.slice(), JSON.stringify(attrs)];
      const xt = fcn.tensor(x, shape);
      expectIeee(fcn.averagePool(xt, attrs), want, `forward ${what}`, 1e-6, 1e-5);
      const dx = fcn.averagePoolBackward(fcn.tensor(dy, want.shape), xt, attrs);
      expectClose(dx, { data: averagePoolBackwardRef(dy, shape, ref), shape }, `backward ${what}`, 1e-6, 1e-5);
      expect([x, dy, JSON.stringify(attrs)]).toEqual(copies);
    }
  });

  it("random 3-D windows (odd sizes, asymmetric pads, dilations, ceilMode, countIncludePad, NaN and ±∞): forward and backward match the reference; ⟨y, dy⟩ = ⟨x, dx⟩", () => {
    const r = rng(76);
    for (let t = 0; t < 24; t++) {
      const { shape, attrs, ref } = randomCase(r, 3);
      const what = `${JSON.stringify(shape)} ${JSON.stringify(attrs)}`;
      const x = sprinkle(r, randArray(r, size(shape)).map((v) => 4 * v), t % 3);
      const want = averagePoolRef(x, shape, ref);
      const dy = randArray(r, size(want.shape));
      const xt = fcn.tensor(x, shape);
      const y = fcn.averagePool(xt, attrs);
      expectIeee(y, want, `forward ${what}`, 1e-6, 1e-5);
      const dx = fcn.averagePoolBackward(fcn.tensor(dy, want.shape), xt, attrs);
      expectClose(dx, { data: averagePoolBackwardRef(dy, shape, ref), shape }, `backward ${what}`, 1e-6, 1e-5);
      if (t % 3 === 0) { // finite x: the adjoint identity of a linear map
        let yDy = 0, xDx = 0;
        y.data.forEach((v, i) => { yDy += v * dy[i]; });
        x.forEach((v, i) => { xDx += v * dx.data[i]; });
        expect(Math.abs(yDy - xDx), what).toBeLessThan(1e-4 * (1 + Math.abs(yDy)));
      }
    }
  });

  it("auto_pad SAME_UPPER, SAME_LOWER and VALID (ceilMode ignored) equal their explicit pads", () => {
    const r = rng(72), shape = [1, 2, 5, 7], x = randArray(r, size(shape));
    const base = { kernel: [3, 2], strides: [2, 2], dilations: [1, 1], ceil: false, includePad: false };
    // SAME: out = ⌈in / s⌉ = [3, 4]; total pads (out − 1)·s + k − in = [2, 1], the odd one at the end (UPPER) or begin (LOWER)
    const cases: [AveragePoolAttrs, number[]][] = [
      [{ kernelShape: [3, 2], strides: 2, autoPad: "SAME_UPPER" }, [1, 0, 1, 1]],
      [{ kernelShape: [3, 2], strides: 2, autoPad: "SAME_LOWER", countIncludePad: 1 }, [1, 1, 1, 0]],
      [{ kernelShape: [3, 2], strides: 2, autoPad: "VALID", ceilMode: true }, [0, 0, 0, 0]],
    ];
    for (const [attrs, pads] of cases) {
      const want = averagePoolRef(x, shape, { ...base, pads, includePad: attrs.countIncludePad === 1 });
      expectClose(fcn.averagePool(fcn.tensor(x, shape), attrs), want, JSON.stringify(attrs), 1e-6, 1e-6);
    }
    // 3-D: x [1, 2, 5, 4, 7], k [2, 3, 2], s 2: out [3, 2, 4]; total pads [1, 1, 1] (SAME_UPPER: at the end)
    const shape3 = [1, 2, 5, 4, 7], x3 = randArray(r, size(shape3));
    const base3 = { kernel: [2, 3, 2], strides: [2, 2, 2], dilations: [1, 1, 1], ceil: false, includePad: false };
    const cases3: [AveragePoolAttrs, number[]][] = [
      [{ kernelShape: [2, 3, 2], strides: 2, autoPad: "SAME_UPPER" }, [0, 0, 0, 1, 1, 1]],
      [{ kernelShape: [2, 3, 2], strides: 2, autoPad: "SAME_LOWER", countIncludePad: 1 }, [1, 1, 1, 0, 0, 0]],
      [{ kernelShape: [2, 3, 2], strides: 2, autoPad: "VALID", ceilMode: true }, [0, 0, 0, 0, 0, 0]],
    ];
    for (const [attrs, pads] of cases3) {
      const want = averagePoolRef(x3, shape3, { ...base3, pads, includePad: attrs.countIncludePad === 1 });
      expectClose(fcn.averagePool(fcn.tensor(x3, shape3), attrs), want, JSON.stringify(attrs), 1e-6, 1e-6);
    }
  });

  it("bad attributes and shapes are typed errors naming the argument; the module keeps working", () => {
    const x = fcn.tensor(new Float32Array(25), [1, 1, 5, 5]);
    expect(() => fcn.averagePool(x, {} as AveragePoolAttrs)).toThrow(AttributeError);
    expect(() => fcn.averagePool(x, {} as AveragePoolAttrs)).toThrow(/averagePool\(attrs\.kernelShape\)/);
    expect(() => fcn.averagePool(x, { kernelShape: 2, countIncludePad: 2 as never })).toThrow(/averagePool\(attrs\.countIncludePad\)/);
    expect(() => fcn.averagePool(x, { kernelShape: 2, storageOrder: 0 } as never)).toThrow(AttributeError);
    expect(() => fcn.averagePool(x, { kernelShape: 2, pads: [2, 0, 0, 0] })).toThrow(/averagePool\(attrs\.pads\): window 0 of axis 0 would see only padding.*average/);
    expect(() => fcn.averagePool(x, { kernelShape: 6 })).toThrow(ShapeError);
    expect(() => fcn.averagePool(fcn.tensor(new Float32Array(16), [1, 1, 2, 2, 2, 2]), { kernelShape: 1 })).toThrow(/averagePool: expected x of rank 3, 4 or 5 .*got rank 6/);
    expect(() => fcn.averagePool(fcn.tensor(new Float32Array(8), [1, 1, 2, 2, 2]), { kernelShape: [2, 2] })).toThrow(/averagePool\(attrs\.kernelShape\)/);
    expect(() => fcn.averagePoolBackward(fcn.tensor(new Float32Array(4), [1, 1, 2, 2]), x, { kernelShape: 2 })).toThrow(/averagePoolBackward\(dy\): expected \[1, 1, 4, 4\]/);
    expect(fcn.averagePool(fcn.tensor(Float32Array.of(1, 2, 3, 6), [1, 1, 4]), { kernelShape: 2, strides: 2 }).data).toEqual(Float32Array.of(1.5, 4.5));
  });
});

/** conv → AveragePool (k3 s2, pads, ceil, counting pads) → conv → AveragePool (dilated, uneven pads) → conv. */
const spec: GraphSpec = {
  input: { name: "x", shape: [2, 2, 7, 6] }, output: "out",
  layers: [
    { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 3, kernelShape: 3, pads: 1, init: "xavier" } },
    { name: "p1", op: "AveragePool", inputs: ["c1"], attrs: { kernelShape: 3, strides: 2, pads: 1, ceilMode: true, countIncludePad: true } },
    { name: "c2", op: "Conv", inputs: ["p1"], attrs: { outChannels: 3, kernelShape: 1, init: "xavier" } },
    { name: "p2", op: "AveragePool", inputs: ["c2"], attrs: { kernelShape: 2, dilations: 2, pads: [1, 0, 0, 1] } },
    { name: "out", op: "Conv", inputs: ["p2"], attrs: { outChannels: 2, kernelShape: 1, init: "xavier" } }],
};
const OUT = [2, 2, 3, 3];

describe("Net AveragePool layer", () => {
  beforeAll(() => useBuild("simd"));

  it("parameter gradients match central finite differences through two average pools", () => {
    expectEveryParameterGradient(spec, 4, rng(73), OUT);
  });

  it("a missing kernelShape or an unknown attribute is an AttributeError naming the layer", () => {
    const bad = (attrs: unknown) => ({ ...spec, layers: [spec.layers[0], { name: "p", op: "AveragePool", inputs: ["c1"], attrs }], output: "p" }) as GraphSpec;
    expect(() => Net.fromGraph(bad(undefined))).toThrow(/layer "p" \(AveragePool\): attrs required/);
    expect(() => Net.fromGraph(bad({ kernelShape: 2, storageOrder: 0 }))).toThrow(AttributeError);
    expect(() => Net.fromGraph(bad({ kernelShape: 2, countIncludePad: "yes" }))).toThrow(/layer "p" \(AveragePool\).*countIncludePad/);
  });
});

describe.each(BUILDS)("Net AveragePool layer, resident plan (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("equals the op-by-op path bit for bit: outputs, every blob and every gradient, training", () => {
    expectPlanMatchesOpByOp(spec, 7, rng(74), OUT, 3);
  });
});

describe("ONNX AveragePool import", () => {
  beforeAll(() => useBuild("simd"));
  const shape = [1, 2, 6, 5];
  const avgModel = (opset: number, attrs: Uint8Array[]) => model({
    opset, nodes: [node("AveragePool", ["x"], ["y"], attrs, "avg")], initializers: [],
    inputs: [valueInfo("x", shape)], outputs: [valueInfo("y", [1, 2, 3, 3])],
  });

  const CASES: [opset: number, attrs: () => Uint8Array[], ref: AvgRefAttrs][] = [
    [7, () => [attr.ints("kernel_shape", [3, 3]), attr.ints("strides", [2, 2]), attr.ints("pads", [1, 1, 0, 1]), attr.int("count_include_pad", 1)],
      { kernel: [3, 3], strides: [2, 2], dilations: [1, 1], pads: [1, 1, 0, 1], ceil: false, includePad: true }],
    [10, () => [attr.ints("kernel_shape", [2, 2]), attr.ints("strides", [2, 2]), attr.int("ceil_mode", 1)],
      { kernel: [2, 2], strides: [2, 2], dilations: [1, 1], pads: [0, 0, 0, 0], ceil: true, includePad: false }],
    [19, () => [attr.ints("kernel_shape", [2, 2]), attr.ints("strides", [2, 2]), attr.ints("dilations", [2, 1]), attr.ints("pads", [1, 0, 0, 1])],
      { kernel: [2, 2], strides: [2, 2], dilations: [2, 1], pads: [1, 0, 0, 1], ceil: false, includePad: false }],
  ];
  for (const [opset, attrs, ref] of CASES) {
    it(`opset ${opset}: ${JSON.stringify(ref)} runs as the reference`, () => {
      const x = randArray(rng(75), size(shape));
      expectClose(Net.fromOnnx(avgModel(opset, attrs())).run(fcn.tensor(x, shape)), averagePoolRef(x, shape, ref), `opset ${opset}`, 1e-6, 1e-6);
    });
  }

  it("ceil_mode before opset 10 and dilations before 19 are UnsupportedErrors naming the node", () => {
    expect(() => Net.fromOnnx(avgModel(7, [attr.ints("kernel_shape", [2, 2]), attr.int("ceil_mode", 1)]))).toThrow(UnsupportedError);
    expect(() => Net.fromOnnx(avgModel(7, [attr.ints("kernel_shape", [2, 2]), attr.int("ceil_mode", 1)]))).toThrow(/AveragePool ×1 \("avg": attribute ceil_mode is not supported here/);
    expect(() => Net.fromOnnx(avgModel(18, [attr.ints("kernel_shape", [2, 2]), attr.ints("dilations", [1, 1])]))).toThrow(/AveragePool ×1 \("avg": attribute dilations is not supported here/);
  });
});
