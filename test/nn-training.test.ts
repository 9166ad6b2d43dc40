// Loss, softmax, optimisers and metrics: the cross-entropy gradient against central finite
// differences, ignored pixels, softmax backward against finite differences, SGD and Adam
// against one step worked by hand, and IoU on a confusion matrix worked by hand.
import { beforeAll, describe, expect, it } from "vitest";
import { fcn, randArray, rng, useBuild } from "./lib.js";
import { softmaxCrossEntropy, softmax, softmaxBackward } from "../dist/nn/loss.js";
import { SGD, Adam } from "../dist/nn/optim.js";
import { argmaxChannels, confusionMatrix, frequencyWeightedIU, meanAccuracy, meanIoU, pixelAccuracy } from "../dist/nn/metrics.js";

describe("softmaxCrossEntropy", () => {
  it("gradient matches central finite differences; ignored pixels get none", () => {
    const r = rng(3);
    const shape = [2, 4, 3, 2];
    const x = randArray(r, 48).map((v) => v * 3);
    const labels = [0, 1, 2, 3, 255, 1, 2, 2, 0, 255, 3, 1];
    const { loss, grad, validPixels } = softmaxCrossEntropy(fcn.tensor(x, shape), labels);
    expect(validPixels).toBe(10);
    const h = 1e-2;
    for (let j = 0; j < 48; j++) {
      const plus = Float32Array.from(x), minus = Float32Array.from(x);
      plus[j] += h; minus[j] -= h;
      const fd = (softmaxCrossEntropy(fcn.tensor(plus, shape), labels).loss - softmaxCrossEntropy(fcn.tensor(minus, shape), labels).loss) / (2 * h);
      expect(Math.abs(fd - grad.data[j])).toBeLessThan(2e-3);
    }
    // pixel 4 of image 0 (label 255) has zero gradient in every channel
    for (let k = 0; k < 4; k++) expect(grad.data[k * 6 + 4]).toBe(0);
    expect(loss).toBeGreaterThan(0);
  });
  it("a known answer: uniform logits give log K", () => {
    const { loss } = softmaxCrossEntropy(fcn.tensor(new Float32Array(5 * 4), [1, 5, 2, 2]), [0, 1, 2, 3]);
    expect(loss).toBeCloseTo(Math.log(5), 6);
  });
  it("rejects labels outside [0, K) and a wrong label count", () => {
    const x = fcn.tensor(new Float32Array(8), [1, 2, 2, 2]);
    expect(() => softmaxCrossEntropy(x, [0, 1, 2, 0])).toThrow(/labels\[2\]/);
    expect(() => softmaxCrossEntropy(x, [0, 1])).toThrow(fcn.ShapeError);
  });
});

describe("softmax", () => {
  beforeAll(() => useBuild("simd")); // the channel softmax runs a wasm kernel
  it("sums to 1 per pixel and its backward matches finite differences", () => {
    const r = rng(4);
    const shape = [1, 3, 2, 2];
    const x = randArray(r, 12);
    const y = softmax(fcn.tensor(x, shape));
    for (let i = 0; i < 4; i++) expect(y.data[i] + y.data[4 + i] + y.data[8 + i]).toBeCloseTo(1, 6);
    const dy = randArray(r, 12);
    const dx = softmaxBackward(fcn.tensor(dy, shape), y);
    const L = (v: Float32Array) => { const o = softmax(fcn.tensor(v, shape)).data; let s = 0; for (let i = 0; i < 12; i++) s += o[i] * dy[i]; return s; };
    for (let j = 0; j < 12; j++) {
      const plus = Float32Array.from(x), minus = Float32Array.from(x);
      plus[j] += 1e-3; minus[j] -= 1e-3;
      expect(Math.abs((L(plus) - L(minus)) / 2e-3 - dx.data[j])).toBeLessThan(1e-3);
    }
  });
});

