// The matrix view: the convolution with the same window is z ↦ C·z; the transposed convolution
// is x ↦ Cᵀ·x. C and Cᵀ drawn as heat maps (zero entries pale), each row of C one input pixel's stamp.
import { explain } from "../../dist/index.js";
import { canvas, drawGrid, fmt, h, inkOn, sequential } from "../draw.js";
import { createPanel } from "../panel.js";
import { layerArgs } from "../layer.js";

export function matrixPanel(parent) {
  return createPanel(parent, {
    id: "view-matrix",
    title: "4 · The matrix: y = Cᵀ·x",
    blurb: "C maps an output-sized image z to the input size (the ordinary strided convolution); row (i, j) of C is input pixel (i, j)'s stamp, flattened. The transposed convolution multiplies by Cᵀ.",
  }, (body, layer) => {
    const { x, w, attrs } = layerArgs(layer);
    const v = explain.matrix(x, w, null, attrs);
    const [rows, cols] = v.matrix.shape;
    const data = v.matrix.data;
    let hi = 0;
    for (const e of data) hi = Math.max(hi, Math.abs(e));
    const draw = (transposed, maxW, maxH, label) => {
      const R = transposed ? cols : rows, K = transposed ? rows : cols;
      const cell = Math.max(1, Math.min(22, Math.floor(Math.min(maxW / K, maxH / R))));
      const [c, ctx] = canvas(K * cell, R * cell, label);
      drawGrid(ctx, R, K, cell, (r, k) => (transposed ? data[k * cols + r] : data[r * cols + k]), {
        color: (e) => (e === 0 ? "#eef2f7" : sequential(0.25 + (0.75 * Math.abs(e)) / (hi || 1))),
        text: (e) => (e === 0 ? "" : fmt(e)),
        ink: (e) => inkOn(0.25 + (0.75 * Math.abs(e)) / (hi || 1)),
        gap: cell >= 6 ? 1 : 0,
      });
      return c;
    };
    const cCanvas = draw(false, 760, 220, `C, ${rows} by ${cols}`);
    cCanvas.id = "matrix-c";
    const tCanvas = draw(true, 260, 420, `C transposed, ${cols} by ${rows}`);
    tCanvas.id = "matrix-ct";
    const density = ((100 * v.nonzeros) / (rows * cols)).toFixed(1);
    body.append(
      h("div", { class: "row" },
        h("figure", {}, cCanvas, h("figcaption", {}, `C: ${rows}×${cols} (rows: input pixels, columns: output pixels)`)),
        h("figure", {}, tCanvas, h("figcaption", {}, `Cᵀ: ${cols}×${rows}`))),
      h("p", { class: "note", id: "matrix-summary" }, `${v.nonzeros} non-zero entries of ${rows * cols} (${density}%): a dense Cᵀ would do ${rows * cols} multiplications per image for ${v.nonzeros} useful ones.`),
    );
  });
}
