// Concat as a Net layer: any number of inputs joined along `axis` (U-Net's skip connections join
// on the channel axis, 1). Its gradient cuts dy back into the inputs' pieces. On the resident
// plan it copies the input blocks into the output block directly.
import { concat, concatBackward, concatShape } from "../../ops/concat.js";
import type { LayerOp } from "../layer-op.js";

export const ConcatLayer: LayerOp = {
  op: "Concat",
  inputs: [1, Infinity],
  attrs: ["axis"],
  shape: (inputs, attrs) => concatShape(inputs, attrs, "Concat").outShape,
  forward: (inputs, attrs) => concat(inputs, attrs as { axis: number }),
  // on the resident plan: each input's rows copied straight into the output block (a copy has no
  // arithmetic, so the bits are concat's). Input k, viewed as [outer, d_k·inner], lands in the
  // output [outer, D·inner] at column offset (Σ_{j<k} d_j)·inner.
  resident: (shapes, attrs) => {
    const { axis, outShape } = concatShape(shapes, attrs, "Concat");
    const outer = outShape.slice(0, axis).reduce((a, b) => a * b, 1), inner = outShape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const rowOut = outShape[axis] * inner * 4; // bytes
    return (rt, inputs, y) => {
      const bytes = new Uint8Array(rt.memory.buffer);
      let col = 0;
      shapes.forEach((s, k) => {
        const row = s[axis] * inner * 4;
        for (let o = 0; o < outer; o++) bytes.copyWithin(y + o * rowOut + col, inputs[k] + o * row, inputs[k] + (o + 1) * row);
        col += row;
      });
    };
  },
  backward: (dy, inputs, _y, attrs) => {
    const { axis } = concatShape(inputs.map((t) => t.shape), attrs, "Concat");
    return { inputs: concatBackward(dy, inputs.map((t) => t.shape[axis]), { axis }) };
  },
  // joining channels keeps the spatial grid; joining along a spatial axis does not
  keepsCoordinates: (inputs, out, attrs) => {
    const axis = concatShape(inputs, attrs, "Concat").axis;
    return axis < 2 && out.length === inputs[0].length;
  },
};
