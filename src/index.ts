// fcn-wasm: WebAssembly SIMD kernels for fully convolutional networks, with ONNX semantics.
// `await ready()` once, then every op is synchronous. Tensors are row-major float32, NCHW.
export { ready, isReady } from "./runtime/runtime.js";
export type { ReadyOptions, RuntimeInfo, BuildName } from "./runtime/runtime.js";
export { tensor } from "./tensor.js";
export type { Tensor } from "./tensor.js";
export { FcnWasmError, ShapeError, AttributeError, UnsupportedError, OutOfMemoryError, NotReadyError } from "./errors.js";
export type {
  AutoPad, Ints, ConvAttrs, ConvTransposeAttrs, MaxPoolAttrs, Im2colAttrs, Col2imAttrs, GemmAttrs, CropAttrs,
} from "./attrs.js";
export { conv, convBackward } from "./ops/conv.js";
export { convTranspose, convTransposeBackward, convTransposePlan } from "./ops/conv-transpose.js";
export type { ConvTransposeAlgorithm, ConvTransposeOptions, ConvTransposePlan } from "./ops/conv-transpose.js";
export { maxPool, maxPoolBackward } from "./ops/max-pool.js";
export { gemm } from "./ops/gemm.js";
export { matmul } from "./ops/matmul.js";
export { im2col } from "./ops/im2col.js";
export { col2im } from "./ops/col2im.js";
export { relu, reluBackward } from "./ops/relu.js";
export { add, addBackward } from "./ops/add.js";
export { crop, cropBackward } from "./ops/crop.js";
export { explain } from "./explain/index.js";
export type {
  Explain, ExplainGeometry, AdjointConv, ScatterView, ScatterStamp, StampTap, ZeroInsertionView, ZeroInsertionMultiplies,
  MatrixView, GradientView, AdjointCheck, SubpixelView, OverlapMap, OutputSizes, ConventionSize, LayerAxis, CoordLayer, CoordMap,
} from "./explain/index.js";
