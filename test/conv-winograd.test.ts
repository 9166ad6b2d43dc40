// Winograd F(2×2,3×3) and F(4×4,3×3) conv (the forced 'winograd' and 'winograd-f4' algorithms,
// ops/conv-engine/winograd.ts) against the float64 reference (test/ref/conv.ts) on seeded random
// 3×3 stride-1 shapes, on every build: odd H, W (partial tiles at the right and bottom), pads 0…2
// asymmetric, C and M 1…40, groups, batch 2, with and without bias, band splits, a fused Relu
// epilogue, 2 threads with every split forced (same bits as 1). Forcing either on a geometry it
// cannot run is an UnsupportedError.
// The transformed weights U = G w Gᵀ made ahead of the call (passed to convForward, kept beside a
// resident w — F2's and F4's apart —, kept by a Net plan per parameter version) give the same bits
// as U made per call; a Net whose Winograd convs' weights change in place after parameters() makes
// U again.
//
// Tolerance, per element: |got − want| ≤ k·2⁻²⁴·(Σ|x·w| + |b|), Σ|x·w| the sum of the absolute
// terms of that output (the scale of any float32 summation's rounding error). Measured (simd
// build, unit-range x, He-initialised w, pads 1, 3→16 … 256→256 channels at 14²…40²): winograd
// ≤ 2.8 of those units, im2col-gemm ≤ 3.3 on the same inputs (max |error| 2.5e-6 vs 1.5e-6 at
// 256→256): k = 8 for both, ~3× margin. winograd-f4 (its transforms have coefficients up to 8 and
// sum 36 terms): measured on both builds, pads 1, He-initialised w and unit-range x, or both
// unit-range: 3→64 at 56² 60 / 87 units, 32→32 at 30×31 20 / 25, 64→64 at 56² 29–31 / 34–35,
// 128→128 at 28² 30–34 / 30–31, 256→256 at 28² 33–39 / 39–42, 512→512 at 14² 14–18 / 13–14
// (im2col-gemm 0.6–4.2, winograd 1.0–3.8 on the same inputs; max |error| 4.5e-5 He, 9.7e-4 unit at
// 512→512); on the random cases below ≤ 83 (winograd ≤ 6.5, im2col-gemm ≤ 4.6). k = 160 (~2×
// margin), under bench/check.ts's rtol 1e-5 (≈ 168 units): on the shapes above F4's error is at
// most 0.51 of the bench tolerance 1e-6 + 1e-5·Σ|x·w| (0.25 at ≥ 64 channels).
// Each case is named by its shape and seed (replay one with `vitest -t "seed=<n>"`).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fcn, BUILDS, useBuild, rng, randInt, randArray, expectSameBits, withEverySplit } from "./lib.js";
import { expectFollowsParameterChanges } from "./plan-refresh.js";
import { convRef } from "./ref/conv.js";
import { withArena, operand } from "../dist/ops/run.js";
import { chooseConvAlgorithm, convForward } from "../dist/ops/conv-engine/forward.js";
import { transformWinogradWeights, winogradTile, winogradWeightBytes } from "../dist/ops/conv-engine/winograd.js";
import type { GraphSpec, Tensor } from "../dist/index.js";
import { epilogueFor } from "../dist/ops/conv-engine/epilogue.js";
import { resolveConv } from "../dist/shape.js";

const BASE_SEED = 0x3a17;
const CASES = 28;
/** Allowed error in units of 2⁻²⁴·(Σ|x·w| + |b|) per algorithm (see the header). */
const ULPS: Record<string, number> = { "im2col-gemm": 8, winograd: 8, "winograd-f4": 160 };
/** The two Winograd algorithms: F(2×2,3×3) and F(4×4,3×3). */
const WINOGRADS = ["winograd", "winograd-f4"] as const;
type Winograd = (typeof WINOGRADS)[number];

