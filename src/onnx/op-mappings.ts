// Every ONNX operator mapping (op-mapping.ts), indexed by ONNX op type (import) and by Net layer
// op (export).
import type { OpMapping } from "./op-mapping.js";
import { ConcatMapping, ConstantMapping } from "./ops/concat.js";
import { DepthToSpaceMapping } from "./ops/depth-to-space.js";
import { ReshapeMapping } from "./ops/reshape.js";
import { SqueezeMapping } from "./ops/squeeze.js";
import { TransposeMapping } from "./ops/transpose.js";
import { ResizeMapping } from "./ops/resize.js";
import { PadMapping } from "./ops/pad.js";
import { SliceMapping } from "./ops/slice.js";
import { SplitMapping } from "./ops/split.js";
import { BinaryMapping, UnaryMathMapping, VariadicMapping } from "./ops/arithmetic.js";
import { BatchNormalizationMapping } from "./ops/batch-normalization.js";
import { InstanceNormalizationMapping } from "./ops/instance-normalization.js";
import { SoftmaxMapping } from "./ops/softmax.js";
import { ArgMaxMapping } from "./ops/arg-max.js";
import { ReduceMapping } from "./ops/reduce.js";
import { LrnMapping } from "./ops/lrn.js";
import { TileMapping } from "./ops/tile.js";
import { CastMapping } from "./ops/cast.js";
import { GemmMapping, MatMulMapping } from "./ops/gemm.js";

const MAPPINGS: readonly OpMapping[] = [
  ConcatMapping, ConstantMapping,
  DepthToSpaceMapping, ReshapeMapping, SqueezeMapping, TransposeMapping,
  ResizeMapping,
  PadMapping, SliceMapping, SplitMapping,
  BinaryMapping, VariadicMapping, UnaryMathMapping,
  BatchNormalizationMapping, InstanceNormalizationMapping, SoftmaxMapping, ArgMaxMapping, CastMapping, GemmMapping, MatMulMapping, ReduceMapping, LrnMapping, TileMapping,
];

/** Import: ONNX op type → its mapping. */
export const READERS: ReadonlyMap<string, OpMapping> = new Map(MAPPINGS.flatMap((m) => (m.onnx ?? []).map((op) => [op, m] as const)));

/** Export: Net layer op → its mapping. */
export const WRITERS: ReadonlyMap<string, OpMapping> = new Map(MAPPINGS.flatMap((m) => (m.layers ?? []).map((op) => [op, m] as const)));
