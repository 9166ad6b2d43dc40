// Test helpers for NaN and ±∞: put a few of them at seeded random places of an operand, and
// compare a result with a float64 reference the IEEE way (NaN exactly where the reference has NaN,
// ±∞ exactly where it has the same infinity, finite values within tolerance).
import { expectClose } from "./lib.js";

/** The special values the tests place: NaN, +∞, −∞. */
export const SPECIALS: readonly number[] = [NaN, Infinity, -Infinity];

/** A copy of `a` with `count` entries (at seeded random places, maybe the same one twice) set to NaN, +∞ or −∞. */
export function sprinkle(r: () => number, a: Float32Array, count: number): Float32Array {
  const out = a.slice();
  for (let i = 0; i < count && out.length > 0; i++) out[Math.floor(r() * out.length)] = SPECIALS[Math.floor(r() * SPECIALS.length)];
  return out;
}

/** How many entries of `a` are NaN or ±∞. */
export function countSpecials(a: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) n++;
  return n;
}

/**
 * Throws unless shapes match and, at every index, got is NaN exactly where want is NaN, got equals
 * want where want is ±∞ (same sign), and |got − want| ≤ atol + rtol·|want| where want is finite
 * (got finite too). The message names the first bad index, got, want and `context` (the problem).
 */
export function expectIeee(got: { data: ArrayLike<number>; shape: readonly number[] }, want: { data: ArrayLike<number>; shape: readonly number[] },
  context: string, atol = 1e-5, rtol = 1e-4): void {
  const wanted = `${countSpecials(want.data)} of ${want.data.length} wanted non-finite`;
  // shapes, NaN where want is NaN, finite values within tolerance (a non-finite got fails there)
  expectClose(got, want, `${context} (${wanted})`, atol, rtol);
  // what expectClose lets through: an infinity of the wrong sign, or a finite value, where want is ±∞
  for (let i = 0; i < want.data.length; i++) {
    const g = got.data[i], w = want.data[i];
    if (!Number.isNaN(w) && !Number.isFinite(w) && g !== w) throw new Error(`${context}: element ${i} is ${g}, expected ${w} (${wanted})`);
  }
}
