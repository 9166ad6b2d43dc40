// The Winograd F(2×2,3×3) weight gradient (ops/conv-engine/winograd-weight-gradient.ts) against
// the float64 reference dW (test/ref/conv-gradients.ts) on seeded random 3×3 stride-1 shapes, on
// every build: odd OH, OW (clipped tiles at the right and bottom), every pad combination 0…2 per
// side, C and M 1…40, groups, batch 2, band splits; convBackward and convTransposeBackward take it
// when WINOGRAD_GRADIENT_AUTO says so (and the im2col path when not); 2 threads with every split
// forced give the same bits as 1; a Net's conv weight gradients match finite differences.
//
// Tolerance, per element of dW[m, c, ·]: |got − want| ≤ 4·2⁻²⁴·S[m, c], S = Σ over images and
// 2×2 tiles of ‖dy tile of m‖₁·‖4×4 x patch of c‖₁ (reference() says why: the transforms mix every
// dy·x product within a tile, so an entry that is exactly 0 — all its terms in the padding — still
// rounds at that scale; S also bounds the direct sum's terms). Measured (simd / relaxed builds,
// unit-range dy and x, the 30 random cases): winograd ≤ 1.17 / 1.34 of those units, im2col + GEMM
// ≤ 0.60 / 0.68 on the same inputs; 64→64 at 56² (pads 1, N = 2): winograd 0.029 / 0.030, im2col
// 0.026 / 0.025. The bound leaves ~3× margin and is checked for im2col + GEMM too.
// Each case is named by its shape and seed (replay one with `vitest -t "seed=<n>"`).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fcn, BUILDS, useBuild, rng, randInt, randArray, expectSameBits, withEverySplit } from "./lib.js";
import { expectEveryParameterGradient } from "./net-finite-differences.js";
import { convBackwardRef, convTransposeBackwardRef } from "./ref/conv-gradients.js";
import { withArena, operand } from "../dist/ops/run.js";
import { weightGradient, type WeightGradientCall } from "../dist/ops/conv-engine/weight-gradient.js";
import { WINOGRAD_GRADIENT_AUTO, winogradWeightGradient, winogradWeightGradientPays } from "../dist/ops/conv-engine/winograd-weight-gradient.js";
import { resolveConv } from "../dist/shape.js";
import type { GraphSpec } from "../dist/index.js";

const BASE_SEED = 0x5b29;
const CASES = 30;
/** Allowed error in units of 2⁻²⁴·Σ|dy·x| (see the header). */
const ULPS = 4;

interface Case {
  name: string;
  xShape: number[]; wShape: number[]; yShape: number[];
  x: Float32Array; dy: Float32Array;
  attrs: { group: number; pads: number[] };
}

/** Case i: odd sizes mostly (every 5th even), pads 0…2 per side (cases 0…80 cover every combination), groups 1…3, C/M 1…40 (1…12 past CASES). */
function makeCase(i: number): Case {
  const seed = BASE_SEED + i;
  const r = rng(seed);
  const group = i % 3 === 2 ? randInt(r, 2, 3) : 1;
  const wide = i % 4 === 0 && i < CASES, most = i < CASES ? 40 : 12; // the pad-only cases past CASES stay small
  const Cg = wide ? randInt(r, 16, Math.floor(most / group)) : randInt(r, 1, Math.floor(most / group));
  const Mg = wide ? randInt(r, 16, Math.floor(most / group)) : randInt(r, 1, Math.floor(most / group));
  // pads: case i's digits in base 3 (all 81 combinations over the cases below), then random
  const pads = i < 81 ? [i % 3, Math.floor(i / 3) % 3, Math.floor(i / 9) % 3, Math.floor(i / 27) % 3] : [0, 0, 0, 0].map(() => randInt(r, 0, 2));
  const size = (a: number) => {
    const half = i < CASES ? 14 : 5;
    const n = i % 5 === 4 ? 2 * randInt(r, 1, half) : 2 * randInt(r, 0, half) + 1;
    return Math.max(n, 3 - pads[a] - pads[a + 2]);
  };
  const H = size(0), W = size(1);
  const N = i % 2 === 1 ? 2 : 1;
  const xShape = [N, Cg * group, H, W], wShape = [Mg * group, Cg, 3, 3];
  const yShape = [N, Mg * group, H + pads[0] + pads[2] - 2, W + pads[1] + pads[3] - 2];
  const x = randArray(r, N * Cg * group * H * W);
  const dy = randArray(r, yShape.reduce((p, v) => p * v, 1));
  const attrs = { group, pads };
  const name = `x=${xShape.join("x")} w=${wShape.join("x")} p=${pads.join(",")} g=${group} seed=${seed}`;
  return { name, xShape, wShape, yShape, x, dy, attrs };
}

