// ONNX import of the broadcasting elementwise ops and the unary math ops, against
// onnxruntime-node on the same bytes: x·sigmoid(x), squeeze-excitation gates x·gate[N,C,1,1], Add/
// Sub/Div of activations of broadcastable shapes, Add/Mul/Div/Pow by non-scalar constants (and a
// constant Add after a conv that cannot absorb it), variadic Sum/Max/Min, Sqrt/Exp/Neg/Abs; at
// opset 13 and at the lowest opsets with numpy broadcasting (7; Sum/Max/Min 8). Each model's
// toOnnx() export runs in onnxruntime-node and reads back bit for bit, written at the lowest opset.
// Opset 6's legacy broadcast/axis attributes are checked against the ops directly (onnxruntime
// runs opset ≥ 7), and what cannot be mapped is a reason in the UnsupportedError.
import { beforeAll, describe, expect, it } from "vitest";
import { expectClose, fcn, randArray, rng, useBuild } from "../lib.js";
import { type Bytes, attr, len, model, node, tensorProto, valueInfo } from "./proto-writer.js";
import { ortRun } from "./ort-helpers.js";
import { readModel } from "../../dist/onnx/proto.js";
import { foldNode } from "../../dist/onnx/folding/folders.js";
import { NodeAttributes } from "../../dist/onnx/attributes.js";
import type { Constant } from "../../dist/onnx/constants.js";
const { Net, UnsupportedError } = fcn;

const X = [1, 4, 5, 6];
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const REL = 1e-5;

/** A constant of `dims` with values in [lo, hi). */
function konst(name: string, dims: number[], seed: number, lo = -1, hi = 1): Bytes {
  const r = rng(seed);
  return tensorProto({ name, dims, data: Array.from({ length: size(dims) }, () => lo + (hi - lo) * r()) });
}

interface Case { name: string; opset: number; nodes: Bytes[]; inits?: Bytes[]; exportOpset: number }

