// f32_gemm_skinny__simd (few columns, A read once row-major) against f32_gemm__ref (same ABI) over
// N = 1…17 (the GEMV, the 2×4 tiles and their zero-padded last group of columns), K mod 4 tails
// and K < 4, odd M (the repeated last row), M past the 16-row block, several depth slices
// (roundUp(N, 4)·K·4 bytes past the 128 KB slice), strided A, B and C, transB, alpha and beta (0 ignores NaN in C),
// K = 0 and alpha = 0. Also: rows [r0, M) alone give the bits of the whole call (threads split
// M), and A, B and the guards after C are untouched.
import { f32_gemm_skinny__simd, f32_gemm_skinny_workspace_bytes } from "../gemm/skinny";
import { f32_gemm__ref } from "../gemm/gemm-ref";
import { GemmParams } from "../params";
import { randomBuffer, copyBuffer, filledBuffer, guardsIntact, firstMismatch, firstBitMismatch, unchanged, at, newBlock, reseed } from "./helpers";

/** Runs the kernel and the reference on one problem (and the kernel on rows r0… alone); "" or the first disagreement. */
function check(M: i32, N: i32, K: i32, transB: bool, padA: i32, padB: i32, padC: i32, alpha: f32, beta: f32, r0: i32 = 0, nanC: bool = false): string {
  reseed(<u32>(M * 7919 + N * 104729 + K * 31 + (transB ? 2 : 0)));
  const lda = K + padA, ldb = (transB ? K : N) + padB, ldc = N + padC;
  const a = randomBuffer(M * lda), b = randomBuffer((transB ? N : K) * ldb);
  const aCopy = copyBuffer(a, M * lda), bCopy = copyBuffer(b, (transB ? N : K) * ldb);
  const cFast = nanC ? filledBuffer(M * ldc, NaN) : randomBuffer(M * ldc);
  const cRef = copyBuffer(cFast, M * ldc), cPart = copyBuffer(cFast, M * ldc);
  const work = heap.alloc(<usize>f32_gemm_skinny_workspace_bytes(N, K));
  const g = newBlock<GemmParams>();
  g.M = M; g.N = N; g.K = K;
  g.a = a; g.lda = lda; g.transA = 0;
  g.b = b; g.ldb = ldb; g.transB = transB ? 1 : 0;
  g.c = cFast; g.ldc = ldc; g.alpha = alpha; g.beta = beta; g.work = work;
  const p = changetype<usize>(g);
  f32_gemm_skinny__simd(p);
  g.c = cRef;
  f32_gemm__ref(p);
  // rows [0, r0) and [r0, M) as two calls (a thread each): C at row r0 is r0·ldc floats in
  if (r0 > 0) {
    g.M = r0; g.c = cPart;
    f32_gemm_skinny__simd(p);
    g.M = M - r0; g.a = a + (<usize>(r0 * lda) << 2); g.c = cPart + (<usize>(r0 * ldc) << 2);
    f32_gemm_skinny__simd(p);
  }
  let problem = "";
  const shape = `M=${M} N=${N} K=${K} transB=${transB} lda=${lda} ldb=${ldb} ldc=${ldc} alpha=${alpha} beta=${beta}`;
  const bad = firstMismatch(cFast, cRef, M * ldc, 1e-5 * <f32>K + 1e-5, 1e-4);
  const splitBad = r0 > 0 ? firstBitMismatch(cPart, cFast, M * ldc) : -1;
  if (bad >= 0) problem = `${shape}: C[${bad / ldc}, ${bad % ldc}] = ${at(cFast, bad)}, reference ${at(cRef, bad)}`;
  else if (splitBad >= 0) problem = `${shape} split at row ${r0}: C[${splitBad / ldc}, ${splitBad % ldc}] = ${at(cPart, splitBad)}, whole call ${at(cFast, splitBad)}`;
  else if (!guardsIntact(cFast, M * ldc)) problem = `${shape}: wrote past the end of C`;
  else if (!unchanged(a, aCopy, M * lda) || !unchanged(b, bCopy, (transB ? N : K) * ldb)) problem = `${shape}: changed A or B`;
  heap.free(a); heap.free(b); heap.free(aCopy); heap.free(bCopy); heap.free(cFast); heap.free(cRef); heap.free(cPart); heap.free(work); heap.free(p);
  return problem;
}

describe("f32_gemm_skinny__simd", () => {
  it("every N ≤ 17 with every M ≤ 5 and K mod 4 tails (K = 1…9)", () => {
    for (let n = 1; n <= 17; n++) for (let m = 1; m <= 5; m++) for (let k = 1; k <= 9; k += 2) {
      expect(check(m, n, k, false, 0, 0, 0, 1, 0)).toBe("");
    }
  });
  it("M past the 16-row block, odd M, several depth slices (roundUp(N, 4)·K·4 > 128 KB)", () => {
    expect(check(37, 9, 3001, false, 0, 0, 0, 1, 0)).toBe("");
    expect(check(33, 16, 4100, false, 0, 0, 0, 1, 0)).toBe("");
    expect(check(35, 2, 9000, false, 0, 0, 0, 1, 0)).toBe("");
    expect(check(101, 1, 3001, false, 0, 0, 0, 1, 0)).toBe("");
    expect(check(18, 5, 4100, false, 0, 0, 0, 1, 0)).toBe("");
  });
  it("strided A, B and C (prime leading dimensions), transB", () => {
    expect(check(19, 7, 23, false, 7, 5, 3, 1, 0)).toBe("");
    expect(check(19, 7, 23, true, 11, 13, 1, 1, 0)).toBe("");
    expect(check(21, 1, 301, true, 3, 2, 5, 1, 0)).toBe("");
    expect(check(21, 1, 301, false, 3, 2, 5, 1, 0)).toBe("");
    for (let n = 1; n <= 13; n += 3) expect(check(17, n, 515, true, 1, 3, 2, 1, 0)).toBe("");
  });
  it("alpha and beta; beta = 0 ignores NaN in C; K = 0 and alpha = 0 leave beta·C", () => {
    expect(check(6, 10, 9, false, 0, 0, 0, 0.25, 0.5)).toBe("");
    expect(check(7, 1, 9, true, 0, 0, 1, -2, 1)).toBe("");
    expect(check(6, 13, 9, false, 0, 2, 2, 1.5, -0.75)).toBe("");
    expect(check(9, 3, 17, false, 0, 0, 0, 1, 0, 0, true)).toBe("");
    expect(check(9, 1, 17, false, 0, 0, 0, 1, 0, 0, true)).toBe("");
    expect(check(5, 9, 0, false, 0, 0, 0, 1, 0.5)).toBe("");
    expect(check(5, 9, 0, false, 0, 0, 0, 1, 0, 0, true)).toBe("");
    expect(check(6, 10, 9, false, 0, 0, 0, 0, 0.5)).toBe("");
  });
  it("rows [0, r0) and [r0, M) as two calls give the whole call's bits (any r0)", () => {
    for (let r0 = 1; r0 < 20; r0 += 3) {
      expect(check(40, 9, 777, false, 1, 0, 0, 1, 0, r0)).toBe("");
      expect(check(40, 1, 777, false, 1, 0, 0, 1, 0, r0)).toBe("");
      expect(check(23, 4, 130, true, 0, 1, 1, 0.5, 0.25, r0)).toBe("");
    }
  });
});
