// Reshape, Flatten, Squeeze, Unsqueeze and Transpose: the ops against the ONNX text's shape rules
// and an index-formula transpose (test/ref/layout.ts) on random shapes and attributes, backward as
// the inverse and the adjoint, typed errors; as Net layers (finite-difference gradients, plan = op
// by op bit for bit, coordinate maps); ONNX import at the opsets where their form changes (shape and
// axes as inputs, negative axes, allowzero) against onnxruntime-node, and the export round trip.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, expectSameBits, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { flattenShapeRef, reshapeShapeRef, squeezeShapeRef, transposeRef, unsqueezeShapeRef } from "./ref/layout.js";
import { attr, node, tensorProto } from "./onnx/proto-writer.js";
import { expectOnnxAgrees, int64Init, layoutModel, runOrt } from "./onnx/layout-oracle.js";
import { expectEveryParameterGradient } from "./net-finite-differences.js";
import { expectPlanMatchesOpByOp } from "./net-plan-parity.js";
import type { GraphSpec } from "../dist/index.js";
const { Net, ShapeError, AttributeError, UnsupportedError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
const shuffled = <T>(r: () => number, a: T[]): T[] => { const b = a.slice(); for (let i = b.length - 1; i > 0; i--) { const j = randInt(r, 0, i); [b[i], b[j]] = [b[j], b[i]]; } return b; };

/** Checks y has `shape` and x's values in order, x unchanged. */
function expectSameValues(y: { data: Float32Array; shape: readonly number[] }, x: Float32Array, keep: Float32Array, shape: number[], what: string): void {
  expect(y.shape, what).toEqual(shape);
  expect(y.data, what).toEqual(x);
  expect(y.data).not.toBe(x); // a copy: the caller's array stays theirs
  expect(x).toEqual(keep);
}

describe.each(BUILDS)("reshape, flatten, squeeze, unsqueeze (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("random shapes: reshape with 0 (copied) and −1 (inferred), flatten at every axis, squeeze and unsqueeze (negative axes too) follow the ONNX rules; backward reads dy back", () => {
    const r = rng(701);
    for (let t = 0; t < 50; t++) {
      const shape = Array.from({ length: randInt(r, 1, 5) }, () => randInt(r, 1, 3) * (r() < 0.3 ? 1 : randInt(r, 1, 3)));
      const x = randArray(r, size(shape)), keep = x.slice(), xt = fcn.tensor(x, shape);
      // a target that merges neighbouring dims, with a −1 and some 0s copying dims that stay in place
      const target: number[] = [];
      for (let i = 0; i < shape.length;) { const k = randInt(r, 1, shape.length - i); target.push(size(shape.slice(i, i + k))); i += k; }
      if (r() < 0.3) target.splice(randInt(r, 0, target.length), 0, 1);
      const written = target.map((d, i) => (d === shape[i] && r() < 0.5 ? 0 : d));
      if (r() < 0.6) written[randInt(r, 0, written.length - 1)] = -1;
      const want = reshapeShapeRef(shape, written);
      expectSameValues(fcn.reshape(xt, { shape: written }), x, keep, want, `reshape ${JSON.stringify(shape)} by ${JSON.stringify(written)}`);
      const dy = randArray(r, size(shape));
      expectSameValues(fcn.reshapeBackward(fcn.tensor(dy, want), shape, { shape: written }), dy, dy.slice(), shape, "reshapeBackward");

      const axis = randInt(r, -shape.length, shape.length);
      expectSameValues(fcn.flatten(xt, { axis }), x, keep, flattenShapeRef(shape, axis), `flatten axis ${axis}`);
      expectSameValues(fcn.flattenBackward(fcn.tensor(dy, flattenShapeRef(shape, axis)), shape, { axis }), dy, dy.slice(), shape, "flattenBackward");

      const ones = shape.flatMap((d, i) => (d === 1 ? [i] : []));
      const axes = ones.filter(() => r() < 0.5).map((a) => (r() < 0.5 ? a - shape.length : a));
      expectSameValues(fcn.squeeze(xt, { axes }), x, keep, squeezeShapeRef(shape, axes), `squeeze ${JSON.stringify(axes)}`);
      expectSameValues(fcn.squeeze(xt), x, keep, squeezeShapeRef(shape), "squeeze every 1");
      expectSameValues(fcn.squeezeBackward(fcn.tensor(dy, squeezeShapeRef(shape, axes)), shape, { axes }), dy, dy.slice(), shape, "squeezeBackward");

      const k = randInt(r, 1, 3), outRank = shape.length + k;
      const newAxes = shuffled(r, Array.from({ length: outRank }, (_, i) => i)).slice(0, k).map((a) => (r() < 0.5 ? a - outRank : a));
      const unsq = unsqueezeShapeRef(shape, newAxes);
      expectSameValues(fcn.unsqueeze(xt, { axes: newAxes }), x, keep, unsq, `unsqueeze ${JSON.stringify(newAxes)}`);
      expectSameValues(fcn.unsqueezeBackward(fcn.tensor(dy, unsq), shape, { axes: newAxes }), dy, dy.slice(), shape, "unsqueezeBackward");
    }
  });

  it("allowzero: a 0 is a literal 0 (zero-size tensors), with −1 it is an error", () => {
    const empty = fcn.tensor(new Float32Array(0), [0, 3]);
    expect(fcn.reshape(empty, { shape: [3, 0], allowzero: true }).shape).toEqual([3, 0]);
    expect(fcn.reshape(empty, { shape: [0, 3] }).shape).toEqual([0, 3]); // 0 copies 0
    expect(() => fcn.reshape(empty, { shape: [0, -1] })).toThrow(/the other dims hold 0/); // any size would fit (numpy refuses too)
    expect(fcn.reshape(fcn.tensor([1, 2, 3, 4], [2, 2]), { shape: [0, 2] }).shape).toEqual([2, 2]);
    expect(() => fcn.reshape(fcn.tensor([1, 2, 3, 4], [2, 2]), { shape: [0, 2], allowzero: true })).toThrow(ShapeError);
    expect(() => fcn.reshape(empty, { shape: [0, -1], allowzero: 1 })).toThrow(/holds both 0 and −1/);
    expect(() => fcn.reshape(empty, { shape: [-1, 0], allowzero: true })).toThrow(AttributeError);
    expect(fcn.reshape(empty, { shape: [3, -1] }).shape).toEqual([3, 0]); // −1 is 0 / 3
  });

  it("bad shapes and attributes are typed errors naming the op and the value", () => {
    const x = fcn.tensor(new Float32Array(24), [2, 3, 4]);
    expect(() => fcn.reshape(x, { shape: [-1, -1] })).toThrow(/at most one −1/);
    expect(() => fcn.reshape(x, { shape: [5, -1] })).toThrow(/cannot infer the −1 in \[5, -1\] for the input \[2, 3, 4\] \(24 elements not divisible by 5\)/);
    expect(() => fcn.reshape(x, { shape: [4, 5] })).toThrow(ShapeError);
    expect(() => fcn.reshape(x, { shape: [2, -2, -6] })).toThrow(/reshape\(attrs\.shape\)\[1\]: expected an integer ≥ −1, got -2/);
    expect(() => fcn.reshape(x, { shape: [24, 1, 1, 0] })).toThrow(/0 copies input dim 3, but the input \[2, 3, 4\] has rank 3/);
    expect(() => fcn.reshape(x, {} as never)).toThrow(AttributeError);
    expect(() => fcn.reshape(x, { shape: [24], allowzero: 2 as never })).toThrow(/allowzero/);
    expect(() => fcn.reshapeBackward(x, [4, 6], { shape: [6, 4] })).toThrow(/reshapeBackward\(dy\): expected \[6, 4\]/);
    expect(() => fcn.flatten(x, { axis: 4 })).toThrow(/axis 4 is out of range for rank 3/);
    expect(() => fcn.flatten(x, { axis: -4 })).toThrow(AttributeError);
    expect(fcn.flatten(x, { axis: 3 }).shape).toEqual([24, 1]);
    expect(fcn.flatten(x, { axis: -3 }).shape).toEqual([1, 24]);
    expect(fcn.flatten(x).shape).toEqual([2, 12]);
    const y = fcn.tensor(new Float32Array(6), [1, 6, 1]);
    expect(() => fcn.squeeze(y, { axes: [1] })).toThrow(/squeeze\(attrs\.axes\): axis 1 of the input \[1, 6, 1\] has size 6, not 1/);
    expect(() => fcn.squeeze(y, { axes: [0, -3] })).toThrow(/axis 0 appears twice/);
    expect(() => fcn.squeeze(y, { axes: [3] })).toThrow(AttributeError);
    expect(() => fcn.unsqueeze(y, {} as never)).toThrow(/unsqueeze\(attrs\.axes\): expected an array of axes, got nothing/);
    expect(() => fcn.unsqueeze(y, { axes: [4] })).toThrow(/axis 4 is out of range for rank 4/);
    expect(() => fcn.unsqueeze(y, { axes: [1, -4] })).toThrow(/appears twice/);
    expect(fcn.unsqueeze(y, { axes: [3] }).shape).toEqual([1, 6, 1, 1]);
    expect(() => fcn.unsqueezeBackward(y, [1, 6, 1], { axes: [0] })).toThrow(/unsqueezeBackward\(dy\): expected \[1, 1, 6, 1\]/);
    expect(() => fcn.squeezeBackward(y, [1, 6, 1], {})).toThrow(ShapeError);
  });
});

