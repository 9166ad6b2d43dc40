// What the Pad/Slice/Split ONNX tests share: int64 initializers, running bytes in
// onnxruntime-node, and the check that Net.fromOnnx, onnxruntime and the exported model agree.
import { expect } from "vitest";
import * as ort from "onnxruntime-node";
import { expectClose, fcn } from "../lib.js";
import type { Tensor } from "../../dist/index.js";
import { readModel } from "../../dist/onnx/proto.js";
import { ints, len, tensorProto } from "./proto-writer.js";

/**
 * An int64 TensorProto of `values` (dims [n] unless given): int64_data (field 7) for numbers,
 * raw_data for bigints (INT64_MAX = 2⁶³ − 1 has no exact double).
 */
export const int64s = (name: string, values: (number | bigint)[], dims = [values.length]): Uint8Array =>
  values.some((v) => typeof v === "bigint")
    ? tensorProto({ name, dims, dataType: 7, extra: [len(9, new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer))] })
    : tensorProto({ name, dims, dataType: 7, extra: [ints(7, values as number[], true)] });

/** onnxruntime-node's output `output` (default: the first) for input "x" (one thread). */
export async function ortRun(bytes: Uint8Array, x: Tensor, output?: string, input = "x"): Promise<Tensor> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 });
  try {
    const r = await session.run({ [input]: new ort.Tensor("float32", x.data.slice(), x.shape.slice()) });
    const y = r[output ?? session.outputNames[0]];
    return fcn.tensor(y.data as Float32Array, y.dims.slice());
  } finally {
    await session.release();
  }
}

/**
 * Net.fromOnnx(bytes) on x equals onnxruntime's output (exactly by default: data movement does no
 * rounding; `atol` for graphs with arithmetic), and so do the round trip net.toOnnx() → Net.fromOnnx
 * (bit for bit) and onnxruntime on the export.
 */
export async function expectOnnxAgrees(bytes: Uint8Array, x: Tensor, output: string, what: string, exportOpset?: number, atol = 0): Promise<void> {
  const net = fcn.Net.fromOnnx(bytes);
  const y = net.run(x);
  expectClose(y, await ortRun(bytes, x, output), `${what}: Net vs onnxruntime`, atol, 0);
  const exported = net.toOnnx();
  const back = fcn.Net.fromOnnx(exported);
  expectClose(back.run(x), y, `${what}: export round trip`, 0, 0);
  expectClose(await ortRun(exported, x, net.spec.output), y, `${what}: onnxruntime on the export`, atol, 0);
  if (exportOpset !== undefined) expect(exportedOpset(exported), `${what}: the export's opset`).toBe(exportOpset);
  net.dispose();
  back.dispose();
}

/** The default-domain opset a model imports. */
function exportedOpset(bytes: Uint8Array): number {
  return readModel(bytes).opsetImport.find((o: { domain: string }) => o.domain === "")!.version;
}
