// DepthToSpace and SpaceToDepth as Net layers (ESPCN's sub-pixel upsampling and its inverse): the
// values move between channels and b×b spatial blocks, so the gradient moves dy back. The output
// grid is not the input's (b times finer or coarser), so no coordinate map passes through.
import { depthToSpace, depthToSpaceBackward, depthToSpaceMove, spaceToDepth, spaceToDepthBackward, spaceToDepthMove } from "../../ops/depth-to-space.js";
import type { DepthToSpaceAttrs, SpaceToDepthAttrs } from "../../ops/depth-to-space.js";
import { runCopy } from "../../ops/strided-copy.js";
import { permuteCopy } from "../../ops/transpose.js";
import type { ResidentForward, LayerOp } from "../layer-op.js";

/** The block move on the plan's blocks: the strided-copy kernel reads the input block and writes the output block (planned once per shape). */
const onBlocks = (m: { view: number[]; perm: number[] }): ResidentForward => {
  const c = permuteCopy(m.view, m.perm);
  return (rt, [x], y) => runCopy(rt, c, x, y);
};

export const DepthToSpaceLayer: LayerOp = {
  op: "DepthToSpace",
  inputs: 1,
  attrs: ["blocksize", "mode"],
  check: (attrs) => { depthToSpaceMove([1, 0, 1, 1], attrs, "DepthToSpace"); },
  shape: ([x], attrs) => depthToSpaceMove(x, attrs, "DepthToSpace", "input").outShape,
  forward: ([x], attrs) => depthToSpace(x, attrs as unknown as DepthToSpaceAttrs),
  resident: ([x], attrs) => onBlocks(depthToSpaceMove(x, attrs, "DepthToSpace", "input")),
  backward: (dy, [x], _y, attrs) => ({ inputs: [depthToSpaceBackward(dy, x.shape, attrs as unknown as DepthToSpaceAttrs)] }),
  keepsCoordinates: () => false,
};

export const SpaceToDepthLayer: LayerOp = {
  op: "SpaceToDepth",
  inputs: 1,
  attrs: ["blocksize"],
  check: (attrs) => { spaceToDepthMove([1, 1, 0, 0], attrs, "SpaceToDepth"); },
  shape: ([x], attrs) => spaceToDepthMove(x, attrs, "SpaceToDepth", "input").outShape,
  forward: ([x], attrs) => spaceToDepth(x, attrs as unknown as SpaceToDepthAttrs),
  resident: ([x], attrs) => onBlocks(spaceToDepthMove(x, attrs, "SpaceToDepth", "input")),
  backward: (dy, [x], _y, attrs) => ({ inputs: [spaceToDepthBackward(dy, x.shape, attrs as unknown as SpaceToDepthAttrs)] }),
  keepsCoordinates: () => false,
};
