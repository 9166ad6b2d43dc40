// Gemm as a Net layer (a fully connected layer: ONNX Gemm with a constant B and C, as PyTorch's
// Linear exports): y = alpha·op(x)·op(weight) + beta·bias for x [M, K] (or [K, M] with transA).
// Parameters `<layer>.weight` (`attrs.weightShape`, ONNX's B layout: [K, N], or [N, K] with
// transB) and, with `attrs.biasShape`, `<layer>.bias` (C: any shape that broadcasts to [M, N]);
// trainable by default. The shapes are attributes because a layer's parameters are known from its
// attributes alone (as Conv's outChannels); a parameter nobody gives starts at 0.
import { readFlag, readNumber } from "../../attrs.js";
import { gemm, gemmBackward } from "../../ops/gemm.js";
import { AttributeError, ShapeError } from "../../errors.js";
import type { GemmAttrs } from "../../attrs.js";
import type { LayerAttrs, LayerOp } from "../layer-op.js";
import { checkTrainable, readShapeAttr } from "./param-attrs.js";

/** The gemm attributes of the layer's attributes. */
const gemmAttrs = (a: LayerAttrs): GemmAttrs => ({ alpha: a.alpha as number | undefined, beta: a.beta as number | undefined, transA: a.transA as boolean | undefined, transB: a.transB as boolean | undefined });

export const GemmLayer: LayerOp = {
  op: "Gemm",
  inputs: 1,
  attrs: ["weightShape", "biasShape", "alpha", "beta", "transA", "transB", "trainable"],
  check: (a) => {
    if (a.weightShape === undefined) throw new AttributeError("attrs.weightShape: required (B's dims: [K, N], or [N, K] with transB), got nothing");
    readShapeAttr(a.weightShape, "attrs.weightShape", [2]);
    if (a.biasShape !== undefined) readShapeAttr(a.biasShape, "attrs.biasShape", [0, 1, 2]);
    readNumber(a.alpha, "attrs.alpha", 1);
    readNumber(a.beta, "attrs.beta", 1);
    readFlag(a.transA, "attrs.transA");
    readFlag(a.transB, "attrs.transB");
    checkTrainable(a);
  },
  shape: ([x], a) => {
    if (x.length !== 2) throw new ShapeError(`Gemm: input [${x.join(", ")}] should be a matrix [M, K] (rank 2; a Flatten before it makes one)`);
    const w = a.weightShape as number[], transA = readFlag(a.transA, "transA"), transB = readFlag(a.transB, "transB");
    const [M, K] = transA ? [x[1], x[0]] : x, [Kb, N] = transB ? [w[1], w[0]] : w;
    if (K !== Kb) throw new ShapeError(`Gemm: op(input) is ${M}×${K} but op(weight) is ${Kb}×${N}${transA || transB ? ` (transA ${transA}, transB ${transB})` : ""}`);
    const c = a.biasShape as number[] | undefined;
    if (c !== undefined && !(c.length <= 2 && c.every((d, i) => d === 1 || d === [M, N][2 - c.length + i]))) throw new ShapeError(`Gemm: bias [${c.join(", ")}] does not broadcast to [${M}, ${N}]`);
    return [M, N];
  },
  params: (a) => ({ weight: (a.weightShape as number[]).slice(), ...(a.biasShape !== undefined ? { bias: (a.biasShape as number[]).slice() } : {}) }),
  trainable: true,
  forward: ([x], a, p) => gemm(x, p.weight, p.bias ?? null, gemmAttrs(a)),
  backward: (dy, [x], _y, a, p) => {
    const { da, db, dc } = gemmBackward(dy, x, p.weight, p.bias ?? null, gemmAttrs(a));
    return { inputs: [da], params: { weight: db, ...(dc !== null ? { bias: dc } : {}) } };
  },
  keepsCoordinates: () => false,
};
