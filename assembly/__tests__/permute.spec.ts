// f32_permute__simd against its reference (permute-ref.ts) bit for bit (a copy: NaN payloads and
// −0 must survive): the row tile with run lengths around the v128 loop and the memory.copy
// threshold; the transposing tile for A, B = 1…9 with y rows / x rows packed or padded (the
// interleaves n5 = 2, 3, the deinterleaves n4 = 2, 3, 4×4 blocks and their tails); every
// permutation of ranks 1–4 and seeded random ones of ranks 5–6, in y's order and with x's
// contiguous axis moved next to y's (as the TS side orders them); negative strides (a reversed
// Slice). Every position of y the view does not cover keeps its fill, guard words after y stay
// intact, x is unchanged. x and y never overlap: the kernel does not allow aliasing.
import { f32_permute__simd } from "../layout/permute";
import { f32_permute__ref } from "../layout/permute-ref";
import { PermuteParams } from "../params";
import { randomBuffer, filledBuffer, copyBuffer, guardsIntact, firstBitMismatch, unchanged, at, hexAt, newBlock, next, reseed } from "./helpers";

/** NaNs with payloads, −0, ±∞ and a subnormal among the values. */
function sprinkle(p: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const r = (i * 5 + 3) % 13;
    if (r == 0) store<u32>(p + (<usize>i << 2), 0x7fc00000 | <u32>(i & 0xffff));
    else if (r == 1) store<f32>(p + (<usize>i << 2), -0.0);
    else if (r == 2) store<f32>(p + (<usize>i << 2), Infinity);
    else if (r == 3) store<u32>(p + (<usize>i << 2), 1);
  }
}

function show(a: StaticArray<i32>): string {
  let s = "[";
  for (let k = 0; k < a.length; k++) s += (k > 0 ? "," : "") + a[k].toString();
  return s + "]";
}

/** One view (extents n, x strides s, y strides t, rank 6); "" when the kernel agrees with its reference. */
function copy(n: StaticArray<i32>, s: StaticArray<i32>, t: StaticArray<i32>): string {
  // each buffer spans the offsets its strides reach; the view's base sits at −(most negative offset)
  let xLo = 0, xHi = 0, yLo = 0, yHi = 0, empty = false;
  for (let k = 0; k < 6; k++) {
    if (n[k] == 0) empty = true;
    const dx = (n[k] - 1) * s[k], dy = (n[k] - 1) * t[k];
    if (dx < 0) xLo += dx; else xHi += dx;
    if (dy < 0) yLo += dy; else yHi += dy;
  }
  if (empty) { xLo = 0; xHi = 0; yLo = 0; yHi = 0; }
  const xn = xHi - xLo + 1, yn = yHi - yLo + 1;
  reseed(<u32>(xn * 7919 + yn * 31 + n[5] * 7 + s[5] * 3 + t[4]));
  const x = randomBuffer(xn);
  sprinkle(x, xn);
  const x0 = copyBuffer(x, xn);
  const y = filledBuffer(yn, 777), want = filledBuffer(yn, 777);
  const b = newBlock<PermuteParams>();
  b.n0 = n[0]; b.n1 = n[1]; b.n2 = n[2]; b.n3 = n[3]; b.n4 = n[4]; b.n5 = n[5];
  b.s0 = s[0]; b.s1 = s[1]; b.s2 = s[2]; b.s3 = s[3]; b.s4 = s[4]; b.s5 = s[5];
  b.t0 = t[0]; b.t1 = t[1]; b.t2 = t[2]; b.t3 = t[3]; b.t4 = t[4]; b.t5 = t[5];
  b.x = x + (<usize>(-xLo) << 2);
  b.y = y + (<usize>(-yLo) << 2);
  f32_permute__simd(changetype<usize>(b));
  b.y = want + (<usize>(-yLo) << 2);
  f32_permute__ref(changetype<usize>(b));
  const what = `n=${show(n)} s=${show(s)} t=${show(t)}`;
  const bad = firstBitMismatch(y, want, yn);
  let problem = "";
  if (bad >= 0) problem = `${what}: y[${bad}] = ${at(y, bad)} (${hexAt(y, bad)}), reference ${at(want, bad)} (${hexAt(want, bad)})`;
  else if (!guardsIntact(y, yn)) problem = `${what}: wrote past the end of y`;
  else if (!unchanged(x, x0, xn)) problem = `${what}: changed its input x`;
  heap.free(x); heap.free(x0); heap.free(y); heap.free(want); heap.free(changetype<usize>(b));
  return problem;
}

