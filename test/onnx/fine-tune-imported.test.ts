// Fine-tuning imported models: the generated U-Net (ConvTranspose, Concat, a BatchNormalization that
// follows a Concat), DCGAN generator, ESPCN (DepthToSpace), segmentation head (its Resize sizes from a Shape chain) and
// Paddle-style block (hard-swish as Add/Clip/Mul/Div, an SE gate) read with Net.fromOnnx train: every
// parameter's gradient from net.backward agrees with central finite differences of the loss, and a
// few SGD steps lower a regression loss. A model with an op that has no gradient would fail at
// `training = true` (net.test.ts checks that error).
import { beforeAll, describe, expect, it } from "vitest";
import { fcn, randArray, rng, useBuild } from "../lib.js";
import { expectFiniteDifferences } from "../net-finite-differences.js";
import { dcgan, espcn, paddleBlock, segmentationHead, unet } from "../models/generated.js";

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

// small instances, one opset each (the import at every opset is generated-models.test.ts's)
const MODELS = [
  () => unet(13, 16, 4, 2),
  () => dcgan(13, 8, 8),
  () => espcn(13, "CRD", 2, 5, 6),
  () => paddleBlock(13, 6, 4),
  () => segmentationHead(13, 6, 8, 2),
];

describe("fine-tuning imported models", () => {
  beforeAll(() => useBuild("simd"));

  it.each(MODELS.map((make, i) => [make().name, make, i] as const))("%s: backward agrees with finite differences, and SGD lowers the loss", (_, make, i) => {
    const m = make();
    const r = rng(700 + i);
    const net = fcn.Net.fromOnnx(m.bytes);
    net.training = true;
    const x = fcn.tensor(randArray(r, size(m.input.dims)), m.input.dims.slice());
    const y = net.run(x);
    const dir = fcn.tensor(randArray(r, size(y.shape)), y.shape.slice());
    // a small step: ReLU and MaxPool kinks within h of a perturbed weight bend a wider difference
    const grads = expectFiniteDifferences(net.spec, net, x, dir, (n) => Array.from({ length: 3 }, () => Math.floor(r() * n)), undefined, 2e-4);
    expect(grads.size).toBeGreaterThan(0);

    // regression towards a fixed target: 0.5·‖y − t‖², SGD on every trainable parameter
    const target = fcn.tensor(randArray(r, size(y.shape)).map((v) => 0.5 * v), y.shape.slice());
    const lossAndGrad = () => {
      const out = net.run(x);
      let loss = 0;
      const g = new Float32Array(out.data.length);
      for (let k = 0; k < g.length; k++) { g[k] = out.data[k] - target.data[k]; loss += 0.5 * g[k] * g[k]; }
      return { loss, grad: fcn.tensor(g, out.shape.slice()) };
    };
    const sgd = new fcn.SGD({ lr: 1e-3 });
    const first = lossAndGrad().loss;
    for (let step = 0; step < 5; step++) {
      const { grad } = lossAndGrad();
      sgd.step(net.trainableParameters(), net.backward(grad));
    }
    expect(lossAndGrad().loss).toBeLessThan(first);
  });
});
