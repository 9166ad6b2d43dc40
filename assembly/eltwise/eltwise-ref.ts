// Reference element-wise kernels with the ABIs of eltwise.ts: one scalar at a time.

export function f32_relu__ref(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(y + (<usize>i << 2), v < 0 ? 0 : v);
  }
}

export function f32_add__ref(a: usize, aStep: i32, b: usize, bStep: i32, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<f32>(y + (<usize>i << 2), load<f32>(a + (<usize>(i * aStep) << 2)) + load<f32>(b + (<usize>(i * bStep) << 2)));
  }
}

export function f32_bias_add__ref(y: usize, bias: usize, N: i32, C: i32, plane: i32): void {
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < plane; i++) {
    const q = y + (<usize>((n * C + c) * plane + i) << 2);
    store<f32>(q, load<f32>(q) + load<f32>(bias + (<usize>c << 2)));
  }
}

export function f32_crop__ref(x: usize, y: usize, C: i32, H: i32, W: i32, top: i32, left: i32, OH: i32, OW: i32): void {
  for (let c = 0; c < C; c++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
    store<f32>(y + (<usize>((c * OH + i) * OW + j) << 2), load<f32>(x + (<usize>((c * H + top + i) * W + left + j) << 2)));
  }
}

export function f32_relu_backward__ref(x: usize, dy: usize, dx: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(dx + off, load<f32>(x + off) > 0 ? load<f32>(dy + off) : 0);
  }
}

export function f32_uncrop__ref(dy: usize, dx: usize, C: i32, H: i32, W: i32, top: i32, left: i32, OH: i32, OW: i32): void {
  for (let c = 0; c < C; c++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) {
    const inside = i >= top && i < top + OH && j >= left && j < left + OW;
    const v: f32 = inside ? load<f32>(dy + (<usize>((c * OH + i - top) * OW + j - left) << 2)) : 0;
    store<f32>(dx + (<usize>((c * H + i) * W + j) << 2), v);
  }
}
