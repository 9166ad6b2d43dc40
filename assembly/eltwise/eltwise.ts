// Element-wise kernels over contiguous f32 runs, four lanes at a time with a scalar tail.
// Pointers are byte offsets; n counts elements. Output may alias an input (same pointer).
// References with the same ABI: eltwise-ref.ts.

/** y[i] = max(x[i], 0). NaN stays NaN (as ONNX Relu). */
export function f32_relu__simd(x: usize, y: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const v = v128.load(x + off);
    // keep lanes where !(v < 0): NaN and positives pass through unchanged
    v128.store(y + off, v128.andnot(v, f32x4.lt(v, zero)));
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(y + (<usize>i << 2), v < 0 ? 0 : v);
  }
}

/**
 * y[i] = a[i·aStep] + b[i·bStep] with steps 0 (a broadcast scalar) or 1: the innermost run of a
 * broadcasting Add.
 */
export function f32_add__simd(a: usize, aStep: i32, b: usize, bStep: i32, y: usize, n: i32): void {
  let i = 0;
  if (aStep == 1 && bStep == 1) {
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      v128.store(y + off, f32x4.add(v128.load(a + off), v128.load(b + off)));
    }
  } else if (aStep == 0 && bStep == 1) {
    const s = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      v128.store(y + off, f32x4.add(s, v128.load(b + off)));
    }
  } else if (aStep == 1 && bStep == 0) {
    const s = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      v128.store(y + off, f32x4.add(v128.load(a + off), s));
    }
  }
  for (; i < n; i++) {
    store<f32>(y + (<usize>i << 2), load<f32>(a + (<usize>(i * aStep) << 2)) + load<f32>(b + (<usize>(i * bStep) << 2)));
  }
}

/** y[n, c, i] += bias[c] for n < N, c < C, i < plane: the bias of a convolution, in place. */
export function f32_bias_add__simd(y: usize, bias: usize, N: i32, C: i32, plane: i32): void {
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const q = y + (<usize>((n * C + c) * plane) << 2);
      const s = v128.load32_splat(bias + (<usize>c << 2));
      let i = 0;
      for (; i + 4 <= plane; i += 4) {
        const off = q + (<usize>i << 2);
        v128.store(off, f32x4.add(v128.load(off), s));
      }
      const b = load<f32>(bias + (<usize>c << 2));
      for (; i < plane; i++) {
        const off = q + (<usize>i << 2);
        store<f32>(off, load<f32>(off) + b);
      }
    }
  }
}

/**
 * Crop of planes [C, H, W] to [C, OH, OW] starting at (top, left):
 * y[c, i, j] = x[c, top + i, left + j]. One row copy at a time.
 */
export function f32_crop__scalar(x: usize, y: usize, C: i32, H: i32, W: i32, top: i32, left: i32, OH: i32, OW: i32): void {
  const rowBytes = <usize>OW << 2;
  let q = y;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < OH; i++) {
      memory.copy(q, x + (<usize>((c * H + top + i) * W + left) << 2), rowBytes);
      q += rowBytes;
    }
  }
}

/** dx[i] = dy[i] where x[i] > 0, else 0: the gradient of relu (0 at x = 0, as PyTorch). */
export function f32_relu_backward__simd(x: usize, dy: usize, dx: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(dx + off, v128.and(v128.load(dy + off), f32x4.gt(v128.load(x + off), zero)));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(dx + off, load<f32>(x + off) > 0 ? load<f32>(dy + off) : 0);
  }
}

/**
 * The adjoint of crop: dx [C, H, W] is zero except the window at (top, left), which receives
 * dy [C, OH, OW]: dx[c, top + i, left + j] = dy[c, i, j].
 */
export function f32_uncrop__scalar(dy: usize, dx: usize, C: i32, H: i32, W: i32, top: i32, left: i32, OH: i32, OW: i32): void {
  memory.fill(dx, 0, <usize>(C * H * W) << 2);
  const rowBytes = <usize>OW << 2;
  let q = dy;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < OH; i++) {
      memory.copy(dx + (<usize>((c * H + top + i) * W + left) << 2), q, rowBytes);
      q += rowBytes;
    }
  }
}