interface Case {
  name: string;
  xShape: number[]; wShape: number[];
  x: Float32Array; w: Float32Array; b: Float32Array | null;
  attrs: fcn.ConvAttrs;
}

/** Case i: odd sizes mostly (every 5th even), pads 0…2 per side, groups 1…3, C/M 1…40 (every 4th case ≥ 16 a group, reaching the GEMM's full tiles). */
function makeCase(i: number): Case {
  const seed = BASE_SEED + i;
  const r = rng(seed);
  const group = i % 3 === 2 ? randInt(r, 2, 3) : 1;
  const wide = i % 4 === 0;
  const Cg = wide ? randInt(r, 16, Math.floor(40 / group)) : randInt(r, 1, Math.floor(40 / group));
  const Mg = wide ? randInt(r, 16, Math.floor(40 / group)) : randInt(r, 1, Math.floor(40 / group));
  const pads = [randInt(r, 0, 2), randInt(r, 0, 2), randInt(r, 0, 2), randInt(r, 0, 2)];
  const size = (a: number) => {
    const n = i % 5 === 4 ? 2 * randInt(r, 1, 12) : 2 * randInt(r, 0, 14) + 1;
    return Math.max(n, 3 - pads[a] - pads[a + 2]);
  };
  const H = size(0), W = size(1);
  const N = i % 2 === 1 ? 2 : 1;
  const xShape = [N, Cg * group, H, W], wShape = [Mg * group, Cg, 3, 3];
  // He initialisation: std √(2 / fan-in), as uniform ±√3·std
  const he = Math.sqrt(3) * Math.sqrt(2 / (Cg * 9));
  const x = randArray(r, N * Cg * group * H * W);
  const w = randArray(r, Mg * group * Cg * 9).map((v) => v * he);
  const b = r() < 0.5 ? randArray(r, Mg * group) : null;
  const attrs: fcn.ConvAttrs = { group, pads };
  const name = `x=${xShape.join("x")} w=${wShape.join("x")}${b ? " b" : ""} p=${pads.join(",")} g=${group} seed=${seed}`;
  return { name, xShape, wShape, x, w, b, attrs };
}

const cases = Array.from({ length: CASES }, (_, i) => makeCase(i));

/** Throws unless |got − want| ≤ ULPS[algorithm]·2⁻²⁴·scale elementwise, scale = Σ|x·w| + |b| of that output. */
function expectWithinBound(got: fcn.Tensor, c: Case, algorithm: string, context: string, relu = false): void {
  const want = convRef(c.x, c.xShape, c.w, c.wShape, c.b, c.attrs);
  const scale = convRef(c.x.map(Math.abs), c.xShape, c.w.map(Math.abs), c.wShape, c.b && c.b.map(Math.abs), c.attrs);
  expect(got.shape).toEqual(want.shape);
  for (let i = 0; i < want.data.length; i++) {
    const w = relu ? Math.max(0, want.data[i]) : want.data[i];
    const bound = ULPS[algorithm] * 2 ** -24 * scale.data[i];
    if (!(Math.abs(got.data[i] - w) <= bound)) {
      throw new Error(`${context}: element ${i} is ${got.data[i]}, expected ${w} (|diff| ${Math.abs(got.data[i] - w)} > ${bound})`);
    }
  }
}

function run(c: Case, algorithm: fcn.ConvAlgorithm, w: fcn.Tensor = fcn.tensor(c.w, c.wShape)): fcn.Tensor {
  const b = c.b && fcn.tensor(c.b, [c.b.length]);
  return fcn.conv(fcn.tensor(c.x, c.xShape), w, b, c.attrs, { algorithm });
}

