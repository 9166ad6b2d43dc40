// reduceSum / reduceMean / reduceMax / reduceMin (ONNX's Reduce*) against the definition
// (test/ref/reduce.ts) over random ranks, axis sets (negative too), keepdims and
// noopWithEmptyAxes, with NaNs and empty axes; the Sum/Mean gradient by the adjoint identity;
// typed errors; the Net layers (Sum/Mean train and pass a finite-difference check through a net;
// Max/Min refuse training); ONNX import at the attribute and the input forms of the axes against
// onnxruntime-node, and the export read back bit for bit.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { reduceRef } from "./ref/reduce.js";
import { attr, expectMatchesOrt } from "./onnx/single-node.js";
import { model, node, valueInfo } from "./onnx/proto-writer.js";
import { int64s } from "./onnx/ort-helpers.js";
import type { GraphSpec, Tensor } from "../dist/index.js";
const { Net, AttributeError, ShapeError, UnsupportedError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const KINDS = ["sum", "mean", "max", "min"] as const;
const OPS = { sum: fcn.reduceSum, mean: fcn.reduceMean, max: fcn.reduceMax, min: fcn.reduceMin };
const ONNX = { sum: "ReduceSum", mean: "ReduceMean", max: "ReduceMax", min: "ReduceMin" };

describe.each(BUILDS)("reductions (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("match the definition over random ranks, axes, keepdims and noopWithEmptyAxes, NaNs and empty axes; x unchanged", () => {
    const r = rng(1201);
    for (let k = 0; k < 160; k++) {
      const kind = KINDS[k % 4];
      const rank = randInt(r, 1, 5);
      const shape = Array.from({ length: rank }, () => randInt(r, k % 23 === 0 ? 0 : 1, 4));
      const pick = Array.from({ length: rank }, () => r() < 0.4);
      const axes = pick.flatMap((p, a) => (p ? [r() < 0.5 ? a - rank : a] : []));
      const keepdims = r() < 0.5, noop = r() < 0.2;
      const x = randArray(r, size(shape));
      if (k % 5 === 0 && x.length > 1) x[randInt(r, 0, x.length - 1)] = NaN;
      const copy = x.slice();
      const attrs = { ...(axes.length || r() < 0.5 ? { axes } : {}), keepdims, noopWithEmptyAxes: noop };
      const y = OPS[kind](fcn.tensor(x, shape), attrs);
      const reduced = axes.length ? pick : shape.map(() => !noop);
      const want = reduceRef(kind, x, shape, reduced, keepdims || reduced.every((q) => !q));
      const what = JSON.stringify({ kind, shape, attrs });
      expect(y.shape, what).toEqual(want.shape);
      expect(Array.from(y.data), what).toEqual(want.data);
      expect(x).toEqual(copy);
    }
  });

  it("ONNX's defaults: every axis, keepdims on; over an empty axis the identity (Mean: NaN)", () => {
    const x = fcn.tensor([1, -2, 3, 4, 5, -6], [2, 3]);
    expect(fcn.reduceSum(x).shape).toEqual([1, 1]);
    expect(Array.from(fcn.reduceSum(x).data)).toEqual([5]);
    expect(Array.from(fcn.reduceMean(x, { axes: [1], keepdims: false }).data)).toEqual([Math.fround(2 / 3), 1]);
    expect(Array.from(fcn.reduceMax(x, { axes: [0] }).data)).toEqual([4, 5, 3]);
    expect(Array.from(fcn.reduceMin(x, { axes: [-1] }).data)).toEqual([-2, -6]);
    const empty = fcn.tensor(new Float32Array(0), [2, 0]);
    expect(Array.from(fcn.reduceSum(empty, { axes: [1] }).data)).toEqual([0, 0]);
    expect(Array.from(fcn.reduceMax(empty, { axes: [1] }).data)).toEqual([-Infinity, -Infinity]);
    expect(Array.from(fcn.reduceMin(empty, { axes: [1] }).data)).toEqual([Infinity, Infinity]);
    expect(Array.from(fcn.reduceMean(empty, { axes: [1] }).data)).toEqual([NaN, NaN]);
    // no axes with noopWithEmptyAxes: the identity (a copy)
    expect(Array.from(fcn.reduceSum(x, { noopWithEmptyAxes: true }).data)).toEqual(Array.from(x.data));
  });

  it("the Sum/Mean gradient is the adjoint of the forward: <reduce(x), dy> = <x, reduceBackward(dy)>", () => {
    const r = rng(1202);
    for (let k = 0; k < 40; k++) {
      const kind = k % 2 ? "mean" : "sum";
      const rank = randInt(r, 1, 4);
      const shape = Array.from({ length: rank }, () => randInt(r, 1, 5));
      const axes = shape.flatMap((_, a) => (r() < 0.5 ? [a] : []));
      const keepdims = r() < 0.5;
      const x = fcn.tensor(randArray(r, size(shape)), shape);
      const y = OPS[kind](x, { axes, keepdims });
      const dy = fcn.tensor(randArray(r, size(y.shape)), y.shape);
      const dx = fcn.reduceBackward(kind, dy, shape, { axes, keepdims });
      expect(dx.shape).toEqual(shape);
      const lhs = y.data.reduce((s, v, i) => s + v * dy.data[i], 0), rhs = x.data.reduce((s, v, i) => s + v * dx.data[i], 0);
      expect(Math.abs(lhs - rhs), JSON.stringify({ kind, shape, axes })).toBeLessThan(1e-5 * (1 + Math.abs(lhs)));
    }
  });

  it("typed errors name the op and the attribute", () => {
    const x = fcn.tensor(new Float32Array(6), [2, 3]);
    expect(() => fcn.reduceSum(x, { axes: [2] })).toThrow(AttributeError);
    expect(() => fcn.reduceSum(x, { axes: [2] })).toThrow(/reduceSum\(attrs.axes\[0\]\): axis 2 is out of range for rank 2/);
    expect(() => fcn.reduceMax(x, { axes: [1, -1] })).toThrow(/reduceMax\(attrs.axes\): axis 1 is given twice/);
    expect(() => fcn.reduceMean(x, { keepdims: 2 as never })).toThrow(/reduceMean\(attrs.keepdims\)/);
    expect(() => fcn.reduceMin(x, { axis: 1 } as never)).toThrow(AttributeError);
    expect(() => fcn.reduceBackward("sum", fcn.tensor(new Float32Array(3), [3]), [2, 3], { axes: [1] })).toThrow(ShapeError);
  });
});

