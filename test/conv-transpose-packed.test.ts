// convTranspose on packed weights: a resident w keeps its GEMM-packed form (GEMM + col2im reads
// wᵀ packed once, f32_gemm_prepacked__simd) or its sub-pixel phase weights, and a Net plan keeps
// them per parameter version. Against the plain-TS reference (test/ref/conv.ts) on seeded random
// shapes of the kind that path is for (tiny spatial inputs: 1×1, 1×3, 2×2, 4×4; wide channels, so
// the GEMM has many rows and 1–16 columns, row counts not a multiple of 4), with groups, pads,
// outputPadding, batch up to 3, rank 1 and 2; the same bits as a plain w; the adjoint identity;
// thread splits (channel ranges start on the packed panels); and a Net whose parameters change in
// place between runs (the packed form is made again).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fcn, BUILDS, useBuild, rng, randInt, randArray, expectClose, expectSameBits, withEverySplit } from "./lib.js";
import { expectFollowsParameterChanges } from "./plan-refresh.js";
import { convRef, convTransposeGeometry, convTransposeRef } from "./ref/conv.js";
import type { GraphSpec, Tensor } from "../dist/index.js";

const BASE_SEED = 0x9ac4ed;
const CASES = 40;
const size = (shape: readonly number[]): number => shape.reduce((p, v) => p * v, 1);

interface Case {
  name: string; xShape: number[]; wShape: number[];
  x: Float32Array; w: Float32Array; b: Float32Array | null;
  attrs: fcn.ConvTransposeAttrs;
}

const SPATIAL: readonly number[][] = [[1, 1], [1, 3], [2, 2], [4, 4], [3, 2], [1], [2], [5]];

function makeCase(i: number): Case {
  const seed = BASE_SEED + i;
  const r = rng(seed);
  const spatial = SPATIAL[i % SPATIAL.length];
  const rank = spatial.length;
  const group = r() < 0.3 ? randInt(r, 2, 3) : 1;
  const Cg = randInt(r, 3, 40), Mg = randInt(r, 5, 40);
  const N = r() < 0.3 ? randInt(r, 2, 3) : 1;
  const k: number[] = [], s: number[] = [], op: number[] = [], pb: number[] = [], pe: number[] = [];
  for (let a = 0; a < rank; a++) {
    const sa = randInt(r, 1, 3), ka = randInt(r, 1, 5);
    const opa = sa > 1 && r() < 0.3 ? randInt(r, 1, sa - 1) : 0;
    const full = sa * (spatial[a] - 1) + opa + ka;
    let p0 = randInt(r, 0, Math.min(ka - 1, 2)), p1 = randInt(r, 0, Math.min(ka - 1, 2));
    while (full - p0 - p1 < 1) { if (p1 > 0) p1--; else p0--; }
    k.push(ka); s.push(sa); op.push(opa); pb.push(p0); pe.push(p1);
  }
  const xShape = [N, group * Cg, ...spatial], wShape = [group * Cg, Mg, ...k];
  const attrs: fcn.ConvTransposeAttrs = { strides: s, pads: [...pb, ...pe], group };
  if (op.some((v) => v > 0)) attrs.outputPadding = op;
  const b = r() < 0.6 ? randArray(r, group * Mg) : null;
  const name = `x=${xShape.join("x")} w=${wShape.join("x")}${b ? " b" : ""} ${JSON.stringify(attrs)} seed=${seed}`;
  return { name, xShape, wShape, x: randArray(r, size(xShape)), w: randArray(r, size(wShape)), b, attrs };
}

const cases = Array.from({ length: CASES }, (_, i) => makeCase(i));

function algorithmsFor(c: Case): fcn.ConvTransposeAlgorithm[] {
  const g = convTransposeGeometry(c.xShape, c.wShape, c.attrs);
  return g.padsBegin.every((p) => p >= 0) ? ["gemm-col2im", "subpixel"] : ["gemm-col2im"];
}

const atolFor = (c: Case): number => 1e-5 * (c.wShape[0] * size(c.wShape.slice(2)) + 1);

function run(c: Case, w: Tensor, algorithm: fcn.ConvTransposeAlgorithm | "auto"): Tensor {
  return fcn.convTranspose(fcn.tensor(c.x, c.xShape), w, c.b && fcn.tensor(c.b, [c.b.length]), c.attrs, { algorithm });
}

describe("packed-weight cases (generator)", () => {
  it("cover 1×1 inputs, groups, batch > 1, outputPadding, row counts not a multiple of 4, rank 1", () => {
    const rows = (c: Case) => c.wShape[1] * size(c.wShape.slice(2));
    expect(cases.filter((c) => size(c.xShape.slice(2)) === 1).length).toBeGreaterThan(5);
    expect(cases.some((c) => (c.attrs.group ?? 1) > 1)).toBe(true);
    expect(cases.some((c) => c.xShape[0] > 1)).toBe(true);
    expect(cases.some((c) => c.attrs.outputPadding !== undefined)).toBe(true);
    expect(cases.some((c) => rows(c) % 4 !== 0)).toBe(true);
    expect(cases.some((c) => c.xShape.length === 3)).toBe(true);
  });
});

