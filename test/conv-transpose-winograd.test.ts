// Sub-pixel transposed convolution with Winograd F(2×2,2×2) phase kernels (the forced
// 'subpixel-winograd' algorithm, ops/conv-transpose/subpixel-winograd.ts) against the float64
// reference (test/ref/conv.ts) on seeded random shapes with ⌈k/s⌉ = 2 on both axes, on every
// build: s 1…4 per axis (different on the two axes too), k in (s, 2s], odd and even H, W 1…13
// (partial tiles), pads 0…k−1 asymmetric, outputPadding, groups, batch 2, with and without bias,
// channels 1…40. U made ahead (resident w) gives the same bits as U per call; 2 threads with every
// split forced give the same bits as 1 thread. Forcing it where ⌈k/s⌉ ≠ 2 is an UnsupportedError;
// a NaN in x or w falls back to GEMM + col2im (the definition's NaN/∞ placement). A Net layer
// that 'auto' runs this way (U kept by the plan per parameter version, a fused Relu) matches the
// reference before and after its parameters change in place.
//
// Tolerance, per element: |got − want| ≤ 8·2⁻²⁴·S, S = Σ|x·w| + |b| summed over the 4 outputs of
// its Winograd tile (tileScale below; plain sub-pixel: over that output alone, as
// conv-winograd.test.ts). Measured on these cases (both builds, unit-range x and w): Winograd
// ≤ 3.9 of those units, plain sub-pixel ≤ 3.7 of its own; the bound leaves 2× margin.
// Each case is named by its shape and seed (replay one with `vitest -t "seed=<n>"`).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fcn, BUILDS, useBuild, rng, randInt, randArray, expectSameBits, withEverySplit } from "./lib.js";
import { convTransposeRef } from "./ref/conv.js";
import { expectFollowsParameterChanges } from "./plan-refresh.js";
import type { GraphSpec, Tensor } from "../dist/index.js";

const BASE_SEED = 0x5e1f;
const CASES = 32;
/** Allowed error in units of 2⁻²⁴·(Σ|x·w| + |b|) (see the header). */
const ULPS = 8;

interface Case {
  name: string;
  xShape: number[]; wShape: number[];
  x: Float32Array; w: Float32Array; b: Float32Array | null;
  attrs: fcn.ConvTransposeAttrs;
}

function makeCase(i: number): Case {
  const seed = BASE_SEED + i;
  const r = rng(seed);
  const group = i % 4 === 3 ? randInt(r, 2, 3) : 1;
  const N = i % 5 === 4 ? 2 : 1;
  const wide = i % 3 === 0;
  const Cg = wide ? randInt(r, 16, 40) : randInt(r, 1, 8), Mg = wide ? randInt(r, 8, 24) : randInt(r, 1, 6);
  const s = [randInt(r, 1, 4), randInt(r, 1, 4)];
  if (s[0] === 1 && s[1] === 1) s[i % 2] = 2;
  const k = s.map((sa) => sa + randInt(r, 1, sa)); // ⌈k/s⌉ = 2
  const H = randInt(r, 1, 13), W = randInt(r, 1, 13);
  const op = s.map((sa) => (i % 2 === 1 && sa > 1 ? randInt(r, 1, sa - 1) : 0));
  // pads in [0, k − 1], leaving at least one output pixel
  const pads = [0, 0, 0, 0];
  for (let a = 0; a < 2; a++) {
    const full = s[a] * ([H, W][a] - 1) + op[a] + k[a];
    pads[a] = randInt(r, 0, Math.min(k[a] - 1, full - 1));
    pads[a + 2] = randInt(r, 0, Math.min(k[a] - 1, full - 1 - pads[a]));
  }
  const C = Cg * group, M = Mg * group;
  const xShape = [N, C, H, W], wShape = [C, Mg, k[0], k[1]];
  const x = randArray(r, N * C * H * W), w = randArray(r, C * Mg * k[0] * k[1]);
  const b = r() < 0.6 ? randArray(r, M) : null;
  const attrs: fcn.ConvTransposeAttrs = { strides: s, pads, group, outputPadding: op };
  const name = `x=${xShape.join("x")} w=${wShape.join("x")}${b ? " b" : ""} s=${s.join(",")} p=${pads.join(",")} op=${op.join(",")} g=${group} seed=${seed}`;
  return { name, xShape, wShape, x, w, b, attrs };
}

