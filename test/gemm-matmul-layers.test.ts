// gemmBackward and matmulBackward by central finite differences of the float64 references
// (test/ref/matrix.ts) over random sizes, transposes, alpha/beta, C shapes, batch broadcasting and
// 1-D operands; typed errors; the Gemm and MatMul Net layers (weight form and two-activation form:
// plan = op-by-op bit for bit, finite differences); ONNX Gemm (opsets 7–13, transA/transB,
// alpha/beta, every C shape, no C) and MatMul (constant B, constant A, two activations) against
// onnxruntime-node, and the export.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, expectSameBits, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { gemmRef, matmulRef } from "./ref/matrix.js";
import { expectFiniteDifferences } from "./net-finite-differences.js";
import { attr, expectMatchesOrt, singleNode } from "./onnx/single-node.js";
import { model, node, tensorProto, valueInfo } from "./onnx/proto-writer.js";
import type { GraphSpec, Tensor } from "../dist/index.js";
const { Net, ShapeError, AttributeError, UnsupportedError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };

/** Checks every entry of each gradient against central differences of L = ⟨dy, f(operands)⟩ in float64. */
function expectGradients(operands: Float64Array[], grads: (Tensor | null)[], L: () => number, what: string): void {
  operands.forEach((v, k) => {
    const g = grads[k];
    if (g === null) return;
    for (let i = 0; i < v.length; i++) {
      const keep = v[i], h = 1e-3;
      v[i] = keep + h; const plus = L();
      v[i] = keep - h; const minus = L();
      v[i] = keep;
      const fd = (plus - minus) / (2 * h);
      expect(Math.abs(g.data[i] - fd), `${what}: operand ${k} [${i}]: ${g.data[i]} vs ${fd}`).toBeLessThan(1e-4 + 1e-4 * Math.abs(fd));
    }
  });
}

