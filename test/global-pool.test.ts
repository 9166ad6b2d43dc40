// GlobalAveragePool: the op and its backward against the float64 reference
// (test/ref/global-pool.ts) on random 1-D and 2-D shapes with NaN and ±∞, caller arrays untouched,
// typed errors; as a Net layer: finite-difference gradients and the plan equal to the op-by-op
// path bit for bit; imported from an ONNX model (opsets 6 and 22).
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { expectIeee, sprinkle } from "./special.js";
import { globalAveragePoolBackwardRef, globalAveragePoolRef } from "./ref/global-pool.js";
import { model, node, valueInfo } from "./onnx/proto-writer.js";
import type { GraphSpec } from "../dist/index.js";
import { expectEveryParameterGradient } from "./net-finite-differences.js";
import { expectPlanMatchesOpByOp } from "./net-plan-parity.js";
const { Net, ShapeError, UnsupportedError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const pooledShape = (s: readonly number[]) => [s[0], s[1], ...s.slice(2).map(() => 1)];

/** conv → GlobalAveragePool → conv (1×1, a classifier head): the pool's gradient reaches c1. */
const spec: GraphSpec = {
  input: { name: "x", shape: [2, 3, 5, 4] }, output: "out",
  layers: [
    { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 4, kernelShape: 3, pads: 1, init: "xavier" } },
    { name: "gap", op: "GlobalAveragePool", inputs: ["c1"] },
    { name: "out", op: "Conv", inputs: ["gap"], attrs: { outChannels: 2, kernelShape: 1, init: "xavier" } }],
};

describe.each(BUILDS)("globalAveragePool (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("random 1-D and 2-D shapes with NaN and ±∞: forward and backward match the reference; inputs unchanged", () => {
    const r = rng(61);
    for (let t = 0; t < 12; t++) {
      const shape = [randInt(r, 1, 3), randInt(r, 1, 4), ...Array.from({ length: t % 2 === 0 ? 1 : 2 }, () => randInt(r, 1, 9))];
      const x = sprinkle(r, randArray(r, size(shape)).map((v) => 4 * v), t % 3), dy = randArray(r, shape[0] * shape[1]);
      const copies = [x.slice(), dy.slice()];
      const xt = fcn.tensor(x, shape);
      expectIeee(fcn.globalAveragePool(xt), { data: globalAveragePoolRef(x, shape), shape: pooledShape(shape) }, `forward ${JSON.stringify(shape)}`, 1e-6, 1e-5);
      const dx = fcn.globalAveragePoolBackward(fcn.tensor(dy, pooledShape(shape)), xt);
      expectClose(dx, { data: globalAveragePoolBackwardRef(dy, shape), shape }, `backward ${JSON.stringify(shape)}`, 1e-7, 1e-6);
      expect([x, dy]).toEqual(copies);
    }
  });

  it("a wrong rank or dy shape is a typed error naming the argument; the module keeps working", () => {
    expect(() => fcn.globalAveragePool(fcn.tensor(new Float32Array(4), [2, 2]))).toThrow(ShapeError);
    expect(() => fcn.globalAveragePool(fcn.tensor(new Float32Array(8), [1, 1, 2, 2, 2]))).toThrow(UnsupportedError);
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
    const bad = { ...spec, layers: [spec.layers[0], { name: "gap", op: "GlobalAveragePool", inputs: ["c1"], attrs: { kernelShape: 2 } }], output: "gap" } as GraphSpec;
    expect(() => Net.fromGraph(bad)).toThrow(fcn.AttributeError);
    expect(() => Net.fromGraph(bad)).toThrow(/layer "gap" \(GlobalAveragePool\): attrs\.kernelShape: unknown attribute/);
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