function six(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32): StaticArray<i32> {
  const v = new StaticArray<i32>(6);
  v[0] = a; v[1] = b; v[2] = c; v[3] = d; v[4] = e; v[5] = f;
  return v;
}

/**
 * The transpose of a dense x of extents `dims` (rank r ≤ 6) by `perm` into a dense y, padded to
 * rank 6 with leading unit axes; moveContiguous: x's stride-1 axis placed just before y's last
 * (the loop order the TS side picks for the transposing tile).
 */
function permuted(dims: StaticArray<i32>, perm: StaticArray<i32>, moveContiguous: bool): string {
  const r = dims.length;
  const xs = new StaticArray<i32>(r);
  for (let a = r - 1, st = 1; a >= 0; a--) { xs[a] = st; st *= dims[a]; }
  const n = six(1, 1, 1, 1, 1, 1), s = six(0, 0, 0, 0, 0, 0), t = six(0, 0, 0, 0, 0, 0);
  for (let k = r - 1, st = 1; k >= 0; k--) {
    n[6 - r + k] = dims[perm[k]];
    s[6 - r + k] = xs[perm[k]];
    t[6 - r + k] = st;
    st *= dims[perm[k]];
  }
  if (moveContiguous && r >= 2) {
    let p = -1;
    for (let k = 6 - r; k < 5; k++) if (s[k] == 1) p = k;
    // rotate axis p to position 4 (the others keep their order)
    if (p >= 0) {
      const pn = n[p], ps = s[p], pt = t[p];
      for (let k = p; k < 4; k++) { n[k] = n[k + 1]; s[k] = s[k + 1]; t[k] = t[k + 1]; }
      n[4] = pn; s[4] = ps; t[4] = pt;
    }
  }
  return copy(n, s, t);
}

/** Calls f on every permutation of 0…r−1 (Heap's algorithm); stops at the first problem. */
function eachPerm(r: i32, dims: StaticArray<i32>): string {
  const perm = new StaticArray<i32>(r), c = new StaticArray<i32>(r);
  for (let i = 0; i < r; i++) perm[i] = i;
  let problem = permuted(dims, perm, false);
  if (problem == "") problem = permuted(dims, perm, true);
  let i = 0;
  while (i < r && problem == "") {
    if (c[i] < i) {
      const j = (i & 1) == 0 ? 0 : c[i];
      const tmp = perm[j]; perm[j] = perm[i]; perm[i] = tmp;
      problem = permuted(dims, perm, false);
      if (problem == "") problem = permuted(dims, perm, true);
      c[i]++;
      i = 0;
    } else {
      c[i] = 0;
      i++;
    }
  }
  return problem;
}

function randomInt(lo: i32, hi: i32): i32 {
  return lo + min(hi - lo, <i32>((next() * 0.5 + 0.5) * <f32>(hi - lo + 1)));
}

