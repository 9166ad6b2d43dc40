// depthToSpace / spaceToDepth: ONNX DepthToSpace and SpaceToDepth on [N, C, H, W] with block size
// b (ESPCN's sub-pixel shuffle, PyTorch's pixel_shuffle = CRD). As ONNX defines them, each is a
// transpose of a 6-D view of x:
//   DepthToSpace DCR: [N, b, b, C/b², H, W] perm [0, 3, 4, 1, 5, 2] → [N, C/b², H·b, W·b]
//     y[n, c, h·b + i, w·b + j] = x[n, (i·b + j)·C/b² + c, h, w]
//   DepthToSpace CRD: [N, C/b², b, b, H, W] perm [0, 1, 4, 2, 5, 3]
//     y[n, c, h·b + i, w·b + j] = x[n, c·b² + i·b + j, h, w]
//   SpaceToDepth:     [N, C, H/b, b, W/b, b] perm [0, 3, 5, 1, 2, 4] → [N, C·b², H/b, W/b]
//     y[n, (i·b + j)·C + c, h, w] = x[n, c, h·b + i, w·b + j]   (the inverse of DCR)
// Each moves values only, so its gradient is the inverse permutation of dy.
import { checkAttrNames, show } from "../attrs.js";
import { AttributeError, ShapeError } from "../errors.js";
import { type Tensor, checkDims, checkTensor, describeShape } from "../tensor.js";
import { invertPerm, permuteTensor } from "./transpose.js";

/** DepthToSpace's attributes: the block size (required) and the channel order (default DCR, ONNX's). */
export interface DepthToSpaceAttrs { blocksize: number; mode?: "DCR" | "CRD" }
/** SpaceToDepth's attribute: the block size (required). */
export interface SpaceToDepthAttrs { blocksize: number }

const MODES = ["DCR", "CRD"];

/** The 6-D view, its permutation and the output shape of one of the three rearrangements. */
interface BlockMove { view: number[]; perm: number[]; outShape: number[] }

function readBlocksize(value: unknown, name: string): number {
  if (value === undefined) throw new AttributeError(`${name}: required (the block size), got nothing`);
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 2 ** 31 - 1) throw new AttributeError(`${name}: expected an integer ≥ 1, got ${show(value)}`);
  return value;
}

function checkRank4(shape: readonly number[], name: string): void {
  if (shape.length !== 4) throw new ShapeError(`${name}: expected [N, C, H, W] (rank 4, as ONNX defines the op), got ${describeShape(shape)}`);
}

/** DepthToSpace of x `shape` (errors name `op` and its argument `arg`). */
export function depthToSpaceMove(shape: readonly number[], attrs: unknown, op = "depthToSpace", arg = "x"): BlockMove {
  const a = checkAttrNames(attrs, ["blocksize", "mode"], op);
  const b = readBlocksize(a.blocksize, `${op}(attrs.blocksize)`);
  const mode = a.mode ?? "DCR";
  if (typeof mode !== "string" || !MODES.includes(mode)) throw new AttributeError(`${op}(attrs.mode): expected "DCR" or "CRD", got ${show(mode)}`);
  checkRank4(shape, `${op}(${arg})`);
  const [N, C, H, W] = shape;
  if (C % (b * b) !== 0) throw new ShapeError(`${op}(${arg}): ${C} channels of ${describeShape(shape)} are not divisible by blocksize² = ${b * b}`);
  const c = C / (b * b);
  return mode === "DCR"
    ? { view: [N, b, b, c, H, W], perm: [0, 3, 4, 1, 5, 2], outShape: [N, c, H * b, W * b] }
    : { view: [N, c, b, b, H, W], perm: [0, 1, 4, 2, 5, 3], outShape: [N, c, H * b, W * b] };
}

