// A test helper: one ONNX node on one float input (its other inputs initializers), run by
// Net.fromOnnx and by onnxruntime-node on the same bytes, and the net's toOnnx() export run by
// onnxruntime-node and read back bit for bit. For the operator tests of the layer ops.
import { expect } from "vitest";
import * as ort from "onnxruntime-node";
import { expectClose, fcn } from "../lib.js";
import { attr, model, node, tensorProto, valueInfo, type Bytes } from "./proto-writer.js";
import type { Tensor } from "../../dist/index.js";

export { attr };

/** One node (output y declared float unless `yType`, e.g. 7 for int64): `op` on input "x" [xDims] and the initializers `consts` (in input order after x; null: an absent optional input). */
export function singleNode(o: { opset: number; op: string; xDims: number[]; consts?: ({ dims: number[]; data: ArrayLike<number> } | null)[]; attrs?: Bytes[]; yDims?: number[]; yType?: number }): Uint8Array {
  const consts = o.consts ?? [];
  const names = consts.map((c, i) => (c === null ? "" : `c${i}`));
  return model({
    opset: o.opset,
    nodes: [node(o.op, ["x", ...names], ["y"], o.attrs ?? [])],
    initializers: consts.flatMap((c, i) => (c === null ? [] : [tensorProto({ name: `c${i}`, dims: c.dims, data: c.data })])),
    inputs: [valueInfo("x", o.xDims)],
    outputs: [valueInfo("y", o.yDims ?? o.xDims, o.yType ?? 1)],
  });
}

/** onnxruntime-node's output 0 for input `x` (named "x" unless given). */
export async function runOrt(bytes: Uint8Array, x: Tensor, input = "x"): Promise<Tensor> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const out = await session.run({ [input]: new ort.Tensor("float32", x.data.slice(), x.shape.slice()) });
    const y = out[session.outputNames[0]];
    const data = y.data instanceof Float32Array ? y.data : Float32Array.from(y.data as ArrayLike<number | bigint>, Number);
    return { data, shape: [...y.dims] };
  } finally {
    await session.release();
  }
}

/**
 * Net.fromOnnx(bytes).run(x) against onnxruntime-node within `rel` of the output's scale; then
 * the export: onnxruntime-node on net.toOnnx() agrees as closely, and Net.fromOnnx reads it back
 * bit for bit (`reference` replaces onnxruntime's output on the model where it cannot run it). Returns the net's output and the export's bytes.
 */
export async function expectMatchesOrt(bytes: Uint8Array, x: Tensor, what: string, rel = 1e-5, reference?: Tensor): Promise<{ y: Tensor; exported: Uint8Array }> {
  const net = fcn.Net.fromOnnx(bytes);
  const y = net.run(x);
  // `reference`: the expected output where onnxruntime has no kernel for the node's opset
  const want = reference ?? await runOrt(bytes, x);
  const scale = Math.max(1e-3, want.data.reduce((s, v) => Math.max(s, Math.abs(v)), 0));
  expectClose(y, want, `${what}: net.run vs onnxruntime-node`, rel * scale, 0);
  const exported = net.toOnnx();
  const again = await runOrt(exported, x);
  expectClose(again, y, `${what}: onnxruntime-node on net.toOnnx()`, rel * scale, 0);
  const back = fcn.Net.fromOnnx(exported).run(x);
  expect(Array.from(back.data), `${what}: toOnnx → fromOnnx`).toEqual(Array.from(y.data));
  net.dispose();
  return { y, exported };
}
