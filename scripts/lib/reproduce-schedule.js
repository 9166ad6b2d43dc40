// FCN's staged training (Long, Shelhamer & Darrell §4.2, Table 2) on the generated dataset, as
// `npm run reproduce` runs it: FCN-32s, then FCN-16s initialised from the trained 32s (the new
// score_pool4 at zero, the new ×2 upsampling bilinear), then FCN-8s from the trained 16s; each
// schedule with learned upsampling from a bilinear start ("learned"), fixed bilinear ("fixed") or
// learned from random weights ("random-init"). Parameters pass from net to net by their Caffe
// layer names (src/nn/fcn.ts), as FCN's solve.py copies them. The nets, data and training step are
// the shipped nets' recipe, weights/fcn-synthetic.js (re-exported here for the scripts and tests).
import * as fcn from "../../dist/index.js";
import { BATCH, DATA, NETS, evaluate, netFrom, specFor, trainStep } from "../../weights/fcn-synthetic.js";

export {
  BATCH, DATA, DROPOUT, FC, HELD_OUT, NETS, UPSAMPLINGS, WIDTHS, evaluate, netFrom, specFor, trainStep,
} from "../../weights/fcn-synthetic.js";

/** Adam steps and learning rate per stage; later stages fine-tune (FCN lowers the rate too). */
export const SCHEDULE = {
  full: { "32s": { steps: 400, lr: 2e-3 }, "16s": { steps: 150, lr: 1e-3 }, "8s": { steps: 250, lr: 1e-3 }, eval: 96 },
  quick: { "32s": { steps: 60, lr: 2e-3 }, "16s": { steps: 20, lr: 1e-3 }, "8s": { steps: 40, lr: 1e-3 }, eval: 16 },
};

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
