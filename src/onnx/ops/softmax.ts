// Softmax and LogSoftmax ↔ Net's SoftmaxAxis and LogSoftmax layers, in every opset. Before opset
// 13 both "coerce the input into a 2-D tensor" at `axis` (default 1) and normalise each row, i.e.
// over every axis from `axis` on (`trailing: true`); from 13 over the one axis `axis` (default −1).
// A Softmax over the channel axis alone stays Net's built-in Softmax layer (to-graph.ts).
// Export: a single last axis reads the same in every opset (7); a trailing run of axes is the old
// form (written as is before 13, as Reshape → Softmax(−1) → Reshape from 13, whose Softmax no
// longer flattens); one axis that is not the last needs 13.
import type { LayerSpec } from "../../nn/graph.js";
import { softmaxGeometry } from "../../ops/softmax.js";
import type { ExportContext, OpMapping } from "../op-mapping.js";

const LAYER: Record<string, string> = { Softmax: "SoftmaxAxis", LogSoftmax: "LogSoftmax" };
const ONNX: Record<string, string> = { SoftmaxAxis: "Softmax", LogSoftmax: "LogSoftmax" };

/** The layer's axes for its input's shape: resolved axis, and whether they are one axis. */
function axes(layer: LayerSpec, shape: readonly number[]): { axis: number; single: boolean; last: boolean } {
  const g = softmaxGeometry(shape, layer.attrs ?? {}, layer.op);
  const last = g.trailing ? true : g.axis === shape.length - 1;
  return { axis: g.axis, single: !g.trailing || g.axis === shape.length - 1, last };
}

export const SoftmaxMapping: OpMapping = {
  onnx: ["Softmax", "LogSoftmax"],
  read(ctx) {
    const { node, attrs, opset } = ctx;
    const x = ctx.activation(0);
    if (x === undefined) return "its input is a constant";
    const trailing = opset < 13;
    const axis = attrs.int("axis", trailing ? 1 : -1);
    if (attrs.problems.length) return attrs.problems.join(", ");
    const layerAttrs = { axis, ...(trailing ? { trailing } : {}) };
    softmaxGeometry(ctx.shapeOf(x), layerAttrs, node.opType); // an axis out of range: reported with the node
    ctx.push({ name: node.output[0], op: LAYER[node.opType] as "LogSoftmax", inputs: [x], attrs: layerAttrs });
    return undefined;
  },
  layers: ["SoftmaxAxis", "LogSoftmax"],
  minOpset(layer, shapeOf) {
    const { single, last } = axes(layer, shapeOf(layer.inputs[0]));
    return single && !last ? 13 : 7;
  },
  write(layer, ctx: ExportContext) {
    const op = ONNX[layer.op], x = ctx.tensorOf(layer.inputs[0]), shape = ctx.shapeOf(layer.inputs[0]);
    const { axis, single } = axes(layer, shape);
    if (single || ctx.opset < 13) {
      ctx.node(op, [x], layer.name, { axis });
      return;
    }
    // from opset 13 a trailing run of axes is flattened into one by hand: [d0…d(axis−1), ∏ rest]
    const flat = [...shape.slice(0, axis), shape.slice(axis).reduce((a, b) => a * b, 1)];
    const inner = ctx.initializer({ dims: [flat.length], ints: flat }, `${layer.name}.flat_shape`);
    const outer = ctx.initializer({ dims: [shape.length], ints: shape.slice() }, `${layer.name}.shape`);
    ctx.node("Reshape", [x, inner], `${layer.name}/flat`);
    ctx.node(op, [`${layer.name}/flat`], `${layer.name}/normalised`, { axis: -1 });
    ctx.node("Reshape", [`${layer.name}/normalised`, outer], layer.name);
  },
};
