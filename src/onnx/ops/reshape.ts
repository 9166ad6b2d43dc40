// Reshape and Flatten ↔ Net's layers of the same names.
// Reshape: the shape is an attribute before opset 5 and a constant int64 input from 5 (a computed
// shape, Shape → … → Reshape, is shape arithmetic: not mapped here); allowzero arrives in 14. The
// layer keeps the shape as written (0 copies, −1 inferred), and so does the export.
// Flatten: axis default 1, negative from opset 11; written resolved (non-negative), so any opset reads it.
import type { OpMapping } from "../op-mapping.js";
import { dataInputProblem, extraAttributes } from "./inputs.js";

export const ReshapeMapping: OpMapping = {
  onnx: ["Reshape", "Flatten"],
  read(ctx) {
    const { node, attrs, opset } = ctx;
    const problem = dataInputProblem(ctx);
    if (problem !== undefined) return problem;
    const x = ctx.activation(0)!;
    if (node.opType === "Flatten") {
      const axis = attrs.int("axis", 1);
      if (axis < 0 && opset < 11) return `a negative axis (${axis}) arrives in opset 11 (the model's is ${opset})`;
      const extra = extraAttributes(ctx, ["axis"]);
      if (extra !== undefined) return extra;
      if (attrs.problems.length) return attrs.problems.join(", ");
      ctx.push({ name: node.output[0], op: "Flatten", inputs: [x], attrs: { axis } });
      return undefined;
    }
    let shape: number[];
    if (opset < 5) {
      const s = attrs.ints("shape");
      if (s === undefined) return "attribute shape is required (opset < 5)";
      shape = s;
    } else {
      if (!ctx.has(1)) return "its shape input is required";
      const c = ctx.constant(1);
      if (c === undefined) return "its shape input is not a constant (it is computed from activation values, not from shapes, so it is not known at load)";
      if (c.dims.length !== 1) return `its shape input has dims [${c.dims.join(", ")}]; expected a 1-D tensor`;
      shape = c.ints();
    }
    const allowzero = attrs.int("allowzero", 0);
    if (attrs.has("allowzero") && opset < 14) return `attribute allowzero arrives in opset 14 (the model's is ${opset})`;
    const extra = extraAttributes(ctx, opset < 5 ? ["shape"] : ["allowzero"]);
    if (extra !== undefined) return extra;
    if (attrs.problems.length) return attrs.problems.join(", ");
    ctx.push({ name: node.output[0], op: "Reshape", inputs: [x], attrs: { shape, ...(allowzero ? { allowzero: true } : {}) } });
    return undefined;
  },
  layers: ["Reshape", "Flatten"],
  // allowzero needs opset 14 only when it changes something: a 0 in the shape
  minOpset: (layer) => {
    const a = (layer.attrs ?? {}) as { shape?: number[]; allowzero?: boolean | number };
    return layer.op === "Reshape" && (a.allowzero === true || a.allowzero === 1) && a.shape!.includes(0) ? 14 : 7;
  },
  write(layer, ctx) {
    const x = ctx.tensorOf(layer.inputs[0]);
    if (layer.op === "Flatten") {
      const rank = ctx.shapeOf(layer.inputs[0]).length, axis = (layer.attrs as { axis?: number } | undefined)?.axis ?? 1;
      ctx.node("Flatten", [x], layer.name, { axis: axis < 0 ? axis + rank : axis });
      return;
    }
    const a = layer.attrs as { shape: number[]; allowzero?: boolean | number };
    const shape = ctx.initializer({ dims: [a.shape.length], ints: a.shape.slice() }, `${layer.name}.shape`);
    const zeroIsLiteral = (a.allowzero === true || a.allowzero === 1) && a.shape.includes(0);
    ctx.node("Reshape", [x, shape], layer.name, zeroIsLiteral ? { allowzero: 1 } : {});
  },
};
