// Spec helpers: buffers in the test runtime's heap, deterministic fill, guard words after each
// output (a kernel that writes past its output is caught), and a tolerance compare.
import { WindowParams } from "../params";

/** A guard value no kernel computes from our inputs. */
export const GUARD: f32 = -12345.5;
const GUARDS: i32 = 8;

let seed: u32 = 0x2545f491;

export function reseed(s: u32): void {
  seed = s;
}

/** Uniform in [-1, 1) from a 32-bit LCG (Numerical Recipes constants). */
export function next(): f32 {
  seed = seed * 1664525 + 1013904223;
  return <f32>(<f64>(seed >>> 8) / 8388608.0 - 1.0);
}

/** n floats (+ guard words after them), 16-byte aligned, filled with next() values. */
export function randomBuffer(n: i32): usize {
  const p = heap.alloc(<usize>(n + GUARDS) << 2);
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), next());
  for (let i = 0; i < GUARDS; i++) store<f32>(p + (<usize>(n + i) << 2), GUARD);
  return p;
}

/** n floats set to `value`, then guard words. */
export function filledBuffer(n: i32, value: f32): usize {
  const p = heap.alloc(<usize>(n + GUARDS) << 2);
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), value);
  for (let i = 0; i < GUARDS; i++) store<f32>(p + (<usize>(n + i) << 2), GUARD);
  return p;
}

/** A copy of n floats (+ fresh guard words). */
export function copyBuffer(src: usize, n: i32): usize {
  const p = heap.alloc(<usize>(n + GUARDS) << 2);
  memory.copy(p, src, <usize>n << 2);
  for (let i = 0; i < GUARDS; i++) store<f32>(p + (<usize>(n + i) << 2), GUARD);
  return p;
}

/** True when the guard words after n floats are intact. */
export function guardsIntact(p: usize, n: i32): bool {
  for (let i = 0; i < GUARDS; i++) if (load<f32>(p + (<usize>(n + i) << 2)) != GUARD) return false;
  return true;
}

/**
 * Index of the first element where |got − want| > atol + rtol·|want|, or −1 when all agree.
 */
export function firstMismatch(got: usize, want: usize, n: i32, atol: f32, rtol: f32): i32 {
  for (let i = 0; i < n; i++) {
    const g = load<f32>(got + (<usize>i << 2));
    const w = load<f32>(want + (<usize>i << 2));
    if (!(Mathf.abs(g - w) <= atol + rtol * Mathf.abs(w))) return i;
  }
  return -1;
}

export function at(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

/** A zeroed parameter block of class T (params.ts) in the heap; free it with heap.free(changetype<usize>(b)). */
export function newBlock<T>(): T {
  const p = heap.alloc(offsetof<T>());
  memory.fill(p, 0, offsetof<T>());
  return changetype<T>(p);
}

/** Index of the first element whose bit pattern differs (NaN payloads and −0 count), or −1. */
export function firstBitMismatch(got: usize, want: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    if (load<u32>(got + (<usize>i << 2)) != load<u32>(want + (<usize>i << 2))) return i;
  }
  return -1;
}

/** True when n floats at p are bit-identical to `copy` and p's guard words are intact. */
export function unchanged(p: usize, copy: usize, n: i32): bool {
  return firstBitMismatch(p, copy, n) < 0 && guardsIntact(p, n);
}

/**
 * Like firstBitMismatch, but any NaN matches any NaN: which NaN f32.max and f32x4.max return when an
 * operand is NaN is left to the engine by the wasm spec (V8's scalar and vector forms differ in sign).
 */
export function firstMismatchAnyNaN(got: usize, want: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    const a = load<f32>(got + (<usize>i << 2)), b = load<f32>(want + (<usize>i << 2));
    if (isNaN(a) && isNaN(b)) continue;
    if (load<u32>(got + (<usize>i << 2)) != load<u32>(want + (<usize>i << 2))) return i;
  }
  return -1;
}

/** The bit pattern of element i, as hex (to tell NaNs and −0 apart in failure messages). */
export function hexAt(p: usize, i: i32): string {
  return "0x" + load<u32>(p + (<usize>i << 2)).toString(16);
}

/**
 * Window positions along one axis of length L, kernel K, stride S, dilation D, pads P0 (begin)
 * and P1 (end): ⌊(L + P0 + P1 − D·(K−1) − 1)/S⌋ + 1, or 0 when the padded axis is shorter than
 * the dilated kernel. ceil: ⌈…⌉ + 1, dropping a last window that would start in the end padding
 * (ONNX MaxPool ceil_mode).
 */
export function windows(L: i32, K: i32, S: i32, D: i32, P0: i32, P1: i32, ceil: bool = false): i32 {
  const span = L + P0 + P1 - D * (K - 1) - 1;
  if (span < 0) return 0;
  let n = (ceil ? (span + S - 1) / S : span / S) + 1;
  if (ceil && (n - 1) * S >= L + P0) n--;
  return n;
}

/** A 2-D window geometry (WindowParams in params.ts) with its end pads, for specs. */
export class Geometry {
  OH: i32;
  OW: i32;
  constructor(
    public C: i32, public H: i32, public W: i32, public KH: i32, public KW: i32,
    public SH: i32, public SW: i32, public PT: i32, public PL: i32, public PB: i32, public PR: i32,
    public DH: i32, public DW: i32, ceil: bool = false,
  ) {
    this.OH = windows(H, KH, SH, DH, PT, PB, ceil);
    this.OW = windows(W, KW, SW, DW, PL, PR, ceil);
  }

  /** The WindowParams block reading `src` and writing `dst` (free it with heap.free). */
  block(src: usize, dst: usize): usize {
    const b = newBlock<WindowParams>();
    b.C = this.C; b.H = this.H; b.W = this.W; b.KH = this.KH; b.KW = this.KW;
    b.SH = this.SH; b.SW = this.SW; b.PT = this.PT; b.PL = this.PL;
    b.DH = this.DH; b.DW = this.DW; b.OH = this.OH; b.OW = this.OW;
    b.src = src; b.dst = dst;
    return changetype<usize>(b);
  }

  toString(): string {
    return `C=${this.C} in=${this.H}x${this.W} k=${this.KH}x${this.KW} s=${this.SH},${this.SW} ` +
      `p=${this.PT},${this.PL},${this.PB},${this.PR} d=${this.DH},${this.DW} grid=${this.OH}x${this.OW}`;
  }
}

/**
 * Scales the values at p by 8 (±8: every piece of the piecewise activations is hit) and puts
 * specials at fixed places, r = (7i + 2) mod period: NaN, −0, +0, ±∞, the smallest subnormal,
 * 3, −3 and −6 (HardSwish's and hard-swish's breakpoints).
 */
export function sprinkleSpecials(p: usize, n: i32, period: i32): void {
  for (let i = 0; i < n; i++) {
    const r = (i * 7 + 2) % period;
    let v = at(p, i) * 8;
    if (r == 0) v = NaN;
    else if (r == 1) v = -0.0;
    else if (r == 2) v = 0.0;
    else if (r == 3) v = Infinity;
    else if (r == 4) v = -Infinity;
    else if (r == 5) v = reinterpret<f32>(0x00000001);
    else if (r == 6) v = 3;
    else if (r == 7) v = -3;
    else if (r == 8) v = -6;
    store<f32>(p + (<usize>i << 2), v);
  }
}
