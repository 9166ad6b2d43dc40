// The shape-only layers: Reshape, Flatten, Squeeze, Unsqueeze. The values keep their order, only
// the shape changes, so the gradient is dy read with the input's shape. A Reshape that keeps the
// rank and the spatial sizes keeps each [H, W] plane whole, so its coordinate map passes (the
// default rule); Flatten, Squeeze and Unsqueeze change the number of spatial axes: no map passes.
import { AttributeError } from "../../errors.js";
import { readFlag, show } from "../../attrs.js";
import { flatten, flattenBackward, flattenShape, readReshapeShape, reshape, reshapeBackward, reshapeShape } from "../../ops/reshape.js";
import type { FlattenAttrs, ReshapeAttrs } from "../../ops/reshape.js";
import { squeeze, squeezeBackward, squeezeShape, unsqueeze, unsqueezeBackward, unsqueezeShape } from "../../ops/squeeze.js";
import type { SqueezeAttrs, UnsqueezeAttrs } from "../../ops/squeeze.js";
import type { LayerOp } from "../layer-op.js";

/** Checks an integer-list attribute's form before the input's rank is known. */
export function checkIntList(value: unknown, name: string, required: boolean): void {
  if (value === undefined && !required) return;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "number" || !Number.isInteger(v))) {
    throw new AttributeError(`${name}: expected an array of integers, got ${value === undefined ? "nothing" : show(value)}`);
  }
}

export const ReshapeLayer: LayerOp = {
  op: "Reshape",
  inputs: 1,
  attrs: ["shape", "allowzero"],
  check: (attrs) => {
    const shape = readReshapeShape(attrs.shape, "attrs.shape");
    if (readFlag(attrs.allowzero, "attrs.allowzero") && shape.includes(0) && shape.includes(-1)) throw new AttributeError(`attrs.shape: ${show(shape)} holds both 0 and −1, which ONNX forbids with allowzero`);
  },
  shape: ([x], attrs) => reshapeShape(x, attrs, "Reshape"),
  forward: ([x], attrs) => reshape(x, attrs as unknown as ReshapeAttrs),
  backward: (dy, [x], _y, attrs) => ({ inputs: [reshapeBackward(dy, x.shape, attrs as unknown as ReshapeAttrs)] }),
};

export const FlattenLayer: LayerOp = {
  op: "Flatten",
  inputs: 1,
  attrs: ["axis"],
  check: (attrs) => {
    if (attrs.axis !== undefined && (typeof attrs.axis !== "number" || !Number.isInteger(attrs.axis))) throw new AttributeError(`attrs.axis: expected an integer axis, got ${show(attrs.axis)}`);
  },
  shape: ([x], attrs) => flattenShape(x, attrs, "Flatten"),
  forward: ([x], attrs) => flatten(x, attrs as FlattenAttrs),
  backward: (dy, [x], _y, attrs) => ({ inputs: [flattenBackward(dy, x.shape, attrs as FlattenAttrs)] }),
  keepsCoordinates: () => false,
};

export const SqueezeLayer: LayerOp = {
  op: "Squeeze",
  inputs: 1,
  attrs: ["axes"],
  check: (attrs) => checkIntList(attrs.axes, "attrs.axes", false),
  shape: ([x], attrs) => squeezeShape(x, attrs, "Squeeze"),
  forward: ([x], attrs) => squeeze(x, attrs as SqueezeAttrs),
  backward: (dy, [x], _y, attrs) => ({ inputs: [squeezeBackward(dy, x.shape, attrs as SqueezeAttrs)] }),
  keepsCoordinates: () => false,
};

export const UnsqueezeLayer: LayerOp = {
  op: "Unsqueeze",
  inputs: 1,
  attrs: ["axes"],
  check: (attrs) => checkIntList(attrs.axes, "attrs.axes", true),
  shape: ([x], attrs) => unsqueezeShape(x, attrs, "Unsqueeze"),
  forward: ([x], attrs) => unsqueeze(x, attrs as unknown as UnsqueezeAttrs),
  backward: (dy, [x], _y, attrs) => ({ inputs: [unsqueezeBackward(dy, x.shape, attrs as unknown as UnsqueezeAttrs)] }),
  keepsCoordinates: () => false,
};
