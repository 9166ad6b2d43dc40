// The cost model that picks one of the three transposed-convolution algorithms (they compute the
// same numbers), and the dispatch to it. Used by convTranspose and by convBackward (whose dx is a
// transposed convolution).
import type { Runtime } from "../../runtime/runtime.js";
import type { ConvGeometry } from "../../shape.js";
import type { TransposedBuffers } from "./buffers.js";
import { convTransposeDepthwise } from "./depthwise.js";
import { convTransposeGemmCol2im, gemmCol2imWorkspaceBytes } from "./gemm-col2im.js";
import { convTransposeSubpixel, subpixelApplies, subpixelWaste, subpixelWorkspaceBytes } from "./subpixel.js";

export type ConvTransposeAlgorithm = "subpixel" | "gemm-col2im" | "depthwise";

/**
 * Largest MAC overhead the sub-pixel path may spend on zero taps (k not a multiple of s) and still
 * be chosen: its GEMM has a deeper K (C·⌈k/s⌉² instead of C) and skips the (k/s)²-times column
 * buffer, which outweighs up to ~1.5× extra multiplications.
 */
export const SUBPIXEL_MAX_WASTE = 1.5;

/**
 * The cost model. depthwise when each group has one input channel (a direct kernel, no
 * workspace); sub-pixel when dilation is 1 and the zero taps it adds stay under
 * SUBPIXEL_MAX_WASTE; GEMM + col2im for everything else (dilation, k much smaller than s).
 */
export function chooseAlgorithm(g: ConvGeometry): ConvTransposeAlgorithm {
  if (g.C / g.group === 1) return "depthwise";
  if (subpixelApplies(g) && subpixelWaste(g) <= SUBPIXEL_MAX_WASTE) return "subpixel";
  return "gemm-col2im";
}

/** Whether `algorithm` can run this geometry at all (the cost model aside). */
export function algorithmApplies(g: ConvGeometry, algorithm: ConvTransposeAlgorithm): boolean {
  if (algorithm === "depthwise") return g.C / g.group === 1;
  if (algorithm === "subpixel") return subpixelApplies(g);
  return true;
}

/** Extra memory `algorithm` borrows for one call, beyond inputs and output (GEMM packing aside). */
export function workspaceBytes(g: ConvGeometry, algorithm: ConvTransposeAlgorithm): number {
  if (algorithm === "depthwise") return 0;
  if (algorithm === "subpixel") return subpixelWorkspaceBytes(g);
  return gemmCol2imWorkspaceBytes(g);
}

export function runTransposed(rt: Runtime, algorithm: ConvTransposeAlgorithm, t: TransposedBuffers): void {
  if (algorithm === "depthwise") convTransposeDepthwise(rt, t);
  else if (algorithm === "subpixel") convTransposeSubpixel(rt, t);
  else convTransposeGemmCol2im(rt, t);
}
