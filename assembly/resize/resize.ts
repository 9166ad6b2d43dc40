// 2-D Resize of planes [P, H, W] → [P, OH, OW] from sampling tables the TS side computes once per
// geometry (src/ops/resize-kernel.ts: every coordinate mode and nearest mode stays there).
//
// An axis table of L outputs is, from its pointer: w0 f64[L], w1 f64[L], i0 i32[L], i1 i32[L]
// (output o reads w0[o]·src[i0[o]] + w1[o]·src[i1[o]]; nearest reads src[i0[o]] and has no
// weights: its table starts at i0). The linear kernel reproduces src/ops/resize.ts's float64
// loop bit for bit: one pass per axis, rows (H) first, each value w0·a + w1·b in f64 (products
// first, then their sum; no fused multiply-add), one rounding to f32 at the end.

/**
 * Linear: for each plane p and output row oh,
 *   t[w]      = wr0[oh]·x[p, ir0[oh], w] + wr1[oh]·x[p, ir1[oh], w]          (f64, w < W)
 *   y[p,oh,ow] = f32(wc0[ow]·t[ic0[ow]] + wc1[ow]·t[ic1[ow]])
 * rows = 0: no row pass (a 1-D resize; H = OH = 1): t[w] = x[p, 0, w].
 * work: W f64s (8·W bytes, 16-byte aligned).
 */
export function f32_resize_linear__simd(x: usize, y: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32, rows: usize, cols: usize, work: usize): void {
  const rowW1 = rows + (<usize>OH << 3), rowI0 = rows + (<usize>OH << 4), rowI1 = rowI0 + (<usize>OH << 2);
  const colW1 = cols + (<usize>OW << 3), colI0 = cols + (<usize>OW << 4), colI1 = colI0 + (<usize>OW << 2);
  const rowBytes = <usize>W << 2;
  let yq = y;
  for (let p = 0; p < planes; p++) {
    const xp = x + <usize>p * <usize>H * rowBytes;
    for (let oh = 0; oh < OH; oh++) {
      if (rows == 0) {
        for (let w = 0; w < W; w++) store<f64>(work + (<usize>w << 3), <f64>load<f32>(xp + (<usize>w << 2)));
      } else {
        const o3 = <usize>oh << 3, o2 = <usize>oh << 2;
        const a0 = load<f64>(rows + o3), a1 = load<f64>(rowW1 + o3);
        const r0 = xp + <usize>load<i32>(rowI0 + o2) * rowBytes, r1 = xp + <usize>load<i32>(rowI1 + o2) * rowBytes;
        const v0 = f64x2.splat(a0), v1 = f64x2.splat(a1);
        let w = 0;
        for (; w + 4 <= W; w += 4) {
          const b = <usize>w << 2, t = work + (<usize>w << 3);
          const s0 = v128.load(r0 + b), s1 = v128.load(r1 + b);
          // lanes 0–1 and 2–3 widened to f64 (exact), then a0·s0 + a1·s1 per lane
          const lo = f64x2.add(f64x2.mul(v0, f64x2.promote_low_f32x4(s0)), f64x2.mul(v1, f64x2.promote_low_f32x4(s1)));
          const h0 = v128.shuffle<i32>(s0, s0, 2, 3, 2, 3), h1 = v128.shuffle<i32>(s1, s1, 2, 3, 2, 3);
          const hi = f64x2.add(f64x2.mul(v0, f64x2.promote_low_f32x4(h0)), f64x2.mul(v1, f64x2.promote_low_f32x4(h1)));
          v128.store(t, lo);
          v128.store(t, hi, 16);
        }
        for (; w < W; w++) {
          const b = <usize>w << 2;
          store<f64>(work + (<usize>w << 3), a0 * <f64>load<f32>(r0 + b) + a1 * <f64>load<f32>(r1 + b));
        }
      }
      let ow = 0;
      for (; ow + 4 <= OW; ow += 4) {
        // four outputs: two f64x2 lanes each of w0·t[i0] + w1·t[i1], the gathers lane by lane
        const o3 = <usize>ow << 3, o2 = <usize>ow << 2;
        const c0 = colI0 + o2, c1 = colI1 + o2;
        let ta = v128.load64_zero(work + (<usize>load<i32>(c0) << 3));
        ta = v128.load64_lane(work + (<usize>load<i32>(c0, 4) << 3), ta, 1);
        let tb = v128.load64_zero(work + (<usize>load<i32>(c1) << 3));
        tb = v128.load64_lane(work + (<usize>load<i32>(c1, 4) << 3), tb, 1);
        let tc = v128.load64_zero(work + (<usize>load<i32>(c0, 8) << 3));
        tc = v128.load64_lane(work + (<usize>load<i32>(c0, 12) << 3), tc, 1);
        let td = v128.load64_zero(work + (<usize>load<i32>(c1, 8) << 3));
        td = v128.load64_lane(work + (<usize>load<i32>(c1, 12) << 3), td, 1);
        const lo = f64x2.add(f64x2.mul(v128.load(cols + o3), ta), f64x2.mul(v128.load(colW1 + o3), tb));
        const hi = f64x2.add(f64x2.mul(v128.load(cols + o3, 16), tc), f64x2.mul(v128.load(colW1 + o3, 16), td));
        v128.store(yq + o2, v128.shuffle<i32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
      }
      for (; ow < OW; ow++) {
        const o3 = <usize>ow << 3, o2 = <usize>ow << 2;
        const t0 = load<f64>(work + (<usize>load<i32>(colI0 + o2) << 3));
        const t1 = load<f64>(work + (<usize>load<i32>(colI1 + o2) << 3));
        store<f32>(yq + o2, <f32>(load<f64>(cols + o3) * t0 + load<f64>(colW1 + o3) * t1));
      }
      yq += <usize>OW << 2;
    }
  }
}

/**
 * Nearest: y[p, oh, ow] = x[p, ir[oh], ic[ow]] (a copy, no arithmetic). rows/cols point at i32
 * index lists; rows = 0: row 0 (H = OH = 1). An output row whose source row is the previous
 * output row's is copied from it.
 */
export function f32_resize_nearest__scalar(x: usize, y: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32, rows: usize, cols: usize): void {
  const rowBytes = <usize>W << 2, outRowBytes = <usize>OW << 2;
  let yq = y;
  for (let p = 0; p < planes; p++) {
    const xp = x + <usize>p * <usize>H * rowBytes;
    let last = -1;
    for (let oh = 0; oh < OH; oh++) {
      const ih = rows == 0 ? 0 : load<i32>(rows + (<usize>oh << 2));
      if (ih == last) {
        memory.copy(yq, yq - outRowBytes, outRowBytes);
      } else {
        const r = xp + <usize>ih * rowBytes;
        for (let ow = 0; ow < OW; ow++) {
          const o2 = <usize>ow << 2;
          store<u32>(yq + o2, load<u32>(r + (<usize>load<i32>(cols + o2) << 2)));
        }
        last = ih;
      }
      yq += outRowBytes;
    }
  }
}
