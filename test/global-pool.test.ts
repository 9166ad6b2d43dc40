// GlobalAveragePool and GlobalMaxPool: the ops and their backward against the float64 reference
// (test/ref/global-pool.ts) on random 1-D, 2-D and 3-D shapes with NaN and ±∞ (and ties for the max),
// caller arrays untouched, typed errors; as Net layers: finite-difference gradients and the plan
// equal to the op-by-op path bit for bit; imported from ONNX models.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { expectIeee, sprinkle } from "./special.js";
import { globalAveragePoolBackwardRef, globalAveragePoolRef, globalMaxPoolBackwardRef, globalMaxPoolRef } from "./ref/global-pool.js";
import { model, node, valueInfo } from "./onnx/proto-writer.js";
import type { GraphSpec, Tensor } from "../dist/index.js";
import { expectEveryParameterGradient } from "./net-finite-differences.js";
import { expectPlanMatchesOpByOp } from "./net-plan-parity.js";
const { Net, ShapeError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const pooledShape = (s: readonly number[]) => [s[0], s[1], ...s.slice(2).map(() => 1)];

/** conv → GlobalAveragePool → conv (1×1, a classifier head): the pool's gradient reaches c1. */
type Pair<F, B> = { forward: F; backward: B };

/** 12 random 1-D and 2-D cases and 6 3-D ones, x = value(uniform) with NaN and ±∞ sprinkled: op against ref; inputs unchanged. */
function expectRandomPlanes(seed: number, value: (v: number) => number,
  op: Pair<(x: Tensor) => Tensor, (dy: Tensor, x: Tensor) => Tensor>,
  ref: Pair<(x: Float32Array, shape: number[]) => Float64Array, (dy: Float32Array, x: Float32Array, shape: number[]) => Float64Array>, tol: number): void {
  const r = rng(seed);
  for (let t = 0; t < 18; t++) {
    const rank = t < 12 ? 1 + (t % 2) : 3;
    const shape = [randInt(r, 1, 3), randInt(r, 1, 4), ...Array.from({ length: rank }, () => randInt(r, 1, rank === 3 ? 6 : 9))];
    const x = sprinkle(r, randArray(r, size(shape)).map(value), t % 3), dy = randArray(r, shape[0] * shape[1]);
    const copies = [x.slice(), dy.slice()];
    const xt = fcn.tensor(x, shape);
    expectIeee(op.forward(xt), { data: ref.forward(x, shape), shape: pooledShape(shape) }, `forward ${JSON.stringify(shape)}`, tol, 10 * tol);
    const dx = op.backward(fcn.tensor(dy, pooledShape(shape)), xt);
    expectClose(dx, { data: ref.backward(dy, x, shape), shape }, `backward ${JSON.stringify(shape)}`, tol, 10 * tol);
    expect([x, dy]).toEqual(copies);
  }
}

/** conv (3×3, `channels` out) → the pool `op` → conv (1×1, 2 out): a classifier head. */
const head = (op: string, shape: number[], channels: number): GraphSpec => ({
  input: { name: "x", shape }, output: "out",
  layers: [
    { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: channels, kernelShape: 3, pads: 1, init: "xavier" } },
    { name: "pool", op, inputs: ["c1"] },
    { name: "out", op: "Conv", inputs: ["pool"], attrs: { outChannels: 2, kernelShape: 1, init: "xavier" } }],
}) as GraphSpec;

const spec = head("GlobalAveragePool", [2, 3, 5, 4], 4);

describe.each(BUILDS)("globalAveragePool (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("random 1-D, 2-D and 3-D shapes with NaN and ±∞: forward and backward match the reference; inputs unchanged", () => {
    expectRandomPlanes(61, (v) => 4 * v, { forward: fcn.globalAveragePool, backward: fcn.globalAveragePoolBackward },
      { forward: globalAveragePoolRef, backward: (dy, _x, shape) => globalAveragePoolBackwardRef(dy, shape) }, 1e-6);
  });

  it("a wrong rank or dy shape is a typed error naming the argument; the module keeps working", () => {
    expect(() => fcn.globalAveragePool(fcn.tensor(new Float32Array(4), [2, 2]))).toThrow(ShapeError);
    expect(fcn.globalAveragePool(fcn.tensor(new Float32Array(8).fill(2), [1, 1, 2, 2, 2])).shape).toEqual([1, 1, 1, 1, 1]);
    expect(() => fcn.globalAveragePool(fcn.tensor(new Float32Array(16), [1, 1, 2, 2, 2, 2]))).toThrow(/globalAveragePool: expected x of rank 3, 4 or 5 .*got rank 6/);
    const x = fcn.tensor(new Float32Array(12), [1, 2, 2, 3]);
    expect(() => fcn.globalAveragePoolBackward(fcn.tensor(new Float32Array(2), [1, 2, 1]), x)).toThrow(ShapeError);
    expect(() => fcn.globalAveragePoolBackward(fcn.tensor(new Float32Array(2), [1, 2, 1]), x)).toThrow(/globalAveragePoolBackward\(dy\): expected \[1, 2, 1, 1\]/);
    expect(fcn.globalAveragePool(fcn.tensor(Float32Array.of(1, 2, 3, 6), [1, 1, 4])).data).toEqual(Float32Array.of(3));
  });
});

