// convTranspose: ONNX ConvTranspose, the adjoint (matrix transpose) of conv with the same window.
// x [N, C, in…], w [C, M/group, k…] (+ b [M]) → y [N, M, out…] with
// out = s·(in − 1) + outputPadding + d·(k − 1) + 1 − padBegin − padEnd (shape.ts resolveConvTranspose).
// Three algorithms compute the same numbers (conv-transpose/*.ts); `chooseAlgorithm` is the cost model.
import type { ConvTransposeAttrs } from "../attrs.js";
import { checkAttrNames } from "../attrs.js";
import { AttributeError, UnsupportedError } from "../errors.js";
import { type ConvGeometry, resolveConvTranspose } from "../shape.js";
import { type Tensor, checkTensor, tensor } from "../tensor.js";
import { product, withArena } from "./run.js";
import { convTransposeDepthwise } from "./conv-transpose/depthwise.js";
import { convTransposeGemmCol2im, gemmCol2imWorkspaceBytes } from "./conv-transpose/gemm-col2im.js";
import { convTransposeSubpixel, subpixelApplies, subpixelWaste, subpixelWorkspaceBytes } from "./conv-transpose/subpixel.js";

export type ConvTransposeAlgorithm = "subpixel" | "gemm-col2im" | "depthwise";

/** Options that are not ONNX attributes. */
export interface ConvTransposeOptions {
  /** Force an algorithm (for tests and benchmarks); 'auto' (default) uses the cost model. */
  algorithm?: ConvTransposeAlgorithm | "auto";
}

/**
 * Largest MAC overhead the sub-pixel path may spend on zero taps (k not a multiple of s) and still
 * be chosen: its GEMM has a deeper K (C·⌈k/s⌉² instead of C) and skips the column buffer, which
 * outweighs up to ~1.5× extra multiplications (measured on the decoder shapes of bench/shapes.ts).
 */
const SUBPIXEL_MAX_WASTE = 1.5;

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

/** Extra memory the chosen algorithm borrows for one call, beyond inputs and output (GEMM packing aside). */
export function workspaceBytes(g: ConvGeometry, algorithm: ConvTransposeAlgorithm): number {
  if (algorithm === "depthwise") return 0;
  if (algorithm === "subpixel") return subpixelWorkspaceBytes(g);
  return gemmCol2imWorkspaceBytes(g);
}

function pickAlgorithm(g: ConvGeometry, options: ConvTransposeOptions | undefined): ConvTransposeAlgorithm {
  const o = checkAttrNames(options, ["algorithm"], "convTranspose(options)");
  const wanted = o.algorithm ?? "auto";
  if (wanted === "auto") return chooseAlgorithm(g);
  if (wanted === "gemm-col2im") return wanted;
  if (wanted === "subpixel") {
    if (!subpixelApplies(g)) {
      throw new UnsupportedError(`convTranspose(options.algorithm): 'subpixel' needs dilation 1 and begin pads ≥ 0, got dilations [${g.window.dilations.join(", ")}], begin pads [${g.window.padsBegin.join(", ")}]`);
    }
    return wanted;
  }
  if (wanted === "depthwise") {
    if (g.C / g.group !== 1) {
      throw new UnsupportedError(`convTranspose(options.algorithm): 'depthwise' needs one input channel per group (group = C), got C = ${g.C}, group = ${g.group}`);
    }
    return wanted;
  }
  throw new AttributeError(`convTranspose(options.algorithm): expected 'auto', 'subpixel', 'gemm-col2im' or 'depthwise', got ${String(wanted)}`);
}

/**
 * ONNX ConvTranspose (opset 22) on rank-1 or rank-2 spatial input.
 * @param x input [N, C, H, W] (or [N, C, L])
 * @param w weights [C, M/group, kH, kW]
 * @param b optional bias [M]
 * @param attrs strides, pads, dilations, group, autoPad, outputPadding, outputShape, kernelShape
 * @param options algorithm: force one path (tests, benchmarks); default 'auto'
 * @returns y [N, M, outH, outW]
 */
export function convTranspose(x: Tensor, w: Tensor, b?: Tensor | null, attrs?: ConvTransposeAttrs, options?: ConvTransposeOptions): Tensor {
  const xShape = checkTensor(x, "convTranspose(x)");
  const wShape = checkTensor(w, "convTranspose(w)");
  const bShape = b == null ? null : checkTensor(b, "convTranspose(b)");
  const g = resolveConvTranspose(xShape, wShape, bShape, attrs);
  const algorithm = pickAlgorithm(g, options);
  const outSize = g.N * g.M * product(g.window.image);
  return withArena((rt) => {
    const buffers = {
      g,
      x: rt.arena.put(x.data, "convTranspose(x)"),
      w: rt.arena.put(w.data, "convTranspose(w)"),
      b: b == null ? 0 : rt.arena.put(b.data, "convTranspose(b)"),
      y: rt.arena.alloc(outSize * 4, "convTranspose output"),
    };
    if (algorithm === "depthwise") convTransposeDepthwise(rt, buffers);
    else if (algorithm === "subpixel") convTransposeSubpixel(rt, buffers);
    else convTransposeGemmCol2im(rt, buffers);
    return tensor(rt.arena.take(buffers.y, outSize), g.outShape);
  });
}