/** convForward by `algorithm` with U made per call (precomputed false) or ahead by transformWinogradWeights and passed in. */
function runEngine(c: Case, precomputed: boolean, algorithm: Winograd): fcn.Tensor {
  const tile = winogradTile(algorithm) as 2 | 4;
  const g = resolveConv(c.xShape, c.wShape, c.b && [c.b.length], c.attrs);
  const out = g.outShape.reduce((p, v) => p * v, 1);
  return withArena((rt) => {
    const px = operand(rt, fcn.tensor(c.x, c.xShape), "x"), pw = operand(rt, fcn.tensor(c.w, c.wShape), "w");
    const pb = c.b ? operand(rt, fcn.tensor(c.b, [c.b.length]), "b") : 0;
    let pu = 0;
    if (precomputed) {
      pu = rt.arena.alloc(winogradWeightBytes(g, tile), "U");
      transformWinogradWeights(rt, g, pw, pu, tile);
    }
    const py = rt.arena.alloc(out * 4, "y");
    convForward(rt, g, px, pw, pb, py, algorithm, null, pu);
    return fcn.tensor(rt.arena.take(py, out), g.outShape);
  });
}

describe("winograd conv random cases (generator)", () => {
  it("reach groups, batch 2, odd and even sizes, every pad, wide groups", () => {
    const count = (f: (c: Case) => boolean) => cases.filter(f).length;
    expect(count((c) => (c.attrs.group as number) > 1)).toBeGreaterThan(3);
    expect(count((c) => c.xShape[0] === 2)).toBeGreaterThan(3);
    expect(count((c) => c.xShape[3] % 2 === 0)).toBeGreaterThan(3);
    expect(count((c) => c.xShape[3] % 2 === 1 && c.xShape[2] % 2 === 1)).toBeGreaterThan(3);
    expect(count((c) => c.wShape[1] >= 16)).toBeGreaterThan(3);
    for (let p = 0; p <= 2; p++) expect(count((c) => (c.attrs.pads as number[]).includes(p))).toBeGreaterThan(3);
  });
});

