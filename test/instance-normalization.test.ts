// instanceNormalization (ONNX InstanceNormalization) against the float64 definition
// (test/ref/instance-norm.ts) over random ranks 3–5, sizes and ε; its backward through the
// per-plane statistics by central finite differences of the float64 definition; typed errors; the
// Net layer (plan = op-by-op bit for bit, finite differences through a net); ONNX import against
// onnxruntime-node at opsets 6–22 and the export.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, expectSameBits, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { instanceNormRef } from "./ref/instance-norm.js";
import { expectFiniteDifferences } from "./net-finite-differences.js";
import { attr, expectMatchesOrt, singleNode } from "./onnx/single-node.js";
import type { GraphSpec, Tensor } from "../dist/index.js";
const { Net, ShapeError, AttributeError, UnsupportedError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };

function randomCase(r: () => number) {
  const rank = randInt(r, 3, 5);
  const shape = [randInt(r, 1, 3), randInt(r, 1, 4), ...Array.from({ length: rank - 2 }, () => randInt(r, 1, 4))];
  if (size(shape.slice(2)) === 1) shape[2] = 2; // a plane of one element has no variance to test
  const C = shape[1];
  return { shape, x: randArray(r, size(shape)), scale: randArray(r, C), bias: randArray(r, C), epsilon: [1e-5, 1e-3, 0.1][randInt(r, 0, 2)] };
}

describe.each(BUILDS)("instanceNormalization (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("forward matches the definition over random shapes and ε; inputs unchanged", () => {
    const r = rng(701);
    for (let k = 0; k < 40; k++) {
      const c = randomCase(r), C = c.shape[1];
      const copies = [c.x, c.scale, c.bias].map((a) => a.slice());
      const y = fcn.instanceNormalization(fcn.tensor(c.x, c.shape), fcn.tensor(c.scale, [C]), fcn.tensor(c.bias, [C]), { epsilon: c.epsilon });
      expectClose(y, { data: instanceNormRef(c.x, c.shape, c.scale, c.bias, c.epsilon), shape: c.shape }, `x ${JSON.stringify(c.shape)} ε ${c.epsilon}`, 1e-5, 1e-4);
      expect([c.x, c.scale, c.bias]).toEqual(copies);
    }
  });

  it("backward (through the statistics) matches central finite differences of ⟨dy, y⟩ in x, scale and bias", () => {
    const r = rng(702);
    for (let k = 0; k < 12; k++) {
      const c = randomCase(r), C = c.shape[1];
      const dy = randArray(r, size(c.shape));
      const v = { x: Float64Array.from(c.x), scale: Float64Array.from(c.scale), bias: Float64Array.from(c.bias) };
      const L = () => dot(dy, instanceNormRef(v.x, c.shape, v.scale, v.bias, c.epsilon));
      const g = fcn.instanceNormalizationBackward(fcn.tensor(dy, c.shape), fcn.tensor(c.x, c.shape), fcn.tensor(c.scale, [C]), { epsilon: c.epsilon });
      for (const [key, grad] of [["x", g.dx], ["scale", g.dscale], ["bias", g.dbias]] as const) {
        const a = v[key];
        for (let i = 0; i < a.length; i++) {
          const keep = a[i], h = 1e-4;
          a[i] = keep + h; const plus = L();
          a[i] = keep - h; const minus = L();
          a[i] = keep;
          const fd = (plus - minus) / (2 * h);
          expect(Math.abs(grad.data[i] - fd), `d${key}[${i}] of ${JSON.stringify(c.shape)} ε ${c.epsilon}: ${grad.data[i]} vs ${fd}`).toBeLessThan(2e-3 + 1e-3 * Math.abs(fd));
        }
      }
    }
  });

  it("bad shapes are ShapeErrors naming the argument; a bad ε an AttributeError", () => {
    const x = fcn.tensor(new Float32Array(24), [2, 3, 4]), p = fcn.tensor([1, 1, 1], [3]), q = fcn.tensor([1, 1], [2]);
    expect(() => fcn.instanceNormalization(fcn.tensor([1, 2], [2]), q, q)).toThrow(/instanceNormalization\(x\)/);
    expect(() => fcn.instanceNormalization(x, q, p)).toThrow(/instanceNormalization\(scale\)/);
    expect(() => fcn.instanceNormalization(x, p, fcn.tensor([1, 1, 1], [1, 3]))).toThrow(ShapeError);
    expect(() => fcn.instanceNormalization(x, p, p, { epsilon: -1 })).toThrow(AttributeError);
    expect(() => fcn.instanceNormalizationBackward(fcn.tensor(new Float32Array(6), [2, 3]), x, p)).toThrow(/instanceNormalizationBackward\(dy\)/);
  });

  const spec: GraphSpec = {
    input: { name: "x", shape: [2, 2, 5, 4] },
    output: "out",
    layers: [
      { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 3, kernelShape: 3, pads: 1, init: "xavier" } },
      { name: "in", op: "InstanceNormalization", inputs: ["c1"], attrs: { channels: 3, epsilon: 1e-3 } },
      { name: "r", op: "Relu", inputs: ["in"] },
      { name: "out", op: "Conv", inputs: ["r"], attrs: { outChannels: 2, kernelShape: 1, init: "xavier" } },
    ],
  };
  const weights = (r: () => number) => new Map<string, Tensor>([["in.scale", fcn.tensor(randArray(r, 3), [3])], ["in.bias", fcn.tensor(randArray(r, 3), [3])]]);

  it("Net layer: the plan equals the op-by-op path bit for bit; scale and bias train", () => {
    const r = rng(703), w = weights(r);
    const planned = Net.fromGraph(spec, w, { seed: 3 }), copying = Net.fromGraph(spec, w, { seed: 3, resident: false });
    planned.training = copying.training = true;
    const x = fcn.tensor(randArray(r, size(spec.input.shape)), spec.input.shape);
    expectSameBits(planned.run(x), copying.run(x), "output");
    const dOut = fcn.tensor(randArray(r, 2 * 2 * 20), [2, 2, 5, 4]);
    const a = planned.backward(dOut), b = copying.backward(dOut);
    expect([...a.keys()].sort()).toEqual(["c1.bias", "c1.weight", "in.bias", "in.scale", "out.bias", "out.weight"]);
    for (const [name, g] of a) expectSameBits(g, b.get(name) as Tensor, `gradient ${name}`);
    planned.dispose();
  });

  it("Net layer: gradients of scale, bias and the conv before it match finite differences", () => {
    const r = rng(704), w = weights(r);
    const net = Net.fromGraph(spec, w, { seed: 4 });
    const x = fcn.tensor(randArray(r, size(spec.input.shape)), spec.input.shape);
    const dir = fcn.tensor(randArray(r, 2 * 2 * 20), [2, 2, 5, 4]);
    expectFiniteDifferences(spec, net, x, dir, (n) => [0, 1, 2].filter((i) => i < n), ["in.scale", "in.bias", "c1.weight"], 1e-3);
  });

  it("Net layer: a wrong channel count is a ShapeError, a missing one an AttributeError", () => {
    const bad = (attrs: unknown) => ({ ...spec, layers: spec.layers.map((l) => (l.name === "in" ? { ...l, attrs } : l)) }) as GraphSpec;
    expect(() => Net.fromGraph(bad({ channels: 2 }))).toThrow(ShapeError);
    expect(() => Net.fromGraph(bad({ epsilon: 1e-5 }))).toThrow(AttributeError);
  });
});

