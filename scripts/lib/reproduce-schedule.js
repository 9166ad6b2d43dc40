// FCN's staged training (Long, Shelhamer & Darrell §4.2, Table 2) on the generated dataset, as
// `npm run reproduce` runs it: FCN-32s, then FCN-16s initialised from the trained 32s (the new
// score_pool4 at zero, the new ×2 upsampling bilinear), then FCN-8s from the trained 16s; each
// schedule with learned upsampling from a bilinear start ("learned"), fixed bilinear ("fixed") or
// learned from random weights ("random-init"). Parameters pass from net to net by their Caffe
// layer names (src/nn/fcn.ts), as FCN's solve.py copies them.
import * as fcn from "../../dist/index.js";

/**
 * 2–5 objects of radius 10–26 pixels on 64×64 images: FCN-32s sees them on a 3×3 score map (the
 * image covers about 2×2 of its cells), so a ×32 upsampling can say roughly where an object is but
 * cannot place its edges. Smaller objects left FCN-32s predicting background everywhere at these
 * step counts.
 */
export const DATA = { size: 64, classes: 5, radius: [0.15, 0.4], objects: [2, 5] };
export const WIDTHS = [8, 16, 24, 32, 32];
export const FC = 64;
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
/** Adam steps and learning rate per stage; later stages fine-tune (FCN lowers the rate too). */
export const SCHEDULE = {
  full: { "32s": { steps: 400, lr: 2e-3 }, "16s": { steps: 150, lr: 1e-3 }, "8s": { steps: 250, lr: 1e-3 }, eval: 96 },
  quick: { "32s": { steps: 60, lr: 2e-3 }, "16s": { steps: 20, lr: 1e-3 }, "8s": { steps: 40, lr: 1e-3 }, eval: 16 },
};

/** The FCN-<variant> GraphSpec of one ablation row. */
export function specFor(variant, upsampling, data = DATA) {
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

/** A row of out/reproduce.json, with exactly the fields the issue names. */
export function row(variant, upsampling, metrics, steps, seconds) {
  return {
    net: `FCN-${variant}`, upsampling,
    pixelAccuracy: metrics.pixelAccuracy, meanAccuracy: metrics.meanAccuracy,
    meanIU: metrics.meanIU, frequencyWeightedIU: metrics.frequencyWeightedIU,
    steps, seconds,
  };
}

/** The rows as a Markdown table in the paper's format (percentages), with training images/s. */
export function formatTable(rows, batch = BATCH) {
  const pct = (v) => (100 * v).toFixed(1);
  const lines = [
    "| net | upsampling | pixel acc. | mean acc. | mean IU | f.w. IU | steps | images/s |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    const ips = r.seconds > 0 ? ((r.steps * batch) / r.seconds).toFixed(1) : "–";
    lines.push(`| ${r.net} | ${r.upsampling} | ${pct(r.pixelAccuracy)} | ${pct(r.meanAccuracy)} | ${pct(r.meanIU)} | ${pct(r.frequencyWeightedIU)} | ${r.steps} | ${ips} |`);
  }
  return lines.join("\n");
}

/**
 * Trains one ablation row's three stages in order; `onStep(variant, step, steps, loss, seconds)`
 * reports progress. Returns the three trained nets (by stage) and their table rows. `control`
 * keeps FCN-32s through all three stages (same steps, rates and images): how much of a stage's
 * gain is plain extra training rather than its skip.
 */
export function trainSchedule(upsampling, schedule, { data = DATA, seed = 7, control = false, onStep = () => {} } = {}) {
  const nets = {}, rows = [];
  let previous = null, start = 0;
  for (const stage of NETS) {
    const variant = control ? "32s" : stage;
    const { steps, lr } = schedule[stage];
    const { net } = netFrom(previous, specFor(variant, upsampling, data), seed);
    const optimizer = new fcn.Adam({ lr });
    const t0 = performance.now();
    for (let step = 1; step <= steps; step++) {
      // each stage sees new images, as each FCN stage's solver runs on through the data
      const loss = trainStep(net, optimizer, start, BATCH, data);
      start += BATCH;
      onStep(variant, step, steps, loss, (performance.now() - t0) / 1000);
    }
    const seconds = (performance.now() - t0) / 1000;
    rows.push(row(variant, upsampling, evaluate(net, schedule.eval, data), steps, seconds));
    nets[stage] = net;
    previous = net;
  }
  return { nets, rows };
}
