// Transpose ↔ Net's Transpose layer: perm (default: the axes reversed) in every opset; written
// resolved, so the default is explicit in the file.
import type { OpMapping } from "../op-mapping.js";
import { dataInputProblem, extraAttributes } from "./inputs.js";
import { readPerm } from "../../ops/transpose.js";

export const TransposeMapping: OpMapping = {
  onnx: ["Transpose"],
  read(ctx) {
    const problem = dataInputProblem(ctx);
    if (problem !== undefined) return problem;
    const x = ctx.activation(0)!;
    const perm = ctx.attrs.ints("perm");
    const extra = extraAttributes(ctx, ["perm"]);
    if (extra !== undefined) return extra;
    if (ctx.attrs.problems.length) return ctx.attrs.problems.join(", ");
    ctx.push({ name: ctx.node.output[0], op: "Transpose", inputs: [x], ...(perm === undefined ? {} : { attrs: { perm } }) });
    return undefined;
  },
  layers: ["Transpose"],
  write(layer, ctx) {
    const rank = ctx.shapeOf(layer.inputs[0]).length;
    const perm = readPerm(((layer.attrs ?? {}) as { perm?: number[] }).perm, rank, "Transpose(attrs.perm)");
    ctx.node("Transpose", [ctx.tensorOf(layer.inputs[0])], layer.name, { perm });
  },
};
