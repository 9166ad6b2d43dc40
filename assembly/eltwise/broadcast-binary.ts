// Broadcasting binary arithmetic and the per-channel affine, for ONNX models' layer ops on the
// resident plan (src/nn/layers/arithmetic.ts, batch-normalization.ts).
//
// f32_binary__simd: the output is viewed as [O, C, I] (row-major) and each operand is indexed by
// its own strides over those three groups of axes (0 where it is broadcast):
//   y[(o·C + c)·I + i] = a[o·aO + c·aC + i·aI] ∘ b[o·bO + c·bC + i·bI],  aI, bI ∈ {0, 1}
// That covers same shapes, a scalar operand, a per-channel [1, C, 1, …] or per-image-channel
// [N, C, 1, …] operand against [N, C, spatial…], and a trailing [spatial…] operand; the TS side
// (src/ops/broadcast-layout.ts) finds the three groups and falls back to JS for anything else.
// ∘ is op 0 add, 1 sub, 2 mul, 3 div. One float32 operation of two float32 values is exactly
// the float64 result rounded once to float32 (53 ≥ 2·24 + 2), so f32x4 gives the JS path's bits.
//
// f32_channel_affine__simd: y[n, c, i] = a[c]·x[n, c, i] + b[c] with a, b float64 (BatchNormalization
// with frozen statistics). Two float64 operations rounded once at the end, as the JS loop: computed
// in f64x2 lanes (promote, mul, add, demote), never fused.
// Pointers are byte offsets; the output may alias an operand that is not broadcast.

const ADD = 0, SUB = 1, MUL = 2, DIV = 3;

@inline function vop(op: i32, x: v128, y: v128): v128 {
  if (op == ADD) return f32x4.add(x, y);
  if (op == SUB) return f32x4.sub(x, y);
  if (op == MUL) return f32x4.mul(x, y);
  return f32x4.div(x, y);
}

@inline function sop(op: i32, x: f32, y: f32): f32 {
  if (op == ADD) return x + y;
  if (op == SUB) return x - y;
  if (op == MUL) return x * y;
  return x / y;
}

/** One run of n outputs: y[i] = a[i·aI] ∘ b[i·bI]. */
@inline function run(op: i32, a: usize, aI: i32, b: usize, bI: i32, y: usize, n: i32): void {
  let i = 0;
  if (aI == 1 && bI == 1) {
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      v128.store(y + off, vop(op, v128.load(a + off), v128.load(b + off)));
    }
  } else if (aI == 0 && bI == 1) {
    const s = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      v128.store(y + off, vop(op, s, v128.load(b + off)));
    }
  } else if (aI == 1 && bI == 0) {
    const s = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      v128.store(y + off, vop(op, v128.load(a + off), s));
    }
  }
  for (; i < n; i++) {
    store<f32>(y + (<usize>i << 2), sop(op, load<f32>(a + (<usize>(i * aI) << 2)), load<f32>(b + (<usize>(i * bI) << 2))));
  }
}

@inline function grid(op: i32, a: usize, aO: i32, aC: i32, aI: i32, b: usize, bO: i32, bC: i32, bI: i32, y: usize, O: i32, C: i32, I: i32): void {
  for (let o = 0; o < O; o++) {
    for (let c = 0; c < C; c++) {
      const pa = a + (<usize>(o * aO + c * aC) << 2), pb = b + (<usize>(o * bO + c * bC) << 2);
      run(op, pa, aI, pb, bI, y + (<usize>((o * C + c) * I) << 2), I);
    }
  }
}

/** y[o, c, i] = a[o·aO + c·aC + i·aI] ∘ b[o·bO + c·bC + i·bI] (op 0 add, 1 sub, 2 mul, 3 div). */
export function f32_binary__simd(op: i32, a: usize, aO: i32, aC: i32, aI: i32, b: usize, bO: i32, bC: i32, bI: i32, y: usize, O: i32, C: i32, I: i32): void {
  // one instance of the loops per op, so the vector loop holds one instruction, not a branch
  if (op == ADD) grid(ADD, a, aO, aC, aI, b, bO, bC, bI, y, O, C, I);
  else if (op == SUB) grid(SUB, a, aO, aC, aI, b, bO, bC, bI, y, O, C, I);
  else if (op == MUL) grid(MUL, a, aO, aC, aI, b, bO, bC, bI, y, O, C, I);
  else grid(DIV, a, aO, aC, aI, b, bO, bC, bI, y, O, C, I);
}

/**
 * y[n, c, i] = a[c]·x[n, c, i] + b[c] for x, y [N, C, plane] f32 and a, b [C] f64: each value the
 * float64 product and sum rounded once to float32.
 */
export function f32_channel_affine__simd(x: usize, a: usize, b: usize, y: usize, N: i32, C: i32, plane: i32): void {
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = <usize>((n * C + c) * plane) << 2; // element (n, c, i) at (n·C + c)·plane + i
      const px = x + base, py = y + base;
      const ac = load<f64>(a + (<usize>c << 3)), bc = load<f64>(b + (<usize>c << 3));
      const va = f64x2.splat(ac), vb = f64x2.splat(bc);
      let i = 0;
      for (; i + 4 <= plane; i += 4) {
        const off = <usize>i << 2;
        const v = v128.load(px + off);
        const lo = f64x2.add(f64x2.mul(va, f64x2.promote_low_f32x4(v)), vb);
        const hi = f64x2.add(f64x2.mul(va, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3))), vb);
        v128.store(py + off, v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
      }
      for (; i < plane; i++) {
        const off = <usize>i << 2;
        store<f32>(py + off, <f32>(ac * <f64>load<f32>(px + off) + bc));
      }
    }
  }
}