describe("f32_permute__simd", () => {
  it("copies rows: run lengths 1…9, 31…33, 40, packed and padded", () => {
    const lens: StaticArray<i32> = [1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 32, 33, 40];
    for (let i = 0; i < lens.length; i++) for (let pad = 0; pad <= 3; pad += 3) for (let n4 = 1; n4 <= 3; n4++) {
      const L = lens[i];
      const problem = copy(six(1, 1, 2, 1, n4, L), six(0, 0, n4 * (L + pad) + 1, 0, L + pad, 1), six(0, 0, n4 * (L + 1), 0, L + 1, 1));
      expect(problem).toBe("", problem);
    }
  });

  it("transposes tiles: A, B = 1…9, y rows and x rows packed or padded (interleaves, deinterleaves, 4×4 blocks, tails)", () => {
    for (let A = 1; A <= 9; A++) for (let B = 1; B <= 9; B++) for (let yp = 0; yp <= 2; yp += 2) for (let xp = 0; xp <= 3; xp += 3) {
      const ty = B + yp, sx = A + xp;
      // two outer images so the base offsets move too
      const problem = copy(six(1, 1, 1, 2, A, B), six(0, 0, 0, B * sx, 1, sx), six(0, 0, 0, A * ty, ty, 1));
      expect(problem).toBe("", problem);
    }
  });

  it("every permutation of ranks 1–4 with odd extents, in y's order and reordered", () => {
    const d1: StaticArray<i32> = [7];
    const d2: StaticArray<i32> = [5, 9];
    const d3: StaticArray<i32> = [3, 6, 5];
    const d4: StaticArray<i32> = [2, 3, 5, 7];
    const d4b: StaticArray<i32> = [3, 2, 9, 4];
    let problem = eachPerm(1, d1);
    expect(problem).toBe("", problem);
    problem = eachPerm(2, d2);
    expect(problem).toBe("", problem);
    problem = eachPerm(3, d3);
    expect(problem).toBe("", problem);
    problem = eachPerm(4, d4);
    expect(problem).toBe("", problem);
    problem = eachPerm(4, d4b);
    expect(problem).toBe("", problem);
  });

  it("seeded random permutations of ranks 5 and 6", () => {
    reseed(12345);
    for (let trial = 0; trial < 60; trial++) {
      const r = 5 + (trial & 1);
      const dims = new StaticArray<i32>(r), perm = new StaticArray<i32>(r);
      for (let k = 0; k < r; k++) { dims[k] = randomInt(1, 5); perm[k] = k; }
      for (let k = r - 1; k > 0; k--) { const j = randomInt(0, k); const tmp = perm[k]; perm[k] = perm[j]; perm[j] = tmp; }
      let problem = permuted(dims, perm, false);
      if (problem == "") problem = permuted(dims, perm, true);
      expect(problem).toBe("", problem);
      reseed(<u32>(trial * 7 + 99));
    }
  });

  it("DepthToSpace (DCR, CRD) and SpaceToDepth views, b = 2…4, W = 1…9", () => {
    for (let b = 2; b <= 4; b++) for (let W = 1; W <= 9; W++) {
      const c = 2, H = 3;
      // DCR: [N, b, b, c, H, W] perm [0, 3, 4, 1, 5, 2]; CRD: [N, c, b, b, H, W] perm [0, 1, 4, 2, 5, 3]
      const dcr: StaticArray<i32> = [1, b, b, c, H, W], crd: StaticArray<i32> = [1, c, b, b, H, W];
      const dcrPerm: StaticArray<i32> = [0, 3, 4, 1, 5, 2], crdPerm: StaticArray<i32> = [0, 1, 4, 2, 5, 3];
      // SpaceToDepth: [N, C, H/b, b, W/b, b] perm [0, 3, 5, 1, 2, 4]
      const s2d: StaticArray<i32> = [1, c, H, b, W, b], s2dPerm: StaticArray<i32> = [0, 3, 5, 1, 2, 4];
      for (let m = 0; m < 2; m++) {
        let problem = permuted(dcr, dcrPerm, m == 1);
        expect(problem).toBe("", problem);
        problem = permuted(crd, crdPerm, m == 1);
        expect(problem).toBe("", problem);
        problem = permuted(s2d, s2dPerm, m == 1);
        expect(problem).toBe("", problem);
      }
    }
  });

  it("negative strides (reversed axes) in every tile", () => {
    for (let A = 1; A <= 6; A++) for (let B = 1; B <= 6; B++) {
      let problem = copy(six(1, 1, 1, 2, A, B), six(0, 0, 0, -A * B, -B, 1), six(0, 0, 0, A * B, B, 1)); // rows, reversed rows
      expect(problem).toBe("", problem);
      problem = copy(six(1, 1, 1, 2, A, B), six(0, 0, 0, A * B, 1, -A), six(0, 0, 0, A * B, B, 1)); // transpose, x rows reversed
      expect(problem).toBe("", problem);
      problem = copy(six(1, 1, 1, 2, A, B), six(0, 0, 0, A * B, -1, A), six(0, 0, 0, A * B, B, 1)); // strided: x reversed along A
      expect(problem).toBe("", problem);
    }
  });

  it("empty views write nothing", () => {
    const problem = copy(six(1, 0, 3, 1, 4, 4), six(0, 16, 16, 0, 4, 1), six(0, 16, 16, 0, 4, 1));
    expect(problem).toBe("", problem);
  });
});