const CASES: Case[] = [13, 7].flatMap((opset) => [
  { name: "swish x·sigmoid(x)", opset, exportOpset: 7, nodes: [node("Sigmoid", ["x"], ["s"]), node("Mul", ["x", "s"], ["y"])] },
  {
    name: "SE gate x·sigmoid(GAP(x)) [1,4,1,1]", opset, exportOpset: 7,
    nodes: [node("GlobalAveragePool", ["x"], ["g"]), node("Sigmoid", ["g"], ["sg"]), node("Mul", ["x", "sg"], ["y"])],
  },
  {
    name: "Add/Sub/Div of activations of broadcastable shapes", opset, exportOpset: 7,
    nodes: [node("GlobalAveragePool", ["x"], ["g"]), node("Add", ["g", "x"], ["a"]), node("Sub", ["a", "g"], ["s"]),
      node("Abs", ["g"], ["ag"]), node("Add", ["ag", "one"], ["den"]), node("Div", ["s", "den"], ["y"])],
    inits: [tensorProto({ name: "one", dims: [], data: [1] })],
  },
  {
    name: "Add/Mul/Div/Pow by non-scalar constants", opset, exportOpset: 7,
    nodes: [node("Add", ["x", "c1"], ["a"]), node("Mul", ["c2", "a"], ["m"]), node("Div", ["m", "c3"], ["d"]),
      node("Abs", ["d"], ["ad"]), node("Add", ["ad", "one"], ["b"]), node("Pow", ["b", "c4"], ["p"]), node("Pow", ["c5", "d"], ["y0"]), node("Sub", ["p", "y0"], ["y"])],
    inits: [konst("c1", [4, 1, 1], 1), konst("c2", [6], 2), konst("c3", [1, 4, 5, 1], 3, 0.5, 2), konst("c4", [1, 4, 1, 1], 4, 0.5, 2),
      konst("c5", [5, 1], 5, 0.5, 2), tensorProto({ name: "one", dims: [], data: [1] })],
  },
  ...(opset < 12 ? [] : [{
    name: "Pow by an int64 exponent (opset ≥ 12)", opset, exportOpset: 7,
    nodes: [node("Abs", ["x"], ["a"]), node("Pow", ["a", "e"], ["y"])],
    inits: [tensorProto({ name: "e", dims: [4, 1, 1], dataType: 7, extra: [len(9, new Uint8Array(BigInt64Array.from([0n, 1n, 2n, 3n]).buffer))] })],
  }]),
  {
    name: "a constant Add after a conv whose output is also used elsewhere (no fold)", opset, exportOpset: 7,
    nodes: [node("Conv", ["x", "w"], ["c"], [attr.ints("pads", [1, 1, 1, 1])]), node("Add", ["c", "b"], ["a"]), node("Mul", ["c", "a"], ["y"])],
    inits: [konst("w", [4, 4, 3, 3], 6, -0.3, 0.3), konst("b", [1, 4, 1, 1], 7)],
  },
  {
    name: "Sqrt, Exp, Neg, Abs", opset, exportOpset: 7,
    nodes: [node("Abs", ["x"], ["a"]), node("Sqrt", ["a"], ["s"]), node("Neg", ["s"], ["n"]), node("Exp", ["n"], ["y"])],
  },
  ...(opset === 7 ? [] : [{
    name: "variadic Sum, Max, Min with broadcasting", opset, exportOpset: 8,
    nodes: [node("GlobalAveragePool", ["x"], ["g"]), node("Max", ["x", "c1", "g"], ["mx"]), node("Min", ["mx", "zero"], ["mn"]),
      node("Sum", ["mn", "g", "c2", "x"], ["y"])],
    inits: [konst("c1", [6], 8), konst("c2", [4, 1, 1], 9), tensorProto({ name: "zero", dims: [], data: [0] })],
  }, {
    name: "Sum, Max, Min of one shape", opset, exportOpset: 7,
    nodes: [node("Neg", ["x"], ["n"]), node("Max", ["x", "n"], ["mx"]), node("Min", ["x", "n"], ["mn"]), node("Sum", ["mx", "mn", "x"], ["y"]), ],
  }]),
].map((c) => ({ ...c, name: `${c.name} (opset ${opset})` })));

function bytesOf(c: { opset: number; nodes: Bytes[]; inits?: Bytes[] }): Bytes {
  return model({ opset: c.opset, nodes: c.nodes, initializers: c.inits ?? [], inputs: [valueInfo("x", X)], outputs: [valueInfo("y", X)] });
}

describe("ONNX broadcasting elementwise ops vs onnxruntime-node", () => {
  beforeAll(() => useBuild("simd"));

  it.each(CASES.map((c, i) => [c.name, c, i] as const))("%s", async (_, c, i) => {
    const bytes = bytesOf(c);
    const x = fcn.tensor(randArray(rng(500 + i), size(X)).map((v) => 2 * v), X);
    const net = Net.fromOnnx(bytes);
    const got = net.run(x);
    const want = await ortRun(bytes, x);
    const scale = want.data.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
    expect(scale).toBeGreaterThan(0.05);
    expectClose(got, want, `${c.name}: net.run vs onnxruntime-node`, REL * scale, 0);

    const exported = net.toOnnx();
    expect(readModel(exported).opsetImport.find((o) => o.domain === "")?.version, "the export's opset").toBe(c.exportOpset);
    expectClose(await ortRun(exported, x), got, `${c.name}: onnxruntime-node on net.toOnnx()`, REL * scale, 0);
    expect(Array.from(Net.fromOnnx(exported).run(x).data)).toEqual(Array.from(got.data));
  });
});

