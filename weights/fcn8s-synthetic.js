// The recipe of the model beside it (fcn8s-synthetic.safetensors): the small FCN-8s that
// `npm run train` trains, `npm start` runs and the demo page loads; its graph, its data and how a
// batch flows through a training step. It uses the package's public API only, so the demo page
// imports it as it is (the demo server maps weights/ and dist/ side by side).
import * as fcn from "../dist/index.js";
import { syntheticBatch } from "../dist/index.js";

/** Image side, classes (background + shapes) and the scaled-down VGG16 widths of the demo model. */
export const SIZE = 64;
export const CLASSES = 5; // background, disc, square, triangle, ring (the first five of SYNTHETIC_CLASS_NAMES)
export const WIDTHS = [8, 16, 24, 32, 32];
export const FC = 64;
/** Held-out images start here; training draws from [0, HELD_OUT). */
export const HELD_OUT = 1_000_000;
export const DATA = { size: SIZE, classes: CLASSES };

/**
 * The demo's FCN-8s. upsampling: 'fixed' (FCN's default: depthwise bilinear, not learned),
 * 'bilinear' (dense, learned, initialised bilinear) or 'random' (dense, learned, Xavier init).
 */
export function demoSpec(upsampling = "fixed") {
  // No skip scaling (scaleSkips): voc-fcn8s-atonce scales pool4/pool3 by 0.01/0.0001 for SGD
  // with an unnormalised loss; with Adam those streams would stay ~10⁴ times too weak to learn.
  const spec = fcn.fcn({
    variant: "8s", classes: CLASSES, widths: WIDTHS, fc: FC, learnUpsampling: upsampling !== "fixed",
    scaleSkips: false, inputShape: [1, 3, SIZE, SIZE],
  });
  if (upsampling === "random") {
    for (const layer of spec.layers) if (layer.op === "ConvTranspose") layer.attrs = { ...layer.attrs, init: "xavier" };
  }
  return spec;
}

/** One optimisation step on images [start, start + count): returns the loss. */
export function trainStep(net, optimizer, start, count) {
  const { images, labels } = syntheticBatch(start, count, DATA);
  net.training = true;
  const { loss, grad } = fcn.softmaxCrossEntropy(net.run(images), labels);
  optimizer.step(net.parameters(), net.backward(grad));
  return loss;
}

/** Pixel accuracy and mean IoU of `net` on `count` held-out images. */
export function evaluate(net, count, batch = 4) {
  net.training = false;
  const confusion = new Float64Array(CLASSES * CLASSES);
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    const { images, labels } = syntheticBatch(HELD_OUT + i, n, DATA);
    const m = fcn.confusionMatrix(fcn.argmaxChannels(net.run(images)), labels, CLASSES);
    for (let j = 0; j < m.length; j++) confusion[j] += m[j];
  }
  return { pixelAccuracy: fcn.pixelAccuracy(confusion, CLASSES), meanIoU: fcn.meanIoU(confusion, CLASSES) };
}

/** Images per training step. */
export const BATCH = 4;