describe.each(BUILDS)("transpose (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("random ranks 0–6 and permutations: forward = reference exactly; backward is the inverse and the adjoint; inputs unchanged", () => {
    const r = rng(702);
    for (let t = 0; t < 60; t++) {
      const rank = randInt(r, 0, 6);
      const shape = Array.from({ length: rank }, () => randInt(r, 1, rank > 4 ? 3 : 5) - (t % 11 === 0 && rank > 0 ? 1 : 0));
      const perm = t % 5 === 0 ? undefined : shuffled(r, Array.from({ length: rank }, (_, i) => i));
      const x = randArray(r, size(shape)), keep = x.slice();
      const y = fcn.transpose(fcn.tensor(x, shape), perm === undefined ? undefined : { perm });
      const reversed = Array.from({ length: rank }, (_, i) => rank - 1 - i);
      expectClose(y, transposeRef(x, shape, perm ?? reversed), `transpose ${JSON.stringify(shape)} perm ${JSON.stringify(perm)}`, 0, 0);
      const dy = randArray(r, size(y.shape));
      const dx = fcn.transposeBackward(fcn.tensor(dy, y.shape.slice()), perm === undefined ? undefined : { perm });
      expect(dx.shape).toEqual(shape);
      expect(Math.abs(dot(dy, y.data) - dot(dx.data, x))).toBeLessThan(1e-9 * x.length + 1e-6);
      expectSameBits(fcn.transposeBackward(y, { perm: perm ?? reversed }), fcn.tensor(x, shape), "backward undoes forward");
      expect(x).toEqual(keep);
    }
  });

  it("a perm that is no permutation of the axes is an AttributeError naming it", () => {
    const x = fcn.tensor(new Float32Array(6), [1, 2, 3]);
    expect(() => fcn.transpose(x, { perm: [0, 1] })).toThrow(/transpose\(attrs\.perm\): expected a permutation of the 3 axes 0…2, got 2 entries \[0, 1\]/);
    expect(() => fcn.transpose(x, { perm: [0, 1, 1] })).toThrow(/axis 1 appears twice/);
    expect(() => fcn.transpose(x, { perm: [0, -1, 1] })).toThrow(/transpose\(attrs\.perm\)\[1\]: expected an axis from 0 to 2, got -1/);
    expect(() => fcn.transpose(x, { perm: [0, 1, 2], axes: 1 } as never)).toThrow(AttributeError);
    expect(fcn.transpose(fcn.tensor([1, 2, 3, 4, 5, 6], [2, 3])).data).toEqual(Float32Array.of(1, 4, 2, 5, 3, 6));
  });
});

