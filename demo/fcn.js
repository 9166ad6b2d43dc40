// The three shipped nets of `npm start` (FCN-32s, FCN-16s, FCN-8s: trained in FCN's stages with
// learned upsampling by `npm run reproduce -- --only learned --save weights`), in the page: each
// segments the same generated held-out images (input | FCN-32s | FCN-16s | FCN-8s | ground truth,
// FCN's Figure 4) with its mean IU beside it; "Train 5 steps" continues training the chosen net
// with Adam here, redrawing its predictions, its mean IU and its upsampling filters (their change
// since the page loaded).
import { Adam, Net, argmaxChannels, confusionMatrix, loadSafetensors, meanIoU } from "../dist/index.js";
import { syntheticBatch, SYNTHETIC_CLASS_NAMES } from "../dist/index.js";
import { BATCH, DATA, HELD_OUT, NETS, specFor, trainStep, weightsUrl } from "../weights/fcn-synthetic.js";
import { canvas, diverging, drawGrid, fmt, h, heatmap, imageCanvas, labelCanvas } from "./draw.js";

/** Each net's learned upsampling layers, coarse to fine (src/nn/fcn.ts). */
const UPSAMPLING = { "32s": ["upscore"], "16s": ["upscore2", "upscore16"], "8s": ["upscore2", "upscore_pool4", "upscore8"] };
const VOC = [[0, 0, 0], [128, 0, 0], [0, 128, 0], [128, 128, 0], [0, 0, 128], [128, 0, 128], [0, 128, 128], [128, 128, 128], [64, 0, 0]];
const { size: SIZE, classes: CLASSES } = DATA;
const IMAGES = 3; // images segmented at once
const EVAL_IMAGES = 16; // held-out images behind each mean IU (npm start uses 96: its numbers differ a little)
const STEPS = 5; // per click of "Train"
const LR = 1e-3; // the rate of the 16s and 8s stages: training continues as a fine-tune
const SCALE = 1.5; // 64-pixel tiles drawn at 96 CSS pixels

/** Mean IU of `net` on EVAL_IMAGES held-out images. */
function meanIU(net) {
  net.training = false;
  const confusion = new Float64Array(CLASSES * CLASSES);
  for (let i = 0; i < EVAL_IMAGES; i += 8) {
    const { images, labels } = syntheticBatch(HELD_OUT + i, Math.min(8, EVAL_IMAGES - i), DATA);
    const m = confusionMatrix(argmaxChannels(net.run(images)), labels, CLASSES);
    for (let j = 0; j < m.length; j++) confusion[j] += m[j];
  }
  return meanIoU(confusion, CLASSES);
}

/** A yield to the browser, so the page repaints and stays responsive between training steps. */
const repaint = () => new Promise((resolve) => setTimeout(resolve, 0));

