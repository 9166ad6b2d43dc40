// Strided copy of a rank-6 view: the data movement of Transpose, DepthToSpace / SpaceToDepth (a
// transpose of a 6-D view), Slice and Pad's interior. For every (i0, …, i5) < (n0, …, n5)
//   y[Σ i_k·t_k] = x[Σ i_k·s_k]                       (PermuteParams; strides in elements)
// Values move as bits (u32 / v128 loads and stores, no arithmetic): NaN payloads and −0 survive.
// The elements read and the elements written must be disjoint (aliasing is not allowed: an
// in-place transpose would read elements it has already overwritten); x and y may lie in one block
// when they are (Pad's border passes copy between disjoint slabs of its output). Strides may be negative (a reversed Slice); the byte offsets wrap in
// wasm32's address arithmetic, which is what a negative offset needs.
// Axes 0–3 are plain loops; axes 4 and 5 form the inner tile, one of
//   rows       s5 = t5 = 1: each i4 copies a contiguous run of n5 floats
//   transpose  s4 = 1, t5 = 1: y[i4·t4 + i5] = x[i5·s5 + i4] in 4×4 v128 blocks, with interleaves
//              for n5 = 2, 3 when t4 = n5 (DepthToSpace: y[w·b + j] = x_j[w]) and deinterleaves for
//              n4 = 2, 3 when s5 = n4 (SpaceToDepth: y_j[w] = x[w·b + j])
//   strided    anything else: a scalar double loop
// The TS side (src/ops/strided-copy.ts) drops unit axes, merges axes that are contiguous in both
// x and y, and orders them so that the tile fits. Reference: permute-ref.ts.
import { PermuteParams } from "../params";

/** Byte offset of element offset e (negative offsets wrap, as pointer arithmetic needs). */
@inline function bytes(e: i32): usize {
  return <usize>e << 2;
}

/** y[i4·t4 + i] = x[i4·s4 + i] for i < n5: rows of n5 contiguous floats. */
function rows(x: usize, y: usize, n4: i32, s4: i32, t4: i32, n5: i32): void {
  const len = bytes(n5);
  for (let i4 = 0; i4 < n4; i4++) {
    const xr = x + bytes(i4 * s4), yr = y + bytes(i4 * t4);
    if (n5 >= 32) {
      memory.copy(yr, xr, len); // a call in the engine: worth it for longer runs only
      continue;
    }
    let i = 0;
    for (; i + 4 <= n5; i += 4) v128.store(yr + bytes(i), v128.load(xr + bytes(i)));
    for (; i < n5; i++) store<u32>(yr + bytes(i), load<u32>(xr + bytes(i)));
  }
}

/**
 * The transposing tile: y[a·ty + b] = x[b·sx + a] for a < A, b < B (x contiguous along a, y
 * along b).
 */
