// ArgMax ↔ Net's ArgMax layer. ONNX's output is int64; Net's is float32 (the same indices), so the
// export writes ArgMax → Cast(to FLOAT) to keep the graph float and what follows it well typed.
// Opsets: axis may be negative from 11, select_last_index exists from 12.
import type { LayerSpec } from "../../nn/graph.js";
import { argMaxShape } from "../../ops/arg-max.js";
import type { OpMapping } from "../op-mapping.js";

/** TensorProto.DataType FLOAT, Cast's `to`. */
const FLOAT = 1;

export const ArgMaxMapping: OpMapping = {
  onnx: ["ArgMax"],
  read(ctx) {
    const { node, attrs, opset } = ctx;
    const x = ctx.activation(0);
    if (x === undefined) return "its input is a constant (constant folding of ArgMax is not supported yet)";
    if (opset < 12 && attrs.has("select_last_index")) return "attribute select_last_index exists from opset 12";
    const axis = attrs.int("axis", 0), keepdims = attrs.int("keepdims", 1) !== 0, selectLastIndex = attrs.int("select_last_index", 0) !== 0;
    if (attrs.problems.length) return attrs.problems.join(", ");
    const layerAttrs = { axis, keepdims, ...(selectLastIndex ? { selectLastIndex } : {}) };
    argMaxShape(ctx.shapeOf(x), layerAttrs, "ArgMax"); // a bad axis: reported with the node
    ctx.push({ name: node.output[0], op: "ArgMax", inputs: [x], attrs: layerAttrs });
    return undefined;
  },
  layers: ["ArgMax"],
  minOpset: (layer: LayerSpec) => {
    const a = (layer.attrs ?? {}) as { axis?: number; selectLastIndex?: boolean };
    return a.selectLastIndex ? 12 : (a.axis ?? 0) < 0 ? 11 : 7;
  },
  write(layer, ctx) {
    const { axis, keepdims, last } = argMaxShape(ctx.shapeOf(layer.inputs[0]), layer.attrs ?? {}, "ArgMax");
    const indices = `${layer.name}/int64`;
    ctx.node("ArgMax", [ctx.tensorOf(layer.inputs[0])], indices, { axis, keepdims: keepdims ? 1 : 0, ...(last ? { select_last_index: 1 } : {}) });
    ctx.node("Cast", [indices], layer.name, { to: FLOAT });
  },
};
