// Slice ↔ Net's Slice layer, for the slices that are no spatial crop (to-graph.ts tries Crop
// first, slice-to-crop.ts): starts, ends and axes are attributes before opset 10; from 10 they are
// inputs, with steps, and Net needs them constant. Export writes the slice resolved for the
// layer's input shape (clamped indices, non-negative axes), as attributes below opset 10 (steps 1)
// and as int64 inputs from 10 (steps other than 1 need 10).
import { resolveSlice } from "../../ops/slice.js";
import type { ImportContext, OpMapping } from "../op-mapping.js";

/** The Slice layer for node `ctx.node` (the general path), or why not. */
function readSlice(ctx: ImportContext): string | undefined {
  const { node, attrs, opset } = ctx;
  const x = ctx.activation(0);
  if (x === undefined) return "its data input is a constant (its fold at load failed)";
  let starts: number[] | undefined, ends: number[] | undefined, axes: number[] | undefined, steps: number[] | undefined;
  if (opset < 10) {
    [starts, ends, axes] = [attrs.ints("starts"), attrs.ints("ends"), attrs.ints("axes")];
    if (attrs.problems.length) return attrs.problems.join(", ");
  } else {
    for (const [i, what] of [[1, "starts"], [2, "ends"], [3, "axes"], [4, "steps"]] as const) {
      if (ctx.has(i) && ctx.constant(i) === undefined) return `its ${what} input must be a constant (it is computed from activation values, not from shapes, so it is not known at load)`;
    }
    [starts, ends, axes, steps] = [1, 2, 3, 4].map((i) => ctx.constant(i)?.ints());
  }
  if (starts === undefined || ends === undefined) return "starts and ends are required";
  const sliceAttrs = { starts, ends, ...(axes ? { axes } : {}), ...(steps ? { steps } : {}) };
  resolveSlice(ctx.shapeOf(x), sliceAttrs, "Slice"); // an AttributeError here is reported with the node
  ctx.push({ name: node.output[0], op: "Slice", inputs: [x], attrs: sliceAttrs });
  return undefined;
}

/** The layer's slice as ONNX writes it for input shape `shape`: only the sliced axes, resolved. */
function resolvedForExport(attrs: unknown, shape: number[]) {
  const p = resolveSlice(shape, attrs, "Slice");
  const axes: number[] = [], starts: number[] = [], ends: number[] = [], steps: number[] = [];
  shape.forEach((n, a) => {
    if (p.begin[a] === 0 && p.step[a] === 1 && p.outShape[a] === n) return; // left whole
    const end = p.begin[a] + p.outShape[a] * p.step[a];
    axes.push(a);
    starts.push(p.begin[a]);
    // one past the last index read; below 0 (a negative step down to index 0): −(n + 1), which
    // the ONNX rules turn into −1 (a plain −1 would mean n − 1)
    ends.push(p.step[a] > 0 ? Math.min(end, n) : end < 0 ? -(n + 1) : end);
    steps.push(p.step[a]);
  });
  return { axes, starts, ends, steps };
}

export const SliceMapping: OpMapping = {
  read: readSlice,
  layers: ["Slice"],
  minOpset: (layer, shapeOf) => (resolvedForExport(layer.attrs ?? {}, shapeOf(layer.inputs[0])).steps.every((s) => s === 1) ? 7 : 10),
  write(layer, ctx) {
    const { axes, starts, ends, steps } = resolvedForExport(layer.attrs ?? {}, ctx.shapeOf(layer.inputs[0]));
    const x = ctx.tensorOf(layer.inputs[0]);
    if (ctx.opset < 10) {
      ctx.node("Slice", [x], layer.name, { starts, ends, axes });
      return;
    }
    const input = (key: string, values: number[]): string => ctx.initializer({ dims: [values.length], ints: values }, `${layer.name}.${key}`);
    ctx.node("Slice", [x, input("starts", starts), input("ends", ends), input("axes", axes), input("steps", steps)], layer.name);
  },
};