/** The pad combinations need 81 cases: 30 random shapes, then 51 small ones for the remaining pads. */
const cases = Array.from({ length: 81 }, (_, i) => makeCase(i));
const mainCases = cases.slice(0, CASES);

/** dW of conv(x, w) for dy by one path, called directly on the engine (x, dy copied in). */
function dwBy(c: Case, path: "winograd" | "im2col"): Float32Array {
  const g = resolveConv(c.xShape, c.wShape, null, c.attrs);
  const size = c.wShape.reduce((p, v) => p * v, 1);
  return withArena((rt) => {
    const px = operand(rt, fcn.tensor(c.x, c.xShape), "x"), pdy = operand(rt, fcn.tensor(c.dy, c.yShape), "dy");
    const dw = rt.arena.alloc(size * 4, "dw");
    const call: WeightGradientCall = { window: g.window, N: g.N, group: g.group, a: pdy, rows: g.M / g.group, s: px, sChannels: g.C / g.group, dw };
    (path === "winograd" ? winogradWeightGradient : weightGradient)(rt, call);
    return rt.arena.take(dw, size);
  });
}

/** Throws unless |got − want| ≤ ULPS·2⁻²⁴·scale per element; returns the largest error in those units. */
function expectWithinBound(got: Float32Array, want: ArrayLike<number>, scale: ArrayLike<number>, context: string): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const unit = 2 ** -24 * scale[i], err = Math.abs(got[i] - want[i]);
    if (!(err <= ULPS * unit)) throw new Error(`${context}: dw[${i}] is ${got[i]}, expected ${want[i]} (|diff| ${err} > ${ULPS * unit})`);
    if (unit > 0) worst = Math.max(worst, err / unit);
  }
  return worst;
}

/**
 * The float64 dW and, per entry, its error scale S[m, c] = Σ_{n, tiles} ‖dy_tile‖₁·‖d_tile‖₁ (dy's
 * 2×2 tile of channel m, x's 4×4 patch of channel c, zeros outside): the transforms mix every
 * product of a tile's dy and patch entries, not only the 36 that are window terms, so an entry
 * whose own terms are all padding (exactly 0) still gets rounding of that size. Every window term
 * of dW[m, c, ·] is one of those products, so S also bounds the direct sum's scale.
 */
