// The backward of conv and convTranspose, written once. The two are each other's adjoint over one
// window (conv's image is convTranspose's output), so for y = op(x, w) with that window:
//   dx = the other op applied to dy with the same w (the adjoint geometry: C and M swapped);
//   dw = Σ over images of A_g · im2col(S_g)ᵀ, S the operand on the window's image side (conv: x,
//        convTranspose: dy) and A the one on its grid side (conv-engine/weight-gradient.ts), or
//        for 3×3 stride-1 windows where it measured faster and x, dy are finite, by Winograd
//        F(2×2,3×3) (conv-engine/winograd-weight-gradient.ts);
//   db = Σ dy per output channel.
// convBackward, convTransposeBackward and Net's training plan all run it.
import type { Runtime } from "../runtime/runtime.js";
import type { ConvGeometry } from "../shape.js";
import { type Tensor, tensor } from "../tensor.js";
import { convForward } from "./conv-engine/forward.js";
import { type WeightGradientCall, weightGradient } from "./conv-engine/weight-gradient.js";
import { winogradWeightGradient, winogradWeightGradientPays } from "./conv-engine/winograd-weight-gradient.js";
import { type ConvTransposeAlgorithm, chooseAlgorithm, runTransposed } from "./conv-transpose/algorithm.js";
import { allFinite, operandFinite } from "./finite.js";
import { channelSums, operand, product, withArena } from "./run.js";

/** Which op a geometry belongs to: resolveConv's or resolveConvTranspose's. */
export type ConvOp = "Conv" | "ConvTranspose";

/** Which gradients to compute: Net skips dx of a layer fed by data and dw of a frozen layer. */
export interface WantedGradients { dx: boolean; dw: boolean }

/** The backward of one layer, resolved once per geometry (a Net plan keeps it). */
export interface ConvGradientPlan {
  op: ConvOp;
  g: ConvGeometry;
  /** dx's geometry: the other op with C and M swapped, whose output is x [N, C, spatial…]. */
  adjoint: ConvGeometry;
  /** Conv: the transposed-convolution algorithm dx runs on (null for convTranspose, whose dx is a conv). */
  algorithm: ConvTransposeAlgorithm | null;
}

/** Byte offsets of the operands and of the gradients to write (0: not wanted). */
export interface GradientBuffers {
  dy: number;
  x: number;
  w: number;
  dx: number;
  dw: number;
  db: number;
  /** Whether w holds only finite values (a resident operand's kept answer); default: scan it. */
  wFinite?: () => boolean;
}

/** The backward of a layer of `op` with geometry `g` (as resolveConv / resolveConvTranspose give it). */
export function planConvGradients(op: ConvOp, g: ConvGeometry): ConvGradientPlan {
  const { N, C, M, group, window } = g;
  const xSpatial = op === "Conv" ? window.image : window.grid;
  const adjoint: ConvGeometry = { N, C: M, M: C, group, window, outShape: [N, C, ...xSpatial] };
  return { op, g, adjoint, algorithm: op === "Conv" ? chooseAlgorithm(adjoint) : null };
}

/** Writes the wanted gradients of the layer `p` describes; dy, x and w are read only. */
export function runConvGradients(rt: Runtime, p: ConvGradientPlan, b: GradientBuffers): void {
  const { N, C, M, group, window } = p.g;
  if (b.dx !== 0) {
    if (p.op === "Conv") runTransposed(rt, p.algorithm!, { g: p.adjoint, x: b.dy, w: b.w, b: 0, y: b.dx, wFinite: b.wFinite });
    else convForward(rt, p.adjoint, b.dy, b.w, 0, b.dx);
  }
  // The window slides over S (image side) and steps through A's positions (grid side).
  const [a, aChannels, s, sChannels] = p.op === "Conv" ? [b.dy, M, b.x, C] : [b.x, C, b.dy, M];
  if (b.dw !== 0) {
    const call: WeightGradientCall = { window, N, group, a, rows: aChannels / group, s, sChannels: sChannels / group, dw: b.dw };
    // Winograd mixes every dy·x product within a tile, so a NaN or ±∞ would reach dW entries whose
    // own terms never touch it: with any in x or dy, the direct sum (the scan is ~1/10 of a copy).
    const finite = () => allFinite(rt, a, N * aChannels * product(window.grid)) && allFinite(rt, s, N * sChannels * product(window.image));
    if (winogradWeightGradientPays(call) && finite()) winogradWeightGradient(rt, call);
    else weightGradient(rt, call);
  }
  if (b.db !== 0) {
    const plane = product(p.op === "Conv" ? window.grid : window.image);
    rt.arena.commit(); // dy may still wait to be copied in (an op call that wanted neither dx nor dw)
    rt.arena.f32(b.db, M).set(channelSums(rt.arena.f32(b.dy, N * M * plane), N, M, plane));
  }
}

/**
 * The op-level backward: dy, x and w copied in (or read where resident), the wanted gradients
 * computed and copied out (null for the unwanted; db always). `name` names the operands in errors.
 */
export function gradientTensors(name: string, op: ConvOp, g: ConvGeometry, t: { dy: Tensor; x: Tensor; w: Tensor }, want: WantedGradients): { dx: Tensor | null; dw: Tensor | null; db: Tensor } {
  const p = planConvGradients(op, g);
  const xShape = p.adjoint.outShape, wShape = t.w.shape.slice();
  const xSize = product(xShape), wSize = product(wShape);
  return withArena((rt) => {
    const dy = operand(rt, t.dy, `${name}(dy)`);
    const x = want.dw ? operand(rt, t.x, `${name}(x)`) : 0;
    const w = want.dx ? operand(rt, t.w, `${name}(w)`) : 0;
    const dx = want.dx ? rt.arena.alloc(xSize * 4, `${name} dx`) : 0;
    const dw = want.dw ? rt.arena.alloc(wSize * 4, `${name} dw`) : 0;
    const db = rt.arena.alloc(g.M * 4, `${name} db`);
    runConvGradients(rt, p, { dy, x, w, dx, dw, db, wFinite: want.dx ? operandFinite(rt, t.w, w) : undefined });
    return {
      dx: want.dx ? tensor(rt.arena.take(dx, xSize), xShape.slice()) : null,
      dw: want.dw ? tensor(rt.arena.take(dw, wSize), wShape) : null,
      db: tensor(rt.arena.take(db, g.M), [g.M]),
    };
  });
}
