// Lane helpers of the Winograd transforms (winograd.ts, winograd-f4.ts): four tiles of a row of
// tiles a v128, lane k = tile k, with scalar bounds-checked gathers for the tiles at the edges.

/** Element c of the row at `row` (a byte offset), or 0 outside [0, W) or for row 0 (a whole row of padding). */
@inline export function rowAt(row: usize, c: i32, W: i32): f32 {
  return row != 0 && c >= 0 && c < W ? load<f32>(row + (<usize>c << 2)) : 0;
}

/**
 * Column j of four tiles `step` columns apart starting at column c (lane k: column c + k·step + j)
 * of the row at `row`; lanes of tiles past `n`, and columns outside [0, W), are 0.
 */
export function gatherTiles(row: usize, c: i32, W: i32, j: i32, n: i32, step: i32): v128 {
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, rowAt(row, c + j, W));
  if (n > 1) v = f32x4.replace_lane(v, 1, rowAt(row, c + step + j, W));
  if (n > 2) v = f32x4.replace_lane(v, 2, rowAt(row, c + 2 * step + j, W));
  if (n > 3) v = f32x4.replace_lane(v, 3, rowAt(row, c + 3 * step + j, W));
  return v;
}

/** Stores lanes 0…n−1 of v at p (n = 4: one vector store; fewer: storePartial, out of line to keep the module small). */
@inline export function storeLanes(p: usize, v: v128, n: i32): void {
  if (n == 4) v128.store(p, v);
  else storePartial(p, v, n);
}

export function storePartial(p: usize, v: v128, n: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p + 4, f32x4.extract_lane(v, 1));
  if (n > 2) store<f32>(p + 8, f32x4.extract_lane(v, 2));
}

/** Loads lanes 0…n−1 from p (the others 0; n = 4: one vector load; fewer: loadPartial, out of line). */
@inline export function loadLanes(p: usize, n: i32): v128 {
  return n == 4 ? v128.load(p) : loadPartial(p, n);
}

export function loadPartial(p: usize, n: i32): v128 {
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p + 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p + 8));
  return v;
}
