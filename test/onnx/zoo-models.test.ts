// Model-zoo graphs (ONNX's "light" backend models in test/fixtures/onnx-models/light/): ResNet-50,
// DenseNet-121 (its BatchNormalization post-scales written as Unsqueeze of constants, folded at
// import), Inception-v2, SqueezeNet and ShuffleNet (grouped 1×1 convs, channel shuffle as
// Reshape/Transpose/Reshape) and AlexNet (LRN). Their weights are ConstantOfShape nodes of one repeated value, so every
// output would be the same number; random-weights.ts gives each weight seeded random values (and
// drops a final Softmax that random logits saturate), then Net.fromOnnx must agree with
// onnxruntime-node on the logits within 1e-5 of their scale.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { expectClose, fcn, useBuild } from "../lib.js";
import { withRandomWeights } from "./random-weights.js";
const { Net } = fcn;

const ZOO = ["light_resnet50", "light_densenet121", "light_inception_v2", "light_squeezenet", "light_shufflenet", "light_bvlc_alexnet"];

describe("model-zoo graphs against onnxruntime-node", () => {
  beforeAll(() => useBuild("simd"));
  it.each(ZOO)("%s, weights randomised, matches onnxruntime-node", async (name) => {
    const bytes = withRandomWeights(new Uint8Array(readFileSync(fileURLToPath(new URL(`../fixtures/onnx-models/light/${name}.onnx`, import.meta.url)))), 7);
    const net = Net.fromOnnx(bytes);
    expect(net.spec.layers.some((l) => l.op === "Unsqueeze")).toBe(false); // constant Unsqueezes folded, not layers
    const shape = net.spec.input.shape;
    const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37));
    const got = net.run(fcn.tensor(x, shape));
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor("float32", x.slice(), shape.slice()) });
    await session.release();
    const want = out[session.outputNames[0]];
    const w = want.data as Float32Array;
    const scale = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const spread = w.reduce((m, v) => Math.max(m, v), -Infinity) - w.reduce((m, v) => Math.min(m, v), Infinity);
    expect(spread, "the logits differ (the comparison compares something)").toBeGreaterThan(0.1 * scale);
    expectClose(got, { data: w, shape: [...want.dims] }, `${name} vs onnxruntime-node (scale ${scale})`, 1e-5 * scale, 0);
    net.dispose();
  }, 60_000);
});
