// BatchNormalization (inference) ↔ Net's BatchNormalization layer, for the nodes that follow no
// conv (after a conv, to-graph.ts folds it into the conv's weights instead and never comes here).
// Import: scale, B, mean and var must be constants ([C] each); opset 6's is_test must be 1 and
// spatial (opsets 6–8) 1; training mode (opset 14's training_mode, the running-statistics
// outputs) is refused in to-graph.ts before the fold/no-fold choice. Export: opset 7, whose
// spatial defaults to 1 and which has no is_test; momentum is a training attribute and is left out.
import type { OpMapping } from "../op-mapping.js";
import { tensor } from "../../tensor.js";

export const BatchNormalizationMapping: OpMapping = {
  onnx: ["BatchNormalization"],
  read(ctx) {
    const { node, attrs, opset } = ctx;
    const x = ctx.activation(0);
    if (x === undefined) return "its input X is a constant, not an activation";
    if (node.input.length < 5 || [1, 2, 3, 4].some((i) => ctx.constant(i) === undefined)) return "scale, B, mean and var must be constants";
    if (opset < 7 && attrs.int("is_test", 0) === 0) return "is_test = 0 (training mode) is not supported";
    if (opset < 9 && attrs.int("spatial", 1) === 0) return "spatial = 0 (per-activation statistics) is not supported";
    if (attrs.int("training_mode", 0) !== 0) return "training mode (running statistics outputs) is not supported";
    const epsilon = attrs.float("epsilon", 1e-5);
    attrs.float("momentum", 0.9); // read, so a mistyped one is reported too
    if (attrs.problems.length) return attrs.problems.join(", ");
    const xShape = ctx.shapeOf(x);
    if (xShape.length < 2) return `input ${JSON.stringify(xShape)} has no channel axis`;
    const C = xShape[1];
    const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => ctx.constant(i)!);
    const wrong = [scale, bias, mean, variance].find((c) => c.floats().length !== C);
    if (wrong !== undefined) return `scale, B, mean and var need ${C} values each (one per channel), got [${[scale, bias, mean, variance].map((c) => c.dims.join("×") || "scalar").join("], [")}]`;
    const name = node.output[0];
    ctx.push({ name, op: "BatchNormalization", inputs: [x], attrs: { channels: C, epsilon } });
    for (const [kind, c] of [["scale", scale], ["bias", bias], ["mean", mean], ["var", variance]] as const) ctx.weight(`${name}.${kind}`, tensor(c.floats(), [C]));
    return undefined;
  },
  layers: ["BatchNormalization"],
  minOpset: () => 7,
  write(layer, ctx) {
    const inputs = [ctx.tensorOf(layer.inputs[0])];
    for (const kind of ["scale", "bias", "mean", "var"]) {
      const t = ctx.param(`${layer.name}.${kind}`);
      inputs.push(ctx.initializer({ dims: t.shape.slice(), floats: t.data }, `${layer.name}.${kind}`));
    }
    const epsilon = (layer.attrs as { epsilon?: number } | undefined)?.epsilon ?? 1e-5;
    ctx.node("BatchNormalization", inputs, layer.name, { epsilon: { float: epsilon } });
  },
};
