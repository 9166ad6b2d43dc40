// Attribute checks shared by the layer ops with per-channel parameters (BatchNormalization,
// InstanceNormalization): `channels`, the size of their [C] parameters (params() sees only the
// attributes, as Conv's outChannels), and the `trainable` flag.
import { INT_MAX, show } from "../../attrs.js";
import { AttributeError, ShapeError } from "../../errors.js";
import { describeShape } from "../../tensor.js";

/** Checks attrs.channels (required, an integer ≥ 1) and attrs.trainable (optional boolean). */
export function checkChannelsAttrs(attrs: Record<string, unknown>): void {
  const c = attrs.channels;
  if (typeof c !== "number" || !Number.isInteger(c) || c < 1 || c > INT_MAX) throw new AttributeError(`attrs.channels: expected the channel count (an integer ≥ 1; the size of the [C] parameters), got ${c === undefined ? "nothing" : show(c)}`);
  if (attrs.trainable !== undefined && typeof attrs.trainable !== "boolean") throw new AttributeError(`attrs.trainable: expected true or false, got ${show(attrs.trainable)}`);
}

/** Checks that input x [N, C, …] has the layer's `channels` on axis 1; returns x's shape. */
export function checkChannelsInput(x: readonly number[], channels: number, op: string): number[] {
  if (x.length < 2 || x[1] !== channels) throw new ShapeError(`${op}: input ${describeShape(x)} should be [N, ${channels}, …] (attrs.channels is ${channels})`);
  return x.slice();
}
