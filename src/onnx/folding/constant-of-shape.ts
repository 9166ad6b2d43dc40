// ConstantOfShape: a tensor of the dims its int64 input lists, every element `value` (a one-element
// tensor attribute; float32 0 when absent) of value's element type. Zoo files write weights this
// way, so the data is made only when read.
import { DataType } from "../proto.js";
import { constantFromTensor } from "../constants.js";
import type { Folder } from "./folder.js";
import { intList, isFloatType, sizeOf } from "./values.js";

export const foldConstantOfShape: Folder = (ctx) => {
  const dims = intList(ctx.constant(0)!, "its shape input");
  if (typeof dims === "string") return dims;
  const value = ctx.attrs.get("value")?.t;
  const c = value === null || value === undefined ? undefined : constantFromTensor(value, ctx.external);
  const type = c?.dataType ?? DataType.FLOAT;
  const fill = c === undefined ? 0 : (isFloatType(type) ? c.floats()[0] : c.ints()[0]) ?? 0;
  const n = sizeOf(dims);
  if (!(dims.every((d) => d >= 0) && n <= 2 ** 28)) return `shape [${dims.join(", ")}] is not a tensor size fcn-wasm can hold`;
  return [{ dims, dataType: type, floats: () => new Float32Array(n).fill(fill), ints: () => new Array<number>(n).fill(fill) }];
};
