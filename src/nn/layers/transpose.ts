// Transpose as a Net layer: the values move (y's axis i is x's axis perm[i]), so the gradient is dy
// transposed back; on the resident plan the strided-copy kernel moves them between the blocks.
// The coordinate map passes only when the spatial axes stay where they are (perm swaps N and C at
// most); any other perm moves the spatial axes.
import { runCopy } from "../../ops/strided-copy.js";
import { permuteCopy, readPerm, transpose, transposeBackward, transposeShape } from "../../ops/transpose.js";
import type { TransposeAttrs } from "../../ops/transpose.js";
import type { LayerAttrs, LayerOp } from "../layer-op.js";
import { checkIntList } from "./reshape.js";

/** Transpose's perm for input `shape` (absent: reversed), with errors naming the op. */
const permOf = (shape: readonly number[], attrs: LayerAttrs): number[] => readPerm(attrs.perm, shape.length, "Transpose(attrs.perm)");

export const TransposeLayer: LayerOp = {
  op: "Transpose",
  inputs: 1,
  attrs: ["perm"],
  check: (attrs) => checkIntList(attrs.perm, "attrs.perm", false),
  shape: ([x], attrs) => transposeShape(x, permOf(x, attrs)),
  forward: ([x], attrs) => transpose(x, attrs as TransposeAttrs),
  // on the resident plan: the strided-copy kernel from the input block into the output block
  resident: ([x], attrs) => {
    const c = permuteCopy(x, permOf(x, attrs));
    return (rt, [px], py) => runCopy(rt, c, px, py);
  },
  backward: (dy, [x], _y, attrs) => ({ inputs: [transposeBackward(dy, { perm: permOf(x.shape, attrs) })] }),
  // the spatial axes stay where they are when only N and C may swap
  keepsCoordinates: ([x], _out, attrs) => permOf(x, attrs).every((p, i) => (i < 2 ? p < 2 : p === i)),
};
