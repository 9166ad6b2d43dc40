// Attribute checks shared by the layer ops with parameters, whose shapes come from attributes
// (params() sees only the attributes, as Conv's outChannels): `channels`, the size of the
// normalisations' [C] parameters, a parameter's dims (Gemm's and MatMul's weightShape), `trainable`.
import { INT_MAX, show } from "../../attrs.js";
import { AttributeError, ShapeError } from "../../errors.js";
import { checkDims, describeShape } from "../../tensor.js";

/** Checks attrs.trainable: absent, true or false. */
export function checkTrainable(attrs: Record<string, unknown>): void {
  if (attrs.trainable !== undefined && typeof attrs.trainable !== "boolean") throw new AttributeError(`attrs.trainable: expected true or false, got ${show(attrs.trainable)}`);
}

/** Checks attrs.channels (required, an integer ≥ 1) and attrs.trainable (optional boolean). */
export function checkChannelsAttrs(attrs: Record<string, unknown>): void {
  const c = attrs.channels;
  if (typeof c !== "number" || !Number.isInteger(c) || c < 1 || c > INT_MAX) throw new AttributeError(`attrs.channels: expected the channel count (an integer ≥ 1; the size of the [C] parameters), got ${c === undefined ? "nothing" : show(c)}`);
  checkTrainable(attrs);
}

/** Checks that input x [N, C, …] has the layer's `channels` on axis 1; returns x's shape. */
export function checkChannelsInput(x: readonly number[], channels: number, op: string): number[] {
  if (x.length < 2 || x[1] !== channels) throw new ShapeError(`${op}: input ${describeShape(x)} should be [N, ${channels}, …] (attrs.channels is ${channels})`);
  return x.slice();
}

/** Checks a parameter shape attribute; rethrows checkDims' error as an AttributeError. */
export function readShapeAttr(value: unknown, name: string, rank?: readonly number[]): number[] {
  let dims: number[];
  try {
    dims = checkDims(value, name);
  } catch (e) {
    throw new AttributeError((e as Error).message);
  }
  if (rank !== undefined && !rank.includes(dims.length)) throw new AttributeError(`${name}: expected ${rank.join(" or ")} dims, got [${dims.join(", ")}]`);
  return dims;
}
