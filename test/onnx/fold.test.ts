// Load-time folding (src/onnx/fold.ts through Net.fromOnnx): a Conv or ConvTranspose (grouped,
// with or without bias) followed by BatchNormalization, a constant bias Add, Identity and
// inference Dropout runs as one conv layer and gives what running every node unfolded gives
// (test/ref/conv.ts + test/ref/batch-norm.ts); opset 6's is_test/spatial attributes are read; a
// conv whose output is used elsewhere is not folded (a BatchNormalization layer runs instead).
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, fcn, randArray, rng, useBuild } from "../lib.js";
import { convRef, convTransposeRef } from "../ref/conv.js";
import { batchNormRef } from "../ref/batch-norm.js";
import { attr, model, node, tensorProto, valueInfo } from "./proto-writer.js";
const { Net, UnsupportedError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

interface Case {
  name: string;
  transposed: boolean;
  x: number[];
  w: number[];
  group: number;
  bias: boolean;
  strides: number[];
  opset: number;
  /** A constant Add after the BN: its dims (per channel or scalar). */
  addDims?: number[];
}

const CASES: Case[] = [
  { name: "Conv → BN (opset 6, is_test, spatial)", transposed: false, x: [2, 4, 7, 6], w: [6, 4, 3, 3], group: 1, bias: true, strides: [1, 1], opset: 6 },
  { name: "grouped Conv without bias → BN → bias Add [1, M, 1, 1]", transposed: false, x: [1, 4, 6, 6], w: [6, 2, 3, 2], group: 2, bias: false, strides: [2, 1], opset: 13, addDims: [1, 6, 1, 1] },
  { name: "grouped ConvTranspose [C, M/g, k…] → BN (opset 15)", transposed: true, x: [2, 4, 3, 4], w: [4, 3, 3, 3], group: 2, bias: true, strides: [2, 2], opset: 15 },
  { name: "1-D ConvTranspose without bias → BN → scalar Add", transposed: true, x: [1, 3, 5], w: [3, 2, 4], group: 1, bias: false, strides: [3], opset: 9, addDims: [] },
];

function build(c: Case, random: () => number) {
  const M = c.transposed ? c.w[1] * c.group : c.w[0];
  const p = {
    w: randArray(random, size(c.w)), b: randArray(random, M),
    gamma: Float32Array.from({ length: M }, () => 0.5 + random()), beta: randArray(random, M),
    mean: randArray(random, M), variance: Float32Array.from({ length: M }, () => 0.1 + random()),
    add: randArray(random, c.addDims ? size(c.addDims) : 0),
  };
  const bnAttrs = [attr.float("epsilon", 1e-3), ...(c.opset < 7 ? [attr.int("is_test", 1), attr.int("spatial", 1)] : [])];
  const nodes = [
    node(c.transposed ? "ConvTranspose" : "Conv", ["x", "w", ...(c.bias ? ["b"] : [])], ["conv"], [attr.int("group", c.group), attr.ints("strides", c.strides)], "conv"),
    node("Identity", ["conv"], ["same"]),
    node("BatchNormalization", ["same", "gamma", "beta", "mean", "var"], ["bn"], bnAttrs, "bn"),
    node("Dropout", ["bn"], ["dropped"], c.opset < 7 ? [attr.int("is_test", 1)] : []),
    ...(c.addDims ? [node("Add", ["bias2", "dropped"], ["y"], [], "add")] : [node("Relu", ["dropped"], ["y"], [], "relu")]),
  ];
  const initializers = [
    tensorProto({ name: "w", dims: c.w, data: p.w }), tensorProto({ name: "gamma", dims: [M], data: p.gamma }),
    tensorProto({ name: "beta", dims: [M], data: p.beta }), tensorProto({ name: "mean", dims: [M], data: p.mean }),
    tensorProto({ name: "var", dims: [M], data: p.variance }),
    ...(c.bias ? [tensorProto({ name: "b", dims: [M], data: p.b })] : []),
    ...(c.addDims ? [tensorProto({ name: "bias2", dims: c.addDims, data: p.add })] : []),
  ];
  const bytes = model({ opset: c.opset, ir: c.opset < 7 ? 3 : 7, nodes, initializers, inputs: [valueInfo("x", c.x)], outputs: [valueInfo("y", [])] });
  return { bytes, p, M };
}

/** Every node unfolded, in float64: conv, then BN, then the Add (broadcast per channel or scalar) or Relu. */
function unfolded(c: Case, x: Float32Array, p: ReturnType<typeof build>["p"], M: number) {
  const ref = (c.transposed ? convTransposeRef : convRef)(x, c.x, p.w, c.w, c.bias ? p.b : null, { group: c.group, strides: c.strides });
  const y = batchNormRef(ref.data, ref.shape, p.gamma, p.beta, p.mean, p.variance, 1e-3);
  const inner = size(ref.shape.slice(2));
  for (let i = 0; i < y.length; i++) {
    if (!c.addDims) y[i] = Math.max(0, y[i]);
    else y[i] += p.add.length === 1 ? p.add[0] : p.add[Math.floor(i / inner) % M];
  }
  return { data: y, shape: ref.shape };
}

describe("ONNX load-time folding", () => {
  for (const build_ of BUILDS) {
    describe(`${build_} build`, () => {
      beforeAll(() => useBuild(build_));
      CASES.forEach((c, k) => {
        it(`${c.name} equals running it unfolded`, () => {
          const random = rng(140 + k);
          const { bytes, p, M } = build(c, random);
          const net = Net.fromOnnx(bytes);
          // folded: one conv layer (plus Relu), no BN, Identity, Dropout or Add left
          // one conv layer: the Relu (no Add) fused into it too
          expect(net.summary().layers.map((l) => [l.op, l.activation])).toEqual([[c.transposed ? "ConvTranspose" : "Conv", c.addDims ? undefined : "Relu"]]);
          const x = randArray(random, size(c.x));
          expectClose(net.run(fcn.tensor(x, c.x)), unfolded(c, x, p, M), c.name, 1e-5, 1e-4);
          net.dispose();
        });
      });
    });
  }

  it("does not fold into a conv whose output is also used elsewhere (a BatchNormalization layer runs instead)", () => {
    const w = tensorProto({ name: "w", dims: [2, 2, 1, 1], data: [1, 2, 3, 4] });
    const stats = ["gamma", "beta", "mean", "var"].map((name) => tensorProto({ name, dims: [2], data: [1, 0.5] }));
    const bytes = model({
      nodes: [node("Conv", ["x", "w"], ["c"], [], "conv"), node("BatchNormalization", ["c", "gamma", "beta", "mean", "var"], ["bn"], [], "bn"), node("Add", ["bn", "c"], ["y"], [], "sum")],
      initializers: [w, ...stats], inputs: [valueInfo("x", [1, 2, 3, 3])], outputs: [valueInfo("y", [1, 2, 3, 3])],
    });
    const net = Net.fromOnnx(bytes);
    expect(net.spec.layers.map((l) => l.op)).toEqual(["Conv", "BatchNormalization", "Add"]);
    const x = randArray(rng(77), 18);
    const c = convRef(x, [1, 2, 3, 3], [1, 2, 3, 4], [2, 2, 1, 1], null);
    const bn = batchNormRef(c.data, c.shape, [1, 0.5], [1, 0.5], [1, 0.5], [1, 0.5], Math.fround(1e-5));
    expectClose(net.run(fcn.tensor(x, [1, 2, 3, 3])), { data: bn.map((v, i) => v + c.data[i]), shape: [1, 2, 3, 3] }, "conv + bn(conv)", 1e-6, 1e-5);
  });
});
