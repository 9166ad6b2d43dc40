// Plain-TS references for ONNX Gemm and MatMul (opset 22): triple loops with float64 sums.
// Independent of src/: never import the package. Row-major everywhere; shapes in letters:
// op(A) is M×K, op(B) is K×N, Y is M×N.
import type { Arr, Ref } from "./window-ops.js";

export interface GemmAttrs {
  alpha?: number;
  beta?: number;
  transA?: boolean | 0 | 1;
  transB?: boolean | 0 | 1;
}

/**
 * ONNX Gemm: Y[i, j] = alpha · Σ_k op(A)[i, k] · op(B)[k, j] + beta · C[i, j], where
 * op(A)[i, k] = transA ? A[k, i] : A[i, k] (A stored [K, M] or [M, K]) and
 * op(B)[k, j] = transB ? B[j, k] : B[k, j] (B stored [N, K] or [K, N]).
 * C (optional) broadcasts unidirectionally to [M, N]: its shape, aligned at the right, has each
 * axis equal to the target's or 1 ([], [1], [N], [1, N], [M, 1], [M, N]); a size-1 axis repeats.
 */
export function gemmRef(a: Arr, b: Arr, c: Arr | null, attrs: GemmAttrs = {}): Ref {
  const alpha = attrs.alpha ?? 1, beta = attrs.beta ?? 1;
  const tA = attrs.transA === true || attrs.transA === 1;
  const tB = attrs.transB === true || attrs.transB === 1;
  const [M, K] = tA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [Kb, N] = tB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (K !== Kb) throw new Error(`reference: inner dimensions ${K} and ${Kb} differ`);
  const lda = a.shape[1], ldb = b.shape[1];
  // C's strides against [M, N]: 0 on a size-1 (or missing) axis.
  let cRowStride = 0, cColStride = 0;
  if (c !== null) {
    const cs = c.shape;
    if (cs.length > 2) throw new Error("reference: C of rank > 2");
    const cM = cs.length === 2 ? cs[0] : 1;
    const cN = cs.length >= 1 ? cs[cs.length - 1] : 1;
    if ((cM !== 1 && cM !== M) || (cN !== 1 && cN !== N)) throw new Error(`reference: C [${cs.join(", ")}] does not broadcast to [${M}, ${N}]`);
    cColStride = cN === 1 ? 0 : 1;
    cRowStride = cM === 1 ? 0 : cN;
  }
  const y = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const aik = tA ? a.data[k * lda + i] : a.data[i * lda + k];
        const bkj = tB ? b.data[j * ldb + k] : b.data[k * ldb + j];
        sum += aik * bkj;
      }
      y[i * N + j] = alpha * sum + (c === null ? 0 : beta * c.data[i * cRowStride + j * cColStride]);
    }
  return { data: y, shape: [M, N] };
}

/**
 * ONNX MatMul (numpy.matmul): a [..., M, K] · b [..., K, N] → [...batch, M, N].
 * A 1-D a is read as [1, K] and a 1-D b as [K, 1]; that added axis is removed from the result.
 * The batch axes (all but the last two) broadcast numpy-style: aligned at the right, each pair
 * equal or one of them 1 (a missing axis counts as 1).
 * y[β, i, j] = Σ_k a[β_a, i, k] · b[β_b, k, j], where β_a/β_b is β with 0 on a's/b's size-1 axes.
 */
export function matmulRef(a: Arr, b: Arr): Ref {
  if (a.shape.length === 0 || b.shape.length === 0) throw new Error("reference: MatMul of a scalar");
  const as = a.shape.length === 1 ? [1, a.shape[0]] : a.shape.slice();
  const bs = b.shape.length === 1 ? [b.shape[0], 1] : b.shape.slice();
  const M = as[as.length - 2], K = as[as.length - 1];
  const Kb = bs[bs.length - 2], N = bs[bs.length - 1];
  if (K !== Kb) throw new Error(`reference: inner dimensions ${K} and ${Kb} differ`);
  const ab = as.slice(0, -2), bb = bs.slice(0, -2);
  const rank = Math.max(ab.length, bb.length);
  const batch: number[] = [];
  for (let t = 0; t < rank; t++) {
    const da = ab[ab.length - rank + t] ?? 1, db = bb[bb.length - rank + t] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`reference: batch axes ${da} and ${db} do not broadcast`);
    batch.push(da === 1 ? db : da); // not max(da, db): a batch axis of 0 broadcast with 1 stays 0 (numpy)
  }
  const count = batch.reduce((p, v) => p * v, 1);
  /** Flat index of batch entry `idx` (a multi-index into `batch`) in an operand with batch axes `own`. */
  const flat = (own: number[], idx: number[]): number => {
    let f = 0;
    for (let t = 0; t < own.length; t++) {
      const it = idx[rank - own.length + t];
      f = f * own[t] + (own[t] === 1 ? 0 : it);
    }
    return f;
  };
  const y = new Float64Array(count * M * N);
  const idx = new Array<number>(rank).fill(0);
  for (let e = 0; e < count; e++) {
    // idx = the multi-index of batch entry e (row-major)
    let rest = e;
    for (let t = rank - 1; t >= 0; t--) {
      idx[t] = rest % batch[t];
      rest = Math.floor(rest / batch[t]);
    }
    const aBase = flat(ab, idx) * M * K, bBase = flat(bb, idx) * K * N;
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let sum = 0;
        for (let k = 0; k < K; k++) sum += a.data[aBase + i * K + k] * b.data[bBase + k * N + j];
        y[(e * M + i) * N + j] = sum;
      }
  }
  const shape = [...batch, ...(a.shape.length === 1 ? [] : [M]), ...(b.shape.length === 1 ? [] : [N])];
  return { data: y, shape };
}
