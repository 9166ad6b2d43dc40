// The valid range of one window axis: for output positions o = 0…O−1 and a tap whose offset is
// `shift` (= k·D − P), the image index is i = o·S + shift, and 0 ≤ i < L holds exactly for
// lo ≤ o < hi. Shared by the fast im2col, col2im and maxPool kernels so none of them tests bounds
// inside its inner loop.

/** First o with o·S + shift ≥ 0: ⌈−shift / S⌉, or 0. */
@inline export function firstInside(shift: i32, S: i32): i32 {
  return shift >= 0 ? 0 : (S - 1 - shift) / S;
}

/** One past the last o with o·S + shift ≤ L − 1, clamped to [0, O]. */
@inline export function endInside(shift: i32, S: i32, L: i32, O: i32): i32 {
  const u = L - 1 - shift;
  return u < 0 ? 0 : min(O, u / S + 1);
}
