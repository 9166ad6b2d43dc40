// f32_gemm__simd against f32_gemm__ref over the tail families of XNNPACK's GEMM tester: every
// subtile (m ≤ MR, n ≤ NR), k = 1, k > KC (several depth slices), n > NR and n a multiple of NR,
// m > MC (several row blocks), n > NC, strided A/B/C (leading dimensions prime and larger than
// needed), transposes, alpha and beta (0 ignores NaN in C). Guards after C must stay intact.
// The packed-A pair likewise: f32_gemm_pack_a__simd bit for bit against its reference (every
// row count mod 4, both layouts), and f32_gemm_prepacked__simd against f32_gemm_prepacked__ref
// and f32_gemm__ref over the same families, narrow tiles (N = 1…4) and row sub-ranges among them.
import { f32_gemm__simd, f32_gemm_pack_a__simd, f32_gemm_prepacked__simd, f32_gemm_workspace_bytes } from "../gemm/gemm";
import { f32_gemm__ref, f32_gemm_pack_a__ref, f32_gemm_prepacked__ref } from "../gemm/gemm-ref";
import { GemmParams } from "../params";
import { randomBuffer, copyBuffer, guardsIntact, firstMismatch, firstBitMismatch, at, newBlock, reseed } from "./helpers";

/** Runs both kernels on one problem and returns a description of the first disagreement, or "". */
function check(M: i32, N: i32, K: i32, transA: bool, transB: bool, padA: i32, padB: i32, padC: i32, alpha: f32, beta: f32): string {
  reseed(<u32>(M * 7919 + N * 104729 + K * 31 + (transA ? 1 : 0) + (transB ? 2 : 0)));
  const lda = (transA ? M : K) + padA;
  const ldb = (transB ? K : N) + padB;
  const ldc = N + padC;
  const a = randomBuffer((transA ? K : M) * lda);
  const b = randomBuffer((transB ? N : K) * ldb);
  const cFast = randomBuffer(M * ldc);
  const cRef = copyBuffer(cFast, M * ldc);
  const work = heap.alloc(<usize>f32_gemm_workspace_bytes(M, N, K));
  const g = newBlock<GemmParams>();
  g.M = M; g.N = N; g.K = K;
  g.a = a; g.lda = lda; g.transA = transA ? 1 : 0;
  g.b = b; g.ldb = ldb; g.transB = transB ? 1 : 0;
  g.c = cFast; g.ldc = ldc; g.alpha = alpha; g.beta = beta; g.work = work;
  const p = changetype<usize>(g);
  f32_gemm__simd(p);
  g.c = cRef;
  f32_gemm__ref(p);
  let problem = "";
  const bad = firstMismatch(cFast, cRef, M * ldc, 1e-5 * <f32>K + 1e-5, 1e-4);
  if (bad >= 0) {
    problem = `M=${M} N=${N} K=${K} transA=${transA} transB=${transB} ldc=${ldc}: C[${bad / ldc}, ${bad % ldc}] = ${at(cFast, bad)}, reference ${at(cRef, bad)}`;
  } else if (!guardsIntact(cFast, M * ldc)) {
    problem = `M=${M} N=${N} K=${K}: wrote past the end of C`;
  }
  heap.free(a); heap.free(b); heap.free(cFast); heap.free(cRef); heap.free(work); heap.free(p);
  return problem;
}