/** SpaceToDepth of x `shape`. */
export function spaceToDepthMove(shape: readonly number[], attrs: unknown, op = "spaceToDepth", arg = "x"): BlockMove {
  const a = checkAttrNames(attrs, ["blocksize"], op);
  const b = readBlocksize(a.blocksize, `${op}(attrs.blocksize)`);
  checkRank4(shape, `${op}(${arg})`);
  const [N, C, H, W] = shape;
  if (H % b !== 0 || W % b !== 0) throw new ShapeError(`${op}(${arg}): the spatial size ${H}×${W} of ${describeShape(shape)} is not divisible by blocksize ${b}`);
  return { view: [N, C, H / b, b, W / b, b], perm: [0, 3, 5, 1, 2, 4], outShape: [N, C * b * b, H / b, W / b] };
}

/** The inverse of a move: from its output back to its input (`inShape`). */
function undo(m: BlockMove, inShape: readonly number[]): BlockMove {
  const inverse = invertPerm(m.perm);
  return { view: m.perm.map((p) => m.view[p]), perm: inverse, outShape: inShape.slice() };
}

function run(x: Tensor, m: BlockMove, what: string): Tensor {
  return permuteTensor(x, m.view, m.perm, m.outShape, what);
}

function checkDy(dyShape: readonly number[], want: readonly number[], op: string): void {
  if (dyShape.length !== want.length || dyShape.some((d, i) => d !== want[i])) throw new ShapeError(`${op}(dy): expected ${describeShape(want)} (the op's output for xShape), got ${describeShape(dyShape)}`);
}

/**
 * ONNX DepthToSpace (opsets 1–22; `mode` from 11, DCR before): moves blocks of b² channels into
 * b×b spatial blocks.
 * @param x [N, C, H, W], C divisible by b²
 * @returns y [N, C/b², H·b, W·b]
 */
export function depthToSpace(x: Tensor, attrs: DepthToSpaceAttrs): Tensor {
  return run(x, depthToSpaceMove(checkTensor(x, "depthToSpace(x)"), attrs), "depthToSpace(x)");
}

/**
 * Gradient of depthToSpace: dy moved back (for DCR that is spaceToDepth of dy).
 * @param dy [N, C/b², H·b, W·b]
 * @param xShape the forward input's shape [N, C, H, W]
 * @returns dx [N, C, H, W]
 */
export function depthToSpaceBackward(dy: Tensor, xShape: readonly number[], attrs: DepthToSpaceAttrs): Tensor {
  const dyShape = checkTensor(dy, "depthToSpaceBackward(dy)");
  const m = depthToSpaceMove(checkDims(xShape, "depthToSpaceBackward(xShape)"), attrs, "depthToSpaceBackward", "xShape");
  checkDy(dyShape, m.outShape, "depthToSpaceBackward");
  return run(dy, undo(m, xShape), "depthToSpaceBackward(dy)");
}

/**
 * ONNX SpaceToDepth (opsets 1–22): moves b×b spatial blocks into channels, the inverse of
 * depthToSpace in DCR mode.
 * @param x [N, C, H, W], H and W divisible by b
 * @returns y [N, C·b², H/b, W/b]
 */
export function spaceToDepth(x: Tensor, attrs: SpaceToDepthAttrs): Tensor {
  return run(x, spaceToDepthMove(checkTensor(x, "spaceToDepth(x)"), attrs), "spaceToDepth(x)");
}

/**
 * Gradient of spaceToDepth: dy moved back (depthToSpace of dy in DCR mode).
 * @param dy [N, C·b², H/b, W/b]
 * @param xShape the forward input's shape [N, C, H, W]
 * @returns dx [N, C, H, W]
 */
export function spaceToDepthBackward(dy: Tensor, xShape: readonly number[], attrs: SpaceToDepthAttrs): Tensor {
  const dyShape = checkTensor(dy, "spaceToDepthBackward(dy)");
  const m = spaceToDepthMove(checkDims(xShape, "spaceToDepthBackward(xShape)"), attrs, "spaceToDepthBackward", "xShape");
  checkDy(dyShape, m.outShape, "spaceToDepthBackward");
  return run(dy, undo(m, xShape), "spaceToDepthBackward(dy)");
}
