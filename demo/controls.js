// The layer's sliders: one labelled <input type="range"> per attribute, each with an <output>
// showing its value. Arrow keys, Page Up/Down, Home and End move a focused slider (native range
// behaviour). `createControls` calls onChange(layer) with the new layer on every change.

/** The attributes the sliders set: id, label, range, default and a hint for screen readers. */
export const FIELDS = [
  { id: "kernel", label: "kernel size k", min: 1, max: 7, value: 3, hint: "kernel taps per axis" },
  { id: "stride", label: "stride s", min: 1, max: 4, value: 2, hint: "output step between input pixels" },
  { id: "pad", label: "padding p", min: 0, max: 4, value: 0, hint: "rows removed from each border of the full output" },
  { id: "dilation", label: "dilation d", min: 1, max: 3, value: 1, hint: "distance between kernel taps" },
  { id: "outputPadding", label: "output padding", min: 0, max: 3, value: 0, hint: "extra rows at the end; must be < max(s, d)" },
  { id: "input", label: "input size", min: 1, max: 6, value: 3, hint: "input pixels per axis" },
];

/**
 * Builds the sliders into `form` and returns { layer(), set(id, value) }. `onChange(layer)` runs
 * on every input event; `layer` is { kernel, stride, pad, dilation, outputPadding, input }.
 */
export function createControls(form, onChange) {
  const inputs = {};
  for (const f of FIELDS) {
    const wrap = document.createElement("div");
    wrap.className = "control";
    const label = document.createElement("label");
    label.htmlFor = `ctl-${f.id}`;
    label.textContent = f.label;
    const input = document.createElement("input");
    Object.assign(input, { type: "range", id: `ctl-${f.id}`, name: f.id, min: f.min, max: f.max, step: 1, value: f.value });
    input.setAttribute("aria-describedby", `ctl-${f.id}-hint`);
    const out = document.createElement("output");
    out.htmlFor = input.id;
    out.id = `ctl-${f.id}-value`;
    out.textContent = String(f.value);
    const hint = document.createElement("span");
    hint.id = `ctl-${f.id}-hint`;
    hint.className = "visually-hidden";
    hint.textContent = f.hint;
    input.addEventListener("input", () => {
      out.textContent = input.value;
      onChange(layer());
    });
    wrap.append(label, input, out, hint);
    form.append(wrap);
    inputs[f.id] = input;
  }
  form.addEventListener("submit", (e) => e.preventDefault());
  const layer = () => Object.fromEntries(FIELDS.map((f) => [f.id, Number(inputs[f.id].value)]));
  return {
    layer,
    set(id, value) {
      inputs[id].value = String(value);
      inputs[id].dispatchEvent(new Event("input"));
    },
  };
}