const cases = Array.from({ length: CASES }, (_, i) => makeCase(i));

/**
 * The scale of each output's Winograd error: Σ|x·w| + |b| summed over the (up to 4) outputs of its
 * 2×2 tile — the same phase (rH, rW), cells u0 + 2⌊(t − u0)/2⌋ + {0, 1} per axis. Every product
 * of a tile, expanded, is a sum of ± terms of those 4 outputs (the transforms only add and
 * subtract), so its rounding scales with their |terms|, not with one output's alone: e.g. a phase
 * with one tap computes y0 = (d0 − d1)·g0 + d1·g0, where d1·g0 is a term of the tile-mate y1.
 */
function tileScale(scale: { data: Float64Array; shape: number[] }, c: Case): Float64Array {
  const [N, M, OH, OW] = scale.shape;
  const [sH, sW] = c.attrs.strides as number[], [pT, pL] = c.attrs.pads as number[];
  const mates = (o: number, s: number, p: number, out: number): number[] => {
    const r = (o + p) % s, t = Math.floor((o + p) / s), u0 = Math.floor(p / s);
    const t0 = u0 + 2 * Math.floor((t - u0) / 2);
    return [t0, t0 + 1].map((tt) => tt * s + r - p).filter((oo) => oo >= 0 && oo < out);
  };
  const out = new Float64Array(scale.data.length);
  for (let nm = 0; nm < N * M; nm++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let sum = 0;
        for (const h of mates(oh, sH, pT, OH)) for (const w of mates(ow, sW, pL, OW)) sum += scale.data[(nm * OH + h) * OW + w];
        out[(nm * OH + oh) * OW + ow] = sum;
      }
    }
  }
  return out;
}

/** The largest |got − want| / (2⁻²⁴·scale) over the elements (scale: tileScale, or Σ|x·w| + |b| of that output alone). */
export function errorUnits(got: fcn.Tensor, c: Case, perTile: boolean): number {
  const want = convTransposeRef(c.x, c.xShape, c.w, c.wShape, c.b, c.attrs);
  const abs = convTransposeRef(c.x.map(Math.abs), c.xShape, c.w.map(Math.abs), c.wShape, c.b && c.b.map(Math.abs), c.attrs);
  const scale = perTile ? tileScale(abs, c) : abs.data;
  expect(got.shape).toEqual(want.shape);
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) {
    const units = Math.abs(got.data[i] - want.data[i]) / (2 ** -24 * Math.max(scale[i], 2 ** -100));
    if (!(units <= worst)) worst = units; // NaN propagates into worst
  }
  if (process.env.FCN_PRINT_ERROR) console.log(`error units ${perTile ? "winograd" : "subpixel"} ${worst.toFixed(2)} ${c.name}`);
  return worst;
}

function expectWithinBound(got: fcn.Tensor, c: Case, context: string, perTile = true): void {
  const units = errorUnits(got, c, perTile);
  if (!(units <= ULPS)) throw new Error(`${context}: error ${units} units of 2⁻²⁴·Σ|x·w| > ${ULPS}`);
}

function run(c: Case, algorithm: fcn.ConvTransposeAlgorithm, w: fcn.Tensor = fcn.tensor(c.w, c.wShape)): fcn.Tensor {
  const b = c.b && fcn.tensor(c.b, [c.b.length]);
  return fcn.convTranspose(fcn.tensor(c.x, c.xShape), w, b, c.attrs, { algorithm });
}

