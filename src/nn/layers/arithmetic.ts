// The broadcasting binary arithmetic ops as Net layers: BroadcastAdd, Sub, Mul, Div, Pow (inputs
// [a, b], numpy broadcasting; ONNX's Add/Sub/Mul/Div/Pow from opset 7). BroadcastAdd is Add for
// operands of different shapes (an imported x + bias[C,1,1] that no conv absorbs, a residual of
// broadcastable shapes); the built-in Add layer stays the same-shape sum with its resident step.
// On the resident plan Add/Sub/Mul/Div run the wasm kernel f32_binary__simd where the shapes fit
// its [O, C, I] layout (ops/broadcast-layout.ts), with the JS path's bits.
import { broadcastShapes } from "../../broadcast.js";
import type { Tensor } from "../../tensor.js";
import { add, addBackward } from "../../ops/add.js";
import { sub, subBackward } from "../../ops/sub.js";
import { mul, mulBackward } from "../../ops/mul.js";
import { div, divBackward } from "../../ops/div.js";
import { pow, powBackward } from "../../ops/pow.js";
import { type BinaryOpName, binaryLayout, runBinary } from "../../ops/broadcast-layout.js";
import type { LayerOp } from "../layer-op.js";

/** `kernel`: the op of f32_binary__simd giving forward's bits (Pow has none: its JS loop stays). */
function binaryLayer(op: string, forward: (a: Tensor, b: Tensor) => Tensor,
  backward: (dy: Tensor, a: Tensor, b: Tensor) => { da: Tensor; db: Tensor }, kernel?: BinaryOpName): LayerOp {
  return {
    op,
    inputs: 2,
    roles: "[a, b]",
    attrs: [],
    shape: (inputs) => broadcastShapes(inputs[0], inputs[1], op),
    forward: ([a, b]) => forward(a, b),
    resident: kernel === undefined ? undefined : ([a, b]) => {
      const layout = binaryLayout(a, b);
      return layout === null ? undefined : (rt, [pa, pb], py) => runBinary(rt, kernel, layout, pa, pb, py);
    },
    backward: (dy, [a, b]) => {
      const { da, db } = backward(dy, a, b);
      return { inputs: [da, db] };
    },
  };
}

export const BroadcastAddLayer = binaryLayer("BroadcastAdd", add, (dy, a, b) => addBackward(dy, a.shape, b.shape), "add");
export const SubLayer = binaryLayer("Sub", sub, (dy, a, b) => subBackward(dy, a.shape, b.shape), "sub");
export const MulLayer = binaryLayer("Mul", mul, mulBackward, "mul");
export const DivLayer = binaryLayer("Div", div, divBackward, "div");
export const PowLayer = binaryLayer("Pow", pow, powBackward);
