// argMax (ONNX ArgMax) against the definition (test/ref/arg-max.ts) over random ranks, axes,
// keepdims and select_last_index with many ties and NaNs; typed errors; the ArgMax Net layer (runs,
// refuses training: no gradient); ONNX import at opsets 7–13 against onnxruntime-node (whose int64
// indices are compared as numbers) and the export (ArgMax → Cast to float).
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, fcn, randInt, rng, useBuild } from "./lib.js";
import { argMaxRef } from "./ref/arg-max.js";
import { attr, expectMatchesOrt, singleNode } from "./onnx/single-node.js";
import { model, node, valueInfo } from "./onnx/proto-writer.js";
import type { GraphSpec } from "../dist/index.js";
const { Net, ShapeError, AttributeError, UnsupportedError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
/** Values from a few levels, so ties are common. */
const levels = (r: () => number, n: number) => Float32Array.from({ length: n }, () => randInt(r, -2, 2));

describe.each(BUILDS)("argMax (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("matches the definition over random ranks, axes, keepdims and ties; NaN counts as the largest; x unchanged", () => {
    const r = rng(901);
    for (let k = 0; k < 80; k++) {
      const rank = randInt(r, 1, 5);
      const shape = Array.from({ length: rank }, () => randInt(r, 1, 4));
      const axis = randInt(r, -rank, rank - 1), keepdims = r() < 0.5, last = r() < 0.5;
      const x = levels(r, size(shape));
      if (k % 4 === 0 && x.length > 1) x[randInt(r, 0, x.length - 1)] = NaN;
      const copy = x.slice();
      const y = fcn.argMax(fcn.tensor(x, shape), { axis, keepdims, selectLastIndex: last });
      const want = argMaxRef(x, shape, axis < 0 ? axis + rank : axis, keepdims, last);
      expect(y.shape, JSON.stringify({ shape, axis, keepdims })).toEqual(want.shape);
      expect(Array.from(y.data), JSON.stringify({ shape, axis, keepdims, last })).toEqual(want.data);
      expect(x).toEqual(copy);
    }
  });

  it("ONNX's defaults: axis 0, keepdims on, the first maximum", () => {
    const y = fcn.argMax(fcn.tensor([1, 5, 5, 2, 5, 0], [2, 3]));
    expect(y.shape).toEqual([1, 3]);
    expect(Array.from(y.data)).toEqual([1, 0, 0]);
    expect(Array.from(fcn.argMax(fcn.tensor([1, 5, 5, 2, 5, 0], [2, 3]), { axis: 1, keepdims: false, selectLastIndex: true }).data)).toEqual([2, 1]);
  });

  it("typed errors: bad axis, flags and names are AttributeErrors; a scalar or an empty axis ShapeErrors", () => {
    const x = fcn.tensor(new Float32Array(6), [2, 3]);
    expect(() => fcn.argMax(x, { axis: 2 })).toThrow(/argMax\(attrs.axis\)/);
    expect(() => fcn.argMax(x, { keepdims: 2 as never })).toThrow(AttributeError);
    expect(() => fcn.argMax(x, { select_last_index: 1 } as never)).toThrow(/unknown attribute/);
    expect(() => fcn.argMax(fcn.tensor([1], []))).toThrow(ShapeError);
    expect(() => fcn.argMax(fcn.tensor([], [2, 0]), { axis: 1 })).toThrow(/empty/);
  });

  it("Net layer: runs (a per-pixel class map) and refuses training", () => {
    const spec: GraphSpec = {
      input: { name: "x", shape: [1, 2, 3, 3] }, output: "a",
      layers: [
        { name: "c", op: "Conv", inputs: ["x"], attrs: { outChannels: 4, kernelShape: 1 } },
        { name: "a", op: "ArgMax", inputs: ["c"], attrs: { axis: 1, keepdims: false } },
      ],
    };
    const net = Net.fromGraph(spec, undefined, { seed: 2 });
    const x = fcn.tensor(Float32Array.from({ length: 18 }, (_, i) => Math.sin(i)), [1, 2, 3, 3]);
    const c = net.run(x);
    expect(c.shape).toEqual([1, 3, 3]);
    const scores = net.blob("c")!;
    expect(Array.from(c.data)).toEqual(argMaxRef(scores.data, scores.shape, 1, false, false).data);
    expect(() => { net.training = true; }).toThrow(UnsupportedError);
  });
});

describe("ONNX ArgMax", () => {
  beforeAll(() => useBuild("simd"));

  const CASES: [opset: number, xDims: number[], attrs: [string, number][]][] = [
    [7, [2, 3, 4], []], [9, [2, 3, 4], [["axis", 1], ["keepdims", 0]]], [11, [2, 5, 3], [["axis", -1]]],
    [12, [2, 3, 4, 2], [["axis", 1], ["select_last_index", 1]]], [13, [3, 4], [["axis", 0], ["keepdims", 0], ["select_last_index", 1]]],
    [13, [2, 6, 2, 2], [["axis", 1], ["keepdims", 0]]],
  ];
  for (const [opset, xDims, attrs] of CASES) {
    it(`opset ${opset}, x ${JSON.stringify(xDims)}, ${JSON.stringify(attrs)}: matches onnxruntime-node (int64 as numbers); the export round-trips`, async () => {
      const r = rng(910 + opset + xDims.length);
      const axis = attrs.find(([n]) => n === "axis")?.[1] ?? 0, keepdims = attrs.find(([n]) => n === "keepdims")?.[1] ?? 1;
      const yDims = xDims.flatMap((d, a) => (a === (axis < 0 ? axis + xDims.length : axis) ? (keepdims ? [1] : []) : [d]));
      const bytes = singleNode({ opset, op: "ArgMax", xDims, yDims, yType: 7, attrs: attrs.map(([n, v]) => attr.int(n, v)) }); // int64 (7) output
      const x = fcn.tensor(levels(r, size(xDims)), xDims);
      const { y } = await expectMatchesOrt(bytes, x, `ArgMax opset ${opset}`, 0);
      expectClose(y, { data: argMaxRef(x.data, xDims, axis < 0 ? axis + xDims.length : axis, keepdims === 1, attrs.some(([n, v]) => n === "select_last_index" && v === 1)).data, shape: yDims }, "reference", 0, 0);
    });
  }

  it("Cast to FLOAT passes a value on (how the export writes the indices back); a Cast to another type is refused", () => {
    const x = fcn.tensor([1, 2, 3], [1, 3]);
    const reluCast = model({ opset: 13, nodes: [node("Relu", ["x"], ["r"]), node("Cast", ["r"], ["y"], [attr.int("to", 1)])], inputs: [valueInfo("x", [1, 3])], outputs: [valueInfo("y", [1, 3])] });
    expect(Array.from(Net.fromOnnx(reluCast).run(x).data)).toEqual([1, 2, 3]);
    expect(() => Net.fromOnnx(singleNode({ opset: 13, op: "Cast", xDims: [1, 3], yType: 7, attrs: [attr.int("to", 7)] }))).toThrow(/Cast to data type 7/);
  });

  it("select_last_index before opset 12 is reported", () => {
    expect(() => Net.fromOnnx(singleNode({ opset: 11, op: "ArgMax", xDims: [1, 3], attrs: [attr.int("select_last_index", 1)] }))).toThrow(/select_last_index exists from opset 12/);
  });
});