function reference(c: Case): { want: Float64Array; scale: Float64Array } {
  const w0 = new Float32Array(c.wShape.reduce((p, v) => p * v, 1));
  const want = convBackwardRef(c.dy, c.x, c.xShape, w0, c.wShape, c.attrs).dw;
  const [N, C, H, W] = c.xShape, [, M, OH, OW] = c.yShape, G = c.attrs.group, Cg = C / G, Mg = M / G;
  const [PT, PL] = c.attrs.pads;
  const TH = Math.ceil(OH / 2), TW = Math.ceil(OW / 2);
  // dyNorm[n][m][t] = Σ_{i,j<2} |dy[n, m, 2th + i, 2tw + j]|, patchNorm[n][c][t] = Σ_{a,b<4} |x[n, c, 2th − PT + a, 2tw − PL + b]|
  const dyNorm = new Float64Array(N * M * TH * TW), patchNorm = new Float64Array(N * C * TH * TW);
  for (let n = 0; n < N; n++) for (let th = 0; th < TH; th++) for (let tw = 0; tw < TW; tw++) {
    for (let m = 0; m < M; m++) for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
      const oh = 2 * th + i, ow = 2 * tw + j;
      if (oh < OH && ow < OW) dyNorm[((n * M + m) * TH + th) * TW + tw] += Math.abs(c.dy[((n * M + m) * OH + oh) * OW + ow]);
    }
    for (let ch = 0; ch < C; ch++) for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) {
      const ih = 2 * th - PT + a, iw = 2 * tw - PL + b;
      if (ih >= 0 && ih < H && iw >= 0 && iw < W) patchNorm[((n * C + ch) * TH + th) * TW + tw] += Math.abs(c.x[((n * C + ch) * H + ih) * W + iw]);
    }
  }
  const scale = new Float64Array(want.length);
  for (let m = 0; m < M; m++) for (let cl = 0; cl < Cg; cl++) {
    const ch = Math.floor(m / Mg) * Cg + cl; // m's group's input channel
    let s = 0;
    for (let n = 0; n < N; n++) for (let t = 0; t < TH * TW; t++) s += dyNorm[(n * M + m) * TH * TW + t] * patchNorm[(n * C + ch) * TH * TW + t];
    scale.fill(s, (m * Cg + cl) * 9, (m * Cg + cl + 1) * 9);
  }
  return { want, scale };
}

/** Runs f with WINOGRAD_GRADIENT_AUTO's thresholds at `value` (0: always Winograd where it applies, Infinity: never). */
function withGradientThresholds<T>(value: number, f: () => T): T {
  const saved = { ...WINOGRAD_GRADIENT_AUTO };
  Object.assign(WINOGRAD_GRADIENT_AUTO, { minSourceChannels: value, minRows: value, minChannelSum: value, minTiles: value });
  try {
    return f();
  } finally {
    Object.assign(WINOGRAD_GRADIENT_AUTO, saved);
  }
}

describe("winograd weight gradient random cases (generator)", () => {
  it("reach groups, batch 2, odd and even sizes, every pad combination, wide groups", () => {
    const count = (f: (c: Case) => boolean) => mainCases.filter(f).length;
    expect(count((c) => c.attrs.group > 1)).toBeGreaterThan(3);
    expect(count((c) => c.xShape[0] === 2)).toBeGreaterThan(3);
    expect(count((c) => c.yShape[3] % 2 === 0)).toBeGreaterThan(3);
    expect(count((c) => c.yShape[3] % 2 === 1 && c.yShape[2] % 2 === 1)).toBeGreaterThan(3);
    expect(count((c) => c.wShape[1] >= 16)).toBeGreaterThan(3);
    expect(new Set(cases.map((c) => c.attrs.pads.join(","))).size).toBe(81);
  });
});

describe.each(BUILDS)("winograd weight gradient vs float64 reference (%s build)", (build) => {
  beforeAll(() => useBuild(build));
  for (const c of mainCases) {
    it(c.name, () => {
      const { want, scale } = reference(c);
      expectWithinBound(dwBy(c, "winograd"), want, scale, `winograd dW ${c.name} (${build})`);
      expectWithinBound(dwBy(c, "im2col"), want, scale, `im2col dW ${c.name} (${build})`);
    });
  }

  it("every pad combination 0…2 per side (small shapes)", () => {
    for (const c of cases.slice(CASES)) {
      const { want, scale } = reference(c);
      expectWithinBound(dwBy(c, "winograd"), want, scale, `winograd dW ${c.name} (${build})`);
    }
  });

  it("a VGG-like layer with many bands (64→64 at 56×56, pads 1, N = 2)", () => {
    const r = rng(77);
    const c: Case = {
      name: "vgg", xShape: [2, 64, 56, 56], wShape: [64, 64, 3, 3], yShape: [2, 64, 56, 56], attrs: { group: 1, pads: [1, 1, 1, 1] },
      x: randArray(r, 2 * 64 * 56 * 56), dy: randArray(r, 2 * 64 * 56 * 56),
    };
    const { want, scale } = reference(c);
    expectWithinBound(dwBy(c, "winograd"), want, scale, `winograd dW 64→64 56² (${build})`);
  });
});

