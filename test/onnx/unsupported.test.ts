// What Net.fromOnnx cannot run yet is reported at once: one UnsupportedError listing every
// unsupported op type with its count and node names (PyTorch's exported Embedding and a small
// built model),
// and nothing is left in wasm memory by a model that fails to load.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { fcn, useBuild } from "../lib.js";
import { attr, model, node, tensorProto, valueInfo } from "./proto-writer.js";
const { Net, UnsupportedError, memoryInfo } = fcn;

const EMBEDDING = new Uint8Array(readFileSync(fileURLToPath(new URL("../fixtures/onnx-models/pytorch-converted/test_Embedding/model.onnx", import.meta.url))));

function thrown(f: () => unknown): Error {
  try { f(); } catch (e) { return e as Error; }
  throw new Error("expected an error");
}

describe("ONNX unsupported-model report", () => {
  beforeAll(() => useBuild("simd"));

  it("lists every problem of PyTorch's exported Embedding at once: its int64 input and its Gather", () => {
    const e = thrown(() => Net.fromOnnx(EMBEDDING));
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.message).toBe("Net.fromOnnx: the model uses what fcn-wasm cannot run yet: graph input \"0\" has element type 7; Net runs float32 (1); Gather ×1 (output \"2\")");
  });

  it("reports every problem at once: unknown ops with counts and names, other domains, unmappable nodes", () => {
    const bytes = model({
      nodes: [
        node("Conv", ["x", "w"], ["c"], [attr.ints("pads", [1, 1, 1, 1])], "conv"),
        node("Erf", ["c"], ["s1"], [], "erf_a"),
        node("Sin", ["s1"], ["t"], [], "sin"),
        node("Erf", ["c"], ["s2"], [], "erf_b"),
        node("Add", ["t", "s2"], ["sum"], [], "sum"),         // fine itself: only its inputs failed
        node("Softmax", ["sum"], ["p"], [attr.int("axis", 2)], "soft"), // downstream of a failure: not repeated
        node("Fancy", ["c"], ["f"], [], "fancy", "com.example"),
        node("Softmax", ["c"], ["y"], [attr.int("axis", 4)], "soft4"),
      ],
      initializers: [tensorProto({ name: "w", dims: [2, 2, 3, 3], data: new Float32Array(36) })],
      inputs: [valueInfo("x", [1, 2, 4, 4])],
      outputs: [valueInfo("y", [1, 2, 4, 4])],
    });
    const e = thrown(() => Net.fromOnnx(bytes));
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.message).toBe("Net.fromOnnx: the model uses what fcn-wasm cannot run yet: "
      + "Erf ×2 (\"erf_a\"; \"erf_b\"); Sin ×1 (\"sin\"); com.example.Fancy ×1 (\"fancy\"); "
      + "Softmax ×1 (\"soft4\": Softmax(attrs.axis): axis 4 is out of range for rank 4 (−4 ≤ axis < 4))");
  });

  it("leaves nothing in wasm memory when a model fails to load, and keeps working after", () => {
    const before = memoryInfo();
    for (let i = 0; i < 5; i++) expect(() => Net.fromOnnx(EMBEDDING)).toThrow(UnsupportedError);
    // mapped, then refused by Net: a weight for 3 input channels on a 2-channel input
    const misfit = model({
      nodes: [node("Conv", ["x", "w"], ["y"], [], "conv")],
      initializers: [tensorProto({ name: "w", dims: [2, 3, 1, 1], data: new Float32Array(6) })],
      inputs: [valueInfo("x", [1, 2, 4, 4])], outputs: [valueInfo("y", [1, 2, 4, 4])],
    });
    expect(() => Net.fromOnnx(misfit)).toThrow(fcn.ShapeError);
    const after = memoryInfo();
    expect(after.residentBytes).toBe(before.residentBytes);
    expect(after.plans).toBe(before.plans);
    const ok = model({
      nodes: [node("Relu", ["x"], ["y"])], inputs: [valueInfo("x", [1, 1, 2, 2])], outputs: [valueInfo("y", [1, 1, 2, 2])],
    });
    expect(Array.from(Net.fromOnnx(ok).run(fcn.tensor([-1, 2, -3, 4], [1, 1, 2, 2])).data)).toEqual([0, 2, 0, 4]);
  });
});
