// Sub-pixel (polyphase) view: output pixel o has phase (o + p) mod s; each of the s² phases is a
// small dense convolution of the input with the taps w[r + j·s], and the results interleave.
import { explain } from "../../dist/index.js";
import { canvas, drawGrid, fmt, h, hue } from "../draw.js";
import { createPanel } from "../panel.js";
import { layerArgs } from "../layer.js";

export function subpixelPanel(parent) {
  return createPanel(parent, {
    id: "view-subpixel",
    title: "5 · Sub-pixel: s² phases, interleaved",
    blurb: "Each colour is one phase: the output pixels with the same (row mod s, column mod s) after the padding shift, computed by one small dense convolution with the phase kernel of the same colour. No multiplication by an inserted zero. Dilation must be 1.",
  }, (body, layer) => {
    const { x, w, attrs } = layerArgs(layer);
    const v = explain.subpixel(x, w, null, attrs);
    const [OH, OW] = v.geometry.output, [sH, sW] = v.geometry.strides;
    const [TH, TW] = v.taps;
    const phases = sH * sW;
    const phase = (r, c) => v.phaseOf[0][r] * sW + v.phaseOf[1][c];
    const cell = Math.max(10, Math.min(30, Math.floor(Math.min(320 / OW, 300 / OH))));
    const [yc, ctx] = canvas(OW * cell, OH * cell, "output coloured by phase");
    yc.id = "subpixel-canvas";
    drawGrid(ctx, OH, OW, cell, (r, c) => v.output.data[r * OW + c], {
      color: (val, r, c) => hue(phase(r, c), phases),
      text: (val) => fmt(val),
      ink: () => "#111",
    });
    // Phase kernels [sH, sW, C=1, M=1, TH, TW]: one small grid each, zero padding taps grey.
    const kCell = Math.max(12, Math.min(24, Math.floor(120 / Math.max(TH, TW))));
    const kernels = h("div", { class: "row tight" });
    const [kH, kW] = v.geometry.kernel;
    for (let rH = 0; rH < sH; rH++) for (let rW = 0; rW < sW; rW++) {
      const [kc, kctx] = canvas(TW * kCell, TH * kCell, `phase (${rH}, ${rW}) kernel`);
      const base = (rH * sW + rW) * TH * TW;
      drawGrid(kctx, TH, TW, kCell, (a, b) => v.phaseKernels.data[base + a * TW + b], {
        color: (val, a, b) => (rH + a * sH < kH && rW + b * sW < kW ? hue(rH * sW + rW, phases) : "#e5e7eb"),
        text: (val) => fmt(val),
        ink: () => "#111",
      });
      kernels.append(h("figure", {}, kc, h("figcaption", {}, `(${rH}, ${rW})`)));
    }
    body.append(
      h("div", { class: "row" },
        h("figure", {}, yc, h("figcaption", {}, `y (${OH}×${OW}), phase = colour`)),
        h("figure", {}, kernels, h("figcaption", {}, `${phases} phase kernels of ${TH}×${TW} taps (grey: zero padding taps)`))),
      h("p", { class: "note", id: "subpixel-summary" }, `${phases} phases of ⌈k/s⌉² = ${TH * TW} taps; ${v.zeroTaps} padding taps ${v.zeroTaps === 0 ? "(s divides k: no waste at all)" : "(s does not divide k)"}.`),
    );
  });
}
