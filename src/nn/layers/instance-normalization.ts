// InstanceNormalization as a Net layer: parameters `<layer>.scale` and `.bias`, each [channels],
// trainable by default; the per-plane statistics are computed from the input every run, and the
// backward goes through them (src/ops/instance-normalization.ts).
import { readEpsilon } from "../../ops/batch-normalization.js";
import { instanceNormalization, instanceNormalizationBackward } from "../../ops/instance-normalization.js";
import type { LayerOp } from "../layer-op.js";
import { checkChannelsAttrs, checkChannelsInput } from "./param-attrs.js";

export const InstanceNormalizationLayer: LayerOp = {
  op: "InstanceNormalization",
  inputs: 1,
  attrs: ["channels", "epsilon", "trainable"],
  check: (attrs) => {
    checkChannelsAttrs(attrs);
    readEpsilon({ epsilon: attrs.epsilon }, "InstanceNormalization");
  },
  shape: (inputs, attrs) => checkChannelsInput(inputs[0], attrs.channels as number, "InstanceNormalization"),
  params: (attrs) => ({ scale: [attrs.channels as number], bias: [attrs.channels as number] }),
  trainable: true,
  forward: ([x], attrs, p) => instanceNormalization(x, p.scale, p.bias, { epsilon: attrs.epsilon as number | undefined }),
  backward: (dy, [x], _y, attrs, p) => {
    const { dx, dscale, dbias } = instanceNormalizationBackward(dy, x, p.scale, { epsilon: attrs.epsilon as number | undefined });
    return { inputs: [dx], params: { scale: dscale, bias: dbias } };
  },
};
