// The broadcasting elementwise layer ops in Net (BroadcastAdd, Sub, Mul, Div, Pow, Sum, Max, Min,
// Sqrt, Exp, Neg, Abs) in one graph whose operands broadcast against trainable Constant layers of
// shapes [1, C, 1, 1], [W], [C, 1, 1], []: run() equals the public ops composed by hand, the
// resident plan equals the op-by-op path bit for bit (outputs, blobs, gradients), the constants'
// gradients match central finite differences, and shapes that do not broadcast are a ShapeError
// naming the layer. Its toOnnx() export runs in onnxruntime-node and reads back bit for bit.
import { beforeAll, describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { BUILDS, expectClose, expectSameBits, fcn, randArray, rng, useBuild } from "./lib.js";
import type { GraphSpec, LayerSpec, Tensor } from "../dist/index.js";
import { expectEveryParameterGradient, expectFiniteDifferences } from "./net-finite-differences.js";
const { Net, ShapeError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const constant = (name: string, shape: number[]): LayerSpec => ({ name, op: "Constant", inputs: [], attrs: { shape, trainable: true } } as LayerSpec);
const layer = (name: string, op: string, inputs: string[]): LayerSpec => ({ name, op, inputs } as LayerSpec);

const X = [2, 3, 4, 5];
export const MATH_GRAPH: GraphSpec = {
  input: { name: "x", shape: X },
  output: "out",
  layers: [
    constant("gate", [1, 3, 1, 1]), constant("row", [5]), constant("bias", [3, 1, 1]), constant("half", []), constant("expo", [1, 3, 1, 1]),
    layer("m", "Mul", ["x", "gate"]),          // an SE-style gate
    layer("s", "Sub", ["m", "row"]),
    layer("a", "BroadcastAdd", ["bias", "s"]), // the constant first: the output takes x's shape anyway
    layer("ab", "Abs", ["a"]),
    layer("pos", "Sum", ["ab", "half", "half"]),
    layer("sq", "Sqrt", ["pos"]),
    layer("d", "Div", ["x", "sq"]),
    layer("e", "Exp", ["d"]),
    layer("n", "Neg", ["e"]),
    layer("p", "Pow", ["sq", "expo"]),
    layer("mx", "Max", ["p", "n", "m"]),
    layer("mn", "Min", ["mx", "s"]),
    layer("out", "Sum", ["mn", "p"]),
  ],
};

/** The constants: a gate in (0.5, 1.5), a row, a bias, half = 0.5 (keeps sqrt's argument ≥ 1), an exponent in (0.5, 2). */
export function mathWeights(seed: number): Map<string, Tensor> {
  const r = rng(seed);
  const t = (shape: number[], lo: number, hi: number) => fcn.tensor(Float32Array.from({ length: size(shape) }, () => lo + (hi - lo) * r()), shape);
  return new Map([
    ["gate.value", t([1, 3, 1, 1], 0.5, 1.5)], ["row.value", t([5], -1, 1)], ["bias.value", t([3, 1, 1], -1, 1)],
    ["half.value", fcn.tensor([0.5], [])], ["expo.value", t([1, 3, 1, 1], 0.5, 2)],
  ]);
}

/** The graph computed with the public ops directly. */
function byHand(x: Tensor, w: Map<string, Tensor>): Tensor {
  const v = (n: string) => w.get(`${n}.value`)!;
  const m = fcn.mul(x, v("gate")), s = fcn.sub(m, v("row")), a = fcn.add(v("bias"), s);
  const sq = fcn.sqrt(fcn.sum(fcn.abs(a), v("half"), v("half")));
  const n = fcn.neg(fcn.exp(fcn.div(x, sq)));
  const p = fcn.pow(sq, v("expo"));
  return fcn.sum(fcn.min(fcn.max(p, n, m), s), p);
}

describe("Net broadcasting elementwise layers", () => {
  beforeAll(() => useBuild("simd"));

  it("run() equals the public ops composed by hand, and the constants' gradients match finite differences", () => {
    const r = rng(41);
    const w = mathWeights(7);
    const net = Net.fromGraph(MATH_GRAPH, w, { resident: false });
    const x = fcn.tensor(randArray(r, size(X)), X);
    expectSameBits(net.run(x), byHand(x, w), "net.run vs the ops");
    const dir = fcn.tensor(randArray(r, size(X)), X);
    const grads = expectFiniteDifferences(MATH_GRAPH, net, x, dir, (n) => Array.from({ length: Math.min(n, 4) }, (_, i) => i), undefined, 1e-3);
    expect([...grads.keys()].sort()).toEqual(["bias.value", "expo.value", "gate.value", "half.value", "row.value"]);
  });

  it("toOnnx(): onnxruntime-node runs the export (opset 8: Sum/Max/Min of differing shapes), and fromOnnx reads it back bit for bit", async () => {
    const net = Net.fromGraph(MATH_GRAPH, mathWeights(9));
    const x = fcn.tensor(randArray(rng(47), size(X)), X);
    const y = net.run(x);
    const bytes = net.toOnnx();
    expectSameBits(Net.fromOnnx(bytes).run(x), y, "fromOnnx(toOnnx())");
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    try {
      const out = (await session.run({ x: new ort.Tensor("float32", x.data.slice(), X) }))[session.outputNames[0]];
      const scale = y.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expectClose({ data: out.data as Float32Array, shape: [...out.dims] }, y, "onnxruntime-node on the export", 1e-5 * scale, 0);
    } finally {
      await session.release();
    }
  });

  it("a squeeze-excitation block (conv · sigmoid(GAP(conv)) + GAP): the conv's gradients through both branches match finite differences", () => {
    const se: GraphSpec = { input: { name: "x", shape: [2, 3, 6, 5] }, output: "y", layers: [
      { name: "c", op: "Conv", inputs: ["x"], attrs: { outChannels: 4, kernelShape: 3, pads: 1, init: "xavier" } } as LayerSpec,
      layer("g", "GlobalAveragePool", ["c"]), layer("s", "Sigmoid", ["g"]), layer("m", "Mul", ["c", "s"]), layer("y", "BroadcastAdd", ["m", "g"]),
    ] };
    expectEveryParameterGradient(se, 3, rng(45), [2, 4, 6, 5]);
  });

  it("shapes that do not broadcast: a ShapeError naming the layer and both shapes", () => {
    const bad: GraphSpec = { input: { name: "x", shape: X }, output: "m", layers: [constant("k", [4]), layer("m", "Mul", ["x", "k"])] };
    expect(() => Net.fromGraph(bad)).toThrow(ShapeError);
    expect(() => Net.fromGraph(bad)).toThrow(/layer "m" \(Mul\).*\[2, 3, 4, 5\] and \[4\] do not broadcast/);
    const none: GraphSpec = { input: { name: "x", shape: X }, output: "s", layers: [layer("s", "Sum", [])] };
    expect(() => Net.fromGraph(none)).toThrow(/expected at least 1 input/);
  });
});

describe.each(BUILDS)("Net broadcasting elementwise layers, resident plan (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("equals the op-by-op path bit for bit: outputs, every blob and every gradient, training", () => {
    const r = rng(43);
    const planned = Net.fromGraph(MATH_GRAPH, mathWeights(8)), copying = Net.fromGraph(MATH_GRAPH, mathWeights(8), { resident: false });
    planned.training = copying.training = true;
    for (let t = 0; t < 2; t++) {
      const x = fcn.tensor(randArray(r, size(X)), X);
      expectSameBits(planned.run(x), copying.run(x), `run ${t}: output`);
      for (const l of MATH_GRAPH.layers) expectSameBits(planned.blob(l.name) as Tensor, copying.blob(l.name) as Tensor, `run ${t}: blob ${l.name}`);
      const dOut = fcn.tensor(randArray(r, size(X)), X);
      const a = planned.backward(dOut), b = copying.backward(dOut);
      expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
      for (const [name, g] of a) expectSameBits(g, b.get(name) as Tensor, `run ${t}: gradient ${name}`);
    }
  });
});
