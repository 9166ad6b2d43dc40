// The recipe of the shipped nets beside it (fcn-synthetic-{32s,16s,8s}.safetensors, F16): FCN-32s,
// FCN-16s and FCN-8s trained in FCN's staged order with learned upsampling by
// `npm run reproduce -- --only learned --save weights`; their graphs, their data, and how a batch
// flows through a training step. `npm run reproduce`, `npm run train`, `npm start` and the demo
// page all use it; it imports the package's public API only, so the demo page imports it as it is
// (the demo server maps weights/ and dist/ side by side).
import * as fcn from "../dist/index.js";

/**
 * 2–5 objects of radius 10–26 pixels on 64×64 images: FCN-32s sees them on a 3×3 score map (the
 * image covers about 2×2 of its cells), so a ×32 upsampling can say roughly where an object is but
 * cannot place its edges. Smaller objects left FCN-32s predicting background everywhere at these
 * step counts.
 */
export const DATA = { size: 64, classes: 5, radius: [0.15, 0.4], objects: [2, 5] };
/** The scaled-down VGG16 widths (conv1…conv5) and the fc6/fc7 width. */
export const WIDTHS = [8, 16, 24, 32, 32];
export const FC = 64;
/** Images per training step. */
export const BATCH = 4;
/** Held-out images start here; training draws from [0, HELD_OUT). */
export const HELD_OUT = 1_000_000;
/**
 * Dropout after fc6 and fc7. FCN keeps VGG's 0.5; with fc = 64 channels and a few hundred steps
 * from scratch (no ImageNet backbone), 0.5 held FCN-32s at background-only for ~300 steps longer.
 */
export const DROPOUT = 0;
export const NETS = ["32s", "16s", "8s"];
export const UPSAMPLINGS = ["learned", "fixed", "random-init"];

/** Where the shipped FCN-<variant> lies, relative to this file. */
export function weightsUrl(variant) {
  return new URL(`./fcn-synthetic-${variant}.safetensors`, import.meta.url);
}

/**
 * The FCN-<variant> GraphSpec: upsampling "learned" (dense ConvTranspose initialised bilinear, as
 * shipped), "fixed" (depthwise bilinear, not learned) or "random-init" (dense, Xavier).
 */
export function specFor(variant, upsampling = "learned", data = DATA) {
  if (!NETS.includes(variant)) throw new Error(`specFor: variant must be one of ${NETS.join(", ")}, got ${variant}`);
  if (!UPSAMPLINGS.includes(upsampling)) throw new Error(`specFor: upsampling must be one of ${UPSAMPLINGS.join(", ")}, got ${upsampling}`);
  // scaleSkips off: with Adam the 0.01/0.0001 scales of fcn8s-atonce would keep the skips mute
  const spec = fcn.fcn({
    variant, classes: data.classes, widths: WIDTHS, fc: FC, learnUpsampling: upsampling !== "fixed",
    scaleSkips: false, inputShape: [1, 3, data.size, data.size],
  });
  for (const layer of spec.layers) if (layer.op === "Dropout") layer.attrs = { ratio: DROPOUT };
  if (upsampling === "random-init") {
    for (const layer of spec.layers) if (layer.op === "ConvTranspose") layer.attrs = { ...layer.attrs, init: "xavier" };
  }
  return spec;
}

/**
 * A Net for `spec` that takes every parameter of `previous` whose name and shape it shares (VGG,
 * fc6, fc7, score_fr, and for 8s also score_pool4 and upscore2) and initialises the rest as the
 * spec says (score_pool<b> zeros, upsampling bilinear or random). Returns the net and the names
 * it took over.
 */
export function netFrom(previous, spec, seed = 7) {
  const fresh = fcn.Net.fromGraph(spec, undefined, { seed });
  if (!previous) return { net: fresh, carried: [] };
  const own = fresh.parameters();
  const weights = {};
  for (const [name, t] of previous.parameters()) {
    const mine = own.get(name);
    if (mine && mine.shape.length === t.shape.length && mine.shape.every((d, i) => d === t.shape[i])) {
      weights[name] = fcn.tensor(t.data.slice(), t.shape.slice());
    }
  }
  fresh.dispose();
  return { net: fcn.Net.fromGraph(spec, weights, { seed }), carried: Object.keys(weights) };
}

/** One Adam step on training images [start, start + count): returns the loss. */
export function trainStep(net, optimizer, start, count, data = DATA) {
  const { images, labels } = fcn.syntheticBatch(start, count, data);
  net.training = true;
  const { loss, grad } = fcn.softmaxCrossEntropy(net.run(images), labels);
  optimizer.step(net.parameters(), net.backward(grad));
  return loss;
}

/** FCN's four metrics of `net` on `count` held-out images (from HELD_OUT on). */
export function evaluate(net, count, data = DATA, batch = 8) {
  net.training = false;
  const K = data.classes;
  const confusion = new Float64Array(K * K);
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    const { images, labels } = fcn.syntheticBatch(HELD_OUT + i, n, data);
    const m = fcn.confusionMatrix(fcn.argmaxChannels(net.run(images)), labels, K);
    for (let j = 0; j < m.length; j++) confusion[j] += m[j];
  }
  return {
    pixelAccuracy: fcn.pixelAccuracy(confusion, K), meanAccuracy: fcn.meanAccuracy(confusion, K),
    meanIU: fcn.meanIoU(confusion, K), frequencyWeightedIU: fcn.frequencyWeightedIU(confusion, K),
  };
}