/** conv → the layout layers → conv: the gradient flows through each. */
const chain = (layers: { op: string; attrs?: Record<string, unknown> }[], shape = [2, 2, 4, 6], last = true): GraphSpec => {
  const specLayers: Record<string, unknown>[] = [{ name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 4, kernelShape: 3, pads: 1, init: "xavier" } }];
  layers.forEach((l, i) => specLayers.push({ name: `l${i}`, op: l.op, inputs: [specLayers[specLayers.length - 1].name], ...(l.attrs ? { attrs: l.attrs } : {}) }));
  if (last) specLayers.push({ name: "out", op: "Conv", inputs: [specLayers[specLayers.length - 1].name], attrs: { outChannels: 2, kernelShape: 1, init: "xavier" } });
  return { input: { name: "x", shape }, output: specLayers[specLayers.length - 1].name as string, layers: specLayers } as unknown as GraphSpec;
};

const CHAINS: [string, GraphSpec, number[]][] = [
  ["Reshape [0, 2, 8, -1]", chain([{ op: "Reshape", attrs: { shape: [0, 2, 8, -1] } }]), [2, 2, 8, 6]],
  ["Transpose [0, 1, 3, 2]", chain([{ op: "Transpose", attrs: { perm: [0, 1, 3, 2] } }]), [2, 2, 6, 4]],
  ["Unsqueeze [2] → Squeeze [-3]", chain([{ op: "Unsqueeze", attrs: { axes: [2] } }, { op: "Squeeze", attrs: { axes: [-3] } }]), [2, 2, 4, 6]],
  ["Flatten → Reshape → Transpose (default perm)", chain([{ op: "Flatten", attrs: { axis: 2 } }, { op: "Reshape", attrs: { shape: [2, 4, 6, 4] } }, { op: "Transpose" }], [2, 2, 4, 6], false), [4, 6, 4, 2]],
  ["Squeeze (every 1) → Unsqueeze [0]", chain([{ op: "Squeeze" }, { op: "Unsqueeze", attrs: { axes: [0] } }], [1, 2, 4, 6]), [1, 2, 4, 6]],
];