function transpose(x: usize, y: usize, A: i32, ty: i32, B: i32, sx: i32): void {
  const row = bytes(sx), yrow = bytes(ty);
  if (B == 2 && ty == 2) {
    // y[2a + b] = x_b[a]: two x rows zipped
    let a = 0;
    for (; a + 4 <= A; a += 4) {
      const r0 = v128.load(x + bytes(a)), r1 = v128.load(x + row + bytes(a));
      const o = y + bytes(2 * a);
      v128.store(o, v128.shuffle<u32>(r0, r1, 0, 4, 1, 5));
      v128.store(o, v128.shuffle<u32>(r0, r1, 2, 6, 3, 7), 16);
    }
    for (; a < A; a++) {
      store<u32>(y + bytes(2 * a), load<u32>(x + bytes(a)));
      store<u32>(y + bytes(2 * a + 1), load<u32>(x + row + bytes(a)));
    }
    return;
  }
  if (B == 3 && ty == 3) {
    // y[3a + b] = x_b[a]: from rows p, q, r the 12 outputs p0 q0 r0 p1 | q1 r1 p2 q2 | r2 p3 q3 r3
    let a = 0;
    for (; a + 4 <= A; a += 4) {
      const p = v128.load(x + bytes(a)), q = v128.load(x + row + bytes(a)), r = v128.load(x + 2 * row + bytes(a));
      const pq01 = v128.shuffle<u32>(p, q, 0, 4, 1, 5); // p0 q0 p1 q1
      const pq23 = v128.shuffle<u32>(p, q, 2, 6, 3, 7); // p2 q2 p3 q3
      const qr12 = v128.shuffle<u32>(q, r, 1, 5, 2, 6); // q1 r1 q2 r2
      const o = y + bytes(3 * a);
      v128.store(o, v128.shuffle<u32>(pq01, r, 0, 1, 4, 2));
      v128.store(o, v128.shuffle<u32>(qr12, p, 0, 1, 6, 2), 16);
      v128.store(o, v128.shuffle<u32>(pq23, r, 6, 2, 3, 7), 32);
    }
    for (; a < A; a++) {
      for (let b = 0; b < 3; b++) store<u32>(y + bytes(3 * a + b), load<u32>(x + bytes(b * sx + a)));
    }
    return;
  }
  if (A == 2 && sx == 2) {
    // y_a[b] = x[2b + a]: the even and the odd elements of one x run
    let b = 0;
    for (; b + 4 <= B; b += 4) {
      const v0 = v128.load(x + bytes(2 * b)), v1 = v128.load(x + bytes(2 * b), 16);
      v128.store(y + bytes(b), v128.shuffle<u32>(v0, v1, 0, 2, 4, 6));
      v128.store(y + yrow + bytes(b), v128.shuffle<u32>(v0, v1, 1, 3, 5, 7));
    }
    for (; b < B; b++) {
      store<u32>(y + bytes(b), load<u32>(x + bytes(2 * b)));
      store<u32>(y + yrow + bytes(b), load<u32>(x + bytes(2 * b + 1)));
    }
    return;
  }
  if (A == 3 && sx == 3) {
    // y_a[b] = x[3b + a]: from x0…x11, rows x0 x3 x6 x9 | x1 x4 x7 x10 | x2 x5 x8 x11
    let b = 0;
    for (; b + 4 <= B; b += 4) {
      const at = x + bytes(3 * b);
      const v0 = v128.load(at), v1 = v128.load(at, 16), v2 = v128.load(at, 32);
      const e0 = v128.shuffle<u32>(v0, v1, 0, 3, 6, 7); // x0 x3 x6 ·
      const e1 = v128.shuffle<u32>(v0, v1, 1, 4, 7, 7); // x1 x4 x7 ·
      const e2 = v128.shuffle<u32>(v0, v1, 2, 5, 5, 5); // x2 x5 · ·
      v128.store(y + bytes(b), v128.shuffle<u32>(e0, v2, 0, 1, 2, 5));
      v128.store(y + yrow + bytes(b), v128.shuffle<u32>(e1, v2, 0, 1, 2, 6));
      v128.store(y + 2 * yrow + bytes(b), v128.shuffle<u32>(e2, v2, 0, 1, 4, 7));
    }
    for (; b < B; b++) {
      for (let a = 0; a < 3; a++) store<u32>(y + bytes(a * ty + b), load<u32>(x + bytes(3 * b + a)));
    }
    return;
  }
  // 4×4 blocks: rows r_k = x[(b + k)·sx + a …+3] transposed into y[(a + l)·ty + b …+3]
  let a = 0;
  for (; a + 4 <= A; a += 4) {
    let b = 0;
    for (; b + 4 <= B; b += 4) {
      const p = x + bytes(b * sx + a);
      const r0 = v128.load(p), r1 = v128.load(p + row), r2 = v128.load(p + 2 * row), r3 = v128.load(p + 3 * row);
      const t0 = v128.shuffle<u32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<u32>(r0, r1, 2, 6, 3, 7);
      const t2 = v128.shuffle<u32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<u32>(r2, r3, 2, 6, 3, 7);
      const o = y + bytes(a * ty + b);
      v128.store(o, v128.shuffle<u32>(t0, t2, 0, 1, 4, 5));
      v128.store(o + yrow, v128.shuffle<u32>(t0, t2, 2, 3, 6, 7));
      v128.store(o + 2 * yrow, v128.shuffle<u32>(t1, t3, 0, 1, 4, 5));
      v128.store(o + 3 * yrow, v128.shuffle<u32>(t1, t3, 2, 3, 6, 7));
    }
    for (; b < B; b++) {
      for (let l = 0; l < 4; l++) store<u32>(y + bytes((a + l) * ty + b), load<u32>(x + bytes(b * sx + a + l)));
    }
  }
  for (; a < A; a++) {
    for (let b = 0; b < B; b++) store<u32>(y + bytes(a * ty + b), load<u32>(x + bytes(b * sx + a)));
  }
}

/** The general tile: y[i4·t4 + i5·t5] = x[i4·s4 + i5·s5]. */
function strided(x: usize, y: usize, n4: i32, s4: i32, t4: i32, n5: i32, s5: i32, t5: i32): void {
  for (let i4 = 0; i4 < n4; i4++) {
    const xr = x + bytes(i4 * s4), yr = y + bytes(i4 * t4);
    for (let i5 = 0; i5 < n5; i5++) store<u32>(yr + bytes(i5 * t5), load<u32>(xr + bytes(i5 * s5)));
  }
}

/** y[Σ i_k·t_k] = x[Σ i_k·s_k] over the rank-6 view in the PermuteParams block at `params`. */
export function f32_permute__simd(params: usize): void {
  const p = changetype<PermuteParams>(params);
  const n0 = p.n0, n1 = p.n1, n2 = p.n2, n3 = p.n3, n4 = p.n4, n5 = p.n5;
  if (n0 <= 0 || n1 <= 0 || n2 <= 0 || n3 <= 0 || n4 <= 0 || n5 <= 0) return;
  const s4 = p.s4, s5 = p.s5, t4 = p.t4, t5 = p.t5;
  const tile = s5 == 1 && t5 == 1 ? 0 : s4 == 1 && t5 == 1 ? 1 : 2;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      for (let i2 = 0; i2 < n2; i2++) {
        for (let i3 = 0; i3 < n3; i3++) {
          const xb = p.x + bytes(i0 * p.s0 + i1 * p.s1 + i2 * p.s2 + i3 * p.s3);
          const yb = p.y + bytes(i0 * p.t0 + i1 * p.t1 + i2 * p.t2 + i3 * p.t3);
          if (tile == 0) rows(xb, yb, n4, s4, t4, n5);
          else if (tile == 1) transpose(xb, yb, n4, t4, n5, s5);
          else strided(xb, yb, n4, s4, t4, n5, s5, t5);
        }
      }
    }
  }
}