export async function fcnSection(root) {
  const nets = {};
  for (const variant of NETS) {
    const url = weightsUrl(variant);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
    nets[variant] = Net.fromGraph(specFor(variant, "learned"), loadSafetensors(new Uint8Array(await response.arrayBuffer())));
  }
  /** Per net: its optimizer (made at its first step), steps run here, last loss, mean IU, filters at load. */
  const state = Object.fromEntries(NETS.map((v) => [v, {
    optimizer: null, steps: 0, loss: null, meanIU: meanIU(nets[v]),
    initial: new Map(UPSAMPLING[v].map((l) => [l, Float32Array.from(nets[v].parameters().get(`${l}.weight`).data)])),
  }]));
  let first = HELD_OUT; // first held-out image shown
  let trainFrom = 0; // next training image (the nets share the stream, as the stages did)

  const netSelect = h("select", { id: "fcn-net" }, NETS.map((v) => h("option", { value: v, selected: v === "8s" }, `FCN-${v}`)));
  const classSelect = h("select", { id: "fcn-class" },
    SYNTHETIC_CLASS_NAMES.slice(0, CLASSES).map((name, c) => h("option", { value: c, selected: c === 1 }, `${c}: ${name}`)));
  const trainBtn = h("button", { type: "button", id: "fcn-train" }, `Train ${STEPS} steps`);
  const nextBtn = h("button", { type: "button", id: "fcn-next" }, "Other images");
  const status = h("p", { class: "status", id: "fcn-status", "aria-live": "polite" });
  const scores = h("table", { class: "fcn-scores", id: "fcn-scores" });
  const segments = h("div", { id: "fcn-segments" });
  const filters = h("div", { class: "filters", id: "fcn-filters" });
  const filtersTitle = h("h3", {});
  const legend = h("p", { class: "note" }, "Classes: ",
    SYNTHETIC_CLASS_NAMES.slice(0, CLASSES).map((name, c) => h("span", { class: "swatch-item" },
      h("span", { class: "swatch", style: `background: rgb(${VOC[c].join(",")})` }), ` ${name} `)),
    h("span", { class: "swatch-item" }, h("span", { class: "swatch", style: "background: rgb(224,224,192)" }), " contour (ignored)"));
  root.append(h("div", { class: "wide-panel" },
    h("p", { class: "blurb" }, `FCN's staged training (§4.2, Figure 4), shipped: FCN-32s upsamples its 1/32 scores once, ×32; FCN-16s (started from the trained 32s) adds the pool4 skip through a learned ×2 transposed convolution; FCN-8s (started from the 16s) adds the pool3 skip. All three are small VGG16-style nets (widths ${[8, 16, 24, 32, 32].join("/")}, ${SIZE}×${SIZE} images, ${CLASSES} classes) with learned upsampling initialised bilinear, trained by npm run reproduce. Choose a net and “Train ${STEPS} steps” runs ${STEPS} more Adam steps on it right here (lr ${LR}, ${BATCH} generated training images each).`),
    h("div", { class: "buttons" }, h("label", { for: "fcn-net" }, "net"), netSelect, trainBtn, nextBtn,
      h("label", { for: "fcn-class" }, "filter shown"), classSelect),
    status,
    h("h3", {}, `Mean IU on ${EVAL_IMAGES} held-out images`),
    scores,
    h("h3", {}, "input | FCN-32s | FCN-16s | FCN-8s | ground truth"),
    segments, legend,
    filtersTitle,
    filters));

  function drawScores() {
    scores.replaceChildren(
      h("tr", {}, h("th", {}, "net"), h("th", {}, "mean IU"), h("th", {}, "steps here"), h("th", {}, "last loss")),
      ...NETS.map((v) => h("tr", { id: `fcn-score-${v}`, "data-mean-iu": state[v].meanIU.toFixed(6) },
        h("td", {}, `FCN-${v}`), h("td", {}, `${(100 * state[v].meanIU).toFixed(1)}%`),
        h("td", {}, String(state[v].steps)), h("td", {}, state[v].loss === null ? "–" : state[v].loss.toFixed(4)))));
  }

  /** Segments IMAGES held-out images with every net and draws them side by side. */
  function segment() {
    const { images, labels } = syntheticBatch(first, IMAGES, DATA);
    const plane = SIZE * SIZE;
    const predicted = {};
    for (const v of NETS) {
      nets[v].training = false;
      predicted[v] = argmaxChannels(nets[v].run(images));
    }
    segments.replaceChildren();
    for (let n = 0; n < IMAGES; n++) {
      const gt = labels.subarray(n * plane, (n + 1) * plane);
      const img = imageCanvas(images.data.subarray(n * 3 * plane, (n + 1) * 3 * plane), SIZE, SIZE, SCALE, { lo: -1, hi: 1, label: `generated image ${first + n}` });
      img.id = `fcn-input-${n}`;
      const tiles = NETS.map((v) => {
        const pred = Uint8Array.from(predicted[v].subarray(n * plane, (n + 1) * plane));
        let right = 0, counted = 0;
        for (let p = 0; p < plane; p++) if (gt[p] !== 255) { counted++; if (gt[p] === pred[p]) right++; }
        const c = labelCanvas(pred, SIZE, SIZE, SCALE, VOC, `FCN-${v} prediction`);
        c.id = `fcn-prediction-${v}-${n}`;
        return h("figure", {}, c, h("figcaption", { class: "tiny" }, `FCN-${v}: ${((100 * right) / counted).toFixed(0)}% right`));
      });
      segments.append(h("div", { class: "row tight fcn-compare" },
        h("figure", {}, img, h("figcaption", { class: "tiny" }, `image ${first - HELD_OUT + n + 1}`)),
        tiles,
        h("figure", {}, labelCanvas(gt, SIZE, SIZE, SCALE, VOC, "ground truth"), h("figcaption", { class: "tiny" }, "ground truth"))));
    }
  }

  /** Draws the chosen net's upsampling filters for the chosen class and their change since load. */
  function drawFilters() {
    const v = netSelect.value, c = Number(classSelect.value);
    const params = nets[v].parameters();
    filtersTitle.textContent = `FCN-${v}'s learned upsampling filters (class → same class) and their change since the page loaded`;
    filters.replaceChildren();
    for (const name of UPSAMPLING[v]) {
      const w = params.get(`${name}.weight`); // [K, K, k, k]
      const [K, , k] = w.shape;
      const initial = state[v].initial.get(name);
      const start = (c * K + c) * k * k;
      const now = w.data.subarray(start, start + k * k);
      const delta = now.map((x, i) => x - initial[start + i]);
      let maxDelta = 0;
      for (let i = 0; i < w.data.length; i++) maxDelta = Math.max(maxDelta, Math.abs(w.data[i] - initial[i]));
      const side = k <= 4 ? 140 : 176;
      const wc = heatmap(now, k, k, { maxW: side, maxH: side, label: `${name} filter, class ${c}`, numbers: k <= 4 });
      wc.id = `fcn-filter-${name}`;
      const dc = deltaMap(delta, k, side);
      dc.id = `fcn-delta-${name}`;
      filters.append(h("figure", { class: "filter", "data-layer": name, "data-max-delta": maxDelta.toExponential(3) },
        h("div", { class: "row tight" }, h("div", {}, h("span", { class: "tiny" }, "filter"), wc), h("div", {}, h("span", { class: "tiny" }, "change (own scale)"), dc)),
        h("figcaption", {}, `${name}: ${k}×${k}, stride ${k / 2}; largest change in the layer ${maxDelta === 0 ? "0 (not trained here yet)" : maxDelta.toExponential(1)}`)));
    }
  }

  segment();
  drawScores();
  drawFilters();
  status.textContent = `Shipped weights: mean IU ${NETS.map((v) => `FCN-${v} ${(100 * state[v].meanIU).toFixed(1)}%`).join(", ")}. No training steps yet.`;

  trainBtn.addEventListener("click", async () => {
    const v = netSelect.value, s = state[v];
    for (const el of [trainBtn, nextBtn, netSelect]) el.disabled = true;
    try {
      s.optimizer ??= new Adam({ lr: LR });
      for (let i = 0; i < STEPS; i++) {
        await repaint();
        const t0 = performance.now();
        s.loss = trainStep(nets[v], s.optimizer, trainFrom, BATCH);
        trainFrom += BATCH;
        s.steps++;
        status.textContent = `Training FCN-${v}: step ${s.steps} (${i + 1} of ${STEPS}), loss ${s.loss.toFixed(4)}, ${(performance.now() - t0).toFixed(0)} ms.`;
        drawFilters();
      }
      await repaint();
      const before = s.meanIU;
      s.meanIU = meanIU(nets[v]);
      segment();
      drawScores();
      status.textContent += ` Mean IU ${(100 * before).toFixed(1)}% → ${(100 * s.meanIU).toFixed(1)}%.`;
      root.dataset[`steps${v}`] = String(s.steps);
    } finally {
      for (const el of [trainBtn, nextBtn, netSelect]) el.disabled = false;
      trainBtn.focus();
    }
  });
  nextBtn.addEventListener("click", () => {
    first += IMAGES;
    segment();
  });
  netSelect.addEventListener("change", drawFilters);
  classSelect.addEventListener("change", drawFilters);

  const count = (net) => [...net.parameters().values()].reduce((a, t) => a + t.data.length, 0);
  return { fcn: Object.fromEntries(NETS.map((v) => [v, { parameters: count(nets[v]), meanIU: state[v].meanIU }])) };
}

/** The change of a k×k filter as a diverging heat map (red: up, blue: down), scaled to its own largest entry. */
function deltaMap(delta, k, size) {
  const cell = Math.max(1, Math.floor(size / k));
  const [c, ctx] = canvas(k * cell, k * cell, "change of the filter since load");
  let hi = 0;
  for (const v of delta) hi = Math.max(hi, Math.abs(v));
  drawGrid(ctx, k, k, cell, (r, col) => delta[r * k + col], {
    color: (v) => diverging(hi > 0 ? v / hi : 0),
    text: k <= 4 && hi > 0 ? (v) => fmt(Number((v / hi).toFixed(2))) : null,
    ink: () => "#111",
  });
  return c;
}
