// Squeeze and Unsqueeze ↔ Net's layers of the same names. The axes are an attribute before opset
// 13 and a constant int64 input from 13 (Squeeze's optional: absent removes every axis of size 1,
// Unsqueeze's required); negative axes arrive in 11. The export writes the axes resolved
// (non-negative; Squeeze's absent axes as the ones removed) in the form its opset asks for.
import type { OpMapping } from "../op-mapping.js";
import { dataInputProblem, extraAttributes } from "./inputs.js";
import { squeezeAxes } from "../../ops/squeeze.js";

export const SqueezeMapping: OpMapping = {
  onnx: ["Squeeze", "Unsqueeze"],
  read(ctx) {
    const { node, attrs, opset } = ctx;
    const required = node.opType === "Unsqueeze";
    const problem = dataInputProblem(ctx);
    if (problem !== undefined) return problem;
    const x = ctx.activation(0)!;
    let axes: number[] | undefined;
    if (opset < 13) {
      axes = attrs.ints("axes");
      // Squeeze-1/11 read an empty axes attribute as absent: every axis of size 1 (ONNX's reference does)
      if (axes?.length === 0 && !required) axes = undefined;
      const extra = extraAttributes(ctx, ["axes"]);
      if (extra !== undefined) return extra;
    } else {
      const extra = extraAttributes(ctx, []);
      if (extra !== undefined) return extra;
      if (ctx.has(1)) {
        const c = ctx.constant(1);
        if (c === undefined) return "its axes input is not a constant (it is computed from activation values, not from shapes, so it is not known at load)";
        // an empty axes input at opset 13 removes nothing (the ONNX reference and shape inference);
        // onnxruntime 1.30 removes every axis of size 1 there instead
        axes = c.ints();
      }
    }
    if (attrs.problems.length) return attrs.problems.join(", ");
    if (axes === undefined && required) return `its axes are required (${opset < 13 ? "an attribute before opset 13" : "an input from opset 13"})`;
    if (axes !== undefined && axes.some((a) => a < 0) && opset < 11) return `negative axes [${axes.join(", ")}] arrive in opset 11 (the model's is ${opset})`;
    ctx.push({ name: node.output[0], op: node.opType as "Squeeze", inputs: [x], ...(axes === undefined ? {} : { attrs: { axes } }) });
    return undefined;
  },
  layers: ["Squeeze", "Unsqueeze"],
  write(layer, ctx) {
    const inShape = ctx.shapeOf(layer.inputs[0]), outRank = ctx.shapeOf(layer.name).length;
    const given = ((layer.attrs ?? {}) as { axes?: number[] }).axes;
    const axes = layer.op === "Squeeze"
      ? squeezeAxes(inShape, layer.attrs ?? {}, "Squeeze")
      : given!.map((a) => (a < 0 ? a + outRank : a)).sort((p, q) => p - q);
    const x = ctx.tensorOf(layer.inputs[0]);
    if (axes.length === 0) ctx.node("Identity", [x], layer.name); // a Squeeze of no axis of size 1
    else if (ctx.opset >= 13) ctx.node(layer.op, [x, ctx.initializer({ dims: [axes.length], ints: axes }, `${layer.name}.axes`)], layer.name);
    else ctx.node(layer.op, [x], layer.name, { axes });
  },
};
