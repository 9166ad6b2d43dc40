// Model-zoo graphs that load once constant nodes are evaluated at import (folding/): the light
// DenseNet-121 and Inception-v2 (test/fixtures/onnx-models/light/, weights as ConstantOfShape)
// write each BatchNormalization's post-scale and shift as Unsqueeze of a constant, then Mul and
// Add after the BatchNormalization layer; the Unsqueezes fold to [C, 1, 1] constants. Each is
// checked against onnxruntime-node on one input.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { expectClose, fcn, useBuild } from "../lib.js";
const { Net } = fcn;

const ZOO = ["light_densenet121", "light_inception_v2"];

describe("model-zoo graphs made loadable by constant folding", () => {
  beforeAll(() => useBuild("simd"));
  for (const name of ZOO) {
    it(`${name} loads and matches onnxruntime-node`, async () => {
      const bytes = new Uint8Array(readFileSync(fileURLToPath(new URL(`../fixtures/onnx-models/light/${name}.onnx`, import.meta.url))));
      const net = Net.fromOnnx(bytes);
      expect(net.spec.layers.some((l) => l.op === "Unsqueeze")).toBe(false); // folded, not a layer
      const shape = net.spec.input.shape;
      const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37));
      const got = net.run(fcn.tensor(x, shape));
      const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
      const out = await session.run({ [session.inputNames[0]]: new ort.Tensor("float32", x.slice(), shape.slice()) });
      const want = out[session.outputNames[0]];
      expectClose(got, { data: want.data as Float32Array, shape: want.dims }, `${name} vs onnxruntime`, 1e-5, 1e-4);
      net.dispose();
    }, 60_000);
  }
});
