// Zero insertion: s − 1 zeros between input pixels, d·(k−1) − p zeros around, then a stride-1
// convolution with the kernel turned 180°. Most multiplications hit a zero; the counts say how many.
import { explain } from "../../dist/index.js";
import { drawGrid, canvas, fmt, h, heatmap } from "../draw.js";
import { createPanel } from "../panel.js";
import { layerArgs } from "../layer.js";

export function zeroInsertionPanel(parent) {
  return createPanel(parent, {
    id: "view-zero-insertion",
    title: "2 · Zero insertion: a stride-1 convolution of a bigger input",
    blurb: "Insert s − 1 zeros between the input pixels, pad by d·(k − 1) − p (negative: crop), slide the kernel turned 180° with stride 1. Grey: inserted zeros; white: padding zeros.",
  }, (body, layer) => {
    const { x, w, attrs } = layerArgs(layer);
    const v = explain.zeroInsertion(x, w, null, attrs);
    const [, , ZH, ZW] = v.upsampled.shape;
    const [H, W] = v.geometry.input, [sH, sW] = v.geometry.strides;
    const [PT, PL] = v.padsBegin;
    const kind = (r, c) => {
      const u = r - Math.max(PT, 0) + Math.max(-PT, 0), t = c - Math.max(PL, 0) + Math.max(-PL, 0);
      const inside = u >= 0 && u <= sH * (H - 1) && t >= 0 && t <= sW * (W - 1);
      return !inside ? "pad" : u % sH === 0 && t % sW === 0 ? "real" : "inserted";
    };
    const cell = Math.max(6, Math.min(24, Math.floor(Math.min(300 / ZW, 260 / ZH))));
    const [zc, ctx] = canvas(ZW * cell, ZH * cell, "zero-inserted, padded input");
    zc.id = "zero-insertion-canvas";
    drawGrid(ctx, ZH, ZW, cell, (r, c) => v.upsampled.data[r * ZW + c], {
      color: (val, r, c) => ({ real: "#2563eb", inserted: "#cbd5e1", pad: "#f1f5f9" })[kind(r, c)],
      text: (val, r, c) => (kind(r, c) === "real" ? fmt(val) : "0"),
      ink: (val, r, c) => (kind(r, c) === "real" ? "#fff" : "#64748b"),
    });
    const k = v.kernel.shape[2];
    const m = v.multiplies;
    const wasted = m.total - m.useful;
    body.append(
      h("div", { class: "row" },
        h("figure", {}, zc, h("figcaption", {}, `z: ${ZH}×${ZW} (pads ${v.padsBegin[0]} before, ${v.padsEnd[0]} after)`)),
        h("figure", {}, heatmap(v.kernel.data, k, k, { maxW: 120, maxH: 120, label: "kernel turned 180°" }), h("figcaption", {}, "w turned 180°")),
        h("figure", {}, heatmap(v.output.data, v.output.shape[2], v.output.shape[3], { maxW: 200, maxH: 200, label: "output" }), h("figcaption", {}, `y = conv(z, w′): ${v.output.shape[2]}×${v.output.shape[3]}`))),
      h("table", { class: "counts", id: "zero-insertion-counts" },
        h("caption", {}, "Multiplications of the stride-1 convolution"),
        h("tbody", {},
          row("by a real input pixel (useful)", m.useful, m.total),
          row("by an inserted zero", m.insertedZeros, m.total),
          row("by a padding zero", m.paddingZeros, m.total),
          row("all", m.total, m.total))),
      h("p", { class: "note" }, `${wasted} of ${m.total} multiplications (${pct(wasted, m.total)}) are by zeros: the sub-pixel view below skips them.`),
    );
  });
}

function row(label, n, total) {
  return h("tr", {}, h("th", { scope: "row" }, label), h("td", {}, String(n)), h("td", {}, pct(n, total)));
}

function pct(n, total) {
  return total > 0 ? `${((100 * n) / total).toFixed(0)}%` : "–";
}
