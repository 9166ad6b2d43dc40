// Tile ↔ Net's Tile layer. `repeats` is an int64 input at every opset (6, 13); it must be a
// constant here (or computed from shapes at load). The export writes it as an initializer.
import type { OpMapping } from "../op-mapping.js";
import { dataInputProblem, extraAttributes } from "./inputs.js";
import { tileShape } from "../../ops/tile.js";

export const TileMapping: OpMapping = {
  onnx: ["Tile"],
  read(ctx) {
    const { node } = ctx;
    const problem = dataInputProblem(ctx) ?? extraAttributes(ctx, []);
    if (problem !== undefined) return problem;
    const x = ctx.activation(0)!;
    const c = ctx.constant(1);
    if (c === undefined) return "its repeats input is not a constant (it is computed from activation values, not from shapes, so it is not known at load)";
    const repeats = c.ints();
    tileShape(ctx.shapeOf(x), { repeats }, "Tile"); // a wrong count: reported with the node
    ctx.push({ name: node.output[0], op: "Tile", inputs: [x], attrs: { repeats } });
    return undefined;
  },
  layers: ["Tile"],
  write(layer, ctx) {
    const repeats = ((layer.attrs ?? {}) as { repeats: number[] }).repeats;
    ctx.node("Tile", [ctx.tensorOf(layer.inputs[0]), ctx.initializer({ dims: [repeats.length], ints: repeats.slice() }, `${layer.name}.repeats`)], layer.name);
  },
};
