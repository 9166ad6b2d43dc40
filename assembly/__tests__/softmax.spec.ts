// f32_softmax__simd against f32_softmax__ref (float64 definition) over the tail families: inner
// below a lane (1–3: rows on their own), lanes plus a scalar tail (5, 7, 13), one and several
// chunks (1023–1025, 2051), A from 1 to 21, two outer blocks; values to ±40 (exps over a wide
// range, underflow at the far end), rows with NaN or ±∞. Also: a position gives the same bits in a
// lane or in the tail (identical columns give identical outputs), and nothing is written past y.
import { f32_softmax__simd, f32_softmax_workspace_bytes } from "../eltwise/softmax";
import { f32_softmax__ref } from "../eltwise/softmax-ref";
import { randomBuffer, copyBuffer, guardsIntact, at, reseed } from "./helpers";

/**
 * First index where got and want differ by more than the kernel's bound, or −1 (NaN only matches
 * NaN): 1e-37 + (4e-7 + 8e-8·|log want|)·|want|. x − max is rounded to float32 before the exp, an
 * error of up to |x − max|·2⁻²⁴ relative in e^(x − max), so small outputs (|x − max| up to ~87)
 * are allowed proportionally more; the exp itself is within 2.4 ulp.
 */
function mismatch(got: usize, want: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    const g = at(got, i), w = at(want, i);
    const rtol: f32 = w == 0 ? 0 : 4e-7 + 8e-8 * Mathf.abs(Mathf.log(w));
    if (isNaN(w) ? !isNaN(g) : !(Mathf.abs(g - w) <= 1e-37 + rtol * Mathf.abs(w))) return i;
  }
  return -1;
}

/** Whether the n floats at p and q are the same bits. */
function sameBits(p: usize, q: usize, n: i32): bool {
  for (let i = 0; i < n; i++) if (load<u32>(p + (<usize>i << 2)) != load<u32>(q + (<usize>i << 2))) return false;
  return true;
}

function check(outer: i32, A: i32, inner: i32, special: bool): string {
  reseed(<u32>(outer * 7919 + A * 104729 + inner * 31 + (special ? 1 : 0)));
  const n = outer * A * inner;
  const x = randomBuffer(n);
  for (let i = 0; i < n; i++) store<f32>(x + (<usize>i << 2), at(x, i) * 40);
  if (special && n > 3) {
    store<f32>(x, NaN);
    store<f32>(x + (<usize>(n / 2) << 2), Infinity);
    store<f32>(x + (<usize>(n - 1) << 2), -Infinity);
  }
  const copy = copyBuffer(x, n);
  const fast = randomBuffer(n), ref = randomBuffer(n);
  const work = heap.alloc(<usize>f32_softmax_workspace_bytes());
  f32_softmax__simd(x, fast, outer, A, inner, work);
  f32_softmax__ref(x, ref, outer, A, inner, 0);
  let problem = "";
  const bad = mismatch(fast, ref, n);
  if (bad >= 0) problem = `outer=${outer} A=${A} inner=${inner}: y[${bad}] = ${at(fast, bad)}, reference ${at(ref, bad)} (x ${at(x, bad)})`;
  else if (!guardsIntact(fast, n)) problem = `outer=${outer} A=${A} inner=${inner}: wrote past y`;
  else if (!sameBits(x, copy, n)) problem = `outer=${outer} A=${A} inner=${inner}: x changed`;
  heap.free(x); heap.free(copy); heap.free(fast); heap.free(ref); heap.free(work);
  return problem;
}

describe("f32_softmax__simd", () => {
  it("rows below a lane, lanes with a tail, one and several chunks", () => {
    const inners: i32[] = [1, 2, 3, 4, 5, 7, 8, 13, 1023, 1024, 1025, 2051];
    const As: i32[] = [1, 2, 3, 21];
    for (let k = 0; k < inners.length; k++) for (let j = 0; j < As.length; j++) {
      expect(check(2, As[j], inners[k], false)).toBe("");
    }
  });
  it("rows with NaN, +∞ or −∞ are NaN where the definition is", () => {
    const inners: i32[] = [1, 3, 5, 1025];
    for (let k = 0; k < inners.length; k++) expect(check(2, 5, inners[k], true)).toBe("");
  });
  it("a position gives the same bits in a lane and in the scalar tail", () => {
    const A = 6, inner = 7;
    const x = randomBuffer(A * inner), y = randomBuffer(A * inner);
    for (let a = 0; a < A; a++) {
      const v = at(x, a * inner) * 30; // every position of row a holds the same value
      for (let i = 0; i < inner; i++) store<f32>(x + (<usize>(a * inner + i) << 2), v);
    }
    const work = heap.alloc(<usize>f32_softmax_workspace_bytes());
    f32_softmax__simd(x, y, 1, A, inner, work);
    let same = true;
    for (let a = 0; a < A; a++) for (let i = 1; i < inner; i++) {
      if (reinterpret<u32>(at(y, a * inner + i)) != reinterpret<u32>(at(y, a * inner))) same = false;
    }
    expect(same).toBe(true);
    heap.free(x); heap.free(y); heap.free(work);
  });
});