describe.each(BUILDS)("gemmBackward and matmulBackward (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("gemmBackward matches finite differences over random sizes, transposes, alpha, beta and C shapes", () => {
    const r = rng(1001);
    for (let k = 0; k < 30; k++) {
      const M = randInt(r, 1, 5), N = randInt(r, 1, 5), K = randInt(r, 1, 5);
      const transA = r() < 0.5, transB = r() < 0.5, alpha = [1, 0.5, -2][randInt(r, 0, 2)], beta = [1, 0.25, 0][randInt(r, 0, 2)];
      const cShape = [null, [], [1], [N], [1, N], [M, 1], [M, N]][randInt(r, 0, 6)];
      const aShape = transA ? [K, M] : [M, K], bShape = transB ? [N, K] : [K, N];
      const ops = [Float64Array.from(randArray(r, M * K)), Float64Array.from(randArray(r, K * N)), cShape === null ? new Float64Array(0) : Float64Array.from(randArray(r, size(cShape)))];
      const dy = randArray(r, M * N), attrs = { alpha, beta, transA, transB };
      const f32 = (v: Float64Array, s: number[]) => fcn.tensor(Float32Array.from(v), s);
      const g = fcn.gemmBackward(fcn.tensor(dy, [M, N]), f32(ops[0], aShape), f32(ops[1], bShape), cShape === null ? null : f32(ops[2], cShape), attrs);
      expect(g.da.shape).toEqual(aShape);
      expect(g.db.shape).toEqual(bShape);
      expect(g.dc?.shape ?? null).toEqual(cShape);
      const L = () => dot(dy, gemmRef({ data: ops[0], shape: aShape }, { data: ops[1], shape: bShape }, cShape === null ? null : { data: ops[2], shape: cShape }, attrs).data);
      expectGradients(ops, [g.da, g.db, g.dc], L, JSON.stringify({ M, N, K, ...attrs, cShape }));
    }
  });

  it("matmulBackward matches finite differences over batch broadcasting and 1-D operands", () => {
    const r = rng(1002);
    for (let k = 0; k < 30; k++) {
      const M = randInt(r, 1, 4), N = randInt(r, 1, 4), K = randInt(r, 1, 4);
      const batchA = Array.from({ length: randInt(r, 0, 2) }, () => randInt(r, 1, 3));
      const batchB = batchA.map((d) => (r() < 0.4 ? 1 : d)).slice(randInt(r, 0, batchA.length));
      const aShape = r() < 0.15 ? [K] : [...batchA, M, K], bShape = r() < 0.15 ? [K] : [...batchB, K, N];
      const ops = [Float64Array.from(randArray(r, size(aShape))), Float64Array.from(randArray(r, size(bShape)))];
      const yShape = fcn.matmul(fcn.tensor(Float32Array.from(ops[0]), aShape), fcn.tensor(Float32Array.from(ops[1]), bShape)).shape.slice();
      const dy = randArray(r, size(yShape));
      const g = fcn.matmulBackward(fcn.tensor(dy, yShape), fcn.tensor(Float32Array.from(ops[0]), aShape), fcn.tensor(Float32Array.from(ops[1]), bShape));
      expect(g.da.shape).toEqual(aShape);
      expect(g.db.shape).toEqual(bShape);
      const L = () => dot(dy, matmulRef({ data: ops[0], shape: aShape }, { data: ops[1], shape: bShape }).data);
      expectGradients(ops, [g.da, g.db], L, `a ${JSON.stringify(aShape)} b ${JSON.stringify(bShape)}`);
    }
  });

  it("typed errors: a dy of the wrong shape, operands that do not fit", () => {
    const a = fcn.tensor(new Float32Array(6), [2, 3]), b = fcn.tensor(new Float32Array(12), [3, 4]);
    expect(() => fcn.gemmBackward(fcn.tensor(new Float32Array(6), [2, 3]), a, b)).toThrow(/gemmBackward\(dy\)/);
    expect(() => fcn.gemmBackward(fcn.tensor(new Float32Array(8), [2, 4]), a, a)).toThrow(ShapeError);
    expect(() => fcn.gemmBackward(fcn.tensor(new Float32Array(8), [2, 4]), a, b, null, { gamma: 1 } as never)).toThrow(AttributeError);
    expect(() => fcn.matmulBackward(fcn.tensor(new Float32Array(6), [2, 3]), a, b)).toThrow(/matmulBackward\(dy\)/);
    expect(() => fcn.matmulBackward(fcn.tensor(new Float32Array(8), [2, 4]), a, a)).toThrow(/inner dimensions/);
  });

  const spec: GraphSpec = {
    input: { name: "x", shape: [2, 3, 4] },
    output: "out",
    layers: [
      { name: "p", op: "MatMul", inputs: ["x"], attrs: { weightShape: [4, 5] } },
      { name: "q", op: "MatMul", inputs: ["x"], attrs: { weightShape: [4, 3] } },
      { name: "t", op: "Tanh", inputs: ["q"] },
      { name: "pq", op: "MatMul", inputs: ["t", "p"] },        // [2, 3, 3] · [2, 3, 5] = [2, 3, 5]
      { name: "out", op: "Gemm", inputs: ["flat"], attrs: { weightShape: [6, 4], biasShape: [6], transB: true, alpha: 0.5, beta: 2 } },
    ],
  };
  // Net has no Flatten: the Gemm part runs on its own net
  const matSpec: GraphSpec = { ...spec, output: "pq", layers: spec.layers.slice(0, 4) };
  const gemmSpec: GraphSpec = {
    input: { name: "flat", shape: [3, 5] }, output: "out",
    layers: [{ name: "h", op: "Gemm", inputs: ["flat"], attrs: { weightShape: [5, 4], biasShape: [1, 4] } }, { name: "r", op: "Tanh", inputs: ["h"] }, { ...spec.layers[4], inputs: ["r"] }],
  };
  const weightsFor = (s: GraphSpec, seed: number) => {
    const r = rng(seed), w = new Map<string, Tensor>();
    for (const [name, shape] of fcn.parameterShapes(s)) w.set(name, fcn.tensor(randArray(r, size(shape)), shape));
    return w;
  };

  for (const [what, s] of [["MatMul (weight and two-activation forms)", matSpec], ["Gemm (transB, alpha, beta, C [1, N] and [N])", gemmSpec]] as const) {
    it(`Net layers, ${what}: the plan equals the op-by-op path bit for bit; gradients match finite differences`, () => {
      const r = rng(1003), w = weightsFor(s, 1004);
      const planned = Net.fromGraph(s, w), copying = Net.fromGraph(s, w, { resident: false });
      planned.training = copying.training = true;
      const x = fcn.tensor(randArray(r, size(s.input.shape)), s.input.shape);
      const y = planned.run(x);
      expectSameBits(y, copying.run(x), "output");
      const dOut = fcn.tensor(randArray(r, y.data.length), y.shape.slice());
      const a = planned.backward(dOut), b = copying.backward(dOut);
      expect([...a.keys()].sort()).toEqual([...w.keys()].sort());
      for (const [name, g] of a) expectSameBits(g, b.get(name) as Tensor, `gradient ${name}`);
      planned.dispose();
      expectFiniteDifferences(s, Net.fromGraph(s, w), x, dOut, (n) => [0, 1, n - 1], undefined, 1e-3);
    });
  }

  it("net.summary counts the matrix products' MACs and parameters", () => {
    const g = Net.fromGraph(gemmSpec, weightsFor(gemmSpec, 1005)).summary();
    expect(g.layers.map((l) => [l.name, l.macs, l.params])).toEqual([["h", 3 * 4 * 5, 20 + 4], ["r", 0, 0], ["out", 3 * 6 * 4, 24 + 6]]);
    const m = Net.fromGraph(matSpec, weightsFor(matSpec, 1006)).summary();
    expect(m.layers.map((l) => [l.name, l.macs, l.params])).toEqual([["p", 2 * 3 * 5 * 4, 20], ["q", 2 * 3 * 3 * 4, 12], ["t", 0, 0], ["pq", 2 * 3 * 5 * 3, 0]]);
  });

  it("Net layers: missing or misfit shapes are typed errors naming the layer", () => {
    const one = (layer: object): GraphSpec => ({ input: { name: "x", shape: [2, 4] }, output: "l", layers: [{ name: "l", ...layer } as never] });
    expect(() => Net.fromGraph(one({ op: "Gemm", inputs: ["x"] }))).toThrow(/weightShape: required/);
    expect(() => Net.fromGraph(one({ op: "Gemm", inputs: ["x"], attrs: { weightShape: [3, 2] } }))).toThrow(ShapeError);
    expect(() => Net.fromGraph(one({ op: "Gemm", inputs: ["x"], attrs: { weightShape: [4, 2], biasShape: [3] } }))).toThrow(/bias \[3\]/);
    expect(() => Net.fromGraph(one({ op: "MatMul", inputs: ["x"] }))).toThrow(/weightShape/);
    expect(() => Net.fromGraph(one({ op: "MatMul", inputs: ["x", "x"] }))).toThrow(/inner dimensions/);
    expect(() => Net.fromGraph(one({ op: "MatMul", inputs: ["x", "x"], attrs: { weightShape: [4, 4] } }))).toThrow(AttributeError);
  });
});

