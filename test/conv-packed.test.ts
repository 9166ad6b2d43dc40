// conv on packed weights: im2col + GEMM reads w packed for the GEMM (packed-weights.ts,
// f32_gemm_prepacked__simd) — packed once per call when several GEMMs (bands of output rows,
// images) read it, kept beside a resident w, and kept by a Net plan per parameter version. Against
// the plain-TS reference (test/ref/conv.ts) on seeded random shapes of two kinds: many bands (wide
// K·outW, so the column buffer is built in several bands) and small output maps (an fc6-like conv
// whose kernel covers the input: GEMMs of 1–4 columns, the narrow microkernels), with groups, pads,
// batch up to 3, rank 1 and 2, channel counts not a multiple of 4. Every way of getting the weights
// gives the same bits as every GEMM packing its own rows (the microkernels, and the order each
// output is summed in, do not change): per call, resident, 2 threads with every split forced, and a
// Net whose parameters change in place after parameters() (its packed copy is made again).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fcn, BUILDS, useBuild, rng, randInt, randArray, expectClose, expectSameBits, withEverySplit } from "./lib.js";
import { expectFollowsParameterChanges } from "./plan-refresh.js";
import { convGeometry, convRef } from "./ref/conv.js";
import { convPacking } from "../dist/ops/conv-engine/forward.js";
import { bandRows } from "../dist/ops/conv-engine/bands.js";
import type { GraphSpec, Tensor } from "../dist/index.js";

const BASE_SEED = 0x9ac4ee;
const CASES = 32;
const size = (shape: readonly number[]): number => shape.reduce((p, v) => p * v, 1);

interface Case {
  name: string; xShape: number[]; wShape: number[];
  x: Float32Array; w: Float32Array; b: Float32Array | null;
  attrs: fcn.ConvAttrs;
}

/** Case i: even i many bands (rank 2, wide rows), odd i a small output map (kernel ≈ input). */
function makeCase(i: number): Case {
  const seed = BASE_SEED + i;
  const r = rng(seed);
  const bandsKind = i % 2 === 0;
  const rank = !bandsKind && i % 6 === 1 ? 1 : 2;
  const group = r() < 0.3 ? randInt(r, 2, 3) : 1;
  const N = r() < 0.3 ? randInt(r, 2, 3) : 1;
  const k: number[] = [], s: number[] = [], pb: number[] = [], pe: number[] = [], spatial: number[] = [];
  let Cg: number, Mg: number;
  if (bandsKind) {
    // K = Cg·9 of 180–360 and 40–64 output columns: bandRows gives 5–18 rows of 24–40
    Cg = randInt(r, 20, 40); Mg = randInt(r, 5, 36);
    for (let a = 0; a < 2; a++) {
      const sa = r() < 0.2 ? 2 : 1, p = randInt(r, 0, 1);
      k.push(3); s.push(sa); pb.push(p); pe.push(randInt(r, 0, 1));
      spatial.push(a === 0 ? randInt(r, 24, 40) * sa : randInt(r, 40, 64) * sa);
    }
  } else {
    // fc6-like: the kernel covers the input up to 0–1 positions, so 1–4 output positions
    Cg = randInt(r, 3, 24); Mg = randInt(r, 5, 70);
    for (let a = 0; a < rank; a++) {
      const ka = randInt(r, 1, 5), extra = randInt(r, 0, 1);
      k.push(ka); s.push(1); pb.push(0); pe.push(0); spatial.push(ka + extra);
    }
  }
  const xShape = [N, group * Cg, ...spatial], wShape = [group * Mg, Cg, ...k];
  const attrs: fcn.ConvAttrs = { strides: s, pads: [...pb, ...pe], group };
  const b = r() < 0.6 ? randArray(r, group * Mg) : null;
  const name = `x=${xShape.join("x")} w=${wShape.join("x")}${b ? " b" : ""} ${JSON.stringify(attrs)} seed=${seed}`;
  return { name, xShape, wShape, x: randArray(r, size(xShape)), w: randArray(r, size(wShape)), b, attrs };
}

const cases = Array.from({ length: CASES }, (_, i) => makeCase(i));

/** Bands of output rows the engine builds the column buffer in, on one thread. */
function bandsOf(c: Case): number {
  const g = convGeometry(c.xShape, c.wShape, c.attrs);
  if (g.output.length === 1) return 1;
  const K = c.wShape[1] * size(c.wShape.slice(2));
  const window = { rank: 2, grid: g.output } as unknown as Parameters<typeof bandRows>[0];
  return Math.ceil(g.output[0] / bandRows(window, K));
}

const atolFor = (c: Case): number => 1e-5 * (size(c.wShape.slice(1)) + 1);

function run(c: Case, w: Tensor): Tensor {
  return fcn.conv(fcn.tensor(c.x, c.xShape), w, c.b && fcn.tensor(c.b, [c.b.length]), c.attrs, { algorithm: "im2col-gemm" });
}

/** conv with every GEMM packing its own rows of w (no weights packed once). */
function runUnpacked(c: Case): Tensor {
  const saved = convPacking.perCallMaxBytes;
  convPacking.perCallMaxBytes = 0;
  try {
    return run(c, fcn.tensor(c.w, c.wShape));
  } finally {
    convPacking.perCallMaxBytes = saved;
  }
}

