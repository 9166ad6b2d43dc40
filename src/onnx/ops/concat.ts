// Concat ↔ Net's Concat layer (same axis attribute in every opset; a negative axis from opset 11,
// which the layer accepts anyway), and Net's Constant layer → an initializer.
import type { OpMapping } from "../op-mapping.js";

export const ConcatMapping: OpMapping = {
  onnx: ["Concat"],
  read(ctx) {
    const { node, attrs } = ctx;
    if (!attrs.has("axis") && ctx.opset >= 4) return "attribute axis is required";
    const axis = attrs.int("axis", 1); // opset < 4: axis defaults to 1
    if (attrs.problems.length) return attrs.problems.join(", ");
    const inputs: string[] = [];
    for (let i = 0; i < node.input.length; i++) inputs.push(ctx.operand(i)!);
    if (inputs.every((_, i) => ctx.activation(i) === undefined)) return "every input is a constant (its fold at load failed)";
    ctx.push({ name: node.output[0], op: "Concat", inputs, attrs: { axis } });
    return undefined;
  },
  layers: ["Concat"],
  minOpset: (layer) => ((layer.attrs as { axis: number }).axis < 0 ? 11 : 7),
  write(layer, ctx) {
    ctx.node("Concat", layer.inputs.map((b) => ctx.tensorOf(b)), layer.name, { axis: (layer.attrs as { axis: number }).axis });
  },
};

export const ConstantMapping: OpMapping = {
  layers: ["Constant"],
  write(layer, ctx) {
    const value = ctx.param(`${layer.name}.value`);
    ctx.alias(layer.name, ctx.initializer({ dims: value.shape.slice(), floats: value.data }, layer.name));
  },
};
