// The trained FCN-8s of `npm run train` / `npm start`, in the page: it segments generated images
// (input | ground truth | prediction), and "Train 5 steps" runs Adam steps here, redrawing the
// three upsampling filters (upscore2, upscore_pool4, upscore8) and how far they moved.
//
// For the filters to learn, the net is built with learned upsampling (demoSpec("bilinear"): dense
// transposed convolutions initialised bilinear) and the shipped weights for every other layer
// (weights/fcn8s-synthetic.safetensors was trained with fixed, depthwise bilinear upsampling).
// Before training both nets compute the same thing: the dense kernel is the bilinear filter on
// its diagonal (input class c → output class c) and zero elsewhere.
import { Adam, Net, argmaxChannels, loadSafetensors } from "../dist/index.js";
import { syntheticBatch, SYNTHETIC_CLASS_NAMES } from "../dist/index.js";
import { BATCH, CLASSES, DATA, HELD_OUT, SIZE, demoSpec, trainStep } from "../weights/fcn8s-synthetic.js";
import { canvas, diverging, drawGrid, fmt, h, heatmap, imageCanvas, labelCanvas } from "./draw.js";

const WEIGHTS_URL = new URL("../weights/fcn8s-synthetic.safetensors", import.meta.url);
const UPSAMPLING = ["upscore2", "upscore_pool4", "upscore8"];
const VOC = [[0, 0, 0], [128, 0, 0], [0, 128, 0], [128, 128, 0], [0, 0, 128], [128, 0, 128], [0, 128, 128], [128, 128, 128], [64, 0, 0]];
const IMAGES = 3; // images segmented at once
const STEPS = 5; // per click of "Train"
const LR = 2e-3; // npm run train's default

