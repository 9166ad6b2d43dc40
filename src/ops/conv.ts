// conv: ONNX Conv. x [N, C, in…] ⊛ w [M, C/group, k…] (+ b [M]) → y [N, M, out…], with
// out = ⌊(in + padBegin + padEnd − d·(k−1) − 1) / s⌋ + 1 per axis (shape.ts resolveConv).
// It runs on the conv engine (conv-engine/forward.ts: im2col + GEMM per image and group, in bands
// of output rows; a direct kernel when each group has one input channel, conv-engine/depthwise.ts;
// Winograd F(2×2,3×3) or F(4×4,3×3) for 3×3 stride-1 layers with ≥ 32 input channels per group,
// conv-engine/winograd.ts);
// its backward is the one both conv ops share (conv-gradients.ts).
import type { ConvAttrs } from "../attrs.js";
import { checkAttrNames, show } from "../attrs.js";
import { AttributeError, UnsupportedError } from "../errors.js";
import { type ConvGeometry, resolveConv } from "../shape.js";
import { type Tensor, checkTensor, residentHandle, tensor } from "../tensor.js";
import { runtime } from "../runtime/runtime.js";
import { type ConvAlgorithm, chooseConvAlgorithm, convAlgorithmApplies, convForward } from "./conv-engine/forward.js";
import { convDerivedWeightBytes, convReadsPackedWeights, convWeightKey, deriveConvWeights } from "./conv-engine/packed-weights.js";
import { type WantedGradients, gradientTensors } from "./conv-gradients.js";
import { checkSameShape, operand, product, skinnyGemm, withArena } from "./run.js";
import { checkOutFits, outArray } from "./output-array.js";

export type { ConvAlgorithm };

/** Options that are not ONNX attributes. */
export interface ConvOptions {
  /**
   * Force an algorithm (for tests and benchmarks): 'depthwise' (the direct kernel; one input
   * channel per group), 'im2col-gemm', 'im2col-skinny' (the skinny GEMM over w as it is: output
   * maps of at most 4 positions, or 16 with ≥ 32 MB of weights per group), 'winograd' (F(2×2,3×3):
   * 2-D, 3×3 kernel, strides 1, dilations 1; any pads and groups; within the same bound of the
   * float64 sum as im2col) or 'winograd-f4' (F(4×4,3×3), the same geometries; error up to
   * ~90·2⁻²⁴·Σ|x·w|, bound 160, see test/conv-winograd.test.ts). 'auto' (default): depthwise for
   * one input channel per group and at most 8 output channels per group; for 3×3 stride-1
   * undilated 2-D convs with ≥ 32 input and ≥ 16 output channels per group and ≥ 49 tiles of 2×2
   * outputs, winograd-f4 when there are also ≥ 49 tiles of 4×4 outputs (28² and up), else
   * winograd (where each measured faster, winograd.ts); else im2col-skinny where it applies (fc6
   * on a 7×7 or 9×9 map), else im2col-gemm.
   */
  algorithm?: ConvAlgorithm | "auto";
  /**
   * Write y into this array (of exactly y's size) and return a tensor over it, instead of a new
   * array: a loop over one shape keeps one array and skips the first touch of fresh memory (see
   * README "Speed"). It may be x's own data (x is read first); nothing is written if the call throws.
   */
  out?: Float32Array;
}

const ALGORITHMS: readonly string[] = ["auto", "depthwise", "im2col-gemm", "im2col-skinny", "winograd", "winograd-f4"];

function pickAlgorithm(g: ConvGeometry, options: ConvOptions | undefined): ConvAlgorithm {
  const o = checkAttrNames(options, ["algorithm", "out"], "conv", "options");
  const wanted = o.algorithm ?? "auto";
  if (typeof wanted !== "string" || !ALGORITHMS.includes(wanted)) {
    throw new AttributeError(`conv(options.algorithm): expected one of ${ALGORITHMS.join(", ")}, got ${show(wanted)}`);
  }
  if (wanted === "auto") return chooseConvAlgorithm(g);
  const algorithm = wanted as ConvAlgorithm;
  if (g.window.rank === 3 && (algorithm === "winograd" || algorithm === "winograd-f4")) {
    throw new UnsupportedError(`conv(options.algorithm): '${algorithm}' is not implemented for spatial rank 3; 3-D runs on 'im2col-gemm', 'im2col-skinny' (tiny output maps) or 'depthwise'`);
  }
  if (!convAlgorithmApplies(g, algorithm)) {
    if (algorithm === "winograd" || algorithm === "winograd-f4") {
      const w = g.window;
      throw new UnsupportedError(`conv(options.algorithm): '${algorithm}' needs a 2-D 3×3 kernel with strides 1 and dilations 1, got kernelShape [${w.kernel.join(", ")}], strides [${w.strides.join(", ")}], dilations [${w.dilations.join(", ")}]`);
    }
    if (algorithm === "im2col-skinny") {
      throw new UnsupportedError(`conv(options.algorithm): 'im2col-skinny' needs an output map of at most ${skinnyGemm.narrowN} positions, or ${skinnyGemm.maxN} with ≥ ${skinnyGemm.wideMinBytes / 2 ** 20} MB of weights per group, got [${g.window.grid.join(", ")}] with ${(g.M / g.group) * (g.C / g.group) * product(g.window.kernel) * 4} bytes`);
    }
    throw new UnsupportedError(`conv(options.algorithm): '${algorithm}' needs one input channel per group (group = C), got C = ${g.C}, group = ${g.group}`);
  }
  return algorithm;
}

