// Overlap map: how many kernel taps reach each output pixel (the product of the two axes' counts).
// Uniform away from the borders when s divides k (d = 1); a checkerboard otherwise.
import { explain } from "../../dist/index.js";
import { h, heatmap } from "../draw.js";
import { createPanel } from "../panel.js";
import { layerArgs } from "../layer.js";

export function overlapPanel(parent) {
  return createPanel(parent, {
    id: "view-overlap",
    title: "6 · Overlap map: taps per output pixel",
    blurb: "How many stamps overlap at each output pixel. Unequal counts away from the border are the checkerboard of learned upsampling.",
  }, (body, layer) => {
    const { x, w, attrs } = layerArgs(layer);
    const v = explain.overlapMap(x.shape, w.shape, attrs);
    const [OH, OW] = v.counts.shape;
    const c = heatmap(v.counts.data, OH, OW, { maxW: 320, maxH: 300, label: "taps per output pixel" });
    c.id = "overlap-canvas";
    body.append(
      h("figure", {}, c, h("figcaption", {}, `${OH}×${OW}, from ${v.min} to ${v.max} taps`)),
      h("p", { class: "note", id: "overlap-summary" }, v.uniform
        ? `Uniform: every phase gets ${v.phaseCounts[0][0] * v.phaseCounts[1][0]} taps away from the border.`
        : `Checkerboard: taps per phase along one axis ${v.phaseCounts[0].join(", ")}, so interior pixels get between ${Math.min(...v.phaseCounts[0]) ** 2} and ${Math.max(...v.phaseCounts[0]) ** 2}.`),
    );
  });
}
