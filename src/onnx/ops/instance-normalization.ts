// InstanceNormalization ↔ Net's InstanceNormalization layer (the same in every opset from 6:
// input, scale [C], B [C], epsilon). scale and B must be constants; they become the layer's
// parameters. Export: opset 7 (the exporter's floor), epsilon as a float.
import type { OpMapping } from "../op-mapping.js";
import { tensor } from "../../tensor.js";

export const InstanceNormalizationMapping: OpMapping = {
  onnx: ["InstanceNormalization"],
  read(ctx) {
    const { node, attrs } = ctx;
    const x = ctx.activation(0);
    if (x === undefined) return "its input is a constant, not an activation";
    const scale = ctx.constant(1), bias = ctx.constant(2);
    if (scale === undefined || bias === undefined) return "scale and B must be constants";
    const epsilon = attrs.float("epsilon", 1e-5);
    if (attrs.problems.length) return attrs.problems.join(", ");
    const xShape = ctx.shapeOf(x);
    if (xShape.length < 3) return `input ${JSON.stringify(xShape)}: InstanceNormalization needs [N, C, D1, …]`;
    const C = xShape[1];
    if (scale.floats().length !== C || bias.floats().length !== C) return `scale and B need ${C} values each (one per channel), got [${scale.dims.join("×")}] and [${bias.dims.join("×")}]`;
    const name = node.output[0];
    ctx.push({ name, op: "InstanceNormalization", inputs: [x], attrs: { channels: C, epsilon } });
    ctx.weight(`${name}.scale`, tensor(scale.floats(), [C]));
    ctx.weight(`${name}.bias`, tensor(bias.floats(), [C]));
    return undefined;
  },
  layers: ["InstanceNormalization"],
  minOpset: () => 7,
  write(layer, ctx) {
    const inputs = [ctx.tensorOf(layer.inputs[0])];
    for (const kind of ["scale", "bias"]) {
      const t = ctx.param(`${layer.name}.${kind}`);
      inputs.push(ctx.initializer({ dims: t.shape.slice(), floats: t.data }, `${layer.name}.${kind}`));
    }
    const epsilon = (layer.attrs as { epsilon?: number } | undefined)?.epsilon ?? 1e-5;
    ctx.node("InstanceNormalization", inputs, layer.name, { epsilon: { float: epsilon } });
  },
};