describe("Net GlobalAveragePool layer", () => {
  beforeAll(() => useBuild("simd"));

  it("parameter gradients match central finite differences through the pool; the output is [N, M, 1, 1]", () => {
    expectEveryParameterGradient(spec, 3, rng(62), [2, 2, 1, 1]);
  });

  it("attributes are an AttributeError naming the layer", () => {
    const bad = { ...spec, layers: [spec.layers[0], { name: "pool", op: "GlobalAveragePool", inputs: ["c1"], attrs: { kernelShape: 2 } }], output: "pool" } as GraphSpec;
    expect(() => Net.fromGraph(bad)).toThrow(fcn.AttributeError);
    expect(() => Net.fromGraph(bad)).toThrow(/layer "pool" \(GlobalAveragePool\): attrs\.kernelShape: unknown attribute/);
  });
});

describe.each(BUILDS)("Net GlobalAveragePool layer, resident plan (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("equals the op-by-op path bit for bit: outputs, every blob and every gradient, training", () => {
    expectPlanMatchesOpByOp(spec, 5, rng(63), [2, 2, 1, 1], 3);
  });
});

describe("ONNX GlobalAveragePool import", () => {
  beforeAll(() => useBuild("simd"));

  for (const opset of [6, 22]) {
    it(`opset ${opset}: x [1, 3, 4, 5] → GlobalAveragePool runs as the reference`, () => {
      const shape = [1, 3, 4, 5];
      const bytes = model({
        opset, nodes: [node("GlobalAveragePool", ["x"], ["y"], [], "gap")], initializers: [],
        inputs: [valueInfo("x", shape)], outputs: [valueInfo("y", pooledShape(shape))],
      });
      const r = rng(64);
      const x = randArray(r, size(shape));
      expectClose(Net.fromOnnx(bytes).run(fcn.tensor(x, shape)), { data: globalAveragePoolRef(x, shape), shape: pooledShape(shape) }, `opset ${opset}`, 1e-6, 1e-6);
    });
  }
});

/** Small planes, so a finite-difference step does not move the maximum. */
const maxSpec = head("GlobalMaxPool", [2, 2, 3, 2], 3);

describe.each(BUILDS)("globalMaxPool (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("random 1-D, 2-D and 3-D shapes with NaN, ±∞ and ties: forward and backward match the reference; inputs unchanged", () => {
    // rounded to quarters so that planes hold ties (the first one takes the gradient)
    expectRandomPlanes(65, (v) => Math.round(8 * v) / 4, { forward: fcn.globalMaxPool, backward: fcn.globalMaxPoolBackward },
      { forward: globalMaxPoolRef, backward: globalMaxPoolBackwardRef }, 0);
  });

  it("a wrong rank or dy shape is a typed error naming the argument", () => {
    expect(() => fcn.globalMaxPool(fcn.tensor(new Float32Array(4), [2, 2]))).toThrow(/globalMaxPool/);
    expect(() => fcn.globalMaxPoolBackward(fcn.tensor(new Float32Array(1), [1, 1, 1, 1, 1, 1]), fcn.tensor(new Float32Array(16), [1, 1, 2, 2, 2, 2]))).toThrow(/globalMaxPoolBackward: expected x of rank 3, 4 or 5/);
    const x = fcn.tensor(new Float32Array(12), [1, 2, 2, 3]);
    expect(() => fcn.globalMaxPoolBackward(fcn.tensor(new Float32Array(2), [1, 2]), x)).toThrow(/globalMaxPoolBackward\(dy\): expected \[1, 2, 1, 1\]/);
    expect(fcn.globalMaxPool(fcn.tensor(Float32Array.of(1, -2, 3, -6), [1, 1, 4])).data).toEqual(Float32Array.of(3));
  });

  it("as a Net layer: the plan equals the op-by-op path bit for bit, training", () => {
    expectPlanMatchesOpByOp(maxSpec, 8, rng(66), [2, 2, 1, 1], 3);
  });
});

describe("Net GlobalMaxPool layer and import", () => {
  beforeAll(() => useBuild("simd"));

  it("parameter gradients match central finite differences through the maximum", () => {
    expectEveryParameterGradient(maxSpec, 9, rng(67), [2, 2, 1, 1]);
  });

  it("ONNX GlobalMaxPool (opset 6) runs as the reference", () => {
    const shape = [2, 3, 4, 5];
    const bytes = model({
      opset: 6, nodes: [node("GlobalMaxPool", ["x"], ["y"], [], "gmp")], initializers: [],
      inputs: [valueInfo("x", shape)], outputs: [valueInfo("y", pooledShape(shape))],
    });
    const x = randArray(rng(68), size(shape));
    expectClose(Net.fromOnnx(bytes).run(fcn.tensor(x, shape)), { data: globalMaxPoolRef(x, shape), shape: pooledShape(shape) }, "GlobalMaxPool", 0, 0);
  });
});
