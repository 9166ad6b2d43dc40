// softmax / logSoftmax with ONNX's axes (one axis, or every axis from `axis` on as before opset
// 13) against the float64 definition (test/ref/softmax.ts) over random ranks, axes and large
// values; their backward by central finite differences; typed errors; the SoftmaxAxis and
// LogSoftmax Net layers (plan = op-by-op bit for bit, finite differences); ONNX Softmax and
// LogSoftmax at opsets 7–13+ against onnxruntime-node, and the export (including a trailing run
// of axes at opset ≥ 13, written as Reshape → Softmax → Reshape).
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, expectSameBits, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { softmaxRef } from "./ref/softmax.js";
import { expectFiniteDifferences } from "./net-finite-differences.js";
import { attr, expectMatchesOrt, runOrt, singleNode } from "./onnx/single-node.js";
import type { GraphSpec, Tensor } from "../dist/index.js";
const { Net, ShapeError, AttributeError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
/** The axes normalised over for { axis, trailing } on rank r. */
const axesOf = (r: number, axis: number, trailing: boolean) => {
  const a = axis < 0 ? axis + r : axis;
  return trailing ? Array.from({ length: r - a }, (_, i) => a + i) : [a];
};

function randomCase(r: () => number) {
  const rank = randInt(r, 1, 5);
  const shape = Array.from({ length: rank }, () => randInt(r, 1, 4));
  const axis = randInt(r, -rank, rank - 1), trailing = r() < 0.5;
  const scale = [1, 30][randInt(r, 0, 1)]; // large logits: the max must be taken out
  return { shape, axis, trailing, x: randArray(r, size(shape)).map((v) => v * scale) };
}

describe.each(BUILDS)("softmax and logSoftmax (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  for (const log of [false, true]) {
    const name = log ? "logSoftmax" : "softmax";
    const fwd = log ? fcn.logSoftmax : fcn.softmax, bwd = log ? fcn.logSoftmaxBackward : fcn.softmaxBackward;

    it(`${name}: forward matches the definition over random ranks, axes and scales; inputs unchanged`, () => {
      const r = rng(log ? 801 : 802);
      for (let k = 0; k < 60; k++) {
        const c = randomCase(r), copy = c.x.slice();
        const y = fwd(fcn.tensor(c.x, c.shape), { axis: c.axis, trailing: c.trailing });
        expectClose(y, { data: softmaxRef(c.x, c.shape, axesOf(c.shape.length, c.axis, c.trailing), log), shape: c.shape }, `${name} x ${JSON.stringify(c.shape)} axis ${c.axis} trailing ${c.trailing}`, 1e-6, 1e-5);
        expect(c.x).toEqual(copy);
      }
    });

    it(`${name}: backward matches central finite differences of ⟨dy, y⟩`, () => {
      const r = rng(log ? 803 : 804);
      for (let k = 0; k < 20; k++) {
        const c = randomCase(r), axes = axesOf(c.shape.length, c.axis, c.trailing);
        const x = Float64Array.from(c.x, (v) => v / 10), dy = randArray(r, x.length);
        const xt = fcn.tensor(Float32Array.from(x), c.shape);
        const dx = bwd(fcn.tensor(dy, c.shape), fwd(xt, { axis: c.axis, trailing: c.trailing }), { axis: c.axis, trailing: c.trailing });
        const L = () => dot(dy, softmaxRef(x, c.shape, axes, log));
        for (let i = 0; i < x.length; i++) {
          const keep = x[i], h = 1e-4;
          x[i] = keep + h; const plus = L();
          x[i] = keep - h; const minus = L();
          x[i] = keep;
          const fd = (plus - minus) / (2 * h);
          expect(Math.abs(dx.data[i] - fd), `dx[${i}] of ${JSON.stringify(c.shape)} axes ${axes}: ${dx.data[i]} vs ${fd}`).toBeLessThan(1e-4 + 1e-3 * Math.abs(fd));
        }
      }
    });
  }

  it("the default is the channel axis, bit for bit Net's Softmax layer", () => {
    const r = rng(805), shape = [2, 5, 3, 4];
    const x = fcn.tensor(randArray(r, size(shape)), shape);
    const net = Net.fromGraph({ input: { name: "x", shape }, output: "s", layers: [{ name: "s", op: "Softmax", inputs: ["x"] }] });
    expectSameBits(fcn.softmax(x), net.run(x), "softmax(x) vs Net Softmax");
    expectSameBits(fcn.softmax(x), fcn.softmax(x, { axis: 1 }), "default axis");
  });

  it("typed errors: an axis out of range or a non-boolean trailing are AttributeErrors; a scalar or a wrong dy ShapeErrors", () => {
    const x = fcn.tensor(new Float32Array(6), [2, 3]);
    expect(() => fcn.softmax(x, { axis: 2 })).toThrow(AttributeError);
    expect(() => fcn.logSoftmax(x, { axis: -3 })).toThrow(/logSoftmax\(attrs.axis\): axis -3 is out of range/);
    expect(() => fcn.softmax(x, { axis: 1.5 })).toThrow(AttributeError);
    expect(() => fcn.softmax(x, { trailing: 1 } as never)).toThrow(/attrs.trailing/);
    expect(() => fcn.softmax(x, { dim: 1 } as never)).toThrow(/unknown attribute/);
    expect(() => fcn.softmax(fcn.tensor([1], []))).toThrow(ShapeError);
    expect(() => fcn.logSoftmaxBackward(fcn.tensor(new Float32Array(3), [3]), x)).toThrow(/logSoftmaxBackward\(dy\)/);
  });

  const spec: GraphSpec = {
    input: { name: "x", shape: [2, 2, 3, 4] },
    output: "out",
    layers: [
      { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 3, kernelShape: 3, pads: 1, init: "xavier" } },
      { name: "s", op: "SoftmaxAxis", inputs: ["c1"], attrs: { axis: -1 } },
      { name: "c2", op: "Conv", inputs: ["s"], attrs: { outChannels: 2, kernelShape: 1, init: "xavier" } },
      { name: "out", op: "LogSoftmax", inputs: ["c2"], attrs: { axis: 2, trailing: true } },
    ],
  };

  it("Net layers: the plan equals the op-by-op path bit for bit; gradients match finite differences", () => {
    const r = rng(806);
    const planned = Net.fromGraph(spec, undefined, { seed: 3 }), copying = Net.fromGraph(spec, undefined, { seed: 3, resident: false });
    planned.training = copying.training = true;
    const x = fcn.tensor(randArray(r, size(spec.input.shape)), spec.input.shape);
    expectSameBits(planned.run(x), copying.run(x), "output");
    const dOut = fcn.tensor(randArray(r, 48), [2, 2, 3, 4]);
    const a = planned.backward(dOut), b = copying.backward(dOut);
    for (const [name, g] of a) expectSameBits(g, b.get(name) as Tensor, `gradient ${name}`);
    planned.dispose();
    const net = Net.fromGraph(spec, undefined, { seed: 4 });
    expectFiniteDifferences(spec, net, x, dOut, (n) => [0, 1, 2, 3].filter((i) => i < n), ["c1.weight", "c2.weight", "c2.bias"], 1e-3);
  });

  it("Net layers: an axis out of range for the input is an AttributeError naming the layer", () => {
    const bad = { ...spec, layers: spec.layers.map((l) => (l.name === "s" ? { ...l, attrs: { axis: 4 } } : l)) } as GraphSpec;
    expect(() => Net.fromGraph(bad)).toThrow(/"s"|layers\[1\]/);
    expect(() => Net.fromGraph(bad)).toThrow(AttributeError);
  });
});