describe("optimisers", () => {
  it("SGD with momentum and weight decay: two steps by hand", () => {
    const w = fcn.tensor([1, -2], [2]);
    const params = new Map([["l.weight", w]]);
    const grads = new Map([["l.weight", fcn.tensor([0.5, 0.5], [2])]]);
    const sgd = new SGD({ lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    sgd.step(params, grads);
    // v = 0.1·(0.5 + 0.01·1) = 0.051 → w = 0.949 ; v = 0.1·(0.5 − 0.02) = 0.048 → w = −2.048
    expect(w.data[0]).toBeCloseTo(0.949, 6);
    expect(w.data[1]).toBeCloseTo(-2.048, 6);
    sgd.step(params, grads);
    // v = 0.9·0.051 + 0.1·(0.5 + 0.01·0.949) = 0.0459 + 0.050949 = 0.096849 → w = 0.852151
    expect(w.data[0]).toBeCloseTo(0.852151, 6);
  });
  it("Adam's first step moves every weight by lr against the gradient's sign", () => {
    const w = fcn.tensor([1, -2, 0.5], [3]);
    const adam = new Adam({ lr: 0.01 });
    adam.step(new Map([["p", w]]), new Map([["p", fcn.tensor([3, -0.2, 1e-3], [3])]]));
    expect(w.data[0]).toBeCloseTo(0.99, 5);
    expect(w.data[1]).toBeCloseTo(-1.99, 5);
    expect(w.data[2]).toBeCloseTo(0.49, 4);
  });
  it("rejects a gradient for an unknown parameter or of the wrong size", () => {
    const sgd = new SGD({ lr: 0.1 });
    expect(() => sgd.step(new Map(), new Map([["x", fcn.tensor([1], [1])]]))).toThrow(/unknown parameter x/);
    expect(() => sgd.step(new Map([["x", fcn.tensor([1, 2], [2])]]), new Map([["x", fcn.tensor([1], [1])]]))).toThrow(/gradient/);
  });
});

describe("metrics", () => {
  it("pixel accuracy and mean IoU on a confusion matrix worked by hand", () => {
    // labels 0 0 1 1 2 255, predictions 0 1 1 1 0 2
    const m = confusionMatrix([0, 1, 1, 1, 0, 2], [0, 0, 1, 1, 2, 255], 3);
    expect(pixelAccuracy(m, 3)).toBeCloseTo(3 / 5, 9);
    // IoU: class 0: tp 1, row 2, col 2 → 1/3; class 1: tp 2, row 2, col 3 → 2/3; class 2: tp 0, row 1, col 0 → 0
    expect(meanIoU(m, 3)).toBeCloseTo((1 / 3 + 2 / 3 + 0) / 3, 9);
    // accuracy per class: 0: 1 of 2; 1: 2 of 2; 2: 0 of 1
    expect(meanAccuracy(m, 3)).toBeCloseTo((1 / 2 + 1 + 0) / 3, 9);
    // frequency-weighted IU: t = (2, 2, 1), IU = (1/3, 2/3, 0), over 5 labelled pixels
    expect(frequencyWeightedIU(m, 3)).toBeCloseTo((2 * (1 / 3) + 2 * (2 / 3) + 1 * 0) / 5, 9);
  });
  it("mean accuracy and frequency-weighted IU follow their per-pixel definitions on random labellings", () => {
    // Straight from the definitions, counting pixels class by class (no confusion matrix).
    let seed = 5;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 20; trial++) {
      const K = 2 + Math.floor(next() * 5), n = 1 + Math.floor(next() * 200);
      // some classes never labelled, some never predicted, some pixels ignored (255)
      const labels = Array.from({ length: n }, () => (next() < 0.1 ? 255 : Math.floor(next() * (K - 1))));
      const preds = Array.from({ length: n }, () => Math.floor(next() * K));
      const counted = labels.map((l) => l !== 255);
      let accSum = 0, accClasses = 0, fw = 0, total = 0;
      for (let i = 0; i < K; i++) {
        const t = labels.filter((l) => l === i).length;
        const tp = labels.filter((l, p) => l === i && preds[p] === i).length;
        const union = labels.filter((l, p) => counted[p] && (l === i || preds[p] === i)).length;
        total += t;
        if (t > 0) { accSum += tp / t; accClasses++; fw += (t * tp) / union; }
      }
      const m = confusionMatrix(preds, labels, K);
      expect(meanAccuracy(m, K)).toBeCloseTo(accClasses > 0 ? accSum / accClasses : 0, 12);
      expect(frequencyWeightedIU(m, K)).toBeCloseTo(total > 0 ? fw / total : 0, 12);
    }
  });
  it("metrics of an empty confusion matrix are 0", () => {
    const m = new Float64Array(9);
    for (const f of [pixelAccuracy, meanAccuracy, meanIoU, frequencyWeightedIU]) expect(f(m, 3)).toBe(0);
  });
  it("argmax over channels", () => {
    const s = fcn.tensor([0, 5, 1, 2, /* k=1 */ 1, 4, 3, 2], [1, 2, 2, 2]);
    expect(Array.from(argmaxChannels(s))).toEqual([1, 0, 1, 0]);
  });
});
