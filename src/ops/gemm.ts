// gemm: ONNX Gemm. Y[M×N] = alpha·op(A)·op(B) + beta·C, op(X) = Xᵀ when trans is set; C (optional)
// broadcasts one way to [M, N]: shape [], [1], [N], [1, N], [M, 1] or [M, N]. gemmBackward gives
// dA, dB and dC with gemm calls.
import { type GemmAttrs, checkAttrNames, readFlag, readNumber } from "../attrs.js";
import { ShapeError } from "../errors.js";
import { broadcastStrides } from "../broadcast.js";
import { type Tensor, checkTensor, describeShape, tensor } from "../tensor.js";
import { gemmWorkspace, runGemm, operand, withArena } from "./run.js";
import { addBackward } from "./add.js";

/**
 * ONNX Gemm (opset 22).
 * @param a [M, K], or [K, M] with transA
 * @param b [K, N], or [N, K] with transB
 * @param c optional, broadcastable to [M, N]
 * @param attrs alpha (default 1), beta (default 1), transA, transB
 * @returns y [M, N]
 */
export function gemm(a: Tensor, b: Tensor, c?: Tensor | null, attrs?: GemmAttrs): Tensor {
  const aShape = checkTensor(a, "gemm(a)");
  const bShape = checkTensor(b, "gemm(b)");
  const cShape = c == null ? null : checkTensor(c, "gemm(c)");
  const at = checkAttrNames(attrs, ["alpha", "beta", "transA", "transB"], "gemm");
  const alpha = readNumber(at.alpha, "gemm(attrs.alpha)", 1);
  const beta = readNumber(at.beta, "gemm(attrs.beta)", 1);
  const transA = readFlag(at.transA, "gemm(attrs.transA)");
  const transB = readFlag(at.transB, "gemm(attrs.transB)");
  if (aShape.length !== 2) throw new ShapeError(`gemm(a): expected a matrix (rank 2), got ${describeShape(aShape)}`);
  if (bShape.length !== 2) throw new ShapeError(`gemm(b): expected a matrix (rank 2), got ${describeShape(bShape)}`);
  const [M, K] = transA ? [aShape[1], aShape[0]] : aShape;
  const [Kb, N] = transB ? [bShape[1], bShape[0]] : bShape;
  if (K !== Kb) {
    throw new ShapeError(`gemm(b): inner dimensions differ: op(a) is ${M}×${K} but op(b) is ${Kb}×${N}${transA || transB ? ` (transA ${transA}, transB ${transB})` : ""}`);
  }
  if (cShape !== null) {
    const fits = cShape.length <= 2 && cShape.every((d, i) => d === 1 || d === [M, N][2 - cShape.length + i]);
    if (!fits) throw new ShapeError(`gemm(c): expected a shape that broadcasts to [${M}, ${N}] ([], [N], [1, N], [M, 1] or [M, N]), got ${describeShape(cShape)}`);
  }
  return withArena((rt) => {
    const pa = operand(rt, a, "gemm(a)");
    const pb = operand(rt, b, "gemm(b)");
    const py = rt.arena.alloc(M * N * 4, "gemm output");
    const work = gemmWorkspace(rt, M, N, K, "gemm", transA);
    if (cShape !== null && c != null) {
      // Y starts as c broadcast to [M, N]; the kernel then scales it by beta.
      rt.arena.commit();
      const y = rt.arena.f32(py, M * N);
      const [sm, sn] = broadcastStrides(cShape, [M, N]);
      const cd = c.data;
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) y[i * N + j] = cd[i * sm + j * sn];
    }
    runGemm(rt, {
      M, N, K,
      a: pa, lda: aShape[1], transA,
      b: pb, ldb: bShape[1], transB,
      c: py, ldc: N, alpha, beta: cShape === null ? 0 : beta, work,
    });
    return tensor(rt.arena.take(py, M * N), [M, N]);
  });
}

/**
 * The gradients of gemm, Y = α·op(A)·op(B) + β·C, from dY [M, N], each as its operand's shape:
 *   d op(A) = α·dY·op(B)ᵀ, so dA = α·dY·op(B)ᵀ (or its transpose α·op(B)·dYᵀ with transA);
 *   d op(B) = α·op(A)ᵀ·dY, so dB = α·op(A)ᵀ·dY (or α·dYᵀ·op(A) with transB);
 *   dC = β·dY summed over the axes C was broadcast along (null without c).
 * Each product is one gemm call (the transposes are its flags, never copies).
 */
export function gemmBackward(dy: Tensor, a: Tensor, b: Tensor, c?: Tensor | null, attrs?: GemmAttrs): { da: Tensor; db: Tensor; dc: Tensor | null } {
  const y = gemmShape(a, b, c, attrs, "gemmBackward");
  const dyShape = checkTensor(dy, "gemmBackward(dy)");
  if (dyShape.length !== 2 || dyShape[0] !== y.M || dyShape[1] !== y.N) throw new ShapeError(`gemmBackward(dy): expected [${y.M}, ${y.N}] (gemm's output), got ${describeShape(dyShape)}`);
  const { alpha, beta, transA, transB } = y;
  const da = transA ? gemm(b, dy, null, { alpha, transA: transB, transB: true }) : gemm(dy, b, null, { alpha, transB: !transB });
  const db = transB ? gemm(dy, a, null, { alpha, transA: true, transB: transA }) : gemm(a, dy, null, { alpha, transA: !transA });
  let dc: Tensor | null = null;
  if (c != null) {
    const cShape = c.shape.slice();
    const summed = addBackward(dy, cShape, [y.M, y.N]).da; // dY summed down to C's shape
    dc = tensor(summed.data.map((v) => beta * v), cShape);
  }
  return { da, db, dc };
}

/** gemm's checks, for its backward: the sizes and the resolved attributes. */
function gemmShape(a: Tensor, b: Tensor, c: Tensor | null | undefined, attrs: GemmAttrs | undefined, op: string): { M: number; N: number; alpha: number; beta: number; transA: boolean; transB: boolean } {
  const aShape = checkTensor(a, `${op}(a)`), bShape = checkTensor(b, `${op}(b)`);
  const at = checkAttrNames(attrs, ["alpha", "beta", "transA", "transB"], op);
  const alpha = readNumber(at.alpha, `${op}(attrs.alpha)`, 1), beta = readNumber(at.beta, `${op}(attrs.beta)`, 1);
  const transA = readFlag(at.transA, `${op}(attrs.transA)`), transB = readFlag(at.transB, `${op}(attrs.transB)`);
  if (aShape.length !== 2) throw new ShapeError(`${op}(a): expected a matrix (rank 2), got ${describeShape(aShape)}`);
  if (bShape.length !== 2) throw new ShapeError(`${op}(b): expected a matrix (rank 2), got ${describeShape(bShape)}`);
  const [M, K] = transA ? [aShape[1], aShape[0]] : aShape;
  const [Kb, N] = transB ? [bShape[1], bShape[0]] : bShape;
  if (K !== Kb) throw new ShapeError(`${op}(b): inner dimensions differ: op(a) is ${M}×${K} but op(b) is ${Kb}×${N}`);
  if (c != null) {
    const cShape = checkTensor(c, `${op}(c)`);
    const fits = cShape.length <= 2 && cShape.every((d, i) => d === 1 || d === [M, N][2 - cShape.length + i]);
    if (!fits) throw new ShapeError(`${op}(c): expected a shape that broadcasts to [${M}, ${N}], got ${describeShape(cShape)}`);
  }
  return { M, N, alpha, beta, transA, transB };
}
