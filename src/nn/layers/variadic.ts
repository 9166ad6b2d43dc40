// ONNX's variadic elementwise ops as Net layers: Sum, Max, Min over one or more inputs with numpy
// broadcasting (opset ≥ 8). Max/Min send dy to the winner (ties: the first input holding it).
import { broadcastAll } from "../../ops/broadcast-binary.js";
import { sum, sumBackward } from "../../ops/sum.js";
import { max, maxBackward, min, minBackward } from "../../ops/extremum.js";
import type { Tensor } from "../../tensor.js";
import type { LayerOp } from "../layer-op.js";

function variadicLayer(op: string, forward: (xs: Tensor[]) => Tensor, backward: (dy: Tensor, xs: Tensor[]) => Tensor[]): LayerOp {
  return {
    op,
    inputs: [1, Infinity],
    attrs: [],
    shape: (inputs) => broadcastAll(inputs, op),
    forward: (xs) => forward(xs),
    backward: (dy, xs) => ({ inputs: backward(dy, xs) }),
  };
}

export const SumLayer = variadicLayer("Sum", (xs) => sum(...xs), (dy, xs) => sumBackward(dy, xs.map((x) => x.shape)));
export const MaxLayer = variadicLayer("Max", (xs) => max(...xs), maxBackward);
export const MinLayer = variadicLayer("Min", (xs) => min(...xs), minBackward);
