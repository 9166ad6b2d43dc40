// Concat and Constant: the public concat / concatBackward against an index-formula reference
// (test/ref/layout.ts) on random shapes and axes (negative too), the backward as the adjoint and as
// the pieces, typed errors; the Concat and Constant layers in Net (finite-difference gradients, a
// trainable constant, plan = op by op bit for bit); ONNX Concat import at opsets 6–17 with
// activation and constant operands against onnxruntime-node, and the export round trip.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, expectSameBits, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { concatRef } from "./ref/layout.js";
import { attr, node, tensorProto } from "./onnx/proto-writer.js";
import { expectOnnxAgrees, layoutModel } from "./onnx/layout-oracle.js";
import { expectEveryParameterGradient, expectFiniteDifferences } from "./net-finite-differences.js";
import { expectPlanMatchesOpByOp } from "./net-plan-parity.js";
import type { GraphSpec } from "../dist/index.js";
const { Net, ShapeError, AttributeError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };

describe.each(BUILDS)("concat (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("random ranks 1–5, axes (negative too), 1–4 inputs, empty pieces: forward = reference; backward is the adjoint and gives the pieces; inputs unchanged", () => {
    const r = rng(601);
    for (let t = 0; t < 60; t++) {
      const rank = randInt(r, 1, 5), axis = randInt(r, 0, rank - 1), negative = t % 3 === 0;
      const base = Array.from({ length: rank }, () => randInt(r, 1, 4));
      const shapes = Array.from({ length: randInt(r, 1, 4) }, () => { const s = base.slice(); s[axis] = randInt(r, t % 7 === 0 ? 0 : 1, 4); return s; });
      const datas = shapes.map((s) => randArray(r, size(s))), keep = datas.map((d) => d.slice());
      const inputs = datas.map((d, i) => fcn.tensor(d, shapes[i]));
      const a = negative ? axis - rank : axis;
      const y = fcn.concat(inputs, { axis: a });
      expectClose(y, concatRef(inputs, axis), `concat axis ${a} of ${JSON.stringify(shapes)}`, 0, 0);
      const dy = randArray(r, size(y.shape));
      const pieces = fcn.concatBackward(fcn.tensor(dy, y.shape.slice()), shapes.map((s) => s[axis]), { axis: a });
      pieces.forEach((p, i) => expect(p.shape).toEqual(shapes[i]));
      // ⟨dy, concat(x…)⟩ = Σᵢ ⟨pieceᵢ, xᵢ⟩
      expect(Math.abs(dot(dy, y.data) - pieces.reduce((s, p, i) => s + dot(p.data, datas[i]), 0))).toBeLessThan(1e-9 * y.data.length + 1e-6);
      // concatBackward(concat(x)) = x
      fcn.concatBackward(y, shapes.map((s) => s[axis]), { axis: a }).forEach((p, i) => expectSameBits(p, inputs[i], `piece ${i}`));
      expect(datas).toEqual(keep);
    }
  });

  it("bad inputs and attributes are typed errors naming the argument and the value", () => {
    const x = fcn.tensor(new Float32Array(6), [1, 2, 3]), z = fcn.tensor(new Float32Array(8), [1, 2, 4]);
    expect(() => fcn.concat([x, z], { axis: 1 })).toThrow(ShapeError);
    expect(() => fcn.concat([x, z], { axis: 1 })).toThrow(/concat\(inputs\[1\]\): \[1, 2, 4\] does not fit inputs\[0\] \[1, 2, 3\]/);
    expect(fcn.concat([x, z], { axis: -1 }).shape).toEqual([1, 2, 7]);
    expect(() => fcn.concat([x, fcn.tensor(new Float32Array(6), [2, 3])], { axis: 0 })).toThrow(/same rank/);
    expect(() => fcn.concat([x], { axis: 3 })).toThrow(AttributeError);
    expect(() => fcn.concat([x], { axis: -4 })).toThrow(/axis -4 is out of range for rank 3/);
    expect(() => fcn.concat([x], {} as never)).toThrow(/concat\(attrs\.axis\): expected an integer axis, got nothing/);
    expect(() => fcn.concat([x], { axis: 1.5 })).toThrow(AttributeError);
    expect(() => fcn.concat([x], { axis: 1, dim: 1 } as never)).toThrow(/unknown attribute/);
    expect(() => fcn.concat([], { axis: 0 })).toThrow(/at least one tensor/);
    expect(() => fcn.concat([fcn.tensor([1], [])], { axis: 0 })).toThrow(/scalar/);
    expect(() => fcn.concat(x as never, { axis: 0 })).toThrow(ShapeError);
    expect(() => fcn.concatBackward(x, [1, 1], { axis: 2 })).toThrow(/concatBackward\(sizes\): \[1, 1\] sum to 2, but dy \[1, 2, 3\] has 3 on axis 2/);
    expect(() => fcn.concatBackward(x, [1, -1, 3], { axis: 2 })).toThrow(ShapeError);
    expect(() => fcn.concatBackward(x, [3], { axis: 5 })).toThrow(AttributeError);
    expect(fcn.concat([fcn.tensor([1, 2], [2, 1]), fcn.tensor([3, 4], [2, 1])], { axis: 1 }).data).toEqual(Float32Array.of(1, 3, 2, 4));
  });
});