describe("subpixel-winograd random cases (generator)", () => {
  it("reach groups, batch 2, odd and even sizes, outputPadding, unequal strides, wide channels", () => {
    const count = (f: (c: Case) => boolean) => cases.filter(f).length;
    expect(count((c) => (c.attrs.group as number) > 1)).toBeGreaterThan(3);
    expect(count((c) => c.xShape[0] === 2)).toBeGreaterThan(3);
    expect(count((c) => c.xShape[3] % 2 === 0)).toBeGreaterThan(3);
    expect(count((c) => c.xShape[3] % 2 === 1 && c.xShape[2] % 2 === 1)).toBeGreaterThan(3);
    expect(count((c) => (c.attrs.outputPadding as number[]).some((v) => v > 0))).toBeGreaterThan(3);
    expect(count((c) => (c.attrs.strides as number[])[0] !== (c.attrs.strides as number[])[1])).toBeGreaterThan(3);
    expect(count((c) => c.wShape[0] >= 16)).toBeGreaterThan(3);
  });
});

describe.each(BUILDS)("subpixel-winograd vs float64 reference (%s build)", (build) => {
  beforeAll(() => useBuild(build));
  for (const c of cases) {
    it(c.name, () => {
      expectWithinBound(run(c, "subpixel-winograd"), c, `convTranspose subpixel-winograd ${c.name} (${build})`);
      expectWithinBound(run(c, "subpixel"), c, `convTranspose subpixel ${c.name} (${build})`, false);
    });
  }

  it("FCN-like and decoder-like layers (k4 s2 p1 64→32 on 21×17, k16 s8 21→21 on 9×9)", () => {
    const r = rng(77);
    for (const [C, M, H, W, k, s, p] of [[64, 32, 21, 17, 4, 2, 1], [21, 21, 9, 9, 16, 8, 0]]) {
      const c: Case = {
        name: `${C}→${M} k${k} s${s}`, xShape: [1, C, H, W], wShape: [C, M, k, k], attrs: { strides: [s, s], pads: [p, p, p, p] },
        x: randArray(r, C * H * W), w: randArray(r, C * M * k * k), b: randArray(r, M),
      };
      expectWithinBound(run(c, "subpixel-winograd"), c, `convTranspose subpixel-winograd ${c.name} (${build})`);
    }
  });

  it("U kept beside a resident w (first call and reuse): the same bits as U per call", () => {
    for (const c of cases) {
      const perCall = run(c, "subpixel-winograd");
      const rw = fcn.resident(fcn.tensor(c.w, c.wShape));
      try {
        for (const call of ["makes U", "reuses U"]) expectSameBits(run(c, "subpixel-winograd", rw), perCall, `${c.name}: resident w (${call}, ${build})`);
        // the same resident w on plain sub-pixel keeps W_sub apart (another key)
        expectWithinBound(run(c, "subpixel", rw), c, `convTranspose subpixel ${c.name}: resident w after winograd (${build})`, false);
        expectSameBits(run(c, "subpixel-winograd", rw), perCall, `${c.name}: resident w after subpixel (${build})`);
      } finally {
        rw.dispose();
      }
    }
  });

  it("forcing 'subpixel-winograd' where ⌈k/s⌉ ≠ 2 (or dilation, or rank 1) is an UnsupportedError", () => {
    const x = fcn.tensor(new Float32Array(2 * 5 * 5), [1, 2, 5, 5]);
    const w3 = fcn.tensor(new Float32Array(2 * 2 * 9), [2, 2, 3, 3]);
    const w4 = fcn.tensor(new Float32Array(2 * 2 * 16), [2, 2, 4, 4]);
    const w5 = fcn.tensor(new Float32Array(2 * 2 * 25), [2, 2, 5, 5]);
    expect(() => fcn.convTranspose(x, w3, null, { strides: 1 }, { algorithm: "subpixel-winograd" })).toThrow(fcn.UnsupportedError);
    expect(() => fcn.convTranspose(x, w5, null, { strides: 2 }, { algorithm: "subpixel-winograd" })).toThrow(fcn.UnsupportedError);
    // k3 s2 has ⌈k/s⌉ = 2 (phase 1 has one tap and a zero one): it runs
    expect(fcn.convTranspose(x, w3, null, { strides: 2, pads: 1, outputPadding: 1 }, { algorithm: "subpixel-winograd" }).shape).toEqual([1, 2, 10, 10]);
    expect(() => fcn.convTranspose(x, w4, null, { strides: 1 }, { algorithm: "subpixel-winograd" })).toThrow(fcn.UnsupportedError);
    expect(() => fcn.convTranspose(x, w4, null, { strides: 2, dilations: 2 }, { algorithm: "subpixel-winograd" })).toThrow(fcn.UnsupportedError);
    const x1 = fcn.tensor(new Float32Array(2 * 5), [1, 2, 5]);
    const w1 = fcn.tensor(new Float32Array(2 * 2 * 4), [2, 2, 4]);
    expect(() => fcn.convTranspose(x1, w1, null, { strides: 2 }, { algorithm: "subpixel-winograd" })).toThrow(fcn.UnsupportedError);
    expect(fcn.convTranspose(x, w4, null, { strides: 2, pads: 1 }, { algorithm: "subpixel-winograd" }).shape).toEqual([1, 2, 10, 10]);
  });

  it("a NaN or ∞ in x or w gives the definition's answer (falls back to GEMM + col2im)", () => {
    const c = cases.find((k) => k.xShape[2] >= 4 && k.xShape[3] >= 4 && (k.attrs.group as number) === 1)!;
    for (const [where, value] of [["x", NaN], ["x", Infinity], ["w", NaN], ["w", -Infinity]] as const) {
      const x = c.x.slice(), w = c.w.slice();
      (where === "x" ? x : w)[5] = value;
      const d: Case = { ...c, x, w };
      const got = run(d, "subpixel-winograd"), want = run(d, "gemm-col2im");
      expectSameBits(got, want, `${c.name}: ${value} in ${where} (${build})`);
    }
  });
});

