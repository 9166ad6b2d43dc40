// Test helpers for NaN and ±∞: put a few of them at seeded random places of an operand, and
// compare a result with a float64 reference the IEEE way (NaN exactly where the reference has NaN,
// ±∞ exactly where it has the same infinity, finite values within tolerance).

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
  if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i])) {
    throw new Error(`${context}: shape [${got.shape.join(", ")}], expected [${want.shape.join(", ")}]`);
  }
  if (got.data.length !== want.data.length) throw new Error(`${context}: ${got.data.length} elements, expected ${want.data.length}`);
  for (let i = 0; i < want.data.length; i++) {
    const g = got.data[i], w = want.data[i];
    let problem = "";
    if (Number.isNaN(w)) problem = Number.isNaN(g) ? "" : "expected NaN";
    else if (!Number.isFinite(w)) problem = g === w ? "" : `expected ${w}`;
    else if (!Number.isFinite(g)) problem = "expected a finite value";
    else if (Math.abs(g - w) > atol + rtol * Math.abs(w)) problem = `|diff| ${Math.abs(g - w)} > ${atol} + ${rtol}·|want|`;
    if (problem !== "") throw new Error(`${context}: element ${i} is ${g}, want ${w} (${problem}; ${countSpecials(want.data)} of ${want.data.length} wanted non-finite)`);
  }
}