describe("ONNX Gemm and MatMul", () => {
  beforeAll(() => useBuild("simd"));

  const M = 3, K = 5, N = 4;
  const GEMMS: [opset: number, transA: boolean, transB: boolean, alpha: number, beta: number, cShape: number[] | null][] = [
    [7, false, false, 1, 1, [N]], [9, true, false, 0.5, 2, [1, N]], [11, false, true, 1, 1, null], [11, true, true, -1, 0.5, [M, 1]],
    [13, false, true, 2, 1, [M, N]], [13, false, false, 1, 3, []], [6, false, true, 1, 1, [N]],
  ];
  for (const [opset, transA, transB, alpha, beta, cShape] of GEMMS) {
    it(`Gemm opset ${opset}, transA ${transA}, transB ${transB}, alpha ${alpha}, beta ${beta}, C ${JSON.stringify(cShape)}: matches onnxruntime-node; the export round-trips`, async () => {
      const r = rng(1010 + opset);
      const xDims = transA ? [K, M] : [M, K];
      const consts = [{ dims: transB ? [N, K] : [K, N], data: randArray(r, K * N) }, ...(cShape === null ? [] : [{ dims: cShape, data: randArray(r, size(cShape)) }])];
      const attrs = [attr.float("alpha", alpha), attr.float("beta", beta), attr.int("transA", transA ? 1 : 0), attr.int("transB", transB ? 1 : 0), ...(opset < 7 ? [attr.int("broadcast", 1)] : [])];
      const bytes = singleNode({ opset, op: "Gemm", xDims, yDims: [M, N], consts, attrs });
      const x = fcn.tensor(randArray(r, M * K), xDims);
      // onnxruntime has no Gemm-6 kernel: the definition stands in for it there
      const reference = opset < 7 ? (() => { const y = gemmRef({ data: x.data, shape: xDims }, { data: consts[0].data, shape: consts[0].dims }, { data: consts[1].data, shape: consts[1].dims }, { alpha, beta, transA, transB }); return { data: Float32Array.from(y.data), shape: y.shape }; })() : undefined;
      await expectMatchesOrt(bytes, x, `Gemm opset ${opset}`, 1e-5, reference);
    });
  }

  for (const [opset, xDims, wDims] of [[9, [2, 3, 5], [5, 4]], [13, [2, 1, 3, 5], [2, 5, 4]], [13, [3, 5], [5]]] as const) {
    it(`MatMul opset ${opset}, x ${JSON.stringify(xDims)} · constant ${JSON.stringify(wDims)}: a weight; matches onnxruntime-node; the export round-trips`, async () => {
      const r = rng(1020 + xDims.length);
      const yDims = fcn.matmul(fcn.tensor(new Float32Array(size(xDims)), [...xDims]), fcn.tensor(new Float32Array(size(wDims)), [...wDims])).shape.slice();
      const bytes = singleNode({ opset, op: "MatMul", xDims: [...xDims], yDims, consts: [{ dims: [...wDims], data: randArray(r, size(wDims)) }] });
      expect(Net.fromOnnx(bytes).parameters().has("y.weight")).toBe(true);
      await expectMatchesOrt(bytes, fcn.tensor(randArray(r, size(xDims)), [...xDims]), `MatMul opset ${opset}`, 1e-5);
    });
  }

  it("MatMul of two activations, and of a constant A by an activation: match onnxruntime-node; the export round-trips", async () => {
    const r = rng(1030);
    const bytes = model({
      opset: 13,
      nodes: [node("Tanh", ["x"], ["t"]), node("MatMul", ["x", "t"], ["xt"]), node("MatMul", ["w", "xt"], ["y"])],
      initializers: [tensorProto({ name: "w", dims: [5, 3], data: randArray(r, 15) })],
      inputs: [valueInfo("x", [2, 3, 3])], outputs: [valueInfo("y", [2, 5, 3])],
    });
    await expectMatchesOrt(bytes, fcn.tensor(randArray(r, 18), [2, 3, 3]), "MatMul forms", 1e-5);
  });

  // B = Tanh(x) is an activation; C a constant, an activation (Sigmoid(x)) or absent
  const ACTIVATION_GEMMS: [transA: boolean, transB: boolean, alpha: number, beta: number, c: "none" | "constant" | "activation"][] = [
    [false, false, 1, 1, "none"], [true, false, 0.5, 2, "constant"], [false, true, 1, 1, "activation"], [true, true, -1, 0.5, "activation"], [false, false, 2, 0, "constant"],
  ];
  for (const [transA, transB, alpha, beta, c] of ACTIVATION_GEMMS) {
    it(`Gemm of two activations, transA ${transA}, transB ${transB}, alpha ${alpha}, beta ${beta}, C ${c}: Transpose/MatMul/Mul/BroadcastAdd layers; matches onnxruntime-node; the export round-trips`, async () => {
      const r = rng(1040);
      const inputs = ["x", "b", ...(c === "none" ? [] : ["c"])];
      const bytes = model({
        opset: 13,
        nodes: [
          node("Tanh", ["x"], ["b"]),
          ...(c === "activation" ? [node("Sigmoid", ["x"], ["c"])] : []),
          node("Gemm", inputs, ["y"], [attr.float("alpha", alpha), attr.float("beta", beta), attr.int("transA", transA ? 1 : 0), attr.int("transB", transB ? 1 : 0)], "g"),
        ],
        initializers: c === "constant" ? [tensorProto({ name: "c", dims: [1, 4], data: randArray(r, 4) })] : [],
        inputs: [valueInfo("x", [4, 4])], outputs: [valueInfo("y", [4, 4])],
      });
      const net = Net.fromOnnx(bytes);
      expect(net.spec.layers.map((l) => l.op)).toEqual([
        "Tanh", ...(c === "activation" ? ["Sigmoid"] : []), ...(transA ? ["Transpose"] : []), ...(transB ? ["Transpose"] : []), "MatMul",
        ...(alpha !== 1 ? ["Constant", "Mul"] : []),
        ...(c !== "none" && beta !== 0 ? (c === "constant" ? ["Constant"] : beta !== 1 ? ["Constant", "Mul"] : []).concat(["BroadcastAdd"]) : []),
      ]);
      expect(net.spec.output).toBe("y");
      await expectMatchesOrt(bytes, fcn.tensor(randArray(r, 16), [4, 4]), `Gemm of activations ${transA} ${transB} ${alpha} ${beta} ${c}`, 1e-5);
    });
  }

  it("refuses a MatMul of two constants, naming the node", () => {
    const both = model({
      opset: 13, nodes: [node("MatMul", ["a", "b"], ["m"], [], "mm"), node("Add", ["x", "m"], ["y"])],
      initializers: [tensorProto({ name: "a", dims: [2, 2], data: [1, 2, 3, 4] }), tensorProto({ name: "b", dims: [2, 2], data: [1, 0, 0, 1] })],
      inputs: [valueInfo("x", [2, 2])], outputs: [valueInfo("y", [2, 2])],
    });
    expect(() => Net.fromOnnx(both)).toThrow(UnsupportedError);
    expect(() => Net.fromOnnx(both)).toThrow(/both inputs are constants/);
  });
});
