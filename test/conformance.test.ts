// ONNX's own backend node tests (test/fixtures/onnx-conformance, see its README): every case runs
// through the public API, and every case must pass: 1-D, 2-D and the 3-D ones (Conv,
// ConvTranspose and MaxPool, each implemented for spatial rank 3).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it, beforeAll } from "vitest";
import { BUILDS, expectClose, fcn, useBuild } from "./lib.js";

interface T { shape: number[]; offset: number; length: number }
interface Case {
  id: string; op: string; rank?: number;
  attrs: Record<string, unknown>;
  inputs: Record<string, T>; expected: Record<string, T>;
  tolerance: { rtol: number; atol: number };
}

const folder = fileURLToPath(new URL("./fixtures/onnx-conformance/", import.meta.url));
const suite = JSON.parse(readFileSync(folder + "cases.json", "utf8")) as { cases: Case[] };
const bin = readFileSync(folder + "cases.bin");

function load(t: T): fcn.Tensor {
  const data = new Float32Array(t.length);
  const view = new DataView(bin.buffer, bin.byteOffset + t.offset, t.length * 4);
  for (let i = 0; i < t.length; i++) data[i] = view.getFloat32(i * 4, true);
  return fcn.tensor(data, t.shape);
}

/** ONNX snake_case attributes → the package's camelCase ones (0/1 flags stay numbers). */
function camel(attrs: Record<string, unknown>): Record<string, unknown> {
  const names: Record<string, string> = {
    kernel_shape: "kernelShape", output_padding: "outputPadding", output_shape: "outputShape",
    auto_pad: "autoPad", ceil_mode: "ceilMode", storage_order: "storageOrder",
  };
  return Object.fromEntries(Object.entries(attrs).map(([k, v]) => [names[k] ?? k, v]));
}

function run(c: Case): fcn.Tensor {
  const i = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, load(v)]));
  const a = camel(c.attrs);
  switch (c.op) {
    case "Conv": return fcn.conv(i.X, i.W, i.B, a);
    case "ConvTranspose": return fcn.convTranspose(i.X, i.W, i.B, a);
    case "MaxPool": return fcn.maxPool(i.X, a as unknown as fcn.MaxPoolAttrs);
    case "Gemm": return fcn.gemm(i.A, i.B, i.C, a);
    case "MatMul": return fcn.matmul(i.A, i.B);
    default: throw new Error(`unknown op ${c.op}`);
  }
}

describe.each(BUILDS)("ONNX conformance (%s build)", (build) => {
  beforeAll(() => useBuild(build));
  it("reads all 88 cases", () => {
    expect(suite.cases.length).toBe(88);
  });
  it("holds 3-D Conv, ConvTranspose and MaxPool cases (which must pass like the others)", () => {
    for (const op of ["Conv", "ConvTranspose", "MaxPool"]) expect(suite.cases.filter((c) => c.rank === 3 && c.op === op).length).toBeGreaterThan(0);
  });
  for (const c of suite.cases) {
    it(c.id, () => {
      const expected = load(Object.values(c.expected)[0]);
      expectClose(run(c), expected, c.id, c.tolerance.atol, c.tolerance.rtol);
    });
  }
});
