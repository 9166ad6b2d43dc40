// f32_all_finite__simd against its reference: every length 0…40 (the 16-float body, the 4-float
// steps and the scalar tail), with NaN, +∞ or −∞ at every position, and finite extremes (the
// largest floats, subnormals, −0) that must not count. Values past n must never be read.
import { f32_all_finite__simd } from "../eltwise/all-finite";
import { f32_all_finite__ref } from "../eltwise/all-finite-ref";
import { randomBuffer, reseed } from "./helpers";

const SPECIALS: f32[] = [NaN, Infinity, -Infinity];

describe("f32_all_finite__simd", () => {
  it("finite runs of length 0…40, with a NaN just past the end", () => {
    for (let n = 0; n <= 40; n++) {
      reseed(<u32>(n + 7));
      const x = randomBuffer(n);
      store<f32>(x + (<usize>n << 2), NaN);
      expect(f32_all_finite__simd(x, n)).toBe(1);
      expect(f32_all_finite__ref(x, n)).toBe(1);
      heap.free(x);
    }
  });

  it("finite extremes: ±3.4e38, subnormals, −0", () => {
    const n = 37;
    const x = randomBuffer(n);
    for (let i = 0; i < n; i++) {
      const v: f32 = i % 4 == 0 ? <f32>3.4e38 : i % 4 == 1 ? <f32>-3.4e38 : i % 4 == 2 ? <f32>1e-45 : <f32>-0.0;
      store<f32>(x + (<usize>i << 2), v);
    }
    expect(f32_all_finite__simd(x, n)).toBe(1);
    heap.free(x);
  });

  it("one NaN, +∞ or −∞ at every position of every length 1…40", () => {
    for (let n = 1; n <= 40; n++) {
      for (let s = 0; s < SPECIALS.length; s++) {
        for (let at = 0; at < n; at++) {
          reseed(<u32>(n * 131 + at));
          const x = randomBuffer(n);
          store<f32>(x + (<usize>at << 2), SPECIALS[s]);
          expect(f32_all_finite__simd(x, n)).toBe(0);
          expect(f32_all_finite__ref(x, n)).toBe(0);
          heap.free(x);
        }
      }
    }
  });
});
