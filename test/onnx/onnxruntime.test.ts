// onnxruntime-node as a second oracle for net.toOnnx(): every exported model of export-cases.ts
// (every layer type, small FCN-8s with fixed and learned upsampling, a decoder, grouped and
// dilated convs, 1-D) runs in an onnxruntime InferenceSession made from the bytes, and its
// output agrees with net.run within 1e-4 of the output's scale (max |y|).
import { beforeAll, describe, it } from "vitest";
import * as ort from "onnxruntime-node";
import { BUILDS, expectClose, useBuild } from "../lib.js";
import { CASES, randomInput, randomNet } from "./export-cases.js";

/** Tolerance relative to the output scale: float32 sums in another order drift by a few ulps of the largest terms. */
const REL = 1e-4;

describe.each(BUILDS)("onnxruntime-node runs net.toOnnx() on the %s build's net", (build) => {
  beforeAll(() => useBuild(build));

  it.each(CASES.map((c, i) => [c.name, c, i] as const))("%s", async (_, c, i) => {
    const net = randomNet(c.spec, 300 + i);
    const x = randomInput(c.spec, 400 + i);
    const want = net.run(x);
    const session = await ort.InferenceSession.create(net.toOnnx(), { intraOpNumThreads: 1, interOpNumThreads: 1 });
    try {
      const result = await session.run({ [c.spec.input.name]: new ort.Tensor("float32", x.data.slice(), x.shape.slice()) });
      const got = result[c.spec.output];
      const scale = want.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      if (!(scale > 0)) throw new Error(`${c.name}: the net's output is all zeros, which would compare nothing`);
      expectClose({ data: got.data as Float32Array, shape: got.dims }, want, `${c.name} (onnxruntime vs net.run, scale ${scale})`, REL * scale, 0);
    } finally {
      await session.release();
    }
  });
});