describe("f32_gemm__simd", () => {
  it("k_eq_1: every subtile", () => {
    for (let m = 1; m <= 4; m++) for (let n = 1; n <= 8; n++) {
      expect(check(m, n, 1, false, false, 0, 0, 0, 1, 0)).toBe("");
    }
  });
  it("k_gt_1: every subtile with k = 2…17", () => {
    for (let k = 2; k <= 17; k += 3) for (let m = 1; m <= 4; m++) for (let n = 1; n <= 8; n++) {
      expect(check(m, n, k, false, false, 0, 0, 0, 1, 0)).toBe("");
    }
  });
  it("n_gt_NR and n_div_NR", () => {
    for (let n = 9; n <= 40; n += 7) expect(check(5, n, 13, false, false, 0, 0, 0, 1, 0)).toBe("");
    for (let n = 8; n <= 64; n += 8) expect(check(7, n, 11, false, false, 0, 0, 0, 1, 0)).toBe("");
  });
  it("m_gt_MC and k_gt_KC: several row blocks and depth slices", () => {
    expect(check(150, 37, 300, false, false, 0, 0, 0, 1, 0)).toBe("");
    expect(check(73, 9, 513, false, false, 0, 0, 0, 1, 0)).toBe("");
  });
  it("n_gt_NC: several column blocks", () => {
    expect(check(3, 2100, 5, false, false, 0, 0, 0, 1, 0)).toBe("");
  });
  it("strided A, B and C (prime leading dimensions)", () => {
    expect(check(9, 19, 23, false, false, 7, 5, 3, 1, 0)).toBe("");
    expect(check(9, 19, 23, true, true, 11, 13, 1, 1, 0)).toBe("");
  });
  it("transA, transB and both", () => {
    expect(check(13, 21, 17, true, false, 0, 0, 0, 1, 0)).toBe("");
    expect(check(13, 21, 17, false, true, 0, 0, 0, 1, 0)).toBe("");
    expect(check(13, 21, 17, true, true, 0, 0, 0, 1, 0)).toBe("");
    expect(check(4, 8, 300, true, true, 0, 0, 0, 1, 0)).toBe("");
  });
  it("alpha and beta", () => {
    expect(check(6, 10, 9, false, false, 0, 0, 0, 0.25, 0.5)).toBe("");
    expect(check(6, 10, 9, false, false, 0, 0, 0, -2, 1)).toBe("");
    expect(check(6, 10, 9, true, false, 0, 0, 2, 1.5, -0.75)).toBe("");
    expect(check(6, 10, 9, false, false, 0, 0, 0, 0, 0.5)).toBe("");
  });
  it("packA: 4×4 transposes with k tails, strided rows, alpha, both layouts, 16-row transposed runs", () => {
    for (let k = 1; k <= 10; k++) {
      expect(check(8, 3, k, false, false, 3, 0, 0, -1.5, 0)).toBe("");
      expect(check(9, 5, k, true, false, 2, 0, 0, 0.5, 0)).toBe("");
    }
    expect(check(76, 9, 259, false, false, 1, 0, 0, 2, 0)).toBe("");
    // transposed, 16 rows (four panels) at a time, then the panels left over; several row blocks
    expect(check(37, 11, 300, true, false, 3, 0, 0, -1.5, 0)).toBe("");
    expect(check(150, 9, 20, true, true, 0, 1, 0, 1, 0)).toBe("");
    expect(check(64, 1, 100, true, false, 0, 0, 0, 0.5, 0)).toBe("");
  });
  it("packB (transB): 4×4 transposes with k tails, strided rows, ragged last panel", () => {
    for (let k = 1; k <= 10; k++) {
      expect(check(5, 16, k, false, true, 0, 3, 0, 1, 0)).toBe("");
      expect(check(3, 19, k, true, true, 1, 2, 0, 1, 0)).toBe("");
    }
    expect(check(9, 72, 1031, false, true, 0, 1, 0, 1, 0.5)).toBe("");
    // past the first NC column block: the transposed panels of B start at j0 > 0
    expect(check(5, 2100, 13, false, true, 0, 2, 0, 1, 0)).toBe("");
    expect(check(6, 4099, 7, true, true, 1, 0, 0, 1, 0)).toBe("");
  });
  it("k = 0 leaves beta·C", () => {
    expect(check(5, 9, 0, false, false, 0, 0, 0, 1, 0.5)).toBe("");
  });
});

/**
 * Packs A with both pack kernels (they must agree bit for bit), then runs f32_gemm_prepacked__simd
 * on rows [r0, M) of it (r0 a multiple of 4: the packed A of those rows starts r0·K floats in) and
 * compares with f32_gemm_prepacked__ref and with f32_gemm__ref on the unpacked A.
 */