describe("ONNX InstanceNormalization", () => {
  beforeAll(() => useBuild("simd"));

  for (const [opset, xDims] of [[6, [2, 3, 4, 5]], [9, [1, 2, 7]], [13, [2, 4, 3, 3]], [22, [1, 3, 2, 3, 2]]] as const) {
    it(`opset ${opset}, x ${JSON.stringify(xDims)}: Net.fromOnnx matches onnxruntime-node; the export round-trips`, async () => {
      const r = rng(710 + opset), C = xDims[1];
      const consts = [randArray(r, C), randArray(r, C)].map((data) => ({ dims: [C], data }));
      const bytes = singleNode({ opset, op: "InstanceNormalization", xDims: [...xDims], consts, attrs: [attr.float("epsilon", 1e-4)] });
      const x = fcn.tensor(randArray(r, size(xDims)), [...xDims]);
      await expectMatchesOrt(bytes, x, `InstanceNormalization opset ${opset}`, 1e-5);
    });
  }

  it("refuses computed scale or B and wrong sizes, naming the node", () => {
    const p = { dims: [3], data: [1, 1, 1] };
    expect(() => Net.fromOnnx(singleNode({ opset: 13, op: "InstanceNormalization", xDims: [1, 2, 2, 2], consts: [p, p] }))).toThrow(/need 2 values/);
    expect(() => Net.fromOnnx(singleNode({ opset: 13, op: "InstanceNormalization", xDims: [1, 3], consts: [p, p] }))).toThrow(UnsupportedError);
  });
});
