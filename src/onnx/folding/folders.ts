// The load-time folders by ONNX op type: the shape arithmetic exporters write around Reshape,
// Resize and Expand (Shape → Gather/Slice → Unsqueeze → Concat → Cast/Div/Floor…) is evaluated
// while importing, so the mapped layers see constants. `foldNode` runs one when the node's inputs
// are all known: every input a constant, or for Shape and Size an activation whose dims the import
// knows.
import { FcnWasmError } from "../../errors.js";
import type { Constant } from "../constants.js";
import type { FoldContext, Folder } from "./folder.js";
import { foldCast } from "./cast.js";
import { foldConcat } from "./concat.js";
import { foldConstantOfShape } from "./constant-of-shape.js";
import { foldAbs, foldAdd, foldAnd, foldOr, foldCeil, foldDiv, foldEqual, foldExp, foldFloor, foldGreater, foldIdentity, foldLess, foldMax, foldMin, foldMul, foldNeg, foldNot, foldPow, foldSqrt, foldSub, foldSum, foldWhere } from "./elementwise.js";
import { foldGather } from "./gather.js";
import { foldRange } from "./range.js";
import { foldReshape } from "./reshape.js";
import { foldShape, foldSize } from "./shape.js";
import { foldSlice } from "./slice.js";
import { foldSqueeze, foldUnsqueeze } from "./squeeze.js";
import { foldTranspose } from "./transpose.js";

export const FOLDERS: ReadonlyMap<string, Folder> = new Map<string, Folder>([
  ["Shape", foldShape], ["Size", foldSize], ["Gather", foldGather], ["Slice", foldSlice], ["Concat", foldConcat],
  ["Squeeze", foldSqueeze], ["Unsqueeze", foldUnsqueeze], ["Reshape", foldReshape], ["Transpose", foldTranspose], ["Cast", foldCast],
  ["ConstantOfShape", foldConstantOfShape], ["Range", foldRange], ["Identity", foldIdentity],
  ["Add", foldAdd], ["Sub", foldSub], ["Mul", foldMul], ["Div", foldDiv], ["Pow", foldPow], ["Floor", foldFloor], ["Ceil", foldCeil],
  ["Max", foldMax], ["Min", foldMin], ["Sum", foldSum], ["Neg", foldNeg], ["Abs", foldAbs], ["Sqrt", foldSqrt], ["Exp", foldExp],
  ["Equal", foldEqual], ["Less", foldLess], ["Greater", foldGreater], ["Not", foldNot], ["And", foldAnd], ["Or", foldOr], ["Where", foldWhere],
]);

/**
 * Folds the node when it can be: its outputs' constants, a reason it cannot (its inputs are all
 * known but the fold fails: the importer reports it), or null when the node is not a fold's (an
 * op without a folder, or an input that is an activation: the op mappings take it).
 */
export function foldNode(ctx: FoldContext): Constant[] | string | null {
  const folder = FOLDERS.get(ctx.node.opType);
  if (folder === undefined) return null;
  const inputs = ctx.node.input.map((_, i) => i).filter((i) => ctx.has(i));
  const known = (ctx.node.opType === "Shape" || ctx.node.opType === "Size") && inputs.length === 1
    ? ctx.constant(0) !== undefined || ctx.activationDims(0) !== undefined
    : inputs.length > 0 && inputs.every((i) => ctx.constant(i) !== undefined);
  if (!known) return null;
  try {
    return folder(ctx);
  } catch (e) {
    if (e instanceof FcnWasmError) return e.message; // a tensor's data that does not decode, named by the reader
    throw e;
  }
}
