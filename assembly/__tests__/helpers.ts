// Spec helpers: buffers in the test runtime's heap, deterministic fill, guard words after each
// output (a kernel that writes past its output is caught), and a tolerance compare.

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

/** Writes i32 words into a params block of 64 words and returns it. */
export function block(words: StaticArray<i32>): usize {
  const p = heap.alloc(256);
  for (let i = 0; i < words.length; i++) store<i32>(p + (<usize>i << 2), words[i]);
  return p;
}

export function setReal(p: usize, slot: i32, v: f32): void {
  store<f32>(p + (<usize>slot << 2), v);
}