describe("Net Reshape, Flatten, Squeeze, Unsqueeze and Transpose layers", () => {
  beforeAll(() => useBuild("simd"));

  it.each(CHAINS.map((c, i) => [...c, i] as const))("%s: parameter gradients match central finite differences", (_, spec, out, i) => {
    expectEveryParameterGradient(spec, 10 + i, rng(710 + i), out);
  });

  it("coordinate maps pass a Reshape that keeps the planes and a Transpose of N and C only; not Flatten, (Un)squeeze or a spatial Transpose", () => {
    const passes = (layers: { op: string; attrs?: Record<string, unknown> }[]) => fcn.coordinateMaps(chain(layers, [2, 2, 4, 6], false)).has(`l${layers.length - 1}`);
    expect(passes([{ op: "Reshape", attrs: { shape: [1, 8, 4, 6] } }])).toBe(true);
    expect(passes([{ op: "Reshape", attrs: { shape: [2, 4, 6, 4] } }])).toBe(false);
    expect(passes([{ op: "Transpose", attrs: { perm: [1, 0, 2, 3] } }])).toBe(true);
    expect(passes([{ op: "Transpose", attrs: { perm: [0, 1, 3, 2] } }])).toBe(false);
    expect(passes([{ op: "Transpose", attrs: { perm: [0, 2, 1, 3] } }])).toBe(false);
    expect(passes([{ op: "Flatten", attrs: { axis: 1 } }])).toBe(false);
    expect(passes([{ op: "Unsqueeze", attrs: { axes: [0] } }, { op: "Squeeze", attrs: { axes: [0] } }])).toBe(false);
  });

  it("bad attributes and shapes that do not fit are errors naming the layer", () => {
    expect(() => Net.fromGraph(chain([{ op: "Reshape", attrs: { shape: [-1, -1] } }]))).toThrow(/layer "l0" \(Reshape\): attrs\.shape: at most one −1/);
    expect(() => Net.fromGraph(chain([{ op: "Reshape" }]))).toThrow(AttributeError);
    expect(() => Net.fromGraph(chain([{ op: "Reshape", attrs: { shape: [5, -1] } }]))).toThrow(ShapeError);
    expect(() => Net.fromGraph(chain([{ op: "Unsqueeze" }]))).toThrow(/layer "l0" \(Unsqueeze\): attrs\.axes: expected an array of integers, got nothing/);
    expect(() => Net.fromGraph(chain([{ op: "Squeeze", attrs: { axes: [1] } }]))).toThrow(/layer "l0"/);
    expect(() => Net.fromGraph(chain([{ op: "Transpose", attrs: { perm: [0, 1, 2] } }]))).toThrow(/layer "l0" \(Transpose\)/);
    expect(() => Net.fromGraph(chain([{ op: "Flatten", attrs: { axis: "1" } }]))).toThrow(AttributeError);
  });
});

describe.each(BUILDS)("Net layout layers, resident plan (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it.each(CHAINS.map((c, i) => [...c, i] as const))("%s: equals the op-by-op path bit for bit, training", (_, spec, out, i) => {
    expectPlanMatchesOpByOp(spec, 20 + i, rng(720 + i), out);
  });
});