describe("ONNX opset 6: legacy broadcast/axis attributes", () => {
  beforeAll(() => useBuild("simd"));
  const x = fcn.tensor(randArray(rng(77), size(X)), X);
  const c4 = Float32Array.from([0.5, -1, 2, 3]);
  const c56 = Float32Array.from(randArray(rng(78), 30));
  const legacy = (nodes: Bytes[], inits: Bytes[]) => bytesOf({ opset: 6, nodes, inits });

  it("broadcast = 1 with axis: B's dims align at `axis` (a constant B gets trailing 1s); without axis they trail", () => {
    const y = Net.fromOnnx(legacy([node("Mul", ["x", "c"], ["y"], [attr.int("broadcast", 1), attr.int("axis", 1)])], [tensorProto({ name: "c", dims: [4], data: c4 })])).run(x);
    expect(Array.from(y.data)).toEqual(Array.from(fcn.mul(x, fcn.tensor(c4, [4, 1, 1])).data));
    const z = Net.fromOnnx(legacy([node("Sub", ["x", "c"], ["y"], [attr.int("broadcast", 1)])], [tensorProto({ name: "c", dims: [5, 6], data: c56 })])).run(x);
    expect(Array.from(z.data)).toEqual(Array.from(fcn.sub(x, fcn.tensor(c56, [5, 6])).data));
    const w = Net.fromOnnx(legacy([node("Div", ["x", "c"], ["y"], [attr.int("broadcast", 1), attr.int("axis", 2)])], [tensorProto({ name: "c", dims: [5, 6], data: c56 })])).run(x);
    expect(Array.from(w.data)).toEqual(Array.from(fcn.div(x, fcn.tensor(c56, [5, 6])).data));
  });

  it("a legacy per-channel bias Add(conv, b[C], broadcast = 1, axis = 1) still folds into the conv, a legacy scalar Mul is still a Scale", () => {
    const w = konst("w", [4, 4, 3, 3], 11, -0.3, 0.3);
    const conv = node("Conv", ["x", "w"], ["c"], [attr.ints("pads", [1, 1, 1, 1]), attr.ints("kernel_shape", [3, 3])]);
    const old = Net.fromOnnx(legacy([conv, node("Add", ["c", "b"], ["y"], [attr.int("broadcast", 1), attr.int("axis", 1)])], [w, tensorProto({ name: "b", dims: [4], data: c4 })]));
    const now = Net.fromOnnx(bytesOf({ opset: 7, nodes: [conv, node("Add", ["c", "b"], ["y"])], inits: [w, tensorProto({ name: "b", dims: [4, 1, 1], data: c4 })] }));
    expect(old.spec.layers.map((l) => l.op)).toEqual(["Conv"]);
    expect(Array.from(old.run(x).data)).toEqual(Array.from(now.run(x).data));
    const scaled = Net.fromOnnx(legacy([node("Mul", ["x", "s"], ["y"], [attr.int("broadcast", 1)])], [tensorProto({ name: "s", dims: [1], data: [3] })]));
    expect(scaled.spec.layers.map((l) => l.op)).toEqual(["Scale"]);
  });

  it("what legacy broadcasting cannot map is a reason: shapes that differ without broadcast, B not fitting at axis", () => {
    const c = tensorProto({ name: "c", dims: [4], data: c4 });
    expect(() => Net.fromOnnx(legacy([node("Sub", ["x", "c"], ["y"], [], "nob")], [c]))).toThrow(UnsupportedError);
    expect(() => Net.fromOnnx(legacy([node("Sub", ["x", "c"], ["y"], [], "nob")], [c]))).toThrow(/"nob": shapes \[1, 4, 5, 6\] and \[4\] differ and broadcast = 0/);
    expect(() => Net.fromOnnx(legacy([node("Add", ["x", "c"], ["y"], [attr.int("broadcast", 1), attr.int("axis", 2)], "at2")], [c]))).toThrow(/"at2": legacy broadcast: B \[4\] does not match A \[1, 4, 5, 6\] from axis 2/);
    expect(() => Net.fromOnnx(bytesOf({ opset: 13, nodes: [node("Add", ["x", "c"], ["y"], [attr.int("broadcast", 1)], "new")], inits: [c] }))).toThrow(/"new": attribute broadcast not supported at opset 13/);
  });

  it("nodes of constants only are evaluated at load: floats by the float definitions, ints by the integer ones", () => {
    const c = Float32Array.from([-1.5, 0.25, 2, 3, -4, 0.5]);
    const bytes = bytesOf({ opset: 13, inits: [tensorProto({ name: "c", dims: [6], data: c }), tensorProto({ name: "one", dims: [1, 1], data: [1] })], nodes: [
      node("Abs", ["c"], ["a"]), node("Add", ["a", "one"], ["k1"]), node("Sqrt", ["k1"], ["k2"]), node("Max", ["k2", "c", "one"], ["k3"]),
      node("Div", ["k3", "one"], ["k4"]), node("Mul", ["x", "k4"], ["y"])] });
    const net = Net.fromOnnx(bytes);
    expect(net.spec.layers.map((l) => l.op)).toEqual(["Constant", "Mul"]);
    const k = fcn.max(fcn.sqrt(fcn.add(fcn.abs(fcn.tensor(c, [6])), fcn.tensor([1], [1, 1]))), fcn.tensor(c, [6]), fcn.tensor([1], [1, 1]));
    expect(Array.from(net.run(x).data)).toEqual(Array.from(fcn.mul(x, k).data));
    // int64 shape arithmetic: exact past 2²⁴, Div truncating toward zero
    const INT64 = 7;
    const ints = (v: number[], dims = [v.length]): Constant => ({ dims, dataType: INT64, floats: () => Float32Array.from(v), ints: () => v.slice() });
    /** The load-time folder of `op` (folding/) on constant inputs: the output constant, or the reason it does not fold. */
    const fold = (op: string, inputs: Constant[]): Constant | string => {
      const n = readModel(bytesOf({ opset: 13, nodes: [node(op, inputs.map((_, i) => `c${i}`), ["k"])] })).graph!.node[0];
      const r = foldNode({ opset: 13, node: n, attrs: new NodeAttributes(n), external: undefined, has: (i) => i < inputs.length, constant: (i) => inputs[i], activationDims: () => undefined });
      return r === null || typeof r === "string" ? String(r) : r[0];
    };
    const q = fold("Div", [ints([7, -7, 2 ** 40 + 1]), ints([2], [])]) as Constant;
    expect(q.dims).toEqual([3]);
    expect(q.ints()).toEqual([3, -3, 2 ** 39]);
    expect((fold("Mul", [ints([2 ** 30 + 1]), ints([4])]) as Constant).ints()).toEqual([2 ** 32 + 4]);
    expect(fold("Sqrt", [ints([4])])).toMatch(/Sqrt of an integer tensor/);
    expect(fold("Add", [ints([1, 2]), ints([1, 2, 3])])).toMatch(/Add: shapes \[2\] and \[3\] do not broadcast/);
    // Pow of an int64 exponent keeps the base's type; Sum and Exp of constants
    const floats = (v: number[]): Constant => ({ dims: [v.length], dataType: 1, floats: () => Float32Array.from(v), ints: () => v.slice() });
    expect(Array.from((fold("Pow", [floats([1.5, -2]), ints([2])]) as Constant).floats())).toEqual([2.25, 4]);
    expect(Array.from((fold("Sum", [floats([1, 2]), floats([3, 4]), floats([0.5, 0.5])]) as Constant).floats())).toEqual([4.5, 6.5]);
    expect(Array.from((fold("Exp", [floats([0, 1])]) as Constant).floats())).toEqual([1, Math.fround(Math.E)]);
  });

  it("shapes that do not broadcast: a reason naming the node", () => {
    const d = tensorProto({ name: "d", dims: [3], data: [1, 2, 3] });
    expect(() => Net.fromOnnx(bytesOf({ opset: 13, nodes: [node("Mul", ["x", "d"], ["y"], [], "bad")], inits: [d] }))).toThrow(/"bad": Mul: shapes \[1, 4, 5, 6\] and \[3\] do not broadcast/);
  });
});
