// The valid range of one window axis: for output positions o = 0…O−1 and a tap whose offset is
// `shift` (= k·D − P), the image index is i = o·S + shift, and 0 ≤ i < L holds exactly for
// lo ≤ o < hi. Shared by the fast im2col, col2im and maxPool kernels so none of them tests bounds
// inside its inner loop; and the row loops of im2col and col2im (2-D and 3-D) over that range,
// and the bias fill of the depthwise kernels' output rows.

/** First o with o·S + shift ≥ 0: ⌈−shift / S⌉, or 0. */
@inline export function firstInside(shift: i32, S: i32): i32 {
  return shift >= 0 ? 0 : (S - 1 - shift) / S;
}

/** One past the last o with o·S + shift ≤ L − 1, clamped to [0, O]. */
@inline export function endInside(shift: i32, S: i32, L: i32, O: i32): i32 {
  const u = L - 1 - shift;
  return u < 0 ? 0 : min(O, u / S + 1);
}

/**
 * One im2col row of OW floats at out whose input row is valid: zeros for ow < lo and ow ≥ hi,
 * and out[ow] = src[(ow − lo)·SW] for lo ≤ ow < hi (src: the input element of ow = lo); one
 * memory.copy when SW = 1.
 */
@inline export function gatherRow(out: usize, src: usize, lo: i32, hi: i32, OW: i32, SW: i32): void {
  if (lo > 0) memory.fill(out, 0, <usize>lo << 2);
  const dst = out + (<usize>lo << 2);
  if (SW == 1) {
    memory.copy(dst, src, <usize>(hi - lo) << 2);
  } else {
    const step = <usize>SW << 2;
    let s = src;
    for (let q = dst, end = out + (<usize>hi << 2); q < end; q += 4) {
      store<f32>(q, load<f32>(s));
      s += step;
    }
  }
  if (hi < OW) memory.fill(out + (<usize>hi << 2), 0, <usize>(OW - hi) << 2);
}

/** col2im's overlap-add of one row: q[j·SW] += s[j] for j < n (f32x4 when SW = 1). */
@inline export function scatterAddRow(q: usize, s: usize, n: i32, SW: i32): void {
  if (SW == 1) {
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      v128.store(q, f32x4.add(v128.load(q), v128.load(s)));
      q += 16; s += 16;
    }
    for (; j < n; j++) {
      store<f32>(q, load<f32>(q) + load<f32>(s));
      q += 4; s += 4;
    }
  } else {
    const step = <usize>SW << 2;
    for (let j = 0; j < n; j++) {
      store<f32>(q, load<f32>(q) + load<f32>(s));
      q += step; s += 4;
    }
  }
}

/** n floats at row set to v (a depthwise kernel's output row starting at its bias). */
@inline export function fillRow(row: usize, v: f32, n: i32): void {
  const vv = f32x4.splat(v);
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(row + (<usize>j << 2), vv);
  for (; j < n; j++) store<f32>(row + (<usize>j << 2), v);
}