describe("ONNX Reshape, Flatten, Squeeze, Unsqueeze, Transpose", () => {
  beforeAll(() => useBuild("simd"));
  const agree = (bytes: Uint8Array, shape: number[], seed: number, what: string) => expectOnnxAgrees(bytes, shape, seed, what);

  for (const opset of [6, 13, 14]) {
    it(`Reshape opset ${opset} (0 copied, −1 inferred${opset >= 14 ? ", allowzero = 1 without zeros" : ""})`, async () => {
      const bytes = layoutModel(opset, [node("Reshape", ["x", "s"], ["y"], opset >= 14 ? [attr.int("allowzero", 1)] : [], "r")], [2, 3, 4, 5], [2, 12, 5], [int64Init("s", opset >= 14 ? [2, 12, -1] : [0, -1, 5])]);
      expect((await agree(bytes, [2, 3, 4, 5], 730 + opset, `Reshape ${opset}`)).shape).toEqual([2, 12, 5]);
    });
  }

  for (const [opset, axis] of [[9, 2], [11, -1], [13, 0], [13, 4]] as const) {
    it(`Flatten opset ${opset} axis ${axis}`, async () => {
      const bytes = layoutModel(opset, [node("Flatten", ["x"], ["y"], [attr.int("axis", axis)], "f")], [2, 3, 4, 5], flattenShapeRef([2, 3, 4, 5], axis));
      expect((await agree(bytes, [2, 3, 4, 5], 740 + opset, `Flatten ${opset}`)).shape).toEqual(flattenShapeRef([2, 3, 4, 5], axis));
    });
  }

  for (const opset of [9, 11, 13]) {
    it(`Unsqueeze → Squeeze opset ${opset} (axes as ${opset >= 13 ? "inputs" : "attributes"}${opset >= 11 ? ", negative" : ""})`, async () => {
      const [ua, sa] = opset >= 11 ? [[-1, 1], [-1]] : [[4, 1], [4]];
      const nodes = opset >= 13
        ? [node("Unsqueeze", ["x", "ua"], ["u"], [], "u"), node("Squeeze", ["u", "sa"], ["y"], [], "s")]
        : [node("Unsqueeze", ["x"], ["u"], [attr.ints("axes", ua)], "u"), node("Squeeze", ["u"], ["y"], [attr.ints("axes", sa)], "s")];
      const bytes = layoutModel(opset, nodes, [2, 3, 4], [2, 1, 3, 4], opset >= 13 ? [int64Init("ua", ua), int64Init("sa", sa)] : []);
      expect((await agree(bytes, [2, 3, 4], 750 + opset, `(Un)squeeze ${opset}`)).shape).toEqual([2, 1, 3, 4]);
    });
  }

  it("Squeeze without axes (opsets 9 and 13) or with an empty axes attribute (11) removes every 1", async () => {
    for (const opset of [9, 11, 13]) {
      const bytes = layoutModel(opset, [node("Squeeze", ["x"], ["y"], opset === 11 ? [attr.ints("axes", [])] : [], "s")], [1, 3, 1, 4], [3, 4]);
      expect((await agree(bytes, [1, 3, 1, 4], 760 + opset, `Squeeze ${opset}`)).shape).toEqual([3, 4]);
    }
  });

  it("an empty axes input at opset 13 removes nothing, as ONNX's reference and shape inference say (onnxruntime removes every 1)", () => {
    const bytes = layoutModel(13, [node("Squeeze", ["x", "a"], ["y"], [], "s")], [1, 3, 1], [1, 3, 1], [int64Init("a", [], [0])]);
    expect(Net.fromOnnx(bytes).run(fcn.tensor(new Float32Array(3), [1, 3, 1])).shape).toEqual([1, 3, 1]);
    expect(fcn.squeeze(fcn.tensor(new Float32Array(3), [1, 3, 1]), { axes: [] }).shape).toEqual([1, 3, 1]);
  });

  for (const opset of [9, 13]) {
    it(`Transpose opset ${opset}: a perm and the default; PixelShuffle as Reshape → Transpose → Reshape`, async () => {
      const withPerm = layoutModel(opset, [node("Transpose", ["x"], ["y"], [attr.ints("perm", [0, 2, 3, 1])], "t")], [2, 3, 4, 5], [2, 4, 5, 3]);
      await agree(withPerm, [2, 3, 4, 5], 770 + opset, "perm");
      const reversed = layoutModel(opset, [node("Transpose", ["x"], ["y"], [], "t")], [2, 3, 4], [4, 3, 2]);
      await agree(reversed, [2, 3, 4], 772 + opset, "default perm");
      const shuffle = layoutModel(opset, [
        node("Reshape", ["x", "s6"], ["a"]), node("Transpose", ["a"], ["b"], [attr.ints("perm", [0, 1, 4, 2, 5, 3])]), node("Reshape", ["b", "s4"], ["y"])],
      [1, 8, 3, 5], [1, 2, 6, 10], [int64Init("s6", [1, 2, 2, 2, 3, 5]), int64Init("s4", [1, 2, 6, 10])]);
      const y = await agree(shuffle, [1, 8, 3, 5], 774 + opset, "pixel shuffle");
      // PixelShuffle is DepthToSpace CRD
      const x = fcn.tensor(randArray(rng(774 + opset), 120), [1, 8, 3, 5]);
      expectSameBits(y, fcn.depthToSpace(x, { blocksize: 2, mode: "CRD" }), "Reshape/Transpose/Reshape = depthToSpace CRD");
    });
  }

  it("Squeeze and Unsqueeze export with axes as inputs at opset ≥ 13 (a Softmax asks for it) and as attributes below", async () => {
    const spec = chain([{ op: "Unsqueeze", attrs: { axes: [-1] } }, { op: "Squeeze", attrs: { axes: [4] } }, { op: "Softmax" }], [1, 2, 3, 4], false);
    const net = Net.fromGraph(spec, undefined, { seed: 3 });
    const x = fcn.tensor(randArray(rng(780), 24), [1, 2, 3, 4]);
    const bytes = net.toOnnx();
    expectClose(await runOrt(bytes, x), net.run(x), "onnxruntime-node at opset 13", 1e-6, 1e-5);
    expectSameBits(Net.fromOnnx(bytes).run(x), net.run(x), "read back");
    const low = Net.fromGraph(chain([{ op: "Unsqueeze", attrs: { axes: [-1] } }, { op: "Squeeze" }], [1, 2, 3, 4], false), undefined, { seed: 3 });
    expectClose(await runOrt(low.toOnnx(), x), low.run(x), "onnxruntime-node at opset 7", 1e-6, 1e-5);
  });

  it("what cannot be mapped is reported with the node: a computed shape, attributes before their opset (an all-constant Reshape or Transpose is evaluated at load)", () => {
    const k = tensorProto({ name: "k", dims: [2, 2], data: [1, 2, 3, 4] });
    const allConstant = layoutModel(13, [node("Reshape", ["k", "s"], ["c"], [], "r"), node("Add", ["x", "c"], ["y"])], [4], [4], [k, int64Init("s", [4])]);
    expect(Array.from(Net.fromOnnx(allConstant).run(fcn.tensor([10, 20, 30, 40], [4])).data)).toEqual([11, 22, 33, 44]);
    const transposeConstant = layoutModel(13, [node("Transpose", ["k"], ["c"], [], "t"), node("Add", ["x", "c"], ["y"])], [2, 2], [2, 2], [k]);
    expect(Array.from(Net.fromOnnx(transposeConstant).run(fcn.tensor([10, 20, 30, 40], [2, 2])).data)).toEqual([11, 23, 32, 44]);
    const computed = layoutModel(13, [node("Relu", ["x"], ["s"]), node("Reshape", ["x", "s"], ["y"], [], "r")], [4], [4]);
    expect(() => Net.fromOnnx(computed)).toThrow(/"r": its shape input is not a constant/);
    const early = layoutModel(13, [node("Reshape", ["x", "s"], ["y"], [attr.int("allowzero", 1)], "r")], [4], [4], [int64Init("s", [4])]);
    expect(() => Net.fromOnnx(early)).toThrow(/attribute allowzero arrives in opset 14/);
    expect(() => Net.fromOnnx(layoutModel(9, [node("Flatten", ["x"], ["y"], [attr.int("axis", -1)], "f")], [2, 3], [2, 3]))).toThrow(/negative axis \(-1\) arrives in opset 11/);
    expect(() => Net.fromOnnx(layoutModel(9, [node("Unsqueeze", ["x"], ["y"], [], "u")], [2, 3], [1, 2, 3]))).toThrow(/"u": its axes are required/);
    expect(() => Net.fromOnnx(layoutModel(13, [node("Unsqueeze", ["x"], ["y"], [attr.ints("axes", [0])], "u")], [2, 3], [1, 2, 3]))).toThrow(/attribute axes not supported here/);
    expect(() => Net.fromOnnx(layoutModel(9, [node("Squeeze", ["x"], ["y"], [attr.ints("axes", [-1])], "s")], [2, 1], [2]))).toThrow(UnsupportedError);
    expect(() => Net.fromOnnx(layoutModel(13, [node("Squeeze", ["x", "a"], ["y"], [], "s")], [2, 3], [2, 3], [int64Init("a", [1])]))).toThrow(ShapeError);
  });
});
