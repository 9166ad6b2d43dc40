// The skinny GEMM (assembly/gemm/skinny.ts: few columns, A read once in its own layout) where the
// ops choose it (skinnyGemm in src/ops/run.ts): gemm and matmul with few columns (A not
// transposed), and conv whose output map is that narrow ('im2col-skinny': fc6 of an FCN on a 7×7
// or 9×9 map), in the op function and in a Net plan (with bias and a fused Relu). The tests lower
// skinnyGemm.wideMinBytes to 0 so that small shapes reach N = 5…16 too (by default those need
// ≥ 32 MB of A, checked once below). Against the float64 references
// (test/ref) on seeded random shapes: M, K, N odd and with tails (K mod 4, M mod 2, N mod 4), alpha,
// beta, C broadcast, transB, transA (which stays on the packed kernel), conv groups, batch, pads,
// strides. The packed path (maxN = 0, or conv's forced 'im2col-gemm') agrees within the same bound,
// and 2 threads with every split forced give one thread's bits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fcn, BUILDS, useBuild, rng, randInt, randArray, expectClose, expectSameBits, withEverySplit } from "./lib.js";
import { gemmRef, matmulRef } from "./ref/matrix.js";
import { convGeometry, convRef } from "./ref/conv.js";
import { skinnyGemm } from "../dist/ops/run.js";
import { chooseConvAlgorithm } from "../dist/ops/conv-engine/forward.js";
import { resolveConv } from "../dist/shape.js";
import type { GraphSpec, Tensor } from "../dist/index.js";

const size = (shape: readonly number[]): number => shape.reduce((p, v) => p * v, 1);

const defaults = { ...skinnyGemm };
beforeAll(() => { skinnyGemm.wideMinBytes = 0; });
afterAll(() => { Object.assign(skinnyGemm, defaults); });

/** Runs f with skinnyGemm.maxN set to n (0: every GEMM on the packed kernel), then puts it back. */
function withMaxN<T>(n: number, f: () => T): T {
  const saved = skinnyGemm.maxN;
  skinnyGemm.maxN = n;
  try {
    return f();
  } finally {
    skinnyGemm.maxN = saved;
  }
}

interface GemmCase {
  name: string; a: Tensor; b: Tensor; c: Tensor | null;
  attrs: { alpha: number; beta: number; transA: boolean; transB: boolean };
  K: number;
}

/** Gemm case i: M 1–70, K 1–300 (every K mod 4, some K < 4), N 1–16, C broadcast, alpha/beta, transB; transA in 1 case of 6. */
function gemmCase(i: number): GemmCase {
  const seed = 0x5c1 + i, r = rng(seed);
  const M = i % 5 === 0 ? randInt(r, 1, 5) : randInt(r, 6, 70);
  const K = i % 4 === 0 ? randInt(r, 1, 7) : randInt(r, 8, 300);
  const N = 1 + (i % 16);
  const transA = i % 6 === 5, transB = r() < 0.4;
  const alpha = r() < 0.5 ? 1 : r() * 4 - 2, beta = r() < 0.5 ? 1 : r() * 2 - 1;
  const cShapes = [null, [], [N], [1, N], [M, 1], [M, N]];
  const cShape = cShapes[randInt(r, 0, cShapes.length - 1)];
  const a = fcn.tensor(randArray(r, M * K), transA ? [K, M] : [M, K]);
  const b = fcn.tensor(randArray(r, K * N), transB ? [N, K] : [K, N]);
  const c = cShape === null ? null : fcn.tensor(randArray(r, size(cShape)), cShape);
  const attrs = { alpha, beta, transA, transB };
  return { name: `M=${M} N=${N} K=${K} c=${cShape === null ? "none" : `[${cShape.join(",")}]`} ${JSON.stringify(attrs)} seed=${seed}`, a, b, c, attrs, K };
}

const gemmCases = Array.from({ length: 40 }, (_, i) => gemmCase(i));
const gemmAtol = (K: number) => 2e-6 * (K + 1) * 4;

interface ConvCase { name: string; xShape: number[]; wShape: number[]; x: Float32Array; w: Float32Array; b: Float32Array | null; attrs: fcn.ConvAttrs }

/** fc6-like conv case i: the kernel covers most of the input, so the output map has 1–16 positions. */
function convCase(i: number): ConvCase {
  const seed = 0xfc6 + i, r = rng(seed);
  const rank = i % 7 === 3 ? 1 : 2;
  const group = r() < 0.25 ? randInt(r, 2, 3) : 1;
  const N = r() < 0.3 ? 2 : 1;
  const Cg = randInt(r, 1, 30), Mg = randInt(r, 1, 45);
  const k: number[] = [], s: number[] = [], pb: number[] = [], pe: number[] = [], spatial: number[] = [];
  for (let a = 0; a < rank; a++) {
    const ka = randInt(r, 1, 6), sa = r() < 0.2 ? 2 : 1, p = r() < 0.2 ? 1 : 0;
    const out = randInt(r, 1, rank === 1 ? 16 : 4); // ≤ 16 positions in all
    k.push(ka); s.push(sa); pb.push(p); pe.push(p);
    spatial.push((out - 1) * sa + ka - 2 * p);
  }
  const xShape = [N, group * Cg, ...spatial.map((v) => Math.max(v, 1))], wShape = [group * Mg, Cg, ...k];
  const attrs: fcn.ConvAttrs = { strides: s, pads: [...pb, ...pe], group };
  const b = r() < 0.6 ? randArray(r, group * Mg) : null;
  return { name: `x=${xShape.join("x")} w=${wShape.join("x")}${b ? " b" : ""} ${JSON.stringify(attrs)} seed=${seed}`, xShape, wShape, x: randArray(r, size(xShape)), w: randArray(r, size(wShape)), b, attrs };
}