describe("subpixel-winograd on threads: the same bits as one thread", () => {
  let want: Float32Array[] = [];
  beforeAll(async () => {
    await fcn.ready({ threads: 1 });
    want = cases.map((c) => run(c, "subpixel-winograd").data);
  });
  afterAll(() => fcn.dispose());

  it("2 threads, every split forced: plain w and resident w", async () => {
    await fcn.ready({ threads: 2 });
    withEverySplit(() => {
      cases.forEach((c, i) => {
        const rw = fcn.resident(fcn.tensor(c.w, c.wShape));
        for (const [how, got] of [["plain", run(c, "subpixel-winograd")], ["resident", run(c, "subpixel-winograd", rw)]] as const) {
          expectSameBits(got, { data: want[i], shape: got.shape }, `convTranspose subpixel-winograd ${c.name}, 2 threads, ${how}`);
        }
        rw.dispose();
      });
    });
  });
});

/** A decoder layer 'auto' runs by subpixel-winograd (64 input channels, 9² tiles, waste (17/16)², 8·4 phase rows), a Relu fused into it. */
const decoder: GraphSpec = {
  input: { name: "x", shape: [1, 64, 16, 16] },
  output: "r",
  layers: [
    { name: "up", op: "ConvTranspose", inputs: ["x"], attrs: { outChannels: 8, kernelShape: 4, strides: 2, pads: 1 } },
    { name: "r", op: "Relu", inputs: ["up"] },
  ],
};

describe.each(BUILDS)("subpixel-winograd in a Net plan (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("'auto' picks it; matches the reference, and again after the parameters change in place", () => {
    expect(fcn.convTransposePlan([1, 64, 16, 16], [64, 8, 4, 4], { strides: 2, pads: 1 }).algorithm).toBe("subpixel-winograd");
    const r = rng(91);
    const net = fcn.Net.fromGraph(decoder, undefined, { seed: 5 });
    const x = randArray(r, 64 * 16 * 16);
    const reference = (params: Map<string, Tensor>) => {
      const w = params.get("up.weight")!, b = params.get("up.bias")!;
      const y = convTransposeRef(x, decoder.input.shape, w.data, w.shape, b.data, { strides: 2, pads: 1 });
      return { data: y.data.map((v) => Math.max(0, v)), shape: y.shape };
    };
    expectFollowsParameterChanges(net, fcn.tensor(x, decoder.input.shape), reference, r, `decoder (${build})`, 0.25);
    net.dispose();
  });
});