describe.each(BUILDS)("winograd conv vs float64 reference (%s build)", (build) => {
  beforeAll(() => useBuild(build));
  for (const c of cases) {
    it(c.name, () => {
      for (const a of ["im2col-gemm", ...WINOGRADS]) expectWithinBound(run(c, a as fcn.ConvAlgorithm), c, a, `conv ${a} ${c.name} (${build})`);
    });
  }

  it("a VGG-like layer with many bands (64→64 at 61×45, pads 1)", () => {
    const r = rng(99);
    const C = 64, M = 64, H = 61, W = 45;
    const he = Math.sqrt(3) * Math.sqrt(2 / (C * 9));
    const c: Case = {
      name: "vgg", xShape: [1, C, H, W], wShape: [M, C, 3, 3], attrs: { pads: 1 },
      x: randArray(r, C * H * W), w: randArray(r, M * C * 9).map((v) => v * he), b: randArray(r, M),
    };
    for (const a of WINOGRADS) expectWithinBound(run(c, a), c, a, `conv ${a} 64→64 61×45 (${build})`);
  });

  it("a fused Relu epilogue (convForward with an epilogue, as Net's fusion calls it)", () => {
    for (const c of cases.slice(0, 8)) for (const a of WINOGRADS) {
      const g = resolveConv(c.xShape, c.wShape, c.b && [c.b.length], c.attrs);
      const out = g.outShape.reduce((p, v) => p * v, 1);
      const y = withArena((rt) => {
        const px = operand(rt, fcn.tensor(c.x, c.xShape), "x"), pw = operand(rt, fcn.tensor(c.w, c.wShape), "w");
        const pb = c.b ? operand(rt, fcn.tensor(c.b, [c.b.length]), "b") : 0;
        const py = rt.arena.alloc(out * 4, "y");
        convForward(rt, g, px, pw, pb, py, a, epilogueFor({ op: "Relu" }, "test") ?? null);
        return fcn.tensor(rt.arena.take(py, out), g.outShape);
      });
      expectWithinBound(y, c, a, `conv ${a} + Relu ${c.name} (${build})`, true);
    }
  });

  it("U made ahead of the call, and kept beside a resident w (first call and reuse): the same bits as U per call", () => {
    for (const c of cases) {
      const perCall = { winograd: runEngine(c, false, "winograd"), "winograd-f4": runEngine(c, false, "winograd-f4") };
      for (const a of WINOGRADS) {
        expectSameBits(runEngine(c, true, a), perCall[a], `conv ${a} ${c.name}: U passed in (${build})`);
        expectSameBits(run(c, a), perCall[a], `conv ${a} ${c.name}: plain w (${build})`);
      }
      const rw = fcn.resident(fcn.tensor(c.w, c.wShape));
      try {
        // twice: the first call makes U beside w, the second reads it
        for (const call of ["makes U", "reuses U"]) expectSameBits(run(c, "winograd", rw), perCall.winograd, `conv winograd ${c.name}: resident w (${call}, ${build})`);
        // the same resident w on F(4×4,3×3) and on im2col + GEMM keeps each form apart (a key each)
        for (const call of ["makes U", "reuses U"]) expectSameBits(run(c, "winograd-f4", rw), perCall["winograd-f4"], `conv winograd-f4 ${c.name}: resident w after winograd (${call}, ${build})`);
        expectWithinBound(run(c, "im2col-gemm", rw), c, "im2col-gemm", `conv im2col-gemm ${c.name}: resident w after winograd (${build})`);
        expectSameBits(run(c, "winograd", rw), perCall.winograd, `conv winograd ${c.name}: resident w after winograd-f4 and im2col-gemm (${build})`);
        expectSameBits(run(c, "winograd-f4", rw), perCall["winograd-f4"], `conv winograd-f4 ${c.name}: resident w after winograd (${build})`);
      } finally {
        rw.dispose();
      }
    }
  });

  it.each(WINOGRADS)("forcing '%s' where it cannot run is an UnsupportedError", (algorithm) => {
    const x = fcn.tensor(new Float32Array(2 * 9 * 9), [1, 2, 9, 9]);
    const w3 = fcn.tensor(new Float32Array(2 * 2 * 9), [2, 2, 3, 3]);
    const w5 = fcn.tensor(new Float32Array(2 * 2 * 25), [2, 2, 5, 5]);
    expect(() => fcn.conv(x, w3, null, { strides: 2 }, { algorithm })).toThrow(fcn.UnsupportedError);
    expect(() => fcn.conv(x, w3, null, { dilations: 2 }, { algorithm })).toThrow(fcn.UnsupportedError);
    expect(() => fcn.conv(x, w5, null, {}, { algorithm })).toThrow(fcn.UnsupportedError);
    const x1 = fcn.tensor(new Float32Array(2 * 9), [1, 2, 9]);
    const w1 = fcn.tensor(new Float32Array(2 * 2 * 3), [2, 2, 3]);
    expect(() => fcn.conv(x1, w1, null, {}, { algorithm })).toThrow(fcn.UnsupportedError);
    expect(fcn.conv(x, w3, null, {}, { algorithm }).shape).toEqual([1, 2, 7, 7]);
  });
});

describe("winograd conv on threads: the same bits as one thread", () => {
  const picked = cases.filter((c) => c.wShape[0] >= 4);
  let want: Float32Array[] = [], wantF4: Float32Array[] = [];
  beforeAll(async () => {
    await fcn.ready({ threads: 1 });
    want = picked.map((c) => run(c, "winograd").data);
    wantF4 = picked.map((c) => run(c, "winograd-f4").data);
  });
  afterAll(() => fcn.dispose());

  it("2 threads, every split forced: plain w, U passed in, resident w", async () => {
    await fcn.ready({ threads: 2 });
    withEverySplit(() => {
      picked.forEach((c, i) => {
        const rw = fcn.resident(fcn.tensor(c.w, c.wShape));
        for (const a of WINOGRADS) {
          const data = a === "winograd" ? want[i] : wantF4[i];
          for (const [how, got] of [["plain", run(c, a)], ["U passed in", runEngine(c, true, a)], ["resident", run(c, a, rw)], ["resident again", run(c, a, rw)]] as const) {
            expectSameBits(got, { data, shape: got.shape }, `conv ${a} ${c.name}, 2 threads, ${how}`);
          }
        }
        rw.dispose();
      });
    });
  });
});

