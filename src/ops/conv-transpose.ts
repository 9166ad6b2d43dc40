// convTranspose: ONNX ConvTranspose, the adjoint (matrix transpose) of conv with the same window.
// x [N, C, in…], w [C, M/group, k…] (+ b [M]) → y [N, M, out…] with
// out = s·(in − 1) + outputPadding + d·(k − 1) + 1 − padBegin − padEnd (shape.ts resolveConvTranspose).
// Three algorithms compute the same numbers (conv-transpose/*.ts); conv-transpose/algorithm.ts
// holds the cost model that picks one. Its backward is the one both conv ops share (conv-gradients.ts).
import type { ConvTransposeAttrs } from "../attrs.js";
import { checkAttrNames, show } from "../attrs.js";
import { AttributeError, UnsupportedError } from "../errors.js";
import { type ConvGeometry, resolveConvTranspose } from "../shape.js";
import { type Tensor, checkDims, checkTensor, residentHandle, tensor } from "../tensor.js";
import { runtime } from "../runtime/runtime.js";
import { checkSameShape, product, operand, withArena } from "./run.js";
import { operandFinite } from "./finite.js";
import { type WantedGradients, gradientTensors } from "./conv-gradients.js";
import {
  type ConvTransposeAlgorithm, algorithmApplies, chooseAlgorithm, packTransposedWeights, packedBuffers, packedWeightBytes, packedWeightKey, runTransposed,
  workspaceBytes,
} from "./conv-transpose/algorithm.js";
import { checkOutFits, outArray } from "./output-array.js";

export type { ConvTransposeAlgorithm };

/** What convTranspose would do for these shapes, without running it. */
export interface ConvTransposePlan {
  /** The algorithm the cost model picks. */
  algorithm: ConvTransposeAlgorithm;
  /** Extra bytes it borrows beyond inputs and output (GEMM packing panels aside). */
  workspaceBytes: number;
  /** [N, M, out…] */
  outShape: number[];
}

/**
 * The cost model's decision for a transposed convolution of x [N, C, in…] with w [C, M/group, k…]
 * under `attrs`, and the extra memory it needs: sub-pixel and depthwise need none beyond the
 * output but their small operands (phase weights, an input-sized im2col, phase outputs), GEMM +
 * col2im a column buffer of M/g·∏k·∏in floats.
 */
export function convTransposePlan(xShape: readonly number[], wShape: readonly number[], attrs?: ConvTransposeAttrs): ConvTransposePlan {
  const g = resolveConvTranspose(checkDims(xShape, "convTransposePlan(xShape)"), checkDims(wShape, "convTransposePlan(wShape)"), null, attrs, "convTransposePlan");
  const algorithm = chooseAlgorithm(g);
  return { algorithm, workspaceBytes: workspaceBytes(g, algorithm), outShape: g.outShape };
}

/** Options that are not ONNX attributes. */
export interface ConvTransposeOptions {
  /**
   * Force an algorithm (for tests and benchmarks); 'auto' (default) uses the cost model. A 3-D
   * layer runs 'gemm-col2im', 'depthwise' (both chosen by 'auto') or 'subpixel' (s_D·s_H·s_W
   * phases, conv-transpose/subpixel-3d.ts; forced only).
   */
  algorithm?: ConvTransposeAlgorithm | "auto";
  /**
   * Write y into this array (of exactly y's size) and return a tensor over it, instead of a new
   * array: a loop over one shape keeps one array and skips the first touch of fresh memory (see
   * README "Speed"). It may be x's own data (x is read first); nothing is written if the call throws.
   */
  out?: Float32Array;
}

const ALGORITHMS: readonly string[] = ["auto", "subpixel", "subpixel-winograd", "gemm-col2im", "depthwise"];

function pickAlgorithm(g: ConvGeometry, options: ConvTransposeOptions | undefined): ConvTransposeAlgorithm {
  const o = checkAttrNames(options, ["algorithm", "out"], "convTranspose", "options");
  const wanted = o.algorithm ?? "auto";
  if (typeof wanted !== "string" || !ALGORITHMS.includes(wanted)) {
    throw new AttributeError(`convTranspose(options.algorithm): expected one of ${ALGORITHMS.join(", ")}, got ${show(wanted)}`);
  }
  if (wanted === "auto") return chooseAlgorithm(g);
  const algorithm = wanted as ConvTransposeAlgorithm;
  if (g.window.rank === 3 && algorithm === "subpixel-winograd") {
    throw new UnsupportedError(`convTranspose(options.algorithm): '${algorithm}' is not implemented for spatial rank 3; 3-D runs on 'gemm-col2im', 'subpixel' or 'depthwise'`);
  }
  if (!algorithmApplies(g, algorithm)) {
    const why = algorithm === "subpixel"
      ? `dilation 1 and begin pads ≥ 0, got dilations [${g.window.dilations.join(", ")}], begin pads [${g.window.padsBegin.join(", ")}]`
      : algorithm === "subpixel-winograd"
      ? `2-D, dilation 1, begin pads ≥ 0 and ⌈k/s⌉ = 2 on both axes, got kernel [${g.window.kernel.join(", ")}], strides [${g.window.strides.join(", ")}], dilations [${g.window.dilations.join(", ")}], begin pads [${g.window.padsBegin.join(", ")}]`
      : `one input channel per group (group = C), got C = ${g.C}, group = ${g.group}`;
    throw new UnsupportedError(`convTranspose(options.algorithm): '${algorithm}' needs ${why}`);
  }
  return algorithm;
}

