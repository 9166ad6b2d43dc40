// MatMul as a Net layer (ONNX MatMul, numpy semantics, src/ops/matmul.ts), two forms:
//  - one input x and a parameter `<layer>.weight` of `attrs.weightShape`: y = x·weight (a linear
//    layer without bias, as PyTorch exports Linear(bias=False) or a 1×1 projection over the last
//    axis); trainable by default, a weight nobody gives starts at 0;
//  - two inputs [a, b], both activations (or Constant layers): y = a·b, no parameters.
import { AttributeError, ShapeError } from "../../errors.js";
import { broadcastShapes } from "../../broadcast.js";
import { matmul, matmulBackward } from "../../ops/matmul.js";
import type { LayerOp } from "../layer-op.js";
import { checkTrainable, readShapeAttr } from "./param-attrs.js";

/** matmul's output shape for operands of these shapes (numpy's rules). */
function matmulShape(a: readonly number[], b: readonly number[]): number[] {
  if (a.length === 0 || b.length === 0) throw new ShapeError(`MatMul: operands [${a.join(", ")}] and [${b.join(", ")}] must have rank ≥ 1`);
  const a2 = a.length === 1 ? [1, a[0]] : a, b2 = b.length === 1 ? [b[0], 1] : b;
  const K = a2[a2.length - 1], Kb = b2[b2.length - 2];
  if (K !== Kb) throw new ShapeError(`MatMul: inner dimensions differ: [${a.join(", ")}] (K = ${K}) · [${b.join(", ")}] (K = ${Kb})`);
  const batch = broadcastShapes(a2.slice(0, -2), b2.slice(0, -2), "MatMul (batch axes)");
  return [...batch, ...(a.length === 1 ? [] : [a2[a2.length - 2]]), ...(b.length === 1 ? [] : [b2[b2.length - 1]])];
}

export const MatMulLayer: LayerOp = {
  op: "MatMul",
  inputs: [1, 2],
  roles: "[a] with attrs.weightShape, or [a, b]",
  attrs: ["weightShape", "trainable"],
  check: (a) => {
    if (a.weightShape !== undefined) readShapeAttr(a.weightShape, "attrs.weightShape");
    checkTrainable(a);
  },
  shape: (inputs, a) => {
    const w = a.weightShape as number[] | undefined;
    if (inputs.length === 1 && w === undefined) throw new AttributeError("MatMul with one input needs attrs.weightShape (its weight's dims); or give two inputs");
    if (inputs.length === 2 && w !== undefined) throw new AttributeError("MatMul with two inputs takes no attrs.weightShape (it has no weight)");
    return matmulShape(inputs[0], inputs.length === 2 ? inputs[1] : w!);
  },
  params: (a): Record<string, number[]> => (a.weightShape === undefined ? {} : { weight: (a.weightShape as number[]).slice() }),
  trainable: true,
  forward: (inputs, _a, p) => matmul(inputs[0], inputs.length === 2 ? inputs[1] : p.weight),
  backward: (dy, inputs, _y, _a, p) => {
    if (inputs.length === 2) {
      const { da, db } = matmulBackward(dy, inputs[0], inputs[1]);
      return { inputs: [da, db] };
    }
    const { da, db } = matmulBackward(dy, inputs[0], p.weight);
    return { inputs: [da], params: { weight: db } };
  },
  keepsCoordinates: () => false,
};