describe.each(BUILDS)("convTranspose with a resident (packed) w vs reference (%s build)", (build) => {
  beforeAll(() => useBuild(build));
  for (const c of cases) {
    it(c.name, () => {
      const want = convTransposeRef(c.x, c.xShape, c.w, c.wShape, c.b, c.attrs);
      const plain = fcn.tensor(c.w, c.wShape);
      const rw = fcn.resident(plain);
      try {
        for (const algorithm of ["auto", ...algorithmsFor(c)] as const) {
          // twice: the first call packs, the second reads what the first kept
          for (const call of ["packs", "reuses"]) {
            const got = run(c, rw, algorithm);
            expectClose(got, want, `${c.name} ${algorithm} (${call}, ${build})`, atolFor(c), 1e-4);
            expectSameBits(got, run(c, plain, algorithm), `${c.name} ${algorithm}: resident and plain w`);
          }
        }
      } finally {
        rw.dispose();
      }
    });
  }

  it("adjoint ⟨conv(y), x⟩ = ⟨y, convTranspose(x)⟩ with packed weights", () => {
    for (const c of cases.filter((c) => c.attrs.outputPadding === undefined)) {
      const rw = fcn.resident(fcn.tensor(c.w, c.wShape));
      const ty = fcn.convTranspose(fcn.tensor(c.x, c.xShape), rw, null, c.attrs, { algorithm: "gemm-col2im" });
      const yData = randArray(rng(size(ty.shape)), size(ty.shape));
      // conv with the same window maps convTranspose's output shape back onto x's (no outputPadding)
      const cy = fcn.conv(fcn.tensor(yData, ty.shape), fcn.tensor(c.w, c.wShape), null, c.attrs);
      expect(cy.shape, c.name).toEqual(c.xShape);
      let lhs = 0, rhs = 0;
      for (let i = 0; i < c.x.length; i++) lhs += cy.data[i] * c.x[i];
      for (let i = 0; i < yData.length; i++) rhs += yData[i] * ty.data[i];
      const scale = convRef(Float64Array.from(yData, Math.abs), ty.shape, Float64Array.from(c.w, Math.abs), c.wShape, null, c.attrs).data
        .reduce((acc, v, i) => acc + v * Math.abs(c.x[i]), 0);
      expect(Math.abs(lhs - rhs), `${c.name}: ⟨conv(y), x⟩ = ${lhs}, ⟨y, convTranspose(x)⟩ = ${rhs}`).toBeLessThanOrEqual(1e-5 * scale + 1e-12);
      rw.dispose();
    }
  });
});

describe("packed weights on threads: the same bits as one thread", () => {
  let want: Float32Array[] = [];
  beforeAll(async () => {
    await fcn.ready({ threads: 1 });
    want = cases.map((c) => run(c, fcn.tensor(c.w, c.wShape), "gemm-col2im").data);
  });
  afterAll(() => fcn.dispose());

  it("2 threads, every split forced, resident w", async () => {
    await fcn.ready({ threads: 2 });
    withEverySplit(() => {
      cases.forEach((c, i) => {
        const rw = fcn.resident(fcn.tensor(c.w, c.wShape));
        const got = run(c, rw, "gemm-col2im");
        expectSameBits(got, { data: want[i], shape: got.shape }, `${c.name}, 2 threads`);
        rw.dispose();
      });
    });
  });
});

/** A DCGAN-like generator on a 1×1 input: k4 s1 p0 (GEMM + col2im, one column), then k4 s2 p1 twice, one grouped. */
const generator: GraphSpec = {
  input: { name: "z", shape: [2, 12, 1, 1] },
  output: "c",
  layers: [
    { name: "a", op: "ConvTranspose", inputs: ["z"], attrs: { outChannels: 24, kernelShape: 4, strides: 1, pads: 0 } },
    { name: "ra", op: "Relu", inputs: ["a"] },
    { name: "b", op: "ConvTranspose", inputs: ["ra"], attrs: { outChannels: 10, kernelShape: 4, strides: 2, pads: 1, group: 2 } },
    { name: "rb", op: "Relu", inputs: ["b"] },
    { name: "c", op: "ConvTranspose", inputs: ["rb"], attrs: { outChannels: 3, kernelShape: 4, strides: 2, pads: 1, bias: false } },
  ],
};

/** The generator by the reference, on `params`. */
function generatorRef(z: Float32Array, params: Map<string, Tensor>): { data: Float64Array; shape: number[] } {
  let data: ArrayLike<number> = z, shape = generator.input.shape.slice();
  for (const layer of generator.layers) {
    if (layer.op === "Relu") { data = Float64Array.from(data, (v) => Math.max(0, v)); continue; }
    const { outChannels: _o, bias: _b, ...attrs } = layer.attrs as Record<string, unknown>;
    const w = params.get(`${layer.name}.weight`)!, b = params.get(`${layer.name}.bias`);
    const y = convTransposeRef(data, shape, w.data, w.shape, b?.data ?? null, attrs as fcn.ConvTransposeAttrs);
    data = y.data; shape = y.shape.slice();
  }
  return { data: Float64Array.from(data), shape };
}

describe.each(BUILDS)("Net plan keeps packed weights per parameter version (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("matches the reference, and again after the parameters change in place", () => {
    const r = rng(77);
    const net = fcn.Net.fromGraph(generator, undefined, { seed: 3 });
    const z = randArray(r, size(generator.input.shape));
    expectFollowsParameterChanges(net, fcn.tensor(z, generator.input.shape), (params) => generatorRef(z, params), r, `generator (${build})`);
    net.dispose();
  });
});