const convCases = Array.from({ length: 24 }, (_, i) => convCase(i)).filter((c) => size(convGeometry(c.xShape, c.wShape, c.attrs).output) <= 16);
const convAtol = (c: ConvCase) => 1e-5 * (size(c.wShape.slice(1)) + 1);

function runConv(c: ConvCase, w: Tensor, algorithm?: fcn.ConvAlgorithm): Tensor {
  return fcn.conv(fcn.tensor(c.x, c.xShape), w, c.b && fcn.tensor(c.b, [c.b.length]), c.attrs, algorithm ? { algorithm } : undefined);
}

/** fc6 in miniature as a Net: Conv (the kernel covers the 5×6 map: 2×3 outputs) with a fused Relu. */
const fcSpec: GraphSpec = {
  input: { name: "x", shape: [1, 19, 5, 6] },
  output: "fc",
  layers: [{ name: "fc", op: "Conv", inputs: ["x"], attrs: { outChannels: 37, kernelShape: [4, 4], activation: { op: "Relu" } } }],
};
const fcWeights = (() => {
  const r = rng(0x6fc);
  return { "fc.weight": fcn.tensor(randArray(r, 37 * 19 * 16), [37, 19, 4, 4]), "fc.bias": fcn.tensor(randArray(r, 37), [37]) };
})();
const fcX = randArray(rng(0x6fd), 19 * 5 * 6);

function fcRef(): { data: Float64Array; shape: number[] } {
  const y = convRef(fcX, [1, 19, 5, 6], fcWeights["fc.weight"].data, [37, 19, 4, 4], fcWeights["fc.bias"].data, { kernelShape: [4, 4] });
  return { data: Float64Array.from(Float32Array.from(y.data), (v) => Math.max(0, v)), shape: y.shape };
}

describe("skinny GEMM cases (generator)", () => {
  it("cover N = 1…16, K < 4 and K mod 4 tails, transB, transA, C broadcast, and conv maps of 1…16 positions", () => {
    expect(new Set(gemmCases.map((c) => c.b.shape[c.attrs.transB ? 0 : 1])).size).toBe(16);
    expect(new Set(gemmCases.map((c) => c.K % 4)).size).toBe(4);
    expect(gemmCases.some((c) => c.K < 4) && gemmCases.some((c) => c.attrs.transA) && gemmCases.some((c) => c.attrs.transB)).toBe(true);
    expect(convCases.length).toBeGreaterThan(16);
    const positions = convCases.map((c) => size(convGeometry(c.xShape, c.wShape, c.attrs).output));
    expect(positions.some((p) => p === 1) && positions.some((p) => p > 8)).toBe(true);
    expect(convCases.some((c) => (c.attrs.group ?? 1) > 1) && convCases.some((c) => c.xShape[0] > 1) && convCases.some((c) => c.xShape.length === 3)).toBe(true);
  });
  it("auto picks im2col-skinny for those convs, im2col-gemm past 16 positions", () => {
    for (const c of convCases) expect(chooseConvAlgorithm(resolveConv(c.xShape, c.wShape, null, c.attrs, "test")), c.name).toBe("im2col-skinny");
    expect(chooseConvAlgorithm(resolveConv([1, 8, 9, 9], [4, 8, 5, 5], null, {}, "test"))).toBe("im2col-gemm"); // 5×5 outputs
    // by default 5–16 positions need ≥ 32 MB of weights per group (fc6 on 9×9: 411 MB); ≤ 4 do not
    const [fc6on9, small9, small4] = [[1, 512, 9, 9, 4096], [1, 8, 9, 9, 4], [1, 8, 8, 8, 4]].map(([n, c, h, w, m]) => resolveConv([n, c, h, w], [m, c, 7, 7], null, {}, "test"));
    skinnyGemm.wideMinBytes = defaults.wideMinBytes;
    try {
      expect([chooseConvAlgorithm(fc6on9), chooseConvAlgorithm(small9), chooseConvAlgorithm(small4)]).toEqual(["im2col-skinny", "im2col-gemm", "im2col-skinny"]);
    } finally {
      skinnyGemm.wideMinBytes = 0;
    }
    expect(() => fcn.conv(fcn.tensor(new Float32Array(8 * 81), [1, 8, 9, 9]), fcn.tensor(new Float32Array(4 * 8 * 25), [4, 8, 5, 5]), null, {}, { algorithm: "im2col-skinny" })).toThrow(fcn.UnsupportedError);
  });
});

