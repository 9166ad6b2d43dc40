// LRN ↔ Net's LRN layer: the same four attributes (size required) at every opset (1, 13).
import type { OpMapping } from "../op-mapping.js";
import { dataInputProblem, extraAttributes } from "./inputs.js";

export const LrnMapping: OpMapping = {
  onnx: ["LRN"],
  read(ctx) {
    const { node, attrs } = ctx;
    const problem = dataInputProblem(ctx) ?? extraAttributes(ctx, ["size", "alpha", "beta", "bias"]);
    if (problem !== undefined) return problem;
    if (!attrs.has("size")) return "attribute size (the channel window) is required";
    const layerAttrs = { size: attrs.int("size", 1), alpha: attrs.float("alpha", 1e-4), beta: attrs.float("beta", 0.75), bias: attrs.float("bias", 1) };
    if (attrs.problems.length) return attrs.problems.join(", ");
    ctx.push({ name: node.output[0], op: "LRN", inputs: [ctx.activation(0)!], attrs: layerAttrs });
    return undefined;
  },
  layers: ["LRN"],
  write(layer, ctx) {
    const a = (layer.attrs ?? {}) as { size: number; alpha?: number; beta?: number; bias?: number };
    ctx.node("LRN", [ctx.tensorOf(layer.inputs[0])], layer.name, {
      size: a.size, alpha: { float: a.alpha ?? 1e-4 }, beta: { float: a.beta ?? 0.75 }, bias: { float: a.bias ?? 1 },
    });
  },
};
