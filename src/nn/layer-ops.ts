// Every layer op (layer-op.ts) by its GraphSpec name. Adding an op to Net: write its public op
// function in src/ops/, its LayerOp in src/nn/layers/, and list it here (and its ONNX mapping in
// src/onnx/op-mappings.ts).
import type { LayerOp } from "./layer-op.js";
import { ConcatLayer } from "./layers/concat.js";
import { ConstantLayer } from "./layers/constant.js";
import { DepthToSpaceLayer, SpaceToDepthLayer } from "./layers/depth-to-space.js";
import { FlattenLayer, ReshapeLayer, SqueezeLayer, UnsqueezeLayer } from "./layers/reshape.js";
import { TransposeLayer } from "./layers/transpose.js";
import { ResizeLayer } from "./layers/resize.js";
import { PadLayer } from "./layers/pad.js";
import { SliceLayer } from "./layers/slice.js";
import { BroadcastAddLayer, DivLayer, MulLayer, PowLayer, SubLayer } from "./layers/arithmetic.js";
import { MaxLayer, MinLayer, SumLayer } from "./layers/variadic.js";
import { AbsLayer, ExpLayer, NegLayer, SqrtLayer } from "./layers/unary-math.js";
import { BatchNormalizationLayer } from "./layers/batch-normalization.js";
import { InstanceNormalizationLayer } from "./layers/instance-normalization.js";
import { LogSoftmaxLayer, SoftmaxAxisLayer } from "./layers/softmax.js";
import { ArgMaxLayer } from "./layers/arg-max.js";
import { LrnLayer } from "./layers/lrn.js";
import { TileLayer } from "./layers/tile.js";
import { ReduceMaxLayer, ReduceMeanLayer, ReduceMinLayer, ReduceSumLayer } from "./layers/reduce.js";
import { GemmLayer } from "./layers/gemm.js";
import { MatMulLayer } from "./layers/matmul.js";

/** The GraphSpec names of the layer ops. */
export type LayerOpName =
  | "Concat" | "Constant"
  | "DepthToSpace" | "SpaceToDepth" | "Reshape" | "Flatten" | "Squeeze" | "Unsqueeze" | "Transpose"
  | "Resize"
  | "Pad" | "Slice"
  | "BroadcastAdd" | "Sub" | "Mul" | "Div" | "Pow" | "Sum" | "Max" | "Min" | "Sqrt" | "Exp" | "Neg" | "Abs"
  | "BatchNormalization" | "InstanceNormalization" | "SoftmaxAxis" | "LogSoftmax" | "ArgMax" | "Gemm" | "MatMul"
  | "ReduceSum" | "ReduceMean" | "ReduceMax" | "ReduceMin" | "LRN" | "Tile";

export const LAYER_OPS: ReadonlyMap<string, LayerOp> = new Map([
  ConcatLayer, ConstantLayer,
  DepthToSpaceLayer, SpaceToDepthLayer, ReshapeLayer, FlattenLayer, SqueezeLayer, UnsqueezeLayer, TransposeLayer,
  ResizeLayer,
  PadLayer, SliceLayer,
  BroadcastAddLayer, SubLayer, MulLayer, DivLayer, PowLayer, SumLayer, MaxLayer, MinLayer, SqrtLayer, ExpLayer, NegLayer, AbsLayer,
  BatchNormalizationLayer, InstanceNormalizationLayer, SoftmaxAxisLayer, LogSoftmaxLayer, ArgMaxLayer, GemmLayer, MatMulLayer,
  ReduceSumLayer, ReduceMeanLayer, ReduceMaxLayer, ReduceMinLayer, LrnLayer, TileLayer,
].map((op) => [op.op, op]));
