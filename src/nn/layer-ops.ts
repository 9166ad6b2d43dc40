// Every layer op (layer-op.ts) by its GraphSpec name. Adding an op to Net: write its public op
// function in src/ops/, its LayerOp in src/nn/layers/, and list it here (and its ONNX mapping in
// src/onnx/op-mappings.ts).
import type { LayerOp } from "./layer-op.js";
import { ConcatLayer } from "./layers/concat.js";
import { ConstantLayer } from "./layers/constant.js";
import { BatchNormalizationLayer } from "./layers/batch-normalization.js";
import { InstanceNormalizationLayer } from "./layers/instance-normalization.js";
import { LogSoftmaxLayer, SoftmaxAxisLayer } from "./layers/softmax.js";
import { ArgMaxLayer } from "./layers/arg-max.js";
import { GemmLayer } from "./layers/gemm.js";
import { MatMulLayer } from "./layers/matmul.js";

/** The GraphSpec names of the layer ops. */
export type LayerOpName = "Concat" | "Constant" | "BatchNormalization" | "InstanceNormalization" | "SoftmaxAxis" | "LogSoftmax" | "ArgMax" | "Gemm" | "MatMul";

export const LAYER_OPS: ReadonlyMap<string, LayerOp> = new Map(
  [ConcatLayer, ConstantLayer, BatchNormalizationLayer, InstanceNormalizationLayer, SoftmaxAxisLayer, LogSoftmaxLayer, ArgMaxLayer, GemmLayer, MatMulLayer].map((op) => [op.op, op]),
);
