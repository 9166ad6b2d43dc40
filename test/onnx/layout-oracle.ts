// A test helper for the layout ops' ONNX side: a one-node model, run by Net.fromOnnx and by
// onnxruntime-node on the same bytes (the values only move, so they must agree bit for bit), then
// net.toOnnx() run by onnxruntime-node and read back by Net.fromOnnx, bit for bit again.
import { expect } from "vitest";
import * as ort from "onnxruntime-node";
import { expectSameBits, fcn, randArray, rng } from "../lib.js";
import { type Bytes, len, model, tensorProto, valueInfo } from "./proto-writer.js";

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** An int64 initializer. */
export function int64Init(name: string, values: number[], dims = [values.length]): Bytes {
  return tensorProto({ name, dims, dataType: 7, extra: [len(9, new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer))] });
}

/** A model reading graph input x of `inShape` and writing output "y" of `outShape`. */
export function layoutModel(opset: number, nodes: Bytes[], inShape: number[], outShape: number[], initializers: Bytes[] = []): Uint8Array {
  return model({ opset, nodes, initializers, inputs: [valueInfo("x", inShape)], outputs: [valueInfo("y", outShape)] });
}

export async function runOrt(bytes: Uint8Array, x: { data: Float32Array; shape: readonly number[] }, input = "x"): Promise<{ data: Float32Array; shape: number[] }> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const out = await session.run({ [input]: new ort.Tensor("float32", x.data.slice(), x.shape.slice()) });
    const y = out[session.outputNames[0]];
    return { data: y.data as Float32Array, shape: [...y.dims] };
  } finally {
    await session.release();
  }
}

/**
 * Net.fromOnnx(bytes) on a random x of `inShape` equals onnxruntime-node bit for bit; so does
 * onnxruntime-node on its toOnnx(), which Net.fromOnnx reads back to the same output. Returns
 * the net's output.
 */
export async function expectOnnxAgrees(bytes: Uint8Array, inShape: number[], seed: number, what: string): Promise<{ data: Float32Array; shape: readonly number[] }> {
  const x = fcn.tensor(randArray(rng(seed), size(inShape)), inShape);
  const net = fcn.Net.fromOnnx(bytes);
  const got = net.run(x);
  expectSameBits(got, await runOrt(bytes, x), `${what}: Net.fromOnnx vs onnxruntime-node`);
  const exported = net.toOnnx();
  expectSameBits(await runOrt(exported, x), got, `${what}: onnxruntime-node on net.toOnnx()`);
  expectSameBits(fcn.Net.fromOnnx(exported).run(x), got, `${what}: Net.fromOnnx(net.toOnnx())`);
  net.dispose();
  expect(got.data.length).toBe(size(got.shape));
  return got;
}