export async function fcnSection(root) {
  const response = await fetch(WEIGHTS_URL);
  if (!response.ok) throw new Error(`could not load ${WEIGHTS_URL}: HTTP ${response.status}`);
  const shipped = loadSafetensors(new Uint8Array(await response.arrayBuffer()));
  // Shipped weights for everything but the (fixed, depthwise) upsampling layers.
  const weights = Object.fromEntries(Object.entries(shipped).filter(([name]) => !UPSAMPLING.some((l) => name.startsWith(`${l}.`))));
  const net = Net.fromGraph(demoSpec("bilinear"), weights);
  const optimizer = new Adam({ lr: LR });
  const initial = new Map(UPSAMPLING.map((l) => [l, Float32Array.from(net.parameters().get(`${l}.weight`).data)]));
  let first = HELD_OUT; // first held-out image shown
  let steps = 0; // training steps run in the page
  let trainFrom = 0; // next training image

  const classSelect = h("select", { id: "fcn-class" },
    SYNTHETIC_CLASS_NAMES.slice(0, CLASSES).map((name, c) => h("option", { value: c, selected: c === 1 }, `${c}: ${name}`)));
  const trainBtn = h("button", { type: "button", id: "fcn-train" }, `Train ${STEPS} steps`);
  const nextBtn = h("button", { type: "button", id: "fcn-next" }, "Other images");
  const status = h("p", { class: "status", id: "fcn-status", "aria-live": "polite" });
  const segments = h("div", { class: "row", id: "fcn-segments" });
  const filters = h("div", { class: "filters", id: "fcn-filters" });
  const legend = h("p", { class: "note" }, "Classes: ",
    SYNTHETIC_CLASS_NAMES.slice(0, CLASSES).map((name, c) => h("span", { class: "swatch-item" },
      h("span", { class: "swatch", style: `background: rgb(${VOC[c].join(",")})` }), ` ${name} `)),
    h("span", { class: "swatch-item" }, h("span", { class: "swatch", style: "background: rgb(224,224,192)" }), " contour (ignored)"));
  root.append(h("div", { class: "wide-panel" },
    h("p", { class: "blurb" }, `The small FCN-8s of npm run train (VGG16 widths ${[8, 16, 24, 32, 32].join("/")}, ${SIZE}×${SIZE} images, ${CLASSES} classes), with the shipped trained weights, segmenting generated held-out images. For the upsampling filters to learn, the page builds it with learned upsampling: dense transposed convolutions initialised bilinear (the shipped model keeps them fixed, so before training both predict the same). “Train ${STEPS} steps” runs ${STEPS} Adam steps (lr ${LR}, ${BATCH} images each) right here, on generated training images.`),
    h("div", { class: "buttons" }, trainBtn, nextBtn, h("label", { for: "fcn-class" }, "filter shown"), classSelect),
    status,
    h("h3", {}, "input | ground truth | prediction"),
    segments, legend,
    h("h3", {}, "The upsampling filters (class → same class) and their change since the page loaded"),
    filters));

  /** Segments IMAGES held-out images and draws them; returns the pixel accuracy. */
  function segment() {
    const { images, labels } = syntheticBatch(first, IMAGES, DATA);
    net.training = false;
    const predicted = argmaxChannels(net.run(images));
    const plane = SIZE * SIZE;
    let right = 0, counted = 0;
    segments.replaceChildren();
    for (let n = 0; n < IMAGES; n++) {
      const gt = labels.subarray(n * plane, (n + 1) * plane);
      const pred = Uint8Array.from(predicted.subarray(n * plane, (n + 1) * plane));
      let r = 0, c = 0;
      for (let p = 0; p < plane; p++) if (gt[p] !== 255) { c++; if (gt[p] === pred[p]) r++; }
      right += r;
      counted += c;
      const img = imageCanvas(images.data.subarray(n * 3 * plane, (n + 1) * 3 * plane), SIZE, SIZE, 1.875, { lo: -1, hi: 1, label: `generated image ${first + n}` });
      img.id = `fcn-input-${n}`;
      const truth = labelCanvas(gt, SIZE, SIZE, 1.875, VOC, "ground truth");
      const pr = labelCanvas(pred, SIZE, SIZE, 1.875, VOC, "prediction");
      pr.id = `fcn-prediction-${n}`;
      segments.append(h("figure", { class: "triple" }, h("div", { class: "row tight" }, img, truth, pr),
        h("figcaption", {}, `image ${first - HELD_OUT + n + 1}: ${((100 * r) / c).toFixed(1)}% of pixels right`)));
    }
    return right / counted;
  }

  /** Draws each upsampling layer's filter for the chosen class and its change since load. */
  function drawFilters() {
    const c = Number(classSelect.value);
    const params = net.parameters();
    filters.replaceChildren();
    for (const name of UPSAMPLING) {
      const w = params.get(`${name}.weight`); // [K, K, k, k]
      const [K, , k] = w.shape;
      const start = (c * K + c) * k * k;
      const now = w.data.subarray(start, start + k * k);
      const delta = now.map((v, i) => v - initial.get(name)[start + i]);
      let maxDelta = 0;
      for (let i = 0; i < w.data.length; i++) maxDelta = Math.max(maxDelta, Math.abs(w.data[i] - initial.get(name)[i]));
      const size = k <= 4 ? 140 : 176;
      const wc = heatmap(now, k, k, { maxW: size, maxH: size, label: `${name} filter, class ${c}`, numbers: k <= 4 });
      wc.id = `fcn-filter-${name}`;
      const dc = deltaMap(delta, k, size);
      dc.id = `fcn-delta-${name}`;
      filters.append(h("figure", { class: "filter", "data-layer": name, "data-max-delta": maxDelta.toExponential(3) },
        h("div", { class: "row tight" }, h("div", {}, h("span", { class: "tiny" }, "filter"), wc), h("div", {}, h("span", { class: "tiny" }, "change (own scale)"), dc)),
        h("figcaption", {}, `${name}: ${k}×${k}, stride ${k === 16 ? 8 : 2}; largest change in the layer ${maxDelta === 0 ? "0 (not trained yet)" : maxDelta.toExponential(1)}`)));
    }
  }

  let accuracy = segment();
  drawFilters();
  status.textContent = `Shipped weights: ${(100 * accuracy).toFixed(1)}% of these pixels right. No training steps yet.`;

  trainBtn.addEventListener("click", async () => {
    trainBtn.disabled = true;
    nextBtn.disabled = true;
    try {
      for (let i = 0; i < STEPS; i++) {
        // Yield to the browser between steps so the page repaints and stays responsive.
        await new Promise((resolve) => setTimeout(resolve, 0));
        const t0 = performance.now();
        const loss = trainStep(net, optimizer, trainFrom, BATCH);
        trainFrom += BATCH;
        steps++;
        status.textContent = `Training: step ${steps} (${i + 1} of ${STEPS}), loss ${loss.toFixed(4)}, ${(performance.now() - t0).toFixed(0)} ms.`;
        drawFilters();
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
      accuracy = segment();
      status.textContent += ` Now ${(100 * accuracy).toFixed(1)}% of these pixels right.`;
      root.dataset.steps = String(steps);
    } finally {
      trainBtn.disabled = false;
      nextBtn.disabled = false;
      trainBtn.focus();
    }
  });
  nextBtn.addEventListener("click", () => {
    first += IMAGES;
    accuracy = segment();
    status.textContent = `${steps} training steps so far; ${(100 * accuracy).toFixed(1)}% of these pixels right.`;
  });
  classSelect.addEventListener("change", drawFilters);

  return { fcn: { parameters: [...net.parameters().values()].reduce((a, t) => a + t.data.length, 0), pixelAccuracy: accuracy } };
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