describe.each(BUILDS)("skinny GEMM vs float64 references (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("gemm: N ≤ 16 (transA on the packed kernel), and the packed kernel agrees", () => {
    for (const c of gemmCases) {
      const want = gemmRef(c.a, c.b, c.c, c.attrs);
      const got = fcn.gemm(c.a, c.b, c.c, c.attrs);
      expectClose(got, want, `gemm ${c.name} (${build})`, gemmAtol(c.K), 1e-4);
      expectClose(withMaxN(0, () => fcn.gemm(c.a, c.b, c.c, c.attrs)), want, `gemm ${c.name}, packed (${build})`, gemmAtol(c.K), 1e-4);
    }
  });

  it("matmul: a vector on the right (N = 1), a batch of narrow products, a resident A", () => {
    const r = rng(0x3a7);
    const a = fcn.tensor(randArray(r, 37 * 301), [37, 301]), v = fcn.tensor(randArray(r, 301), [301]);
    expectClose(fcn.matmul(a, v), matmulRef(a, v), `matmul [37,301]·[301] (${build})`, gemmAtol(301), 1e-4);
    const ab = fcn.tensor(randArray(r, 3 * 21 * 57), [3, 21, 57]), bb = fcn.tensor(randArray(r, 57 * 7), [57, 7]);
    expectClose(fcn.matmul(ab, bb), matmulRef(ab, bb), `matmul [3,21,57]·[57,7] (${build})`, gemmAtol(57), 1e-4);
    const ra = fcn.resident(a);
    try {
      expectSameBits(fcn.matmul(ra, v), fcn.matmul(a, v), "matmul with a resident A");
    } finally {
      ra.dispose();
    }
  });

  it("conv: maps of ≤ 16 positions (plain and resident w), and forced im2col-gemm agrees", () => {
    for (const c of convCases) {
      const want = convRef(c.x, c.xShape, c.w, c.wShape, c.b, c.attrs);
      const got = runConv(c, fcn.tensor(c.w, c.wShape));
      expectClose(got, want, `conv ${c.name} (${build})`, convAtol(c), 1e-4);
      expectSameBits(runConv(c, fcn.tensor(c.w, c.wShape), "im2col-skinny"), got, `conv ${c.name}: forced im2col-skinny`);
      expectClose(runConv(c, fcn.tensor(c.w, c.wShape), "im2col-gemm"), want, `conv ${c.name}, im2col-gemm (${build})`, convAtol(c), 1e-4);
      const rw = fcn.resident(fcn.tensor(c.w, c.wShape));
      try {
        expectSameBits(runConv(c, rw), got, `conv ${c.name}: resident w`);
      } finally {
        rw.dispose();
      }
    }
  });

  it("Net plan: an fc6-like Conv with bias and a fused Relu", () => {
    const net = fcn.Net.fromGraph(fcSpec, fcWeights);
    try {
      const got = net.run(fcn.tensor(fcX, [1, 19, 5, 6]));
      expectClose(got, fcRef(), `Net fc (${build})`, 1e-5 * (19 * 16 + 1), 1e-4);
      expectSameBits(fcn.Net.fromGraph(fcSpec, fcWeights, { resident: false }).run(fcn.tensor(fcX, [1, 19, 5, 6])), got, "Net fc op by op");
    } finally {
      net.dispose();
    }
  });
});

describe("skinny GEMM on threads: the same bits as one thread", () => {
  let one: { gemm: Float32Array[]; conv: Float32Array[]; net: Float32Array; mv: Float32Array } | null = null;
  const r = rng(0x2f0);
  const big = fcn.tensor(randArray(r, 203 * 517), [203, 517]), bigV = fcn.tensor(randArray(r, 517 * 9), [517, 9]);
  const runAll = () => {
    const net = fcn.Net.fromGraph(fcSpec, fcWeights);
    try {
      return {
        gemm: gemmCases.map((c) => fcn.gemm(c.a, c.b, c.c, c.attrs).data),
        conv: convCases.map((c) => runConv(c, fcn.tensor(c.w, c.wShape)).data),
        net: net.run(fcn.tensor(fcX, [1, 19, 5, 6])).data,
        mv: fcn.matmul(big, bigV).data,
      };
    } finally {
      net.dispose();
    }
  };
  beforeAll(async () => {
    await fcn.ready({ threads: 1 });
    one = runAll();
  });
  afterAll(() => fcn.dispose());

  it("2 threads, every split forced: gemm, matmul, conv, Net", async () => {
    await fcn.ready({ threads: 2 });
    const two = withEverySplit(runAll);
    const same = (a: Float32Array, b: Float32Array, what: string) => expectSameBits({ data: a, shape: [a.length] }, { data: b, shape: [b.length] }, what);
    gemmCases.forEach((c, i) => same(two.gemm[i], one!.gemm[i], `gemm ${c.name}, 2 threads`));
    convCases.forEach((c, i) => same(two.conv[i], one!.conv[i], `conv ${c.name}, 2 threads`));
    same(two.net, one!.net, "Net fc, 2 threads");
    same(two.mv, one!.mv, "matmul [203,517]·[517,9], 2 threads");
  });
});
