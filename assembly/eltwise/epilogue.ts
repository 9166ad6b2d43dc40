// The conv engine's epilogue: the bias and a fused activation applied to one work unit's output
// (a band of output rows of some channels) right after its GEMM wrote it, while it is in cache,
// instead of separate passes over the whole output. Channel c's run is the n floats at
// y + c·stride (NCHW: a band of rows of one channel plane is contiguous):
//   v = y + bias[c]  (bias = 0: none)                         the bias add, f32 as f32_bias_add__simd
//   form 0  y = f(v)                                           Conv → activation
//   form 1  y = v·f(v)                                         Mul(x, f(x)): SiLU (f = Sigmoid)
//   form 2  y = (v·f(v + 3))/6                                 Div(Mul(x, Clip(Add(x, 3), 0, 6)), 6)
// f is Relu (f32_relu__simd) or f32_activation__simd's op, the same kernels the separate layers
// call, each step rounded to float32 as the separate layers do, so the bits are theirs.
// Forms 1 and 2 take f into EPILOGUE_CHUNK floats of scratch (`work`) a chunk at a time.
// Reference with the same ABI: epilogue-ref.ts.
import { EpilogueParams } from "../params";
import { f32_relu__simd } from "./eltwise";
import { f32_activation__simd } from "./activation";

/** Floats of scratch forms 1 and 2 use (`work`). */
export const EPILOGUE_CHUNK: i32 = 256;

const FN_NONE = 0, FN_RELU = 1;
const FORM_F = 0, FORM_X_F = 1;

@inline function apply(fn: i32, op: i32, x: usize, y: usize, n: i32, p0: f64, p1: f64): void {
  if (fn == FN_RELU) f32_relu__simd(x, y, n);
  else f32_activation__simd(op, x, y, n, p0, p1);
}

/** q[i] += b for i < n. */
@inline function addBias(q: usize, b: f32, n: i32): void {
  const s = f32x4.splat(b);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = q + (<usize>i << 2);
    v128.store(off, f32x4.add(v128.load(off), s));
  }
  for (; i < n; i++) {
    const off = q + (<usize>i << 2);
    store<f32>(off, load<f32>(off) + b);
  }
}

/** work[i] = q[i] + 3 for i < n (form 2's argument of f). */
@inline function plus3(q: usize, work: usize, n: i32): void {
  const three = f32x4.splat(3);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(work + off, f32x4.add(v128.load(q + off), three));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(work + off, load<f32>(q + off) + 3);
  }
}

/** q[i] = q[i]·s[i] (form 1), or (q[i]·s[i])/6 (form 2), for i < n. */
@inline function gate(q: usize, s: usize, n: i32, sixth: bool): void {
  const six = f32x4.splat(6);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const v = f32x4.mul(v128.load(q + off), v128.load(s + off));
    v128.store(q + off, sixth ? f32x4.div(v, six) : v);
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const v = load<f32>(q + off) * load<f32>(s + off);
    store<f32>(q + off, sixth ? v / 6 : v);
  }
}

/** y = act(y + bias[c]) on each channel's run of a band, in place (EpilogueParams). */
export function f32_conv_epilogue__simd(params: usize): void {
  const p = changetype<EpilogueParams>(params);
  const y = p.y, bias = p.bias, channels = p.channels, n = p.n, stride = p.stride;
  const form = p.form, fn = p.fn, op = p.op, p0 = <f64>p.p0, p1 = <f64>p.p1, work = p.work;
  for (let c = 0; c < channels; c++) {
    const q = y + (<usize>c * <usize>stride << 2); // run c: y[c·stride + i], i < n
    if (bias != 0) addBias(q, load<f32>(bias + (<usize>c << 2)), n);
    if (fn == FN_NONE) continue;
    if (form == FORM_F) {
      apply(fn, op, q, q, n, p0, p1);
      continue;
    }
    for (let i0 = 0; i0 < n; i0 += EPILOGUE_CHUNK) {
      const len = min(EPILOGUE_CHUNK, n - i0), at = q + (<usize>i0 << 2);
      if (form == FORM_X_F) apply(fn, op, at, work, len, p0, p1);
      else {
        plus3(at, work, len);
        apply(fn, op, work, work, len, p0, p1);
      }
      gate(at, work, len, form != FORM_X_F);
    }
  }
}
