// Concat as a Net layer: any number of inputs joined along `axis` (U-Net's skip connections join
// on the channel axis, 1). Its gradient cuts dy back into the inputs' pieces.
import { concat, concatBackward, concatShape } from "../../ops/concat.js";
import type { LayerOp } from "../layer-op.js";

export const ConcatLayer: LayerOp = {
  op: "Concat",
  inputs: [1, Infinity],
  attrs: ["axis"],
  shape: (inputs, attrs) => concatShape(inputs, attrs, "Concat").outShape,
  forward: (inputs, attrs) => concat(inputs, attrs as { axis: number }),
  // on the plan's blocks: for each index of the axes before `axis`, each input's run of
  // ∏ shape[axis…] values is one memory copy into its place in y (y's run is their sum)
  residentForward: (shapes, attrs) => {
    const { axis } = concatShape(shapes, attrs, "Concat");
    const outer = shapes[0].slice(0, axis).reduce((a, b) => a * b, 1);
    const runs = shapes.map((s) => s.slice(axis).reduce((a, b) => a * b, 1) * 4);
    const total = runs.reduce((a, b) => a + b, 0);
    return (rt, inputs, output) => {
      const bytes = new Uint8Array(rt.memory.buffer);
      for (let o = 0; o < outer; o++) {
        let at = output + o * total;
        for (let i = 0; i < inputs.length; i++) {
          const from = inputs[i] + o * runs[i];
          bytes.copyWithin(at, from, from + runs[i]);
          at += runs[i];
        }
      }
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