/** Two 3×3 convs 'auto' runs by Winograd (≥ 32 input channels), a Relu between: at 24×22 by F(2×2,3×3) (12·11 = 132 2×2 tiles, but 36 < 49 4×4 ones), at 28×30 by F(4×4,3×3) (7·8 = 56 4×4 tiles). */
function wideNet(H: number, W: number): GraphSpec {
  return {
    input: { name: "x", shape: [1, 32, H, W] },
    output: "b",
    layers: [
      { name: "a", op: "Conv", inputs: ["x"], attrs: { outChannels: 32, kernelShape: 3, pads: 1 } },
      { name: "ra", op: "Relu", inputs: ["a"] },
      { name: "b", op: "Conv", inputs: ["ra"], attrs: { outChannels: 16, kernelShape: 3, pads: 1, bias: false } },
    ],
  };
}

/** The net by the float64 reference, on `params`. */
function wideRef(spec: GraphSpec, x: Float32Array, params: Map<string, Tensor>): { data: Float64Array; shape: number[] } {
  let data: ArrayLike<number> = x, shape = spec.input.shape.slice();
  for (const layer of spec.layers) {
    if (layer.op === "Relu") { data = Float64Array.from(data, (v) => Math.max(0, v)); continue; }
    const w = params.get(`${layer.name}.weight`)!, b = params.get(`${layer.name}.bias`);
    const y = convRef(data, shape, w.data, w.shape, b?.data ?? null, { pads: 1 });
    data = Float32Array.from(y.data); shape = y.shape.slice();
  }
  return { data: Float64Array.from(data), shape };
}

describe.each(BUILDS)("Net plan keeps Winograd weights per parameter version (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  for (const [H, W, algorithms] of [[24, 22, ["winograd", "winograd"]], [28, 30, ["winograd-f4", "winograd-f4"]]] as const) {
    const wide = wideNet(H, W);
    const plane = H * W;

    it(`${H}×${W}: 'auto' takes ${algorithms.join(" and ")}; plannedBytes counts each U`, () => {
      const ga = resolveConv([1, 32, H, W], [32, 32, 3, 3], [32], { pads: 1 });
      const gb = resolveConv([1, 32, H, W], [16, 32, 3, 3], null, { pads: 1 });
      expect([chooseConvAlgorithm(ga), chooseConvAlgorithm(gb)]).toEqual(algorithms);
      const net = fcn.Net.fromGraph(wide, undefined, { seed: 3 });
      // input, a, ra, b; parameters (32·32·9 + 32, 16·32·9); U of a (α²·32·32) and b (α²·16·32), α² = 16 or 36
      const entries = (a: string) => (a === "winograd-f4" ? 36 : 16);
      const elements = 32 * plane * 3 + 16 * plane + 32 * 32 * 9 + 32 + 16 * 32 * 9 + entries(algorithms[0]) * 32 * 32 + entries(algorithms[1]) * 16 * 32;
      expect(net.summary().plannedBytes).toBe(4 * elements);
      net.run(fcn.tensor(new Float32Array(32 * plane), wide.input.shape));
      expect(net.summary().plannedBytes).toBe(4 * elements); // the plan's own count agrees
      net.dispose();
    });

    it(`${H}×${W}: matches the reference, and again after the parameters change in place`, () => {
      const r = rng(79);
      const net = fcn.Net.fromGraph(wide, undefined, { seed: 5 });
      const xData = randArray(r, 32 * plane);
      expectFollowsParameterChanges(net, fcn.tensor(xData, wide.input.shape), (params) => wideRef(wide, xData, params), r, `wide net ${H}×${W} (${build})`, 0.1);
      net.dispose();
    });
  }
});