/** The packed form of a resident w that `algorithm` reads (W_sub, Winograd's U, or the GEMM's packed wᵀ), kept beside it in the current runtime (made on first use), else 0. */
function residentPackedWeights(w: Tensor, g: ConvGeometry, algorithm: ConvTransposeAlgorithm): number {
  const handle = residentHandle(w);
  if (handle === undefined || algorithm === "depthwise") return 0;
  const rt = runtime();
  const pw = handle.pointer(rt, "convTranspose(w)");
  if (pw === null) return 0;
  try {
    return handle.derived(rt, packedWeightKey(g, algorithm), packedWeightBytes(g, algorithm), (out) => packTransposedWeights(rt, g, algorithm, pw, out)) ?? 0;
  } catch (e) {
    // Resident memory cannot be reserved while an async op holds the arena: pack for this call only.
    if (e instanceof UnsupportedError) return 0;
    throw e;
  }
}

/**
 * ONNX ConvTranspose (opset 22) on spatial rank 1, 2 or 3 (3-D: GEMM + col2im only).
 * @param x input [N, C, H, W] (or [N, C, L], or [N, C, D, H, W])
 * @param w weights [C, M/group, kH, kW]
 * @param b optional bias [M]
 * @param attrs strides, pads, dilations, group, autoPad, outputPadding, outputShape, kernelShape
 * @param options algorithm: force one path (tests, benchmarks); default 'auto'. out: write y into this array
 * @returns y [N, M, outH, outW]
 */
export function convTranspose(x: Tensor, w: Tensor, b?: Tensor | null, attrs?: ConvTransposeAttrs, options?: ConvTransposeOptions): Tensor {
  const xShape = checkTensor(x, "convTranspose(x)");
  const wShape = checkTensor(w, "convTranspose(w)");
  const bShape = b == null ? null : checkTensor(b, "convTranspose(b)");
  const g = resolveConvTranspose(xShape, wShape, bShape, attrs);
  const algorithm = pickAlgorithm(g, options);
  const out = outArray(options?.out, "convTranspose(options.out)");
  const outSize = product(g.outShape);
  // A resident w keeps its sub-pixel phase weights or its GEMM-packed form: packed on its first such call, then reused.
  const packed = residentPackedWeights(w, g, algorithm);
  return withArena((rt) => {
    if (out) checkOutFits(out, g.outShape, rt, "convTranspose(options.out)");
    const px = operand(rt, x, "convTranspose(x)"), pw = operand(rt, w, "convTranspose(w)");
    const buffers = {
      g,
      ...packedBuffers(algorithm, packed),
      x: px,
      w: pw,
      b: b == null ? 0 : operand(rt, b, "convTranspose(b)"),
      y: rt.arena.alloc(outSize * 4, "convTranspose output"),
      // a forced or chosen sub-pixel path gives way to GEMM + col2im for a NaN or ±∞ (algorithm.ts exactAlgorithm)
      xFinite: operandFinite(rt, x, px),
      wFinite: operandFinite(rt, w, pw),
    };
    runTransposed(rt, algorithm, buffers);
    return tensor(rt.arena.take(buffers.y, outSize, out), g.outShape);
  });
}

/**
 * Gradients of convTranspose with respect to its input, weights and bias, given dL/dy.
 * dx is the (forward) convolution of dy with the same weights and window — the transposed
 * convolution's adjoint — so "running a convolution backwards" and back again closes the loop.
 * dw[c, m, k] = Σ_{n, i} x[n, c, i]·dy[n, m, i·s − p + k·d]: per image and group,
 * dw_g += x_g [C/g, ∏in] · im2col(dy_g)ᵀ. db[m] = Σ_{n, o} dy[n, m, o].
 * @param dy [N, M, outH, outW], the shape convTranspose(x, w, b, attrs) returns
 * @param x the forward input [N, C, H, W]
 * @param w the forward weights [C, M/group, kH, kW]
 * @param attrs the forward attributes
 */
export function convTransposeBackward(dy: Tensor, x: Tensor, w: Tensor, attrs?: ConvTransposeAttrs): { dx: Tensor; dw: Tensor; db: Tensor } {
  return convTransposeGradients(dy, x, w, attrs, { dx: true, dw: true }) as { dx: Tensor; dw: Tensor; db: Tensor };
}

/** convTransposeBackward computing only the wanted gradients (null for the others; db always). */
export function convTransposeGradients(dy: Tensor, x: Tensor, w: Tensor, attrs: ConvTransposeAttrs | undefined, want: WantedGradients): { dx: Tensor | null; dw: Tensor | null; db: Tensor } {
  const dyShape = checkTensor(dy, "convTransposeBackward(dy)");
  const xShape = checkTensor(x, "convTransposeBackward(x)");
  const wShape = checkTensor(w, "convTransposeBackward(w)");
  const g = resolveConvTranspose(xShape, wShape, null, attrs, "convTransposeBackward");
  checkSameShape(dyShape, g.outShape, "convTransposeBackward(dy)", "convTranspose's output");
  return gradientTensors("convTransposeBackward", "ConvTranspose", g, { dy, x, w }, want);
}