function checkPrepacked(M: i32, N: i32, K: i32, transA: bool, transB: bool, r0: i32, padA: i32, padB: i32, padC: i32, alpha: f32, beta: f32): string {
  reseed(<u32>(M * 31 + N * 7 + K * 104729 + r0 + (transA ? 1 : 0) + (transB ? 2 : 0)));
  const lda = (transA ? M : K) + padA;
  const ldb = (transB ? K : N) + padB;
  const ldc = N + padC;
  const a = randomBuffer((transA ? K : M) * lda);
  const b = randomBuffer((transB ? N : K) * ldb);
  const rows = (M + 3) >> 2 << 2;
  const packed = randomBuffer(rows * K), packedRef = randomBuffer(rows * K);
  f32_gemm_pack_a__simd(a, lda, transA ? 1 : 0, M, K, packed);
  f32_gemm_pack_a__ref(a, lda, transA ? 1 : 0, M, K, packedRef);
  const m = M - r0;
  const cFast = randomBuffer(m * ldc);
  const cRef = copyBuffer(cFast, m * ldc), cPlain = copyBuffer(cFast, m * ldc);
  const work = heap.alloc(<usize>f32_gemm_workspace_bytes(m, N, K));
  const g = newBlock<GemmParams>();
  g.M = m; g.N = N; g.K = K;
  // rows r0… of op(A) for f32_gemm__ref; the prepacked kernels do not read a
  g.a = a + (<usize>(transA ? r0 : r0 * lda) << 2); g.lda = lda; g.transA = transA ? 1 : 0;
  g.b = b; g.ldb = ldb; g.transB = transB ? 1 : 0;
  g.c = cFast; g.ldc = ldc; g.alpha = alpha; g.beta = beta; g.work = work;
  const p = changetype<usize>(g);
  const offset = <usize>(r0 * K) << 2;
  f32_gemm_prepacked__simd(p, packed + offset);
  g.c = cRef;
  f32_gemm_prepacked__ref(p, packedRef + offset);
  g.c = cPlain;
  f32_gemm__ref(p);
  let problem = "";
  const packBad = firstBitMismatch(packed, packedRef, rows * K);
  const bad = firstMismatch(cFast, cRef, m * ldc, 1e-5 * <f32>K + 1e-5, 1e-4);
  const plainBad = firstMismatch(cRef, cPlain, m * ldc, 1e-6, 1e-6);
  if (packBad >= 0) {
    problem = `pack M=${M} K=${K} transA=${transA}: packed[${packBad}] = ${at(packed, packBad)}, reference ${at(packedRef, packBad)}`;
  } else if (bad >= 0) {
    problem = `M=${M} N=${N} K=${K} r0=${r0} transA=${transA} transB=${transB}: C[${bad / ldc}, ${bad % ldc}] = ${at(cFast, bad)}, reference ${at(cRef, bad)}`;
  } else if (plainBad >= 0) {
    problem = `M=${M} N=${N} K=${K} r0=${r0}: the prepacked reference disagrees with f32_gemm__ref at ${plainBad}`;
  } else if (!guardsIntact(cFast, m * ldc) || !guardsIntact(packed, rows * K)) {
    problem = `M=${M} N=${N} K=${K}: wrote past the end of C or of the packed A`;
  }
  heap.free(a); heap.free(b); heap.free(packed); heap.free(packedRef); heap.free(cFast); heap.free(cRef); heap.free(cPlain); heap.free(work); heap.free(p);
  return problem;
}

describe("f32_gemm_pack_a__simd + f32_gemm_prepacked__simd", () => {
  it("every subtile, both layouts of A", () => {
    for (let m = 1; m <= 4; m++) for (let n = 1; n <= 8; n++) {
      expect(checkPrepacked(m, n, 5, false, false, 0, 0, 0, 0, 1, 0)).toBe("");
      expect(checkPrepacked(m, n, 6, true, false, 0, 1, 0, 0, 1, 0)).toBe("");
    }
  });
  it("narrow N (1…4: the 4×1 and 4×4 microkernels), odd and even depths, M past MC", () => {
    for (let n = 1; n <= 4; n++) for (let k = 1; k <= 9; k += 4) {
      expect(checkPrepacked(150, n, k, true, false, 0, 0, 0, 0, 1, 0)).toBe("");
    }
    expect(checkPrepacked(4096, 1, 100, true, false, 0, 0, 0, 0, 1, 0)).toBe("");
    expect(checkPrepacked(77, 3, 300, false, true, 0, 2, 3, 1, 1, 0)).toBe("");
  });
  it("several depth slices and row blocks (k > KC, m > MC), n > NR", () => {
    expect(checkPrepacked(150, 37, 300, true, false, 0, 0, 0, 0, 1, 0)).toBe("");
    expect(checkPrepacked(73, 16, 513, false, false, 0, 3, 0, 2, 1, 0)).toBe("");
    expect(checkPrepacked(2048, 16, 256, true, false, 0, 0, 0, 0, 1, 0)).toBe("");
  });
  it("a row sub-range of a packed A (r0 a multiple of 4)", () => {
    expect(checkPrepacked(37, 9, 19, true, false, 8, 0, 0, 0, 1, 0)).toBe("");
    expect(checkPrepacked(150, 2, 270, false, false, 76, 1, 0, 0, 1, 0)).toBe("");
  });
  it("alpha (scales B as it is packed) and beta, transB", () => {
    expect(checkPrepacked(6, 10, 9, false, false, 0, 0, 0, 0, 0.25, 0.5)).toBe("");
    expect(checkPrepacked(6, 1, 9, true, true, 0, 0, 1, 0, -2, 1)).toBe("");
    expect(checkPrepacked(6, 13, 9, false, true, 4, 0, 2, 2, 1.5, -0.75)).toBe("");
    expect(checkPrepacked(6, 10, 9, false, false, 0, 0, 0, 0, 0, 0.5)).toBe("");
  });
});
