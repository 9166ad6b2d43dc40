// Shape: the dims of its input as an int64 list, of a constant or of an activation (whose dims the
// importer knows for the input shape it imports at). From opset 15, `start`/`end` pick a range of
// axes: negative counts from the back, both clamp to [0, rank]. Size: ∏ dims as an int64 scalar.
import { DataType } from "../proto.js";
import type { Folder } from "./folder.js";
import { valuesConstant } from "./values.js";

export const foldShape: Folder = (ctx) => {
  const dims = ctx.constant(0)?.dims ?? ctx.activationDims(0);
  if (dims === undefined) return "its input's shape is unknown";
  const rank = dims.length;
  const clamp = (v: number): number => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
  let [start, end] = [0, rank];
  if (ctx.opset >= 15) [start, end] = [clamp(ctx.attrs.int("start", 0)), clamp(ctx.attrs.int("end", rank))];
  if (ctx.attrs.problems.length) return ctx.attrs.problems.join(", ");
  const picked = dims.slice(start, Math.max(start, end));
  return [valuesConstant([picked.length], DataType.INT64, picked)];
};

export const foldSize: Folder = (ctx) => {
  const dims = ctx.constant(0)?.dims ?? ctx.activationDims(0);
  if (dims === undefined) return "its input's shape is unknown";
  return [valuesConstant([], DataType.INT64, [dims.reduce((a, b) => a * b, 1)])];
};