/** The form of a resident w `algorithm` reads (GEMM-packed, or Winograd's U; packed-weights.ts), kept beside it in the current runtime (made on first use), else 0. */
function residentPackedWeights(w: Tensor, g: ConvGeometry, algorithm: ConvAlgorithm): number {
  const handle = residentHandle(w);
  if (handle === undefined || !convReadsPackedWeights(algorithm)) return 0;
  const rt = runtime();
  const pw = handle.pointer(rt, "conv(w)");
  if (pw === null) return 0;
  try {
    return handle.derived(rt, convWeightKey(g, algorithm), convDerivedWeightBytes(g, algorithm), (out) => deriveConvWeights(rt, g, algorithm, pw, out)) ?? 0;
  } catch (e) {
    // Resident memory cannot be reserved while an async op holds the arena: pack for this call only.
    if (e instanceof UnsupportedError) return 0;
    throw e;
  }
}

/**
 * ONNX Conv (opset 22) on spatial rank 1, 2 or 3 (3-D: im2col + GEMM only).
 * @param x input [N, C, H, W] (or [N, C, L], or [N, C, D, H, W])
 * @param w weights [M, C/group, kH, kW]
 * @param b optional bias [M]
 * @param attrs strides, pads (begins then ends), dilations, group, autoPad, kernelShape
 * @param options algorithm: force one path (tests, benchmarks); default 'auto'. out: write y into this array
 * @returns y [N, M, outH, outW]
 */
export function conv(x: Tensor, w: Tensor, b?: Tensor | null, attrs?: ConvAttrs, options?: ConvOptions): Tensor {
  const xShape = checkTensor(x, "conv(x)");
  const wShape = checkTensor(w, "conv(w)");
  const bShape = b == null ? null : checkTensor(b, "conv(b)");
  const g = resolveConv(xShape, wShape, bShape, attrs);
  const algorithm = pickAlgorithm(g, options);
  const out = outArray(options?.out, "conv(options.out)");
  const outSize = product(g.outShape);
  // A resident w keeps its GEMM-packed (or Winograd) form: made on its first such call, then reused.
  const packed = residentPackedWeights(w, g, algorithm);
  return withArena((rt) => {
    if (out) checkOutFits(out, g.outShape, rt, "conv(options.out)");
    const px = operand(rt, x, "conv(x)");
    const pw = operand(rt, w, "conv(w)");
    const pb = b == null ? 0 : operand(rt, b, "conv(b)");
    const py = rt.arena.alloc(outSize * 4, "conv output");
    convForward(rt, g, px, pw, pb, py, algorithm, null, packed);
    return tensor(rt.arena.take(py, outSize, out), g.outShape);
  });
}

/**
 * Gradients of conv with respect to its input, weights and bias, given dL/dy.
 * dx is the transposed convolution of dy with the same weights and window (conv's adjoint; it
 * runs on convTranspose's fast paths). dw[m, c, k] = Σ_{n, o} dy[n, m, o]·x[n, c, o·s − p + k·d]:
 * per image and group, dw_g += dy_g [M/g, ∏out] · im2col(x_g)ᵀ. db[m] = Σ_{n, o} dy[n, m, o].
 * @param dy [N, M, outH, outW], the shape conv(x, w, b, attrs) returns
 * @param x the forward input [N, C, H, W]
 * @param w the forward weights [M, C/group, kH, kW]
 * @param attrs the forward attributes
 */
export function convBackward(dy: Tensor, x: Tensor, w: Tensor, attrs?: ConvAttrs): { dx: Tensor; dw: Tensor; db: Tensor } {
  return convGradients(dy, x, w, attrs, { dx: true, dw: true }) as { dx: Tensor; dw: Tensor; db: Tensor };
}

/** convBackward computing only the wanted gradients (null for the others; db always). */
export function convGradients(dy: Tensor, x: Tensor, w: Tensor, attrs: ConvAttrs | undefined, want: WantedGradients): { dx: Tensor | null; dw: Tensor | null; db: Tensor } {
  const dyShape = checkTensor(dy, "convBackward(dy)");
  const xShape = checkTensor(x, "convBackward(x)");
  const wShape = checkTensor(w, "convBackward(w)");
  const g = resolveConv(xShape, wShape, null, attrs, "convBackward");
  checkSameShape(dyShape, g.outShape, "convBackward(dy)", "conv's output");
  return gradientTensors("convBackward", "Conv", g, { dy, x, w }, want);
}