describe("reductions in Net and ONNX", () => {
  beforeAll(() => useBuild("simd"));

  const spec = (op: string, attrs: Record<string, unknown>): GraphSpec => ({
    input: { name: "x", shape: [1, 3, 4, 5] },
    output: "head",
    layers: [
      { name: "c", op: "Conv", inputs: ["x"], attrs: { outChannels: 4, kernelShape: [3, 3], pads: 1 } },
      { name: "r", op, inputs: ["c"], attrs },
      { name: "head", op: "Conv", inputs: ["r"], attrs: { outChannels: 2, kernelShape: [1, 1] } },
    ],
  });

  it("ReduceMean/ReduceSum layers train: the net's gradients match finite differences; Max/Min refuse training", () => {
    const r = rng(1203);
    for (const op of ["ReduceMean", "ReduceSum"]) {
      const net = Net.fromGraph(spec(op, { axes: [3], keepdims: true }), undefined, { seed: 7 });
      const x = fcn.tensor(randArray(r, 60), [1, 3, 4, 5]);
      net.training = true;
      const y = net.run(x);
      const seed = fcn.tensor(randArray(r, size(y.shape)), y.shape);
      const grads = net.backward(seed);
      const loss = (): number => { const out = net.run(x); return out.data.reduce((s, v, i) => s + v * seed.data[i], 0); };
      const w = net.parameters().get("c.weight")! as Tensor;
      const g = grads.get("c.weight")!;
      for (const i of [0, 7, 50, 100]) {
        const keep = w.data[i], h = 1e-2;
        w.data[i] = keep + h; const up = loss();
        w.data[i] = keep - h; const down = loss();
        w.data[i] = keep;
        expect(Math.abs((up - down) / (2 * h) - g.data[i]), `${op} c.weight[${i}]`).toBeLessThan(2e-3 * (1 + Math.abs(g.data[i])));
      }
      net.dispose();
    }
    for (const op of ["ReduceMax", "ReduceMin"]) {
      const net = Net.fromGraph(spec(op, { axes: [1], keepdims: true }), undefined, { seed: 7 });
      expect(() => { net.training = true; }).toThrow(UnsupportedError);
      net.dispose();
    }
  });

  // opsets where the axes are an attribute and where they are an input (ReduceSum 13, the others 18)
  for (const kind of KINDS) {
    for (const opset of kind === "sum" ? [11, 13] : [13, 18]) {
      it(`ONNX ${ONNX[kind]} at opset ${opset} (axes ${opset >= (kind === "sum" ? 13 : 18) ? "input" : "attribute"}): onnxruntime-node, the export bit for bit`, async () => {
        const r = rng(1210 + opset);
        const asInput = opset >= (kind === "sum" ? 13 : 18);
        for (const [axes, keepdims] of [[[2, 3], 1], [[1], 0], [[-1], 1], [[0, 1, 2, 3], 0]] as [number[], number][]) {
          const xDims = [2, 3, 4, 5];
          const yDims = xDims.flatMap((d, a) => (axes.includes(a) || axes.includes(a - 4) ? (keepdims ? [1] : []) : [d]));
          const bytes = model({
            opset,
            nodes: [node(ONNX[kind], asInput ? ["x", "axes"] : ["x"], ["y"], [attr.int("keepdims", keepdims), ...(asInput ? [] : [attr.ints("axes", axes)])])],
            initializers: asInput ? [int64s("axes", axes)] : [],
            inputs: [valueInfo("x", xDims)],
            outputs: [valueInfo("y", yDims)],
          });
          await expectMatchesOrt(bytes, fcn.tensor(randArray(r, 120), xDims), `${ONNX[kind]}-${opset} axes [${axes}] keepdims ${keepdims}`, 1e-6);
        }
      });
    }
  }
});
