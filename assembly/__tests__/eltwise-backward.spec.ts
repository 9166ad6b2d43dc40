// relu backward and uncrop (crop's adjoint) against their references: every tail length,
// zeros and negatives in x; crops at every offset of small images. Guards must stay intact.
import { f32_relu_backward__simd, f32_uncrop__scalar } from "../eltwise/eltwise";
import { f32_relu_backward__ref, f32_uncrop__ref } from "../eltwise/eltwise-ref";
import { randomBuffer, filledBuffer, guardsIntact, firstMismatch, reseed } from "./helpers";

describe("f32_relu_backward__simd", () => {
  it("n = 0…37 with zeros and negatives", () => {
    for (let n = 0; n <= 37; n++) {
      reseed(<u32>(n + 1));
      const x = randomBuffer(n), dy = randomBuffer(n);
      for (let i = 0; i < n; i += 5) store<f32>(x + (<usize>i << 2), 0);
      const a = filledBuffer(n, 777), b = filledBuffer(n, -777);
      f32_relu_backward__simd(x, dy, a, n);
      f32_relu_backward__ref(x, dy, b, n);
      expect(firstMismatch(a, b, n, 0, 0)).toBe(-1);
      expect(guardsIntact(a, n)).toBe(true);
      heap.free(x); heap.free(dy); heap.free(a); heap.free(b);
    }
  });
});

describe("f32_uncrop__scalar", () => {
  it("every window of 1…5 × 1…6 images", () => {
    for (let H = 1; H <= 5; H++) for (let W = 1; W <= 6; W++) for (let OH = 1; OH <= H; OH++) for (let OW = 1; OW <= W; OW += 2) {
      for (let top = 0; top + OH <= H; top++) for (let left = 0; left + OW <= W; left++) {
        reseed(<u32>(H * 100 + W * 10 + top + left));
        const C = 2, n = C * H * W;
        const dy = randomBuffer(C * OH * OW);
        const a = filledBuffer(n, 777), b = filledBuffer(n, -777);
        f32_uncrop__scalar(dy, a, C, H, W, top, left, OH, OW);
        f32_uncrop__ref(dy, b, C, H, W, top, left, OH, OW);
        expect(firstMismatch(a, b, n, 0, 0)).toBe(-1);
        expect(guardsIntact(a, n)).toBe(true);
        heap.free(dy); heap.free(a); heap.free(b);
      }
    }
  });
});
