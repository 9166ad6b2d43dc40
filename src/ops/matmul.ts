// matmul: ONNX MatMul, numpy semantics. A 1-D a is a row [1, K] and a 1-D b a column [K, 1] (the
// added axis is dropped from the result); leading (batch) axes broadcast. Each batch entry is one
// GEMM call on the packed kernel. matmulBackward gives dA and dB with matmul calls.
import { ShapeError } from "../errors.js";
import { broadcastShapes, broadcastStrides, forEachOuter } from "../broadcast.js";
import { type Tensor, checkTensor, describeShape, tensor } from "../tensor.js";
import { addBackward } from "./add.js";
import { type Task, gemmWorkspace, operand, pieces, product, ranges, runGemm, runTasks, threadsFor, withArena } from "./run.js";

/**
 * ONNX MatMul (opset 22): matrix product over the last two axes, batch axes broadcast.
 * @param a [..., M, K] or [K]
 * @param b [..., K, N] or [K]
 * @returns y [...batch, M, N] (without M or N where a or b was 1-D)
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const aShape = checkTensor(a, "matmul(a)");
  const bShape = checkTensor(b, "matmul(b)");
  if (aShape.length === 0 || bShape.length === 0) {
    throw new ShapeError(`matmul: expected tensors of rank ≥ 1, got ${describeShape(aShape)} and ${describeShape(bShape)}`);
  }
  const a2 = aShape.length === 1 ? [1, aShape[0]] : aShape.slice();
  const b2 = bShape.length === 1 ? [bShape[0], 1] : bShape.slice();
  const [M, K] = a2.slice(-2);
  const [Kb, N] = b2.slice(-2);
  if (K !== Kb) throw new ShapeError(`matmul(b): inner dimensions differ: a is ${describeShape(aShape)} (K = ${K}) but b is ${describeShape(bShape)} (K = ${Kb})`);
  const batch = broadcastShapes(a2.slice(0, -2), b2.slice(0, -2), "matmul (batch axes)");
  const sa = broadcastStrides(a2.slice(0, -2), batch).map((s) => s * M * K);
  const sb = broadcastStrides(b2.slice(0, -2), batch).map((s) => s * K * N);
  const outShape = [...batch, ...(aShape.length === 1 ? [] : [M]), ...(bShape.length === 1 ? [] : [N])];
  const count = product(batch);
  return withArena((rt) => {
    const pa = operand(rt, a, "matmul(a)");
    const pb = operand(rt, b, "matmul(b)");
    const py = rt.arena.alloc(count * M * N * 4, "matmul output");
    const entries: [number, number, number][] = [];
    forEachOuter(batch, 0, sa, sb, (oa, ob, n) => entries.push([oa, ob, n]));
    // Threads take whole batch entries when there are enough, else split each entry's GEMM.
    const lane = (e0: number, e1: number): Task => (r) => {
      const work = gemmWorkspace(r, M, N, K, "matmul", false);
      for (let e = e0; e < e1; e++) {
        const [oa, ob, n] = entries[e];
        runGemm(r, {
          M, N, K,
          a: pa + oa * 4, lda: K, transA: false,
          b: pb + ob * 4, ldb: N, transB: false,
          c: py + n * M * N * 4, ldc: N, alpha: 1, beta: 0, work,
        });
      }
    };
    const T = threadsFor(rt, { macs: count * M * N * K });
    runTasks(rt, T > 1 && count >= T ? ranges(count, pieces(T)).map(([e0, e1]) => lane(e0, e1)) : [lane(0, count)]);
    return tensor(rt.arena.take(py, count * M * N), outShape);
  });
}

/** x [..., R, S] with its last two axes swapped: [..., S, R] (a 1-D x is returned as it is). */
function transposeLast2(x: Tensor): Tensor {
  const s = x.shape;
  if (s.length < 2) return x;
  const R = s[s.length - 2], S = s[s.length - 1], count = product(s.slice(0, -2));
  const xs = x.data, y = new Float32Array(xs.length);
  for (let n = 0; n < count; n++) {
    const o = n * R * S;
    for (let r = 0; r < R; r++) for (let c = 0; c < S; c++) y[o + c * R + r] = xs[o + r * S + c];
  }
  return tensor(y, [...s.slice(0, -2), S, R]);
}

/**
 * The gradients of matmul, Y = A·B (numpy semantics), each of its operand's shape:
 * dA = dY·Bᵀ and dB = Aᵀ·dY per batch entry, summed over the batch axes the operand was broadcast
 * along; a 1-D operand gets its axis back (a row [1, K] or a column [K, 1] while computing).
 */
export function matmulBackward(dy: Tensor, a: Tensor, b: Tensor): { da: Tensor; db: Tensor } {
  const aShape = checkTensor(a, "matmulBackward(a)"), bShape = checkTensor(b, "matmulBackward(b)");
  const yShape = checkTensor(dy, "matmulBackward(dy)");
  if (aShape.length === 0 || bShape.length === 0) throw new ShapeError(`matmulBackward: expected tensors of rank ≥ 1, got ${describeShape(aShape)} and ${describeShape(bShape)}`);
  const a2 = aShape.length === 1 ? [1, aShape[0]] : aShape.slice(), b2 = bShape.length === 1 ? [bShape[0], 1] : bShape.slice();
  const [M, K] = a2.slice(-2), [Kb, N] = b2.slice(-2);
  if (K !== Kb) throw new ShapeError(`matmulBackward(b): inner dimensions differ: a is ${describeShape(aShape)} (K = ${K}) but b is ${describeShape(bShape)} (K = ${Kb})`);
  const batch = broadcastShapes(a2.slice(0, -2), b2.slice(0, -2), "matmulBackward (batch axes)");
  const want = [...batch, ...(aShape.length === 1 ? [] : [M]), ...(bShape.length === 1 ? [] : [N])];
  if (want.length !== yShape.length || want.some((d, i) => d !== yShape[i])) throw new ShapeError(`matmulBackward(dy): expected ${describeShape(want)} (matmul's output), got ${describeShape(yShape)}`);
  const plainOf = (t: Tensor, s: number[]) => tensor(t.data, s); // the same values seen with the promoted axes
  const dy2 = plainOf(dy, [...batch, M, N]), A = plainOf(a, a2), B = plainOf(b, b2);
  const daFull = matmul(dy2, transposeLast2(B)); // [...batch, M, K]
  const dbFull = matmul(transposeLast2(A), dy2); // [...batch, K, N]
  const da = addBackward(daFull, a2, daFull.shape).da, db = addBackward(dbFull, b2, dbFull.shape).da;
  return { da: tensor(da.data, aShape.slice()), db: tensor(db.data, bShape.slice()) };
}