describe("convBackward and convTransposeBackward choose the weight gradient", () => {
  beforeAll(() => useBuild("simd"));

  it("convBackward: Winograd where the thresholds hold (its bits), im2col where not (its bits); dx, db unchanged", () => {
    for (const c of mainCases.slice(0, 8)) {
      const w = fcn.tensor(randArray(rng(1), c.wShape.reduce((p, v) => p * v, 1)), c.wShape);
      const args = [fcn.tensor(c.dy, c.yShape), fcn.tensor(c.x, c.xShape), w, c.attrs] as const;
      const viaWinograd = withGradientThresholds(0, () => fcn.convBackward(...args));
      const viaIm2col = withGradientThresholds(Infinity, () => fcn.convBackward(...args));
      expectSameBits(viaWinograd.dw, fcn.tensor(dwBy(c, "winograd"), c.wShape), `convBackward dW forced Winograd ${c.name}`);
      expectSameBits(viaIm2col.dw, fcn.tensor(dwBy(c, "im2col"), c.wShape), `convBackward dW forced im2col ${c.name}`);
      expectSameBits(viaWinograd.dx, viaIm2col.dx, `convBackward dx ${c.name}`);
      expectSameBits(viaWinograd.db, viaIm2col.db, `convBackward db ${c.name}`);
    }
  });

  it("convTransposeBackward (x and dy swap roles) forced to Winograd matches its float64 reference", () => {
    for (const c of mainCases.slice(0, 10)) {
      // ConvTranspose with the conv's window: its x is the conv's dy (grid side), its dy the conv's x (image side)
      const wShape = [c.wShape[0], c.wShape[1], 3, 3]; // [C_t = M, M_t/g = C/g, 3, 3]
      const w = new Float32Array(wShape.reduce((p, v) => p * v, 1));
      const { dw } = withGradientThresholds(0, () => fcn.convTransposeBackward(fcn.tensor(c.x, c.xShape), fcn.tensor(c.dy, c.yShape), fcn.tensor(w, wShape), c.attrs));
      const want = convTransposeBackwardRef(c.x, c.dy, c.yShape, w, wShape, c.attrs).dw;
      expectWithinBound(dw.data, want, reference(c).scale, `convTransposeBackward dW ${c.name}`);
    }
  });

  it("a NaN or ±∞ in x or dy: the direct sum's bits (Winograd would spread it over the filter)", () => {
    const r = rng(5);
    const xShape = [1, 32, 14, 14], wShape = [16, 32, 3, 3], yShape = [1, 16, 14, 14];
    const w = fcn.tensor(randArray(r, 16 * 32 * 9), wShape);
    for (const [where, value] of [["x", Infinity], ["x", NaN], ["dy", -Infinity]] as const) {
      const x = randArray(r, 32 * 14 * 14), dy = randArray(r, 16 * 14 * 14);
      (where === "x" ? x : dy)[3 * 14 * 14 + 5 * 14 + 7] = value;
      const args = [fcn.tensor(dy, yShape), fcn.tensor(x, xShape), w, { pads: 1 }] as const;
      const auto = fcn.convBackward(...args).dw;
      const direct = withGradientThresholds(Infinity, () => fcn.convBackward(...args)).dw;
      expectSameBits(auto, direct, `convBackward dW with ${value} in ${where}`);
      expect(auto.data.some((v) => Number.isFinite(v)), "finite entries remain").toBe(true);
    }
    // the same finite operands take Winograd (its bits differ from the direct sum's)
    const x = randArray(r, 32 * 14 * 14), dy = randArray(r, 16 * 14 * 14);
    const args = [fcn.tensor(dy, yShape), fcn.tensor(x, xShape), w, { pads: 1 }] as const;
    const c: Case = { name: "finite", xShape, wShape, yShape, x, dy, attrs: { group: 1, pads: [1, 1, 1, 1] } };
    expectSameBits(fcn.convBackward(...args).dw, fcn.tensor(dwBy(c, "winograd"), wShape), "convBackward dW, finite operands");
  });

  it("'auto' takes Winograd only for 3×3 stride-1 undilated windows past the thresholds", () => {
    const call = (xShape: number[], wShape: number[], attrs: object): WeightGradientCall => {
      const g = resolveConv(xShape, wShape, null, attrs);
      return { window: g.window, N: g.N, group: g.group, a: 0, rows: g.M / g.group, s: 0, sChannels: g.C / g.group, dw: 0 };
    };
    expect(winogradWeightGradientPays(call([1, 64, 56, 56], [64, 64, 3, 3], { pads: 1 }))).toBe(true);
    expect(winogradWeightGradientPays(call([1, 64, 56, 56], [64, 64, 3, 3], { pads: 1, strides: 2 }))).toBe(false);
    expect(winogradWeightGradientPays(call([1, 64, 56, 56], [64, 64, 3, 3], { pads: 2, dilations: 2 }))).toBe(false);
    expect(winogradWeightGradientPays(call([1, 64, 56, 56], [64, 64, 5, 5], { pads: 2 }))).toBe(false);
    expect(winogradWeightGradientPays(call([1, 32, 56, 56], [16, 32, 3, 3], { pads: 1 }))).toBe(true);
    expect(winogradWeightGradientPays(call([1, 16, 56, 56], [16, 16, 3, 3], { pads: 1 }))).toBe(false);
    expect(winogradWeightGradientPays(call([1, 64, 12, 12], [64, 64, 3, 3], { pads: 1 }))).toBe(false); // 36 tiles
    expect(winogradWeightGradientPays(call([1, 8, 56, 56], [8, 8, 3, 3], { pads: 1 }))).toBe(false);
  });
});

