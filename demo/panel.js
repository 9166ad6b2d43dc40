// A panel: a titled box whose body is redrawn from the layer on every change. When the view
// cannot express the layer, the package throws a typed error (AttributeError, UnsupportedError,
// ShapeError…); the panel shows its name and message instead of a drawing, and the page goes on
// (nothing reaches the console).
import { FcnWasmError } from "../dist/index.js";
import { h } from "./draw.js";

/**
 * Creates a panel in `parent`. `render(body, layer)` fills `body` (emptied first). Returns
 * { update(layer), element }.
 */
export function createPanel(parent, { id, title, blurb }, render) {
  const body = h("div", { class: "panel-body" });
  const element = h("article", { class: "panel", id, "aria-labelledby": `${id}-h` },
    h("h3", { id: `${id}-h` }, title),
    blurb ? h("p", { class: "blurb" }, blurb) : null,
    body);
  parent.append(element);
  return {
    element,
    update(layer) {
      body.replaceChildren();
      try {
        render(body, layer);
        element.removeAttribute("data-error");
      } catch (e) {
        const name = e?.name ?? "Error";
        element.setAttribute("data-error", name);
        body.replaceChildren(h("p", { class: "error", role: "status" }, h("strong", {}, `${name}: `), String(e?.message ?? e)));
        if (!(e instanceof FcnWasmError)) throw e; // a bug in the page, not a layer the view cannot draw
      }
    },
  };
}
