// ONNX's broadcasting elementwise ops ↔ Net's layer ops: Sub, Div, Pow (and the Add/Mul that
// to-graph.ts does not turn into a built-in Add, a Scale or a conv bias) → BroadcastAdd, Sub, Mul,
// Div, Pow; Sum, Max, Min (variadic); Sqrt, Exp, Neg, Abs (unary).
// Nodes whose inputs are all constants are evaluated at load (folding/elementwise.ts).
// Opset differences, from the operator texts:
// - before 7, Add/Sub/Mul/Div/Pow broadcast only with `broadcast = 1`, and then B's dims are
//   aligned with A's starting at `axis` (default: A's trailing dims); from 7 both broadcast
//   numpy-style. Legacy alignment at an axis is numpy's once B gets trailing 1s: done here for a
//   constant B, and for an activation B only when the alignment is already trailing.
// - before 8, Sum/Max/Min take inputs of one shape (a special case of numpy broadcasting).
// - Pow's exponent may be an integer tensor from opset 12: a constant one is read as floats.
// Export writes each op at the lowest opset that broadcasts numpy-style: 7 (Sum/Max/Min: 8 when
// the shapes differ).
import type { LayerSpec } from "../../nn/graph.js";
import { tensor } from "../../tensor.js";
import { broadcastShapes } from "../../broadcast.js";
import { broadcastAll } from "../../ops/broadcast-binary.js";
import type { ExportContext, ImportContext, OpMapping } from "../op-mapping.js";

/**
 * Whether every input of the node is a constant: the importer evaluates such nodes at load
 * (folding/), so one that reaches a mapping is one whose evaluation failed (reported there).
 */
function allConstant(ctx: ImportContext): boolean {
  return ctx.node.input.every((_, i) => ctx.constant(i) !== undefined);
}

const ALL_CONSTANT = "every input is a constant (nodes of constants are evaluated at load, by folding/)";

/** The Net layer op of each binary ONNX op (Add and Mul arrive from to-graph.ts's fallback). */
const BINARY: Record<string, string> = { Add: "BroadcastAdd", Sub: "Sub", Mul: "Mul", Div: "Div", Pow: "Pow" };
const VARIADIC = ["Sum", "Max", "Min"];
const UNARY = ["Sqrt", "Exp", "Neg", "Abs"];

/**
 * Maps a binary broadcasting node (Add, Sub, Mul, Div, Pow) onto its layer op, constants becoming
 * Constant layers; returns a reason when it cannot.
 */
export function readBinary(ctx: ImportContext): string | undefined {
  const { node, attrs, opset } = ctx;
  const op = BINARY[node.opType];
  if (node.input.length !== 2 || !ctx.has(0) || !ctx.has(1)) return `expected 2 inputs, got ${node.input.length}`;
  const legacy = opset < 7;
  const allowed = legacy ? ["broadcast", "axis", "consumed_inputs"] : [];
  const unknown = attrs.names().filter((n) => !allowed.includes(n));
  if (unknown.length) return `attribute${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} not supported at opset ${opset}`;
  if (ctx.activation(0) === undefined && ctx.activation(1) === undefined) return ALL_CONSTANT;
  const a = ctx.operand(0)!;
  let b: string;
  if (legacy) {
    const aShape = ctx.shapeOf(a);
    const broadcast = attrs.int("broadcast", 0);
    if (ctx.activation(1) === undefined && ctx.constant(1) === undefined) ctx.operand(1); // throws: neither an activation nor a constant
    const bDims = ctx.activation(1) !== undefined ? ctx.shapeOf(ctx.activation(1)!) : ctx.constant(1)!.dims;
    if (broadcast === 0) {
      // opset < 7 without broadcast: both shapes must be the same
      b = ctx.operand(1)!;
      const bShape = ctx.shapeOf(b);
      if (bShape.length !== aShape.length || bShape.some((d, i) => d !== aShape[i])) {
        return `shapes [${aShape.join(", ")}] and [${bShape.join(", ")}] differ and broadcast = 0 (opset ${opset} broadcasts only with broadcast = 1)`;
      }
    } else {
      const axis = attrs.int("axis", aShape.length - bDims.length);
      const start = axis < 0 ? axis + aShape.length : axis;
      if (attrs.problems.length) return attrs.problems.join(", ");
      if (start < 0 || start + bDims.length > aShape.length) return `legacy broadcast: B [${bDims.join(", ")}] does not fit A [${aShape.join(", ")}] at axis ${axis}`;
      // legacy: B's dims run along A's axes start … start + rank(B) − 1, each equal to A's or 1
      if (bDims.some((d, i) => d !== aShape[start + i] && d !== 1)) return `legacy broadcast: B [${bDims.join(", ")}] does not match A [${aShape.join(", ")}] from axis ${axis}`;
      const trailing = aShape.length - start - bDims.length; // 1s to append so numpy aligns B at `axis`
      if (trailing === 0) b = ctx.operand(1)!;
      else {
        const c = ctx.constant(1);
        if (c === undefined) return `legacy broadcast of an activation B [${bDims.join(", ")}] at axis ${axis} (not A's trailing axes) needs a Reshape, which Net does not have yet`;
        b = ctx.fresh(`${node.input[1]}_at_axis${start}`);
        const dims = [...c.dims, ...new Array<number>(trailing).fill(1)];
        ctx.push({ name: b, op: "Constant", inputs: [], attrs: { shape: dims } } as LayerSpec, b);
        ctx.weight(`${b}.value`, tensor(c.floats(), dims));
      }
    }
  } else {
    b = ctx.operand(1)!;
  }
  if (attrs.problems.length) return attrs.problems.join(", ");
  broadcastShapes(ctx.shapeOf(a), ctx.shapeOf(b), node.opType); // a ShapeError here is the node's reason
  ctx.push({ name: node.output[0], op, inputs: [a, b] } as LayerSpec);
  return undefined;
}

