// The attributes of ONNX's unary activation nodes as Net layer attributes, per opset: alpha,
// beta, gamma are float attributes with the same defaults in opsets 6–22 (absent ones are left to
// the op's defaults, which are ONNX's); Clip's bounds are attributes before opset 11 and optional
// constant scalar inputs from 11 on. Anything else is a reason string the importer reports.
import type { NodeProto } from "./proto.js";
import type { NodeAttributes } from "./attributes.js";
import type { Constant } from "./constants.js";
import { ACTIVATION_ATTRS, type ActivationOp } from "../ops/activations.js";

/**
 * The layer attrs of activation node `node` (null: none to give), or why it cannot be mapped.
 * `constant(i)` is the node's i-th input when it is a constant.
 */
export function activationLayerAttrs(node: NodeProto, attrs: NodeAttributes, opset: number,
  constant: (i: number) => Constant | undefined): Record<string, number> | null | string {
  const op = node.opType as ActivationOp;
  const boundsAreInputs = op === "Clip" && opset >= 11;
  const names = boundsAreInputs ? [] : ACTIVATION_ATTRS[op];
  const unknown = attrs.names().filter((n) => !names.includes(n));
  if (unknown.length) return `attribute${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} ${unknown.length > 1 ? "are" : "is"} not supported here`;
  const out: Record<string, number> = {};
  if (boundsAreInputs) {
    for (const [i, key] of [[1, "min"], [2, "max"]] as const) {
      if (!node.input[i]) continue; // an absent optional input: ONNX's default bound
      const c = constant(i);
      if (c === undefined) return `its ${key} input "${node.input[i]}" is not a constant (Net takes constant bounds only)`;
      const values = c.floats();
      if (values.length !== 1) return `its ${key} input has ${values.length} values; Clip's bound is a scalar`;
      out[key] = values[0];
    }
  } else {
    for (const key of names) if (attrs.has(key)) out[key] = attrs.float(key, NaN);
  }
  if (attrs.problems.length) return attrs.problems.join(", ");
  return Object.keys(out).length ? out : null;
}
