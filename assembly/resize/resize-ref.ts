// References for resize.ts's kernels, same ABI, written per output element as the definition:
// no workspace, no vectors. Tables as in resize.ts (linear: w0 f64[L], w1 f64[L], i0 i32[L],
// i1 i32[L]; nearest: i32[L]; rows = 0: a 1-D resize).

/** Row pass value t(p, oh, w) = wr0[oh]·x[p, ir0[oh], w] + wr1[oh]·x[p, ir1[oh], w] in f64 (rows = 0: x[p, 0, w]). */
function rowValue(x: usize, H: i32, W: i32, OH: i32, rows: usize, p: i32, oh: i32, w: i32): f64 {
  const plane = x + (<usize>(p * H * W) << 2);
  if (rows == 0) return <f64>load<f32>(plane + (<usize>w << 2));
  const i0 = load<i32>(rows + (<usize>OH << 4) + (<usize>oh << 2));
  const i1 = load<i32>(rows + (<usize>OH << 4) + (<usize>OH << 2) + (<usize>oh << 2));
  const w0 = load<f64>(rows + (<usize>oh << 3)), w1 = load<f64>(rows + (<usize>OH << 3) + (<usize>oh << 3));
  return w0 * <f64>load<f32>(plane + (<usize>(i0 * W + w) << 2)) + w1 * <f64>load<f32>(plane + (<usize>(i1 * W + w) << 2));
}

/** y[p, oh, ow] = f32(wc0[ow]·t(p, oh, ic0[ow]) + wc1[ow]·t(p, oh, ic1[ow])). `work` unused. */
export function f32_resize_linear__ref(x: usize, y: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32, rows: usize, cols: usize, work: usize): void {
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const i0 = load<i32>(cols + (<usize>OW << 4) + (<usize>ow << 2));
        const i1 = load<i32>(cols + (<usize>OW << 4) + (<usize>OW << 2) + (<usize>ow << 2));
        const w0 = load<f64>(cols + (<usize>ow << 3)), w1 = load<f64>(cols + (<usize>OW << 3) + (<usize>ow << 3));
        const v = w0 * rowValue(x, H, W, OH, rows, p, oh, i0) + w1 * rowValue(x, H, W, OH, rows, p, oh, i1);
        store<f32>(y + (<usize>((p * OH + oh) * OW + ow) << 2), <f32>v);
      }
    }
  }
}

/** y[p, oh, ow] = x[p, ir[oh], ic[ow]] (rows = 0: row 0). */
export function f32_resize_nearest__ref(x: usize, y: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32, rows: usize, cols: usize): void {
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < OH; oh++) {
      const ih = rows == 0 ? 0 : load<i32>(rows + (<usize>oh << 2));
      for (let ow = 0; ow < OW; ow++) {
        const iw = load<i32>(cols + (<usize>ow << 2));
        store<u32>(y + (<usize>((p * OH + oh) * OW + ow) << 2), load<u32>(x + (<usize>((p * H + ih) * W + iw) << 2)));
      }
    }
  }
}