describe("ONNX Softmax and LogSoftmax", () => {
  beforeAll(() => useBuild("simd"));

  const CASES: [op: string, opset: number, xDims: number[], axis: number | undefined][] = [
    ["Softmax", 7, [2, 3, 4, 2], undefined], ["Softmax", 9, [2, 3, 4, 2], 2], ["Softmax", 11, [3, 5], -1], ["Softmax", 11, [2, 3, 4], 0],
    ["Softmax", 13, [2, 3, 4, 2], undefined], ["Softmax", 13, [2, 3, 4, 2], 2], ["Softmax", 13, [2, 3, 4], 1], ["Softmax", 18, [2, 6], 0],
    ["LogSoftmax", 7, [2, 3, 4, 2], undefined], ["LogSoftmax", 11, [2, 3, 4], -2], ["LogSoftmax", 13, [2, 3, 4, 2], undefined],
    ["LogSoftmax", 13, [2, 3, 4, 2], 1], ["LogSoftmax", 13, [4, 3], -2],
  ];
  for (const [op, opset, xDims, axis] of CASES) {
    it(`${op} opset ${opset}, x ${JSON.stringify(xDims)}, axis ${axis ?? "default"}: matches onnxruntime-node; the export round-trips`, async () => {
      const r = rng(810 + opset + xDims.length);
      const bytes = singleNode({ opset, op, xDims, attrs: axis === undefined ? [] : [attr.int("axis", axis)] });
      const x = fcn.tensor(randArray(r, size(xDims)).map((v) => 4 * v), xDims);
      await expectMatchesOrt(bytes, x, `${op} opset ${opset}`, 1e-5);
    });
  }

  it("a trailing run of axes exported beside a layer that needs opset 13 becomes Reshape → Softmax → Reshape", async () => {
    const shape = [1, 3, 4, 2];
    const s: GraphSpec = {
      input: { name: "x", shape }, output: "l",
      layers: [{ name: "s", op: "Softmax", inputs: ["x"] }, { name: "l", op: "LogSoftmax", inputs: ["s"], attrs: { axis: 2, trailing: true } }],
    };
    const net = Net.fromGraph(s);
    const x = fcn.tensor(randArray(rng(820), size(shape)).map((v) => 5 * v), shape);
    const y = net.run(x), bytes = net.toOnnx();
    expect(new TextDecoder("latin1").decode(bytes)).toContain("Reshape");
    expectClose(await runOrt(bytes, x), y, "onnxruntime-node on the export", 1e-6, 1e-5);
    // read back: Reshape → LogSoftmax over the last axis → Reshape, the same numbers
    expectClose(Net.fromOnnx(bytes).run(x), y, "Net.fromOnnx on the export", 1e-6, 1e-6);
  });
});
