// BatchNormalization as a Net layer (inference: the statistics are frozen parameters). Parameters
// `<layer>.scale`, `.bias`, `.mean`, `.var`, each [channels]; scale and bias train by default
// (`trainable: false` freezes them), mean and var never do: the backward is the per-channel
// affine's (src/ops/batch-normalization.ts). An ONNX BatchNormalization after a conv is folded
// into it at import instead (src/onnx/fold.ts); this layer is the one that follows anything else.
// On the resident plan its forward is the wasm kernel (runChannelAffine), bit for bit the same.
import { readEpsilon, batchNormalization, batchNormalizationBackward, channelGeometry, runChannelAffine } from "../../ops/batch-normalization.js";
import type { LayerOp } from "../layer-op.js";
import { checkChannelsAttrs, checkChannelsInput } from "./param-attrs.js";

export const BatchNormalizationLayer: LayerOp = {
  op: "BatchNormalization",
  inputs: 1,
  attrs: ["channels", "epsilon", "trainable"],
  check: (attrs) => {
    checkChannelsAttrs(attrs);
    readEpsilon({ epsilon: attrs.epsilon }, "BatchNormalization");
  },
  shape: (inputs, attrs) => checkChannelsInput(inputs[0], attrs.channels as number, "BatchNormalization"),
  params: (attrs) => {
    const C = attrs.channels as number;
    return { scale: [C], bias: [C], mean: [C], var: [C] };
  },
  trainable: ["scale", "bias"],
  forward: ([x], attrs, p) => batchNormalization(x, p.scale, p.bias, p.mean, p.var, { epsilon: attrs.epsilon as number | undefined }),
  resident: ([x], attrs) => {
    const g = channelGeometry(x, "BatchNormalization");
    const epsilon = readEpsilon({ epsilon: attrs.epsilon }, "BatchNormalization");
    return (rt, [px], py, p) => runChannelAffine(rt, g, epsilon, px, p as { scale: number; bias: number; mean: number; var: number }, py);
  },
  backward: (dy, [x], _y, attrs, p) => {
    const { dx, dscale, dbias } = batchNormalizationBackward(dy, x, p.scale, p.mean, p.var, { epsilon: attrs.epsilon as number | undefined });
    return { inputs: [dx], params: { scale: dscale, bias: dbias } };
  },
};
