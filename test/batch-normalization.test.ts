// batchNormalization (ONNX BatchNormalization, inference) against the float64 definition
// (test/ref/batch-norm.ts) over random ranks 2–5, sizes and ε; its backward (statistics frozen)
// by central finite differences; typed errors; the Net layer (plan = op-by-op bit for bit, scale
// and bias train, mean and var stay frozen, finite differences through a net); ONNX import of a
// BatchNormalization that follows no conv at opsets 6–15 against onnxruntime-node, and its export.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, expectSameBits, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { batchNormRef } from "./ref/batch-norm.js";
import { expectFiniteDifferences } from "./net-finite-differences.js";
import { attr, expectMatchesOrt, singleNode } from "./onnx/single-node.js";
import type { GraphSpec, Tensor } from "../dist/index.js";
const { Net, ShapeError, AttributeError, UnsupportedError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };

/** A random x [N, C, …] of rank 2–5 and per-channel parameters (variances positive). */
function randomCase(r: () => number) {
  const rank = randInt(r, 2, 5);
  const shape = [randInt(r, 1, 3), randInt(r, 1, 5), ...Array.from({ length: rank - 2 }, () => randInt(r, 1, 4))];
  const C = shape[1];
  const pos = () => Float32Array.from({ length: C }, () => 0.2 + 2 * r());
  return { shape, x: randArray(r, size(shape)), scale: randArray(r, C), bias: randArray(r, C), mean: randArray(r, C), variance: pos(), epsilon: [1e-5, 1e-3, 0.1, 0][randInt(r, 0, 3)] };
}

describe.each(BUILDS)("batchNormalization (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("forward matches the definition over random shapes and ε; inputs unchanged", () => {
    const r = rng(601);
    for (let k = 0; k < 40; k++) {
      const c = randomCase(r);
      const copies = [c.x, c.scale, c.bias, c.mean, c.variance].map((a) => a.slice());
      const t = (a: Float32Array, s: number[]) => fcn.tensor(a, s);
      const y = fcn.batchNormalization(t(c.x, c.shape), t(c.scale, [c.shape[1]]), t(c.bias, [c.shape[1]]), t(c.mean, [c.shape[1]]), t(c.variance, [c.shape[1]]), { epsilon: c.epsilon });
      expectClose(y, { data: batchNormRef(c.x, c.shape, c.scale, c.bias, c.mean, c.variance, c.epsilon), shape: c.shape }, `x ${JSON.stringify(c.shape)} ε ${c.epsilon}`, 1e-6, 1e-5);
      expect([c.x, c.scale, c.bias, c.mean, c.variance]).toEqual(copies);
    }
  });

  it("backward (statistics frozen) matches central finite differences of ⟨dy, y⟩ in x, scale and bias", () => {
    const r = rng(602);
    for (let k = 0; k < 12; k++) {
      const c = randomCase(r), C = c.shape[1];
      const dy = randArray(r, size(c.shape));
      const v = { x: Float64Array.from(c.x), scale: Float64Array.from(c.scale), bias: Float64Array.from(c.bias) };
      const L = () => dot(dy, batchNormRef(v.x, c.shape, v.scale, v.bias, c.mean, c.variance, c.epsilon));
      const g = fcn.batchNormalizationBackward(fcn.tensor(dy, c.shape), fcn.tensor(c.x, c.shape), fcn.tensor(c.scale, [C]), fcn.tensor(c.mean, [C]), fcn.tensor(c.variance, [C]), { epsilon: c.epsilon });
      for (const [key, grad] of [["x", g.dx], ["scale", g.dscale], ["bias", g.dbias]] as const) {
        const a = v[key];
        for (let i = 0; i < a.length; i++) {
          const keep = a[i], h = 1e-3;
          a[i] = keep + h; const plus = L();
          a[i] = keep - h; const minus = L();
          a[i] = keep;
          const fd = (plus - minus) / (2 * h);
          expect(Math.abs(grad.data[i] - fd), `d${key}[${i}] of ${JSON.stringify(c.shape)}: ${grad.data[i]} vs ${fd}`).toBeLessThan(1e-4 + 1e-4 * Math.abs(fd));
        }
      }
    }
  });

  it("bad shapes are ShapeErrors naming the argument; a bad ε an AttributeError", () => {
    const x = fcn.tensor(new Float32Array(24), [2, 3, 4]), p = fcn.tensor([1, 1, 1], [3]), q = fcn.tensor([1, 1], [2]);
    expect(() => fcn.batchNormalization(fcn.tensor([1, 2], [2]), q, q, q, q)).toThrow(/batchNormalization\(x\).*rank ≥ 2/);
    expect(() => fcn.batchNormalization(x, q, p, p, p)).toThrow(ShapeError);
    expect(() => fcn.batchNormalization(x, p, p, p, fcn.tensor([1, 1, 1], [3, 1]))).toThrow(/batchNormalization\(variance\)/);
    expect(() => fcn.batchNormalization(x, p, p, p, p, { epsilon: -1 })).toThrow(AttributeError);
    expect(() => fcn.batchNormalization(x, p, p, p, p, { epsilon: NaN })).toThrow(AttributeError);
    expect(() => fcn.batchNormalization(x, p, p, p, p, { momentum: 0.9 } as never)).toThrow(/unknown attribute/);
    expect(() => fcn.batchNormalizationBackward(fcn.tensor(new Float32Array(6), [2, 3]), x, p, p, p)).toThrow(/batchNormalizationBackward\(dy\)/);
  });

  const spec: GraphSpec = {
    input: { name: "x", shape: [2, 2, 5, 4] },
    output: "out",
    layers: [
      { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 3, kernelShape: 3, pads: 1, init: "xavier" } },
      { name: "r", op: "Relu", inputs: ["c1"] },
      { name: "bn", op: "BatchNormalization", inputs: ["r"], attrs: { channels: 3, epsilon: 1e-3 } },
      { name: "out", op: "Conv", inputs: ["bn"], attrs: { outChannels: 2, kernelShape: 1, init: "xavier" } },
    ],
  };
  const weights = (r: () => number) => new Map<string, Tensor>([
    ["bn.scale", fcn.tensor(randArray(r, 3), [3])], ["bn.bias", fcn.tensor(randArray(r, 3), [3])],
    ["bn.mean", fcn.tensor(randArray(r, 3), [3])], ["bn.var", fcn.tensor([0.5, 1.5, 2], [3])],
  ]);

  it("Net layer: the plan equals the op-by-op path bit for bit; scale and bias train, mean and var do not", () => {
    const r = rng(603), w = weights(r);
    const planned = Net.fromGraph(spec, w, { seed: 3 }), copying = Net.fromGraph(spec, w, { seed: 3, resident: false });
    planned.training = copying.training = true;
    const x = fcn.tensor(randArray(r, size(spec.input.shape)), spec.input.shape);
    expectSameBits(planned.run(x), copying.run(x), "output");
    const dOut = fcn.tensor(randArray(r, 2 * 2 * 20), [2, 2, 5, 4]);
    const a = planned.backward(dOut), b = copying.backward(dOut);
    expect([...a.keys()].sort()).toEqual(["bn.bias", "bn.scale", "c1.bias", "c1.weight", "out.bias", "out.weight"]);
    for (const [name, g] of a) expectSameBits(g, b.get(name) as Tensor, `gradient ${name}`);
    const frozen = Net.fromGraph({ ...spec, layers: spec.layers.map((l) => (l.name === "bn" ? { ...l, attrs: { ...l.attrs, trainable: false } } : l)) } as GraphSpec, w);
    expect([...frozen.trainableParameters().keys()].filter((n) => n.startsWith("bn."))).toEqual([]);
    planned.dispose();
  });

  it("Net layer: gradients of scale, bias and the conv before it match finite differences", () => {
    const r = rng(604), w = weights(r);
    const net = Net.fromGraph(spec, w, { seed: 4 });
    const x = fcn.tensor(randArray(r, size(spec.input.shape)), spec.input.shape);
    const dir = fcn.tensor(randArray(r, 2 * 2 * 20), [2, 2, 5, 4]);
    expectFiniteDifferences(spec, net, x, dir, (n) => [0, 1, 2].filter((i) => i < n), ["bn.scale", "bn.bias", "c1.weight"]);
  });

  it("Net layer: a wrong channel count is a ShapeError, a missing one an AttributeError", () => {
    const bad = (attrs: unknown) => ({ ...spec, layers: spec.layers.map((l) => (l.name === "bn" ? { ...l, attrs } : l)) }) as GraphSpec;
    expect(() => Net.fromGraph(bad({ channels: 4 }))).toThrow(ShapeError);
    expect(() => Net.fromGraph(bad({}))).toThrow(AttributeError);
    expect(() => Net.fromGraph(bad({ channels: 3, epsilon: -1 }))).toThrow(AttributeError);
  });
});