/** U-Net's skip: c1 and c2 (c1 → conv) joined on `axis`, then a 1×1 conv. */
const skip = (axis: number, shape: number[]): GraphSpec => ({
  input: { name: "x", shape }, output: "out",
  layers: [
    { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 3, kernelShape: 3, pads: 1, init: "xavier" } },
    { name: "c2", op: "Conv", inputs: ["c1"], attrs: { outChannels: 2, kernelShape: 3, pads: 1, init: "xavier" } },
    { name: "cat", op: "Concat", inputs: axis === 1 ? ["c1", "c2", "x"] : ["c2", "c2", "x"], attrs: { axis } },
    { name: "out", op: "Conv", inputs: ["cat"], attrs: { outChannels: 2, kernelShape: 1, init: "xavier" } }],
}) as GraphSpec;

/** A conv joined with a Constant on the channel axis (an imported model's fixed channel). */
const withConstant = (trainable?: boolean): GraphSpec => ({
  input: { name: "x", shape: [2, 2, 3, 4] }, output: "out",
  layers: [
    { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 2, kernelShape: 3, pads: 1, init: "xavier" } },
    { name: "k", op: "Constant", inputs: [], attrs: { shape: [2, 1, 3, 4], ...(trainable === undefined ? {} : { trainable }) } },
    { name: "cat", op: "Concat", inputs: ["k", "c1"], attrs: { axis: 1 } },
    { name: "out", op: "Conv", inputs: ["cat"], attrs: { outChannels: 2, kernelShape: 1, init: "xavier" } }],
}) as GraphSpec;

describe("Net Concat and Constant layers", () => {
  beforeAll(() => useBuild("simd"));

  it("parameter gradients match central finite differences through a channel and a spatial Concat", () => {
    expectEveryParameterGradient(skip(1, [2, 2, 3, 4]), 1, rng(602), [2, 2, 3, 4]);
    expectEveryParameterGradient(skip(-1, [1, 2, 3, 4]), 2, rng(603), [1, 2, 3, 12]);
  });

  it("a Constant is fixed unless trainable; a trainable one gets a gradient that matches finite differences", () => {
    const r = rng(604), k = fcn.tensor(randArray(r, 24), [2, 1, 3, 4]);
    const frozen = Net.fromGraph(withConstant(), { "k.value": k }, { seed: 3 });
    const x = fcn.tensor(randArray(r, 48), [2, 2, 3, 4]), dir = fcn.tensor(randArray(r, 48), [2, 2, 3, 4]);
    frozen.run(x);
    expect([...frozen.backward(dir).keys()]).not.toContain("k.value");
    const spec = withConstant(true), net = Net.fromGraph(spec, { "k.value": k }, { seed: 3 });
    expectSameBits(net.run(x), frozen.run(x), "trainable or not, the same output");
    const grads = expectFiniteDifferences(spec, net, x, dir, () => [0, 5, 23], ["k.value"]);
    expect(grads.get("k.value")!.shape).toEqual([2, 1, 3, 4]);
  });

  it("the coordinate map passes a channel Concat (a Crop after it gets its offset), not a spatial one", () => {
    const maps = fcn.coordinateMaps(skip(1, [1, 2, 3, 4]));
    expect(maps.has("cat")).toBe(true);
    expect(fcn.coordinateMaps(skip(3, [1, 2, 3, 4])).has("cat")).toBe(false);
  });

  it("bad attributes and shapes are errors naming the layer", () => {
    const s = skip(1, [1, 2, 3, 4]);
    const bad = (attrs: unknown) => ({ ...s, layers: s.layers.map((l) => (l.name === "cat" ? { ...l, attrs } : l)) }) as GraphSpec;
    expect(() => Net.fromGraph(bad({ axis: 4 }))).toThrow(/layer "cat" \(Concat\)/);
    expect(() => Net.fromGraph(bad({ axis: 2, dim: 1 }))).toThrow(AttributeError);
    expect(() => Net.fromGraph(bad({ axis: 2 }))).toThrow(ShapeError); // channels differ: 3, 2, 2
    const c = withConstant();
    expect(() => Net.fromGraph({ ...c, layers: c.layers.map((l) => (l.name === "k" ? { ...l, attrs: {} } : l)) } as GraphSpec)).toThrow(/layer "k" \(Constant\): attrs\.shape: required/);
    expect(() => Net.fromGraph(c, { "k.value": fcn.tensor(new Float32Array(12), [1, 1, 3, 4]) })).toThrow(/"k\.value" should be \[2, 1, 3, 4\]/);
    const constantAttrs = (attrs: unknown) => ({ ...c, layers: c.layers.map((l) => (l.name === "k" ? { ...l, attrs } : l)) }) as GraphSpec;
    expect(() => Net.fromGraph(constantAttrs({ shape: [2, -1, 3, 4] }))).toThrow(/layer "k" \(Constant\): attrs\.shape\[1\]: expected a non-negative integer/);
    expect(() => Net.fromGraph(constantAttrs({ shape: [2, 1, 3, 4], trainable: "yes" }))).toThrow(/attrs\.trainable: expected true or false, got string/);
    expect(() => Net.fromGraph(constantAttrs({ shape: [2, 1, 3, 4], value: 1 }))).toThrow(/attrs\.value: unknown attribute/);
    expect(() => Net.fromGraph({ ...c, layers: c.layers.map((l) => (l.name === "k" ? { ...l, inputs: ["x"] } : l)) } as GraphSpec)).toThrow(/layer "k" \(Constant\): expected 0 inputs/);
  });
});

