// Pad ↔ Net's Pad layer. Opsets 2–10 give `pads` (and `value`) as attributes; from opset 11 they
// are inputs (pads int64 [2·k], constant_value a scalar), and from 18 an `axes` input says which k
// axes the pads are for (the others get 0). Net needs them as constants. Mode 'wrap' (opset 19)
// is not supported yet. Export writes attributes below opset 11 and inputs from 11.
import type { OpMapping } from "../op-mapping.js";

const MODES = ["constant", "reflect", "edge"];

export const PadMapping: OpMapping = {
  onnx: ["Pad"],
  read(ctx) {
    const { node, attrs, opset } = ctx;
    const x = ctx.activation(0);
    if (x === undefined) return "its data input is a constant (constant folding of Pad is not supported yet)";
    const mode = attrs.string("mode") ?? "constant";
    if (mode === "wrap") return "mode 'wrap' is not supported yet";
    if (!MODES.includes(mode)) return `mode "${mode}" is not one of constant, reflect, edge, wrap`;
    const rank = ctx.shapeOf(x).length;
    let given: number[] | undefined, value = 0, axes: number[] | undefined;
    if (opset < 11) {
      given = attrs.ints("pads");
      value = attrs.float("value", 0);
      if (given === undefined) return "attribute pads is required";
    } else {
      for (const [i, what] of [[1, "pads"], [2, "constant_value"], [3, "axes"]] as const) {
        if (ctx.has(i) && ctx.constant(i) === undefined) return `its ${what} input must be a constant`;
      }
      given = ctx.constant(1)?.ints();
      if (given === undefined) return "input pads is required";
      if (ctx.has(2)) {
        const c = ctx.constant(2)!.floats();
        if (c.length > 1) return `constant_value must be a scalar, got ${c.length} values`;
        value = c[0] ?? 0;
      }
      if (opset >= 18 && ctx.has(3)) axes = ctx.constant(3)!.ints();
      else if (ctx.has(3)) return `the axes input exists from opset 18; the model's opset is ${opset}`;
    }
    if (attrs.problems.length) return attrs.problems.join(", ");
    axes ??= Array.from({ length: rank }, (_, i) => i);
    const k = axes.length;
    if (given.length !== 2 * k) return `pads has ${given.length} values; ${2 * k} expected (begin and end for ${k} axes)`;
    const pads = new Array<number>(2 * rank).fill(0), seen = new Set<number>();
    for (const [i, a] of axes.entries()) {
      const axis = a < 0 ? a + rank : a;
      if (axis < 0 || axis >= rank || seen.has(axis)) return `axes [${axes.join(", ")}] are out of range or repeated for rank ${rank}`;
      seen.add(axis);
      pads[axis] = given[i];
      pads[axis + rank] = given[i + k];
    }
    const layerAttrs: Record<string, unknown> = { pads };
    if (mode !== "constant") layerAttrs.mode = mode;
    else if (value !== 0) layerAttrs.value = value;
    ctx.push({ name: node.output[0], op: "Pad", inputs: [x], attrs: layerAttrs });
    return undefined;
  },
  layers: ["Pad"],
  minOpset: () => 7,
  write(layer, ctx) {
    const a = layer.attrs as { pads: number[]; mode?: string; value?: number };
    const mode = a.mode ?? "constant", x = ctx.tensorOf(layer.inputs[0]);
    if (ctx.opset < 11) {
      ctx.node("Pad", [x], layer.name, { mode: { string: mode }, pads: a.pads, ...(a.value ? { value: { float: a.value } } : {}) });
      return;
    }
    const inputs = [x, ctx.initializer({ dims: [a.pads.length], ints: a.pads }, `${layer.name}.pads`)];
    if (a.value) inputs.push(ctx.initializer({ dims: [], floats: Float32Array.of(a.value) }, `${layer.name}.constant_value`));
    ctx.node("Pad", inputs, layer.name, { mode: { string: mode } });
  },
};
