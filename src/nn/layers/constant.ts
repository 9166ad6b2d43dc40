// Constant as a Net layer: no inputs, one parameter `<layer>.value` of `attrs.shape` (a tensor an
// imported model computes with: a normalisation's mean, a Concat's fixed channel, an exported
// constant operand). Fixed unless `trainable: true`; its values come with the weights.
import { AttributeError } from "../../errors.js";
import { checkDims } from "../../tensor.js";
import type { LayerOp } from "../layer-op.js";

export const ConstantLayer: LayerOp = {
  op: "Constant",
  inputs: 0,
  attrs: ["shape", "trainable"],
  check: (attrs) => {
    if (attrs.shape === undefined) throw new AttributeError("attrs.shape: required (the constant's dims), got nothing");
    try {
      checkDims(attrs.shape, "attrs.shape");
    } catch (e) {
      throw new AttributeError((e as Error).message);
    }
    if (attrs.trainable !== undefined && typeof attrs.trainable !== "boolean") throw new AttributeError(`attrs.trainable: expected true or false, got ${typeof attrs.trainable}`);
  },
  shape: (_inputs, attrs) => (attrs.shape as number[]).slice(),
  params: (attrs) => ({ value: (attrs.shape as number[]).slice() }),
  forward: (_inputs, _attrs, params) => params.value,
  backward: (dy) => ({ inputs: [], params: { value: dy } }),
  keepsCoordinates: () => false,
};