export const BinaryMapping: OpMapping = {
  onnx: ["Sub", "Div", "Pow"],
  read: readBinary,
  layers: Object.values(BINARY),
  minOpset: () => 7,
  write(layer, ctx) {
    const onnx = Object.keys(BINARY).find((k) => BINARY[k] === layer.op)!;
    ctx.node(onnx, layer.inputs.map((blob) => ctx.tensorOf(blob)), layer.name);
  },
};

export const VariadicMapping: OpMapping = {
  onnx: VARIADIC,
  read(ctx) {
    const { node, attrs } = ctx;
    const allowed = ctx.opset < 8 ? ["consumed_inputs"] : [];
    const unknown = attrs.names().filter((n) => !allowed.includes(n));
    if (unknown.length) return `attribute${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} not supported`;
    if (node.input.length === 0) return "no inputs";
    if (node.input.some((_, i) => !ctx.has(i))) return "an input is named \"\" (absent)";
    if (allConstant(ctx)) return ALL_CONSTANT;
    const inputs = node.input.map((_, i) => ctx.operand(i)!);
    broadcastAll(inputs.map((blob) => ctx.shapeOf(blob)), node.opType); // a ShapeError here is the node's reason
    ctx.push({ name: node.output[0], op: node.opType, inputs } as LayerSpec);
    return undefined;
  },
  layers: VARIADIC,
  // one shape: any opset; broadcasting inputs: from 8
  minOpset: (layer, shapeOf) => {
    const shapes = layer.inputs.map(shapeOf);
    return shapes.every((s) => s.length === shapes[0].length && s.every((d, i) => d === shapes[0][i])) ? 7 : 8;
  },
  write: (layer: LayerSpec, ctx: ExportContext) => { ctx.node(layer.op, layer.inputs.map((blob) => ctx.tensorOf(blob)), layer.name); },
};

export const UnaryMathMapping: OpMapping = {
  onnx: UNARY,
  read(ctx) {
    const { node, attrs } = ctx;
    const allowed = ctx.opset < 6 ? ["consumed_inputs"] : [];
    const unknown = attrs.names().filter((n) => !allowed.includes(n));
    if (unknown.length) return `attribute${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} not supported`;
    if (allConstant(ctx)) return ALL_CONSTANT;
    const x = ctx.activation(0);
    if (x === undefined) return "its input is neither an activation nor a constant";
    ctx.push({ name: node.output[0], op: node.opType, inputs: [x] } as LayerSpec);
    return undefined;
  },
  layers: UNARY,
  minOpset: () => 7,
  write: (layer: LayerSpec, ctx: ExportContext) => { ctx.node(layer.op, [ctx.tensorOf(layer.inputs[0])], layer.name); },
};
