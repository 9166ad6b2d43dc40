// The page's entry: loads the WebAssembly module, builds the sliders and the view panels, then the
// upsampling comparison and the FCN-8s section. When everything is drawn, #output gets
// data-result (JSON) — or data-error — so scripts and tests know the page is ready.
import { ready } from "../dist/index.js";
import { createControls } from "./controls.js";
import { h } from "./draw.js";
import { scatterPanel } from "./panels/scatter.js";
import { zeroInsertionPanel } from "./panels/zero-insertion.js";
import { matrixPanel } from "./panels/matrix.js";
import { gradientPanel } from "./panels/gradient.js";
import { subpixelPanel } from "./panels/subpixel.js";
import { overlapPanel } from "./panels/overlap.js";
import { outputSizePanel } from "./panels/output-size.js";
import { upsamplingSection } from "./upsampling.js";
import { fcnSection } from "./fcn.js";

const output = document.getElementById("output");

try {
  const info = await ready();
  document.getElementById("runtime").textContent = `Running on fcn-wasm's ${info.build} build, ${info.threads} thread.`;

  const views = document.getElementById("views");
  const panels = [
    scatterPanel(views),
    zeroInsertionPanel(views),
    gradientPanel(views),
    matrixPanel(views),
    subpixelPanel(views),
    overlapPanel(views),
    outputSizePanel(views),
  ];
  const form = document.getElementById("controls");
  const weights = h("select", { id: "ctl-weights", name: "weights" },
    h("option", { value: "ones" }, "all ones"), h("option", { value: "ramp" }, "1, 2, …, k²"));
  const summary = document.getElementById("layer-summary");
  const update = (layer) => {
    layer = { ...layer, weights: weights.value };
    const { kernel: k, stride: s, pad: p, dilation: d, outputPadding: op, input: n } = layer;
    summary.textContent = `x: 1×1×${n}×${n}, w: 1×1×${k}×${k} (${weights.value === "ones" ? "all ones" : `1…${k * k}`}), kernelShape ${k}, strides ${s}, pads ${p}, dilations ${d}, outputPadding ${op}`;
    for (const panel of panels) panel.update(layer);
  };
  const controls = createControls(form, update);
  form.append(h("div", { class: "control" }, h("label", { for: "ctl-weights" }, "kernel values"), weights));
  weights.addEventListener("change", () => update(controls.layer()));
  update(controls.layer());

  await upsamplingSection(document.getElementById("upsampling"));
  const model = await fcnSection(document.getElementById("fcn"));
  output.dataset.result = JSON.stringify({ info, ...model });
} catch (e) {
  output.dataset.error = String(e?.stack ?? e);
  document.body.prepend(h("p", { class: "error", role: "alert" }, `The page failed: ${e?.message ?? e}`));
  throw e;
}