describe.each(BUILDS)("Net Concat and Constant, resident plan (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("equals the op-by-op path bit for bit: outputs, blobs, gradients, training", () => {
    expectPlanMatchesOpByOp(skip(1, [2, 2, 3, 4]), 4, rng(605), [2, 2, 3, 4]);
    expectPlanMatchesOpByOp(skip(-2, [1, 2, 3, 4]), 5, rng(606), [1, 2, 9, 4]);
    expectPlanMatchesOpByOp(withConstant(true), 6, rng(607), [2, 2, 3, 4]);
  });
});

describe("ONNX Concat", () => {
  beforeAll(() => useBuild("simd"));

  for (const [opset, axis] of [[6, 1], [9, 3], [11, -1], [13, -3], [17, 2]] as const) {
    it(`opset ${opset}, axis ${axis}: x, Relu(x) and a constant joined; onnxruntime-node agrees bit for bit; toOnnx round-trips`, async () => {
      const shape = [2, 3, 2, 4], cShape = shape.slice(), a = axis < 0 ? axis + 4 : axis;
      cShape[a] = 2;
      const out = shape.slice();
      out[a] = 2 * shape[a] + 2;
      const k = tensorProto({ name: "k", dims: cShape, data: randArray(rng(608), size(cShape)) });
      const bytes = layoutModel(opset, [node("Relu", ["x"], ["r"]), node("Concat", ["x", "k", "r"], ["y"], [attr.int("axis", axis)], "cat")], shape, out, [k]);
      const y = await expectOnnxAgrees(bytes, shape, 610 + opset, `opset ${opset} axis ${axis}`);
      expect(y.shape).toEqual(out);
    });
  }

  it("a negative axis exports at opset 11; the constant becomes an initializer again", () => {
    const spec = skip(-1, [1, 2, 3, 4]);
    const bytes = Net.fromGraph(spec).toOnnx();
    const back = Net.fromOnnx(bytes);
    expect(back.spec.layers.find((l) => l.op === "Concat")!.attrs).toEqual({ axis: -1 });
    const withK = Net.fromOnnx(Net.fromGraph(withConstant(), { "k.value": fcn.tensor(randArray(rng(609), 24), [2, 1, 3, 4]) }).toOnnx());
    expect(withK.spec.layers.map((l) => l.op)).toEqual(["Conv", "Constant", "Concat", "Conv"]);
  });

  it("a missing axis (opset ≥ 4) is reported with the node; an all-constant Concat is evaluated at load (folding/)", () => {
    expect(() => Net.fromOnnx(layoutModel(13, [node("Concat", ["x", "x"], ["y"], [], "cat")], [1, 2, 2, 2], [1, 4, 2, 2])))
      .toThrow(/Concat ×1 \("cat": attribute axis is required\)/);
    const k = tensorProto({ name: "k", dims: [1, 2, 2, 2], data: new Float32Array(8) });
    const constants = layoutModel(13, [node("Concat", ["k", "k"], ["c"], [attr.int("axis", 1)], "cat"), node("Add", ["x", "c"], ["y"])], [1, 4, 2, 2], [1, 4, 2, 2], [k]);
    const net = Net.fromOnnx(constants);
    expect(net.spec.layers.map((l) => l.op)).not.toContain("Concat");
    const x = fcn.tensor(Float32Array.from({ length: 16 }, (_, i) => i - 5), [1, 4, 2, 2]);
    expect(Array.from(net.run(x).data)).toEqual(Array.from(x.data)); // x + a Concat of zeros
  });
});