describe("winograd weight gradient on threads: the same bits as one thread", () => {
  // C/g ≥ 4 splits dU's columns by channel, smaller C/g its rows: both reached
  const picked = mainCases.filter((c) => c.wShape[0] >= 4 || c.wShape[1] >= 4);
  let want: Float32Array[] = [];
  beforeAll(async () => {
    await fcn.ready({ threads: 1 });
    want = picked.map((c) => dwBy(c, "winograd"));
  });
  afterAll(() => fcn.dispose());

  it("2 threads, every split forced", async () => {
    expect(picked.some((c) => c.wShape[1] < 4)).toBe(true);
    await fcn.ready({ threads: 2 });
    withEverySplit(() => {
      picked.forEach((c, i) => expectSameBits(fcn.tensor(dwBy(c, "winograd"), c.wShape), fcn.tensor(want[i], c.wShape), `winograd dW ${c.name}, 2 threads`));
    });
  });
});

describe("Net backward through a Winograd weight gradient", () => {
  // No Relu between the convs: the loss is then smooth in every weight (a kink inside ±h upsets
  // the central difference whichever path computes dW).
  it("conv weight gradients match finite differences (thresholds forced to 0)", async () => {
    await fcn.ready({ threads: 1 });
    const spec: GraphSpec = {
      input: { name: "x", shape: [2, 5, 9, 7] },
      output: "b",
      layers: [
        { name: "a", op: "Conv", inputs: ["x"], attrs: { outChannels: 6, kernelShape: 3, pads: [1, 0, 2, 1] } },
        { name: "b", op: "Conv", inputs: ["a"], attrs: { outChannels: 3, kernelShape: 3, pads: 1, group: 3 } },
      ],
    };
    withGradientThresholds(0, () => expectEveryParameterGradient(spec, 11, rng(12), [2, 3, 10, 6]));
  });
});
