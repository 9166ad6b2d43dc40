// Softmax over any axes, and LogSoftmax, as Net layers with ONNX's axis semantics
// (src/ops/softmax.ts): `axis` (negative counts from the end) and `trailing` (every axis from
// `axis` on, ONNX before opset 13). Net's built-in "Softmax" layer stays what it was, the channel
// softmax (GraphSpecs and exported files that use it keep working unchanged); "SoftmaxAxis" is
// the general one the importer uses for every other axis, and what a GraphSpec uses for e.g. a
// softmax over the positions of each channel.
import { type SoftmaxAttrs, logSoftmax, logSoftmaxBackward, softmax, softmaxBackward, softmaxGeometry } from "../../ops/softmax.js";
import type { LayerOp } from "../layer-op.js";

function layer(op: string, log: boolean): LayerOp {
  return {
    op,
    inputs: 1,
    attrs: ["axis", "trailing"],
    shape: ([x], attrs) => {
      softmaxGeometry(x, attrs, op); // checks axis against the input's rank
      return x.slice();
    },
    forward: ([x], attrs) => (log ? logSoftmax : softmax)(x, attrs as SoftmaxAttrs),
    backward: (dy, _inputs, y, attrs) => ({ inputs: [(log ? logSoftmaxBackward : softmaxBackward)(dy, y, attrs as SoftmaxAttrs)] }),
  };
}

export const SoftmaxAxisLayer: LayerOp = layer("SoftmaxAxis", false);
export const LogSoftmaxLayer: LayerOp = layer("LogSoftmax", true);