describe("ONNX BatchNormalization that follows no conv", () => {
  beforeAll(() => useBuild("simd"));

  for (const opset of [6, 7, 9, 14, 15]) {
    it(`opset ${opset}: Net.fromOnnx matches onnxruntime-node; the export round-trips`, async () => {
      const r = rng(610 + opset);
      const xDims = [2, 4, 3, 5], C = 4;
      const consts = [randArray(r, C), randArray(r, C), randArray(r, C), Float32Array.from({ length: C }, () => 0.3 + r())].map((data) => ({ dims: [C], data }));
      const attrs = [attr.float("epsilon", 1e-3), attr.float("momentum", 0.8), ...(opset < 7 ? [attr.int("is_test", 1), attr.int("spatial", 1)] : opset < 9 ? [attr.int("spatial", 1)] : [])];
      const bytes = singleNode({ opset, op: "BatchNormalization", xDims, consts, attrs });
      const x = fcn.tensor(randArray(r, size(xDims)), xDims);
      // onnxruntime has no BatchNormalization-6 kernel: the definition stands in for it there
      const reference = opset < 7 ? { data: Float32Array.from(batchNormRef(x.data, xDims, consts[0].data, consts[1].data, consts[2].data, consts[3].data, Math.fround(1e-3))), shape: xDims } : undefined;
      const { exported } = await expectMatchesOrt(bytes, x, `BatchNormalization opset ${opset}`, 1e-5, reference);
      // written at opset 7 (spatial's default is 1 there; no is_test), without momentum
      const text = new TextDecoder("latin1").decode(exported);
      expect(text).toContain("BatchNormalization");
      expect(text).not.toContain("momentum");
      expect(text).not.toContain("spatial");
    });
  }

  it("refuses training mode and per-activation statistics, naming the node", () => {
    const C = 2, p = { dims: [C], data: [1, 1] };
    const load = (opset: number, attrs: ReturnType<typeof attr.int>[]) => () => Net.fromOnnx(singleNode({ opset, op: "BatchNormalization", xDims: [1, C, 2, 2], consts: [p, p, p, p], attrs }));
    expect(load(6, [attr.int("is_test", 0)])).toThrow(/is_test = 0/);
    expect(load(7, [attr.int("spatial", 0)])).toThrow(/spatial = 0/);
    expect(load(14, [attr.int("training_mode", 1)])).toThrow(UnsupportedError);
    expect(() => Net.fromOnnx(singleNode({ opset: 9, op: "BatchNormalization", xDims: [1, 3, 2, 2], consts: [p, p, p, p] }))).toThrow(/need 3 values/);
  });
});
