// Generated models of the kinds people export (test/models/generated.ts: U-Net in 2-D and 3-D, DCGAN generator,
// ESPCN in both DepthToSpace modes, a segmentation head with a Shape→Resize size chain, a
// Paddle-style block of Constant weights and Add/Clip/Mul/Div hard-swish) at several opsets:
// Net.fromOnnx runs each within 1e-4 (relative to the output's scale) of onnxruntime-node on the
// same bytes; its toOnnx() export runs in onnxruntime-node the same way, and reads back bit for bit.
import { beforeAll, describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { BUILDS, expectClose, fcn, rng, useBuild } from "../lib.js";
import { generatedModels } from "../models/generated.js";

const REL = 1e-4;
// The models whose operators Net has today (by name prefix); each joins when its last op lands.
const RUNNABLE = ["DCGAN", "ESPCN", "Paddle", "U-Net", "3-D U-Net", "segmentation head"];
const models = generatedModels().filter((m) => RUNNABLE.some((p) => m.name.startsWith(p)));

async function runOrt(bytes: Uint8Array, input: string, x: { data: Float32Array; shape: readonly number[] }): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const out = await session.run({ [input]: new ort.Tensor("float32", x.data.slice(), x.shape.slice()) });
    const y = out[session.outputNames[0]];
    return { data: y.data as Float32Array, dims: y.dims };
  } finally {
    await session.release();
  }
}

describe.each(BUILDS)("generated models on the %s build", (build) => {
  beforeAll(() => useBuild(build));

  it.each(models.map((m, i) => [m.name, m, i] as const))("%s: fromOnnx matches onnxruntime-node, toOnnx round-trips", async (_, m, i) => {
    const r = rng(900 + i);
    const n = m.input.dims.reduce((a, b) => a * b, 1);
    const x = fcn.tensor(Float32Array.from({ length: n }, () => r() * 2 - 1), m.input.dims.slice());
    const net = fcn.Net.fromOnnx(m.bytes);
    const got = net.run(x);
    const want = await runOrt(m.bytes, m.input.name, x);
    const scale = want.data.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
    expect(scale).toBeGreaterThan(0.05); // the comparison compares something
    expect(got.shape).toEqual([...want.dims]);
    expectClose(got, { data: want.data, shape: [...want.dims] }, `${m.name}: net.run vs onnxruntime-node (scale ${scale})`, REL * scale, 0);

    const exported = net.toOnnx();
    const again = await runOrt(exported, m.input.name, x);
    expectClose({ data: again.data, shape: [...again.dims] }, got, `${m.name}: onnxruntime-node on net.toOnnx()`, REL * scale, 0);
    const back = fcn.Net.fromOnnx(exported).run(x);
    expect(Array.from(back.data)).toEqual(Array.from(got.data));
  });
});
