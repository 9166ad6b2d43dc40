// ReduceSum, ReduceMean, ReduceMax, ReduceMin ↔ Net's layers of the same names. The axes are an
// attribute until the opset where they became an optional int64 input (ReduceSum 13, the others
// 18), which must be a constant here; noop_with_empty_axes arrives with that input. Negative axes
// arrive in opset 11. The export writes the axes resolved (non-negative) in the form its opset asks for.
import { type ReduceAttrs, reduceGeometry } from "../../ops/reduce.js";
import type { OpMapping } from "../op-mapping.js";
import { dataInputProblem, extraAttributes } from "./inputs.js";

/** The opset from which an op's axes are an input instead of an attribute. */
const AXES_INPUT: Record<string, number> = { ReduceSum: 13, ReduceMean: 18, ReduceMax: 18, ReduceMin: 18 };

export const ReduceMapping: OpMapping = {
  onnx: Object.keys(AXES_INPUT),
  read(ctx) {
    const { node, attrs, opset } = ctx;
    const problem = dataInputProblem(ctx);
    if (problem !== undefined) return problem;
    const x = ctx.activation(0)!;
    const fromInput = opset >= AXES_INPUT[node.opType];
    let axes: number[] | undefined;
    if (!fromInput) {
      axes = attrs.ints("axes");
      const extra = extraAttributes(ctx, ["axes", "keepdims"]);
      if (extra !== undefined) return extra;
    } else {
      const extra = extraAttributes(ctx, ["keepdims", "noop_with_empty_axes"]);
      if (extra !== undefined) return extra;
      if (ctx.has(1)) {
        const c = ctx.constant(1);
        if (c === undefined) return "its axes input is not a constant (it is computed from activation values, not from shapes, so it is not known at load)";
        axes = c.ints();
      }
    }
    const keepdims = attrs.int("keepdims", 1) !== 0;
    const noop = fromInput && attrs.int("noop_with_empty_axes", 0) !== 0;
    if (attrs.problems.length) return attrs.problems.join(", ");
    if (axes !== undefined && axes.some((a) => a < 0) && opset < 11) return `negative axes [${axes.join(", ")}] arrive in opset 11 (the model's is ${opset})`;
    const layerAttrs: ReduceAttrs = { ...(axes?.length ? { axes } : {}), keepdims, ...(noop ? { noopWithEmptyAxes: true } : {}) };
    reduceGeometry(ctx.shapeOf(x), layerAttrs, node.opType); // a bad axis: reported with the node
    ctx.push({ name: node.output[0], op: node.opType as "ReduceSum", inputs: [x], attrs: { ...layerAttrs } });
    return undefined;
  },
  layers: Object.keys(AXES_INPUT),
  write(layer, ctx) {
    const inShape = ctx.shapeOf(layer.inputs[0]);
    const g = reduceGeometry(inShape, layer.attrs ?? {}, layer.op);
    const x = ctx.tensorOf(layer.inputs[0]);
    const given = ((layer.attrs ?? {}) as ReduceAttrs).keepdims;
    const keepdims = given === undefined || given === true || given === 1 ? 1 : 0;
    // a no-op reduction (noopWithEmptyAxes and no axes) is written as what it is
    if (g.identity) { ctx.node("Identity", [x], layer.name); return; }
    const axes = g.reduced.flatMap((r, a) => (r ? [a] : []));
    if (ctx.opset >= AXES_INPUT[layer.op]) ctx.node(layer.op, [x, ctx.initializer({ dims: [axes.length], ints: axes }, `${layer.name}.axes`)], layer.name, { keepdims });
    else ctx.node(layer.op, [x], layer.name, { axes, keepdims });
  },
};
