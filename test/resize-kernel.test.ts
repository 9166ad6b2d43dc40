// The Resize kernels (assembly/resize/resize.ts, through the public resize) against resize.ts's
// float64 loop (resizeFloat64), bit for bit: every mode × coordinate mode × nearest mode, scales
// up and down and sizes, odd sizes, 1 and 2 spatial axes, inputs with NaN, ±∞, −0, subnormals and
// huge values (so that 0·∞ and overflow in the weighted sums show), on both builds.
import { describe, expect, it } from "vitest";
import { BUILDS, fcn, randInt, rng, useBuild } from "./lib.js";
import { resizeFloat64, resizePlan } from "../dist/ops/resize.js";

const COORDS = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "half_pixel_symmetric"] as const;
const NEARESTS = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"] as const;
const SCALES = [0.3, 0.5, 0.6, 0.75, 1, 4 / 3, 1.5, 2, 2.5, 3, 4];
const SPECIALS = [NaN, Infinity, -Infinity, -0, 0, 1e-40, -3e38, 3e38, 1];

/** Mostly values in [-2, 2), some special (`special` of them on average). */
function input(r: () => number, n: number, special: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r() < special ? SPECIALS[randInt(r, 0, SPECIALS.length - 1)] : r() * 4 - 2;
  return a;
}

/** Index of the first element whose bits differ (any NaN equals any NaN), or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) if (ua[i] !== ub[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return i;
  return -1;
}

for (const build of BUILDS) {
  describe(`resize kernels (${build} build) equal the float64 loop bit for bit`, () => {
    it("every mode × coordinate mode × nearest mode, scales and sizes, 1-D and 2-D", async () => {
      await useBuild(build);
      const r = rng(7);
      let checked = 0;
      for (const mode of ["nearest", "linear"] as const) {
        for (const coord of COORDS) {
          for (const nearest of mode === "nearest" ? NEARESTS : (["round_prefer_floor"] as const)) {
            for (let k = 0; k < 12; k++) {
              const rank = k % 4 === 0 ? 1 : 2;
              const spatial = Array.from({ length: rank }, () => randInt(r, 1, 13));
              const shape = [randInt(r, 1, 2), randInt(r, 1, 3), ...spatial];
              const attrs = {
                mode, coordinateTransformationMode: coord, nearestMode: nearest,
                ...(k % 2 === 0
                  ? { sizes: spatial.map(() => randInt(r, 1, 17)) }
                  : { scales: spatial.map((n) => { for (;;) { const s = SCALES[randInt(r, 0, SCALES.length - 1)]; if (Math.floor(n * s) >= 1) return s; } }) }),
              };
              const x = fcn.tensor(input(r, shape.reduce((p, d) => p * d, 1), k < 6 ? 0.05 : 0.3), shape);
              const got = fcn.resize(x, attrs);
              const want = resizeFloat64(x, shape, resizePlan(shape, attrs));
              const what = `${mode} ${coord} ${nearest} x=[${shape}] ${JSON.stringify(attrs)}`;
              expect(got.shape, what).toEqual(want.shape);
              const i = firstDifference(got.data, want.data);
              expect(i === -1 ? "same" : `element ${i}: ${got.data[i]} vs ${want.data[i]}`, what).toBe("same");
              checked++;
            }
          }
        }
      }
      expect(checked).toBe(12 * (4 * 5 + 5));
    });

    it("long rows (the SIMD loop and its tail) and many planes", async () => {
      await useBuild(build);
      const r = rng(11);
      for (const [shape, sizes] of [[[1, 21, 56, 56], [224, 224]], [[2, 3, 17, 37], [9, 101]], [[1, 2, 5, 64], [13, 7]]] as const) {
        for (const mode of ["nearest", "linear"] as const) {
          const attrs = { mode, coordinateTransformationMode: "pytorch_half_pixel" as const, sizes: sizes.slice() };
          const x = fcn.tensor(input(r, shape.reduce((p, d) => p * d, 1), 0.01), shape.slice());
          const got = fcn.resize(x, attrs);
          const want = resizeFloat64(x, shape, resizePlan(shape, attrs));
          const i = firstDifference(got.data, want.data);
          expect(i === -1 ? "same" : `element ${i}: ${got.data[i]} vs ${want.data[i]}`, `${mode} [${shape}] → ${sizes}`).toBe("same");
        }
      }
    });
  });
}
