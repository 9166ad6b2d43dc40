// Scatter, step by step: input pixel i stamps value·kernel into the output at i·s − p, taps d
// apart; overlaps add up. The output is drawn over the whole full-size range so that the taps
// padding crops away (faded cells) stay visible. Play / Pause / Step / Reset drive the animation.
import { explain } from "../../dist/index.js";
import { canvas, drawGrid, fmt, h, inkOn, sequential } from "../draw.js";
import { createPanel } from "../panel.js";
import { layerArgs } from "../layer.js";

const INTERVAL_MS = 700;

export function scatterPanel(parent) {
  let step = 0; // stamps applied so far
  let timer = null;
  let redraw = () => {};

  const stop = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
  };

  const panel = createPanel(parent, {
    id: "view-scatter",
    title: "1 · Scatter: every input pixel stamps the kernel",
    blurb: "Input pixel (i, j) adds x[i, j]·w into the output at (i·s − p, j·s − p), taps d apart. Overlapping stamps add up; faded cells are cropped by the padding (or added by output padding).",
  }, (body, layer) => {
    const { x, w, attrs } = layerArgs(layer);
    const view = explain.scatter(x, w, null, attrs);
    const g = view.geometry;
    const [H, W] = g.input, [OH, OW] = g.output, [pT, pL] = g.padsBegin;
    const total = H * W;
    step = total; // a new layer shows its finished output; Play or Reset starts from zero
    const stamps = [];
    for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) stamps.push({ i, j, ...view.stamp(0, 0, [i, j]) });

    // Output coordinates shown: from min(0, −p) to the end of the full output or of y.
    const [kH, kW] = g.kernel, [sH, sW] = g.strides, [dH, dW] = g.dilations;
    const r0 = Math.min(0, -pT), c0 = Math.min(0, -pL);
    const r1 = Math.max(OH, sH * (H - 1) + dH * (kH - 1) + 1 - pT), c1 = Math.max(OW, sW * (W - 1) + dW * (kW - 1) + 1 - pL);
    const rows = r1 - r0, cols = c1 - c0;
    const cell = Math.max(8, Math.min(36, Math.floor(Math.min(560 / cols, 320 / rows))));
    const inCell = Math.max(14, Math.min(36, Math.floor(180 / Math.max(H, W))));

    const status = h("p", { class: "status", id: "scatter-status", "aria-live": "polite" });
    const playBtn = h("button", { type: "button", id: "scatter-play", "aria-pressed": "false" }, "Play");
    const stepBtn = h("button", { type: "button", id: "scatter-step" }, "Step");
    const resetBtn = h("button", { type: "button", id: "scatter-reset" }, "Reset");
    const [inC, inCtx] = canvas(W * inCell, H * inCell, "input pixels; the current one outlined");
    const [outC, outCtx] = canvas(cols * cell, rows * cell, "output being accumulated stamp by stamp");
    outC.id = "scatter-canvas";

    redraw = () => {
      const acc = new Float64Array(rows * cols);
      for (let n = 0; n < step; n++) {
        const st = stamps[n];
        for (let a = 0; a < kH; a++) for (let b = 0; b < kW; b++) {
          acc[(st.origin[0] + a * dH - r0) * cols + (st.origin[1] + b * dW - c0)] += st.values.data[a * kW + b];
        }
      }
      let hi = 0;
      for (const v of view.output.data) hi = Math.max(hi, v);
      const cur = step > 0 ? stamps[step - 1] : null;
      inCtx.clearRect(0, 0, W * inCell, H * inCell);
      drawGrid(inCtx, H, W, inCell, (r, c) => x.data[r * W + c], {
        color: (v, r, c) => (cur && cur.i === r && cur.j === c ? "#f59e0b" : r * W + c < step ? "#94a3b8" : "#334155"),
        text: (v) => fmt(v),
        ink: () => "#fff",
      });
      outCtx.clearRect(0, 0, cols * cell, rows * cell);
      drawGrid(outCtx, rows, cols, cell, (r, c) => acc[r * cols + c], {
        color: (v, r, c) => {
          const inside = r + r0 >= 0 && r + r0 < OH && c + c0 >= 0 && c + c0 < OW;
          const fill = v === 0 ? (inside ? "#e5e7eb" : "#f8fafc") : sequential(v / (hi || 1));
          return inside ? fill : fade(fill);
        },
        text: (v) => (v === 0 ? "" : fmt(v)),
        ink: (v) => inkOn(v / (hi || 1)),
      });
      // The output y itself, outlined; the current stamp's footprint in orange.
      outCtx.lineWidth = 2;
      outCtx.strokeStyle = "#111827";
      outCtx.strokeRect((0 - c0) * cell + 1, (0 - r0) * cell + 1, OW * cell - 2, OH * cell - 2);
      if (cur) {
        outCtx.strokeStyle = "#f59e0b";
        outCtx.lineWidth = 2.5;
        for (let a = 0; a < kH; a++) for (let b = 0; b < kW; b++) {
          outCtx.strokeRect((cur.origin[1] + b * dW - c0) * cell + 1.5, (cur.origin[0] + a * dH - r0) * cell + 1.5, cell - 4, cell - 4);
        }
      }
      status.textContent = step === 0
        ? `0 of ${total} stamps: the output starts at zero (${OH}×${OW}).`
        : `${step} of ${total} stamps. Last: x[${cur.i}, ${cur.j}] = ${fmt(cur.value)} at (${cur.origin[0]}, ${cur.origin[1]}), ${cur.taps.length} of ${kH * kW} taps inside the output.` +
          (step === total ? ` Done: this is convTranspose's ${OH}×${OW} output.` : "");
      playBtn.textContent = timer === null ? "Play" : "Pause";
      playBtn.setAttribute("aria-pressed", String(timer !== null));
      outC.dataset.step = String(step);
    };

    playBtn.addEventListener("click", () => {
      if (timer !== null) {
        stop();
      } else {
        if (step >= total) step = 0;
        timer = setInterval(() => {
          step = Math.min(total, step + 1);
          if (step >= total) stop();
          redraw();
        }, INTERVAL_MS);
      }
      redraw();
    });
    stepBtn.addEventListener("click", () => {
      stop();
      step = step >= total ? 1 : step + 1;
      redraw();
    });
    resetBtn.addEventListener("click", () => {
      stop();
      step = 0;
      redraw();
    });

    body.append(
      h("div", { class: "buttons" }, playBtn, stepBtn, resetBtn),
      h("div", { class: "row" },
        h("figure", {}, inC, h("figcaption", {}, `x (${H}×${W})`)),
        h("figure", {}, outC, h("figcaption", {}, `y (${OH}×${OW}, outlined) in the full output`))),
      status,
    );
    redraw();
  });

  return { ...panel, update(layer) { stop(); panel.update(layer); } };
}

/** The fill colour, washed out (cells outside y). */
function fade(color) {
  return color.startsWith("rgb(") ? color.replace("rgb(", "rgba(").replace(")", ",0.35)") : color;
}
