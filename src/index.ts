// fcn-wasm: WebAssembly SIMD kernels for fully convolutional networks, with ONNX semantics.
// `await ready()` once, then every op is synchronous (the *Async forms and Net.runAsync yield to the event loop). Tensors are row-major float32, NCHW.
export { ready, isReady, dispose } from "./runtime/runtime.js";
export type { ReadyOptions, RuntimeInfo, BuildName } from "./runtime/runtime.js";
export { tensor } from "./tensor.js";
export type { Tensor } from "./tensor.js";
export { resident, ResidentTensor } from "./resident.js";
export { setResidentBudget, DEFAULT_RESIDENT_BUDGET } from "./runtime/eviction.js";
export { memoryInfo } from "./memory.js";
export type { MemoryInfo } from "./memory.js";
export { FcnWasmError, ShapeError, AttributeError, UnsupportedError, OutOfMemoryError, NotReadyError, PoolError, OnnxFormatError } from "./errors.js";
export type {
  AutoPad, Ints, ConvAttrs, ConvTransposeAttrs, MaxPoolAttrs, AveragePoolAttrs, Im2colAttrs, Col2imAttrs, GemmAttrs, CropAttrs,
} from "./attrs.js";
export { conv, convBackward } from "./ops/conv.js";
export type { ConvAlgorithm, ConvOptions } from "./ops/conv.js";
export { convTranspose, convTransposeBackward, convTransposePlan } from "./ops/conv-transpose.js";
export type { ConvTransposeAlgorithm, ConvTransposeOptions, ConvTransposePlan } from "./ops/conv-transpose.js";
export { maxPool, maxPoolBackward } from "./ops/max-pool.js";
export { gemm, gemmBackward } from "./ops/gemm.js";
export { matmul, matmulBackward } from "./ops/matmul.js";
export { im2col } from "./ops/im2col.js";
export { col2im } from "./ops/col2im.js";
export { relu, reluBackward } from "./ops/relu.js";
export {
  sigmoid, sigmoidBackward, tanh, tanhBackward, leakyRelu, leakyReluBackward, elu, eluBackward, selu, seluBackward,
  softplus, softplusBackward, hardSigmoid, hardSigmoidBackward, hardSwish, hardSwishBackward, clip, clipBackward,
} from "./ops/activations.js";
export type { LeakyReluAttrs, EluAttrs, SeluAttrs, HardSigmoidAttrs, ClipAttrs } from "./ops/activations.js";
export type { FusedActivation, EpilogueForm } from "./ops/fused-activation.js";
export { prelu, preluBackward } from "./ops/prelu.js";
export { globalAveragePool, globalAveragePoolBackward, globalMaxPool, globalMaxPoolBackward } from "./ops/global-pool.js";
export { averagePool, averagePoolBackward } from "./ops/average-pool.js";
export { add, addBackward } from "./ops/add.js";
export { sub, subBackward } from "./ops/sub.js";
export { mul, mulBackward } from "./ops/mul.js";
export { div, divBackward } from "./ops/div.js";
export { pow, powBackward } from "./ops/pow.js";
export { sum, sumBackward } from "./ops/sum.js";
export { max, min, maxBackward, minBackward } from "./ops/extremum.js";
export { sqrt, exp, neg, abs, sqrtBackward, expBackward, negBackward, absBackward } from "./ops/unary-math.js";
export { crop, cropBackward } from "./ops/crop.js";
export { concat, concatBackward } from "./ops/concat.js";
export type { ConcatAttrs } from "./ops/concat.js";
export { depthToSpace, depthToSpaceBackward, spaceToDepth, spaceToDepthBackward } from "./ops/depth-to-space.js";
export type { DepthToSpaceAttrs, SpaceToDepthAttrs } from "./ops/depth-to-space.js";
export { reshape, reshapeBackward, flatten, flattenBackward } from "./ops/reshape.js";
export type { ReshapeAttrs, FlattenAttrs } from "./ops/reshape.js";
export { squeeze, squeezeBackward, unsqueeze, unsqueezeBackward } from "./ops/squeeze.js";
export type { SqueezeAttrs, UnsqueezeAttrs } from "./ops/squeeze.js";
export { transpose, transposeBackward } from "./ops/transpose.js";
export type { TransposeAttrs } from "./ops/transpose.js";
export { resize, resizeBackward } from "./ops/resize.js";
export type { ResizeAttrs, ResizeMode, ResizeCoordinateMode, ResizeNearestMode } from "./ops/resize.js";
export { pad, padBackward } from "./ops/pad.js";
export type { PadAttrs, PadMode } from "./ops/pad.js";
export { slice, sliceBackward } from "./ops/slice.js";
export type { SliceAttrs } from "./ops/slice.js";
export { split, splitBackward } from "./ops/split.js";
export type { SplitAttrs } from "./ops/split.js";
export { convAsync, convTransposeAsync, gemmAsync, matmulAsync } from "./ops/async.js";
export { explain } from "./explain/index.js";
export type {
  Explain, ExplainGeometry, AdjointConv, ScatterView, ScatterStamp, StampTap, ZeroInsertionView, ZeroInsertionMultiplies,
  MatrixView, GradientView, AdjointCheck, SubpixelView, OverlapMap, OutputSizes, ConventionSize, LayerAxis, LayerAxes, CoordLayer, CoordMap,
} from "./explain/index.js";
export { validateGraph, inferShapes, analyzeGraph, parameterShapes, cropOffset, coordinateMaps, withCropOffsets, graphInputs, graphOutputs, OPS } from "./nn/graph.js";
export type {
  GraphSpec, GraphInput, InputShapes, LayerSpec, OpName, WeightInit, ParamAttrs, ConvLayerAttrs, ConvTransposeLayerAttrs, CropLayerAttrs,
  DropoutLayerAttrs, ScaleLayerAttrs, GraphAnalysis, ConvLayer, ConvTransposeLayer, MaxPoolLayer, ReluLayer, AddLayer, CropLayer,
  DropoutLayer, ScaleLayer, SoftmaxLayer, ActivationLayer, PreluLayer, PreluLayerAttrs, GlobalAveragePoolLayer, GlobalMaxPoolLayer, AveragePoolLayer,
} from "./nn/graph.js";
export { bilinearKernel, bilinearWeights, bilinearWeightsDense, bilinearUpsampling, trilinearKernel, trilinearWeights, trilinearWeightsDense, trilinearUpsampling } from "./nn/bilinear.js";
export { loadSafetensors, saveSafetensors, safetensorsMetadata, type SavedDtype } from "./nn/safetensors.js";
export { fcn } from "./nn/fcn.js";
export type { FcnOptions, FcnVariant } from "./nn/fcn.js";
export { softmaxCrossEntropy } from "./nn/loss.js";
export { softmax, softmaxBackward, logSoftmax, logSoftmaxBackward } from "./ops/softmax.js";
export type { SoftmaxAttrs } from "./ops/softmax.js";
export type { CrossEntropyOptions, CrossEntropyResult } from "./nn/loss.js";
export { SGD, Adam } from "./nn/optim.js";
export type { Optimizer } from "./nn/optim.js";
export { argmaxChannels, confusionMatrix, frequencyWeightedIU, meanAccuracy, meanIoU, pixelAccuracy } from "./nn/metrics.js";
export { Net } from "./nn/net.js";
export type { NetOptions, RunOptions } from "./nn/net.js";
export type { NetSummary, LayerSummary } from "./nn/summary.js";
export type { OnnxOptions } from "./onnx/to-graph.js";
export { syntheticSample, syntheticBatch, SYNTHETIC_CLASS_NAMES, IGNORE_LABEL } from "./nn/synthetic.js";
export type { SyntheticOptions, SyntheticSample } from "./nn/synthetic.js";
export { batchNormalization, batchNormalizationBackward } from "./ops/batch-normalization.js";
export type { BatchNormalizationAttrs } from "./ops/batch-normalization.js";
export { instanceNormalization, instanceNormalizationBackward } from "./ops/instance-normalization.js";
export type { InstanceNormalizationAttrs } from "./ops/instance-normalization.js";
export { argMax } from "./ops/arg-max.js";
export type { ArgMaxAttrs } from "./ops/arg-max.js";
export { reduceSum, reduceMean, reduceMax, reduceMin, reduceBackward } from "./ops/reduce.js";
export type { ReduceAttrs, ReduceKind } from "./ops/reduce.js";
export { lrn, lrnBackward } from "./ops/lrn.js";
export type { LrnAttrs } from "./ops/lrn.js";
export { tile, tileBackward } from "./ops/tile.js";
export type { TileAttrs } from "./ops/tile.js";
