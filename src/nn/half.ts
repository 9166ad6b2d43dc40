// IEEE 754 binary16 ("half", safetensors F16): 1 sign bit, 5 exponent bits (bias 15), 10 fraction
// bits. Normal: (-1)^s · 2^(e-15) · (1 + f/1024); e = 0: subnormal (-1)^s · 2^-24 · f; e = 31: ±∞
// (f = 0) or NaN.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The binary16 bits of `v` (first rounded to float32), rounded to nearest, ties to even. */
export function floatToHalf(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // ∞, or a quiet NaN
  const e = exp - 127 + 15; // the half's biased exponent
  if (e >= 31) return sign | 0x7c00; // ≥ 2^16: past the largest half (65504) even after rounding
  if (e <= 0) {
    // subnormal half: value = m · 2^(exp-150) with the 24-bit significand m; in units of 2^-24
    // that is m >> (126 - exp) = m >> (14 - e)
    if (e < -10) return sign; // below 2^-25, half the smallest subnormal: rounds to ±0
    const m = mant | 0x800000;
    const shift = 14 - e;
    let q = m >>> shift;
    const rest = m & ((1 << shift) - 1), half = 1 << (shift - 1);
    if (rest > half || (rest === half && q & 1)) q++; // may carry into the smallest normal, 0x400
    return sign | q;
  }
  // normal: keep the top 10 of 23 fraction bits, round on the 13 dropped ones
  let q = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && q & 1)) q++; // a carry may reach 0x7c00 = ∞, as it should
  return sign | q;
}

/** The value of binary16 bits `h`. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
