// explain: the views of one operator, transposed convolution, as runnable teaching code. Each
// view takes convTranspose's arguments (x, w, b?, attrs), resolves them exactly as convTranspose
// does (same sizes, same errors), and returns { output, geometry, …its intermediate }; every
// view's output equals convTranspose's (test/explain.test.ts proves it on random cases). A view
// that cannot express an attribute throws UnsupportedError. Views that run ops (zeroInsertion,
// gradient) need `await ready()`; the others are plain TS loops.
import { scatter } from "./scatter.js";
import { zeroInsertion } from "./zero-insertion.js";
import { MATRIX_MAX_ENTRIES, matrix } from "./matrix.js";
import { gradient } from "./gradient.js";
import { subpixel } from "./subpixel.js";
import { overlapMap } from "./overlap-map.js";
import { coordMap, cropOffset, outputSize, outputSizes } from "./output-size.js";
import { bilinear } from "./bilinear.js";
export type { BilinearView } from "./bilinear.js";

export type { AdjointConv, ExplainGeometry } from "./geometry.js";
export type { ScatterStamp, ScatterView, StampTap } from "./scatter.js";
export type { ZeroInsertionMultiplies, ZeroInsertionView } from "./zero-insertion.js";
export type { MatrixView } from "./matrix.js";
export type { AdjointCheck, GradientView } from "./gradient.js";
export type { SubpixelView } from "./subpixel.js";
export type { OverlapMap } from "./overlap-map.js";
export type { ConventionSize, CoordLayer, CoordMap, LayerAxes, LayerAxis, OutputSizes } from "./output-size.js";

/** The views of transposed convolution (see each function's documentation). */
export const explain = Object.freeze({
  /** Every input pixel stamps a weighted kernel copy into the output at stride s. */
  scatter,
  /** s − 1 zeros inserted, d·(k−1) − p padding, 180°-rotated channel-swapped kernel, stride-1 conv (runs conv). */
  zeroInsertion,
  /** The convolution matrix C (dense, at most MATRIX_MAX_ENTRIES entries) and y = Cᵀ·x. */
  matrix,
  /** The input gradient of ⟨conv(z), x⟩, via convBackward (runs ops). */
  gradient,
  /** The s² phase kernels and their interleaving (dilation 1). */
  subpixel,
  /** Kernel taps reaching each output pixel (shapes only). */
  overlapMap,
  /** One layer's output size under PyTorch, ONNX, TensorFlow / TF.js and Caffe conventions. */
  outputSize,
  /** outputSize on every spatial axis of a 2-D or 3-D layer (per-axis values, ONNX pads). */
  outputSizes,
  /** Caffe's coordinate map (top = scale·bottom + shift) of a chain of layers. */
  coordMap,
  /** The Caffe/FCN crop offset aligning one blob with another, by coordinate mapping. */
  cropOffset,
  /** FCN's bilinear kernel in a depthwise transposed convolution is bilinear interpolation (runs convTranspose). */
  bilinear,
  /** The largest dense matrix explain.matrix builds (entries). */
  MATRIX_MAX_ENTRIES,
});

/** The type of the `explain` namespace object. */
export type Explain = typeof explain;
