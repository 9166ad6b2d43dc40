// Gradient view: the transposed convolution is the gradient of a convolution with respect to its
// input, so ⟨conv(z), x⟩ = ⟨z, convTranspose(x)⟩ for every z. Both sides, computed by the ops.
import { explain, tensor } from "../../dist/index.js";
import { h } from "../draw.js";
import { createPanel } from "../panel.js";
import { layerArgs } from "../layer.js";

export function gradientPanel(parent) {
  return createPanel(parent, {
    id: "view-gradient",
    title: "3 · Gradient: the backward pass of a convolution",
    blurb: "convTranspose(x) is ∂⟨conv(z), x⟩/∂z: how a strided convolution sends gradients back to its input, and how FCN trains its upsampling. The two sides of the adjoint identity, for one z:",
  }, (body, layer) => {
    const { x, w, attrs } = layerArgs(layer);
    const v = explain.gradient(x, w, null, attrs);
    const shape = v.output.shape;
    const n = shape.reduce((a, b) => a * b, 1);
    const z = tensor(Array.from({ length: n }, (_, i) => ((i * 7) % 5) - 2), shape);
    const { convSide, transposeSide } = v.check(z);
    const ca = v.convAttrs;
    body.append(
      h("table", { class: "counts", id: "gradient-check" }, h("tbody", {},
        h("tr", {}, h("th", { scope: "row" }, "⟨conv(z), x⟩"), h("td", { class: "num" }, convSide.toFixed(3))),
        h("tr", {}, h("th", { scope: "row" }, "⟨z, convTranspose(x)⟩"), h("td", { class: "num" }, transposeSide.toFixed(3))))),
      h("p", { class: "note" }, `The convolution: input z ${v.convInputShape.slice(2).join("×")}, stride ${ca.strides[0]}, pads ${ca.pads[0]}, dilation ${ca.dilations[0]} → ${x.shape.slice(2).join("×")} (z has a repeating pattern of −2…2).`),
    );
  });
}