describe("packed-weight conv cases (generator)", () => {
  it("cover many bands, 1–4 output positions, groups, batch > 1, channel counts not a multiple of 4, rank 1", () => {
    expect(cases.filter((c) => bandsOf(c) >= 3).length).toBeGreaterThan(8);
    expect(cases.filter((c) => size(convGeometry(c.xShape, c.wShape, c.attrs).output) === 1).length).toBeGreaterThan(3);
    expect(cases.some((c) => (c.attrs.group ?? 1) > 1 && bandsOf(c) > 1)).toBe(true);
    expect(cases.some((c) => c.xShape[0] > 1)).toBe(true);
    expect(cases.some((c) => (c.wShape[0] / (c.attrs.group ?? 1)) % 4 !== 0)).toBe(true);
    expect(cases.some((c) => c.xShape.length === 3)).toBe(true);
  });
});

describe.each(BUILDS)("conv with packed weights vs reference (%s build)", (build) => {
  beforeAll(() => useBuild(build));
  for (const c of cases) {
    it(c.name, () => {
      const want = convRef(c.x, c.xShape, c.w, c.wShape, c.b, c.attrs);
      const unpacked = runUnpacked(c);
      expectClose(unpacked, want, `${c.name} unpacked (${build})`, atolFor(c), 1e-4);
      expectSameBits(run(c, fcn.tensor(c.w, c.wShape)), unpacked, `${c.name}: packed per call and every GEMM packing`);
      const rw = fcn.resident(fcn.tensor(c.w, c.wShape));
      try {
        // twice: the first call packs, the second reads what the first kept
        for (const call of ["packs", "reuses"]) expectSameBits(run(c, rw), unpacked, `${c.name}: resident w (${call}) and every GEMM packing`);
      } finally {
        rw.dispose();
      }
    });
  }
});

describe("packed conv weights on threads: the same bits as one thread", () => {
  let want: Float32Array[] = [];
  beforeAll(async () => {
    await fcn.ready({ threads: 1 });
    want = cases.map((c) => runUnpacked(c).data);
  });
  afterAll(() => fcn.dispose());

  it("2 threads, every split forced: plain w (packed per call), resident w, every GEMM packing", async () => {
    await fcn.ready({ threads: 2 });
    withEverySplit(() => {
      cases.forEach((c, i) => {
        const rw = fcn.resident(fcn.tensor(c.w, c.wShape));
        for (const [how, got] of [["plain", run(c, fcn.tensor(c.w, c.wShape))], ["resident", run(c, rw)], ["unpacked", runUnpacked(c)]] as const) {
          expectSameBits(got, { data: want[i], shape: got.shape }, `${c.name}, 2 threads, ${how}`);
        }
        rw.dispose();
      });
    });
  });
});

/** Convs a plan packs: 3×3 on a wide map (several bands), grouped, then an fc6-like 5×5 over the whole 5×5 map. */
const classifier: GraphSpec = {
  input: { name: "x", shape: [2, 24, 44, 50] },
  output: "fc",
  layers: [
    { name: "a", op: "Conv", inputs: ["x"], attrs: { outChannels: 18, kernelShape: 3, pads: 1 } },
    { name: "ra", op: "Relu", inputs: ["a"] },
    { name: "b", op: "Conv", inputs: ["ra"], attrs: { outChannels: 12, kernelShape: 3, strides: 3, group: 3 } },
    { name: "p", op: "MaxPool", inputs: ["b"], attrs: { kernelShape: 3, strides: 3 } },
    { name: "fc", op: "Conv", inputs: ["p"], attrs: { outChannels: 37, kernelShape: 4, bias: false } },
  ],
};

/** The classifier by the reference, on `params`. */
function classifierRef(x: Float32Array, params: Map<string, Tensor>): { data: Float64Array; shape: number[] } {
  let data: ArrayLike<number> = x, shape = classifier.input.shape.slice();
  for (const layer of classifier.layers) {
    if (layer.op === "Relu") { data = Float64Array.from(data, (v) => Math.max(0, v)); continue; }
    if (layer.op === "MaxPool") {
      const t = fcn.maxPool(fcn.tensor(Float32Array.from(data), shape), { kernelShape: [3, 3], strides: [3, 3] });
      data = t.data; shape = t.shape.slice();
      continue;
    }
    const { outChannels: _o, bias: _b, ...attrs } = layer.attrs as Record<string, unknown>;
    const w = params.get(`${layer.name}.weight`)!, b = params.get(`${layer.name}.bias`);
    const y = convRef(data, shape, w.data, w.shape, b?.data ?? null, attrs as fcn.ConvAttrs);
    data = Float32Array.from(y.data); shape = y.shape.slice();
  }
  return { data: Float64Array.from(data), shape };
}

describe.each(BUILDS)("Net plan keeps packed conv weights per parameter version (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("matches the reference, and again after the parameters change in place", () => {
    const r = rng(78);
    const net = fcn.Net.fromGraph(classifier, undefined, { seed: 4 });
    const xData = randArray(r, size(classifier.input.shape));
    expectFollowsParameterChanges(net, fcn.tensor(xData, classifier.input.shape), (params) => classifierRef(xData, params), r, `classifier (${build})`);
    net.dispose();
  });
});
