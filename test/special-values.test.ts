// NaN and ±∞ land exactly where each op's defining sum puts them (README "How transposed convolution runs"): a few of
// them at seeded random places of x, w and b, over random shapes, against float64 references that
// compute exactly the definition's terms (ref/conv.ts, ref/conv-gradients.ts, ref/matrix.ts,
// ref/window-ops.ts, ref/eltwise.ts). convTranspose on every algorithm that applies (forced and
// auto), conv, the backward ops, gemm, matmul, maxPool, relu, add, im2col, col2im, on both builds;
// then a Net with sub-pixel ConvTranspose layers, a 2-thread pool and the async form. Each case is
// named by its seed (`vitest -t "seed=<n>"` replays it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILDS, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { countSpecials, expectIeee, sprinkle } from "./special.js";
import { convGeometry, convRef, convTransposeGeometry, convTransposeRef, type RefConvAttrs } from "./ref/conv.js";
import { convBackwardRef, convTransposeBackwardRef } from "./ref/conv-gradients.js";
import { gemmRef, matmulRef } from "./ref/matrix.js";
import { col2imRef, im2colGrid, im2colRef, maxPoolRef } from "./ref/window-ops.js";
import { addRef, reluRef } from "./ref/eltwise.js";
import type { ConvTransposeAlgorithm, GraphSpec, Tensor } from "../dist/index.js";
import { splitThresholds } from "../dist/ops/run.js";
import { runtime } from "../dist/runtime/runtime.js";

const size = (shape: readonly number[]): number => shape.reduce((p, v) => p * v, 1);
/** Sums of up to ~50 products of values in [−1, 1), rounded in float32 (and fused on the relaxed build). */
const ATOL = 1e-4, RTOL = 1e-4;

/** One convolution-shaped problem: shapes, attributes, operands with specials placed. */
interface ConvCase {
  name: string;
  xShape: number[]; wShape: number[];
  x: Float32Array; w: Float32Array; b: Float32Array | null;
  attrs: RefConvAttrs & fcn.ConvTransposeAttrs;
}

const FLAVORS = ["stride-1", "k<s", "k%s!=0", "k=2s", "dilated", "asym-pads", "group", "depthwise", "outputPadding", "batch2"] as const;
type Flavor = (typeof FLAVORS)[number];

/**
 * Case i of a transposed convolution (transposed = true) or a convolution: flavor i mod 10, rank 2
 * and 1 in alternate blocks of 10; 0–3 specials in x, 0–2 in w, 0–1 in b, at least one in all.
 */
function convCase(seed: number, flavor: Flavor, rank: number, transposed: boolean): ConvCase {
  const r = rng(seed);
  let N = 1, group = 1, Cg = randInt(r, 1, 3), Mg = randInt(r, 1, 3), s = randInt(r, 1, 3), k = randInt(r, 1, 4), d = 1, op = 0;
  if (flavor === "stride-1") { s = 1; k = randInt(r, 2, 4); }
  if (flavor === "k<s") { s = randInt(r, 2, 4); k = randInt(r, 1, s - 1); }
  if (flavor === "k%s!=0") { s = randInt(r, 2, 3); k = s * randInt(r, 1, 2) + randInt(r, 1, s - 1); }
  if (flavor === "k=2s") { s = randInt(r, 1, 3); k = 2 * s; }
  if (flavor === "dilated") { d = randInt(r, 2, 3); s = randInt(r, 1, 2); k = randInt(r, 2, 3); }
  if (flavor === "group") group = randInt(r, 2, 3);
  if (flavor === "depthwise") { group = randInt(r, 2, 4); Cg = 1; }
  if (flavor === "outputPadding" && transposed) { s = randInt(r, 2, 3); op = randInt(r, 1, s - 1); }
  if (flavor === "batch2") N = 2;
  const inSize = Array.from({ length: rank }, () => randInt(r, 1, 6) + (transposed ? 0 : k * d));
  // pads up to the kernel's span: for conv they put windows over the padding, for convTranspose they crop
  const pad = () => randInt(r, 0, d * (k - 1));
  const begins = Array.from({ length: rank }, pad);
  const ends = flavor === "asym-pads" ? Array.from({ length: rank }, pad) : begins.slice();
  if (transposed) {
    // keep every output axis at least 1 long
    inSize.forEach((n, i) => {
      const full = s * (n - 1) + op + d * (k - 1) + 1;
      if (begins[i] + ends[i] >= full) { begins[i] = 0; ends[i] = 0; }
    });
  }
  const C = group * Cg, M = group * Mg;
  const xShape = [N, C, ...inSize];
  const wShape = transposed ? [C, Mg, ...new Array<number>(rank).fill(k)] : [M, Cg, ...new Array<number>(rank).fill(k)];
  const attrs: ConvCase["attrs"] = { strides: s, dilations: d, group, pads: [...begins, ...ends] };
  if (op > 0) attrs.outputPadding = op;
  const withBias = r() < 0.5;
  const nx = randInt(r, 0, 3), nw = randInt(r, 0, 2), nb = withBias ? randInt(r, 0, 1) : 0;
  const x = sprinkle(r, randArray(r, size(xShape)), nx);
  const w = sprinkle(r, randArray(r, size(wShape)), nx + nw + nb === 0 ? 1 : nw);
  const b = withBias ? sprinkle(r, randArray(r, M), nb) : null;
  const name = `seed=${seed} ${flavor} x=${xShape.join("x")} w=${wShape.join("x")}${b ? " b" : ""} s=${s} d=${d} g=${group} p=${begins.join(",")}/${ends.join(",")}${op ? ` op=${op}` : ""}`;
  return { name, xShape, wShape, x, w, b, attrs };
}

function cases(base: number, count: number, transposed: boolean): ConvCase[] {
  return Array.from({ length: count }, (_, i) => convCase(base + i, FLAVORS[i % FLAVORS.length], Math.floor(i / FLAVORS.length) % 2 === 0 ? 2 : 1, transposed));
}

/** The algorithms convTranspose accepts for this case (sub-pixel: dilation 1; depthwise: one channel per group). */
function algorithms(c: ConvCase): ("auto" | ConvTransposeAlgorithm)[] {
  const out: ("auto" | ConvTransposeAlgorithm)[] = ["auto", "gemm-col2im"];
  if (c.attrs.dilations === 1) out.push("subpixel");
  if (c.xShape[1] / (c.attrs.group ?? 1) === 1) out.push("depthwise");
  return out;
}

const t = (data: Float32Array, shape: number[]): Tensor => fcn.tensor(data, shape);

/** dL/dy for a case: random values with 0–2 specials, in the forward output's shape. */
function gradient(c: ConvCase, seed: number, transposed: boolean): { dy: Float32Array; shape: number[] } {
  const g = transposed ? convTransposeGeometry(c.xShape, c.wShape, c.attrs) : convGeometry(c.xShape, c.wShape, c.attrs);
  const shape = [g.N, g.M, ...g.output];
  const r = rng(seed);
  return { dy: sprinkle(r, randArray(r, size(shape)), randInt(r, 0, 2)), shape };
}

const TRANSPOSED = cases(0x5ec1a1, 60, true);
const FORWARD = cases(0x5ec2b2, 30, false);

describe.each(BUILDS)("NaN and ±∞ (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("the issue's example: a NaN weight reaches only the outputs whose sums hold it, on every algorithm", () => {
    const x = t(new Float32Array([1, 2, 3, 1, 2, 3]), [1, 2, 3]);
    const w = t(new Float32Array([NaN, 1, 1, 1, 1, 1]), [2, 1, 3]);
    for (const algorithm of ["auto", "subpixel", "gemm-col2im"] as const) {
      const y = fcn.convTranspose(x, w, null, { pads: 1 }, { algorithm });
      expectIeee(y, { data: [NaN, NaN, 10], shape: [1, 1, 3] }, `issue example, ${algorithm}`);
    }
    // the same with a NaN in x at stride 2 (k = 3: the sub-pixel phases have zero taps)
    const x2 = t(new Float32Array([1, NaN, 3, 4]), [1, 1, 4]), w2 = t(new Float32Array([1, 1, 1]), [1, 1, 3]);
    for (const algorithm of ["auto", "subpixel", "gemm-col2im", "depthwise"] as const) {
      const y = fcn.convTranspose(x2, w2, null, { strides: 2 }, { algorithm });
      expectIeee(y, { data: [1, 1, NaN, NaN, NaN, 3, 7, 4, 4], shape: [1, 1, 9] }, `NaN in x at stride 2, ${algorithm}`);
    }
  });

  it.each(TRANSPOSED.map((c) => [c.name, c] as const))("convTranspose, every algorithm: %s", (_, c) => {
    const want = convTransposeRef(c.x, c.xShape, c.w, c.wShape, c.b, c.attrs);
    const x = t(c.x, c.xShape), w = t(c.w, c.wShape), b = c.b ? t(c.b, [c.b.length]) : null;
    for (const algorithm of algorithms(c)) {
      expectIeee(fcn.convTranspose(x, w, b, c.attrs, { algorithm }), want, `${c.name} ${algorithm}`, ATOL, RTOL);
    }
  });

  it("resident operands: their kept finite scan answers right on every later call", () => {
    for (const c of TRANSPOSED.filter((k) => algorithms(k).includes("subpixel")).slice(0, 12)) {
      const want = convTransposeRef(c.x, c.xShape, c.w, c.wShape, c.b, c.attrs);
      const x = fcn.resident(t(c.x, c.xShape)), w = fcn.resident(t(c.w, c.wShape)), b = c.b ? t(c.b, [c.b.length]) : null;
      for (let call = 0; call < 2; call++) {
        expectIeee(fcn.convTranspose(x, w, b, c.attrs, { algorithm: "subpixel" }), want, `${c.name} resident x, w, call ${call}`, ATOL, RTOL);
      }
      // and a finite resident w (kept as finite) with x's specials
      const wf = fcn.resident(t(c.w.map((v) => (Number.isFinite(v) ? v : 0.5)), c.wShape));
      const wantF = convTransposeRef(c.x, c.xShape, wf.data, c.wShape, null, c.attrs);
      for (let call = 0; call < 2; call++) {
        expectIeee(fcn.convTranspose(t(c.x, c.xShape), wf, null, c.attrs, { algorithm: "subpixel" }), wantF, `${c.name} finite resident w, call ${call}`, ATOL, RTOL);
      }
      x.dispose(); w.dispose(); wf.dispose();
    }
  });

  it.each(TRANSPOSED.map((c) => [c.name, c] as const))("convTransposeBackward dx and dw: %s", (_, c) => {
    const { dy, shape } = gradient(c, 7 + c.x.length, true);
    const want = convTransposeBackwardRef(dy, c.x, c.xShape, c.w, c.wShape, c.attrs);
    const got = fcn.convTransposeBackward(t(dy, shape), t(c.x, c.xShape), t(c.w, c.wShape), c.attrs);
    expectIeee(got.dx, { data: want.dx, shape: c.xShape }, `${c.name} dx`, ATOL, RTOL);
    expectIeee(got.dw, { data: want.dw, shape: c.wShape }, `${c.name} dw`, ATOL * 10, RTOL);
  });

  it.each(FORWARD.map((c) => [c.name, c] as const))("conv (padding zeros take part) and convBackward dx, dw: %s", (_, c) => {
    const x = t(c.x, c.xShape), w = t(c.w, c.wShape);
    expectIeee(fcn.conv(x, w, c.b ? t(c.b, [c.b.length]) : null, c.attrs), convRef(c.x, c.xShape, c.w, c.wShape, c.b, c.attrs), `${c.name} conv`, ATOL, RTOL);
    const { dy, shape } = gradient(c, 11 + c.x.length, false);
    const want = convBackwardRef(dy, c.x, c.xShape, c.w, c.wShape, c.attrs);
    const got = fcn.convBackward(t(dy, shape), x, w, c.attrs);
    expectIeee(got.dx, { data: want.dx, shape: c.xShape }, `${c.name} dx`, ATOL, RTOL);
    expectIeee(got.dw, { data: want.dw, shape: c.wShape }, `${c.name} dw`, ATOL * 10, RTOL);
  });

  it("gemm and matmul: seeded shapes, transposes, alpha, beta, broadcast c", () => {
    for (let i = 0; i < 24; i++) {
      const seed = 0x5ec3c3 + i, r = rng(seed);
      const M = randInt(r, 1, 13), N = randInt(r, 1, 21), K = randInt(r, 1, 11);
      const transA = r() < 0.5, transB = r() < 0.5;
      const aShape = transA ? [K, M] : [M, K], bShape = transB ? [N, K] : [K, N];
      const cShape = [[M, N], [N], [M, 1], [1]][i % 4];
      const a = sprinkle(r, randArray(r, M * K), randInt(r, 0, 2)), b = sprinkle(r, randArray(r, K * N), randInt(r, 0, 2));
      const c = sprinkle(r, randArray(r, size(cShape)), randInt(r, 0, 1));
      const attrs = { alpha: 0.5 + r(), beta: -0.5 - r(), transA, transB };
      const name = `seed=${seed} gemm ${M}×${K}·${K}×${N} transA=${transA} transB=${transB} c=[${cShape}]`;
      const want = gemmRef({ data: a, shape: aShape }, { data: b, shape: bShape }, { data: c, shape: cShape }, attrs);
      expectIeee(fcn.gemm(t(a, aShape), t(b, bShape), t(c, cShape), attrs), want, name, ATOL, RTOL);
      const batchA = [2, M, K], batchB = [K, N];
      const a2 = sprinkle(r, randArray(r, size(batchA)), randInt(r, 0, 2));
      expectIeee(fcn.matmul(t(a2, batchA), t(b, batchB)), matmulRef({ data: a2, shape: batchA }, { data: b, shape: batchB }), `${name} matmul [2, ${M}, ${K}]`, ATOL, RTOL);
    }
  });

  it("maxPool, im2col, col2im, relu, add", () => {
    for (let i = 0; i < 24; i++) {
      const seed = 0x5ec4d4 + i, r = rng(seed);
      const rank = i % 2 === 0 ? 2 : 1, C = randInt(r, 1, 3), k = randInt(r, 1, 3), s = randInt(r, 1, 2), d = randInt(r, 1, 2);
      const image = Array.from({ length: rank }, () => randInt(r, d * (k - 1) + 1, 7));
      const pads = Array.from({ length: 2 * rank }, () => randInt(r, 0, Math.floor(k / 2)));
      const window = { kernelShape: k, strides: s, dilations: d, pads };
      const xShape = [randInt(r, 1, 2), C, ...image];
      // up to 4 specials: some windows hold two (NaN with ∞, +∞ with −∞)
      const x = sprinkle(r, randArray(r, size(xShape)), randInt(r, 1, 4));
      const name = `seed=${seed} x=${xShape.join("x")} k=${k} s=${s} d=${d} p=${pads.join(",")}`;
      const xt = t(x, xShape);
      const ceilMode = r() < 0.5;
      expectIeee(fcn.maxPool(xt, { ...window, ceilMode }), maxPoolRef({ data: x, shape: xShape }, { ...window, ceilMode }), `${name} maxPool ceil=${ceilMode}`);
      expectIeee(fcn.im2col(xt, window), im2colRef({ data: x, shape: xShape }, window), `${name} im2col`);
      const L = size(im2colGrid(image, window));
      const colsShape = [xShape[0], C * k ** rank, L];
      const cols = sprinkle(r, randArray(r, size(colsShape)), randInt(r, 1, 3));
      const c2i = { ...window, imageShape: image };
      expectIeee(fcn.col2im(t(cols, colsShape), c2i), col2imRef({ data: cols, shape: colsShape }, c2i), `${name} col2im`, ATOL, RTOL);
      expectIeee(fcn.relu(xt), reluRef({ data: x, shape: xShape }), `${name} relu`, 0, 0);
      const other = sprinkle(r, randArray(r, C), randInt(r, 0, 2)), oShape = [C, ...image.map(() => 1)];
      expectIeee(fcn.add(xt, t(other, oShape)), addRef({ data: x, shape: xShape }, { data: other, shape: oShape }), `${name} add`, 0, 0);
    }
  });
});

/**
 * A decoder of transposed convolutions: two on the sub-pixel path for finite data (checked below:
 * enough output channels for 'auto's 32 phase-GEMM rows, too few input channels for its Winograd
 * form), then FCN's depthwise upsampling.
 */
const NET: GraphSpec = {
  input: { name: "x", shape: [1, 3, 24, 24] },
  output: "bilinear",
  layers: [
    { name: "up", op: "ConvTranspose", inputs: ["x"], attrs: { outChannels: 8, kernelShape: 4, strides: 2, pads: 1 } },
    { name: "same", op: "ConvTranspose", inputs: ["up"], attrs: { outChannels: 32, kernelShape: 3, pads: 1 } },
    { name: "bilinear", op: "ConvTranspose", inputs: ["same"], attrs: { outChannels: 32, kernelShape: 4, strides: 2, pads: 1, group: 32 } },
  ],
};

/** Runs the net on x and checks every layer's output against the reference applied to its input blob. */
function checkNet(net: fcn.Net, x: Tensor, what: string): void {
  net.run(x);
  const params = net.parameters();
  let input = x;
  for (const layer of NET.layers) {
    const w = params.get(`${layer.name}.weight`) as Tensor, b = params.get(`${layer.name}.bias`) ?? null;
    const attrs = { strides: layer.attrs?.strides as number | undefined, pads: layer.attrs?.pads as number, group: layer.attrs?.group as number | undefined };
    const want = convTransposeRef(input.data, input.shape, w.data, w.shape, b?.data ?? null, attrs);
    const got = net.blob(layer.name) as Tensor;
    expectIeee(got, want, `${what}: layer ${layer.name}`, ATOL, RTOL);
    input = got;
  }
  expect(countSpecials(input.data), `${what}: the specials reach the output`).toBeGreaterThan(0);
}

/** The net with a NaN, +∞ and −∞ in the input, and (second net) a NaN in the stride-1 layer's weights. */
function netRuns(what: string): void {
  expect(fcn.convTransposePlan([1, 3, 24, 24], [3, 8, 4, 4], { strides: 2, pads: 1 }).algorithm, "k4 s2 p1 on 24² runs sub-pixel").toBe("subpixel");
  expect(fcn.convTransposePlan([1, 8, 48, 48], [8, 32, 3, 3], { pads: 1 }).algorithm, "k3 s1 p1 runs sub-pixel").toBe("subpixel");
  const r = rng(0x5ec5e5);
  const x = t(sprinkle(r, randArray(r, size(NET.input.shape)), 3), NET.input.shape.slice());
  const net = fcn.Net.fromGraph(NET, undefined, { seed: 3 });
  checkNet(net, x, `${what}, NaN and ±∞ in the input`);
  const weights = net.parameters();
  const same = weights.get("same.weight") as Tensor;
  const wNaN = same.data.slice();
  wNaN[5] = NaN;
  const net2 = fcn.Net.fromGraph(NET, { ...Object.fromEntries(weights), "same.weight": t(wNaN, same.shape.slice()) });
  checkNet(net2, t(randArray(rng(9), size(NET.input.shape)), NET.input.shape.slice()), `${what}, a NaN weight in the stride-1 layer`);
  net.dispose();
  net2.dispose();
}

describe.each(BUILDS)("NaN and ±∞ in a Net (%s build)", (build) => {
  beforeAll(() => useBuild(build));
  it("sub-pixel and depthwise ConvTranspose layers give the reference's NaN and ±∞", () => netRuns(build));
});

describe("NaN and ±∞ on a 2-thread pool", () => {
  afterAll(() => fcn.dispose());
  it("every split forced: convTranspose (every algorithm), its backward, conv backward, the Net, convTransposeAsync", async () => {
    const info = await fcn.ready({ threads: 2 });
    expect(info.threads).toBe(2);
    const saved = { ...splitThresholds };
    splitThresholds.macs = 1;
    splitThresholds.bytes = 1;
    try {
      const pool = runtime().pool!;
      const before = pool.dispatches;
      for (const c of TRANSPOSED.slice(0, 20)) {
        const want = convTransposeRef(c.x, c.xShape, c.w, c.wShape, c.b, c.attrs);
        const x = t(c.x, c.xShape), w = t(c.w, c.wShape), b = c.b ? t(c.b, [c.b.length]) : null;
        for (const algorithm of algorithms(c)) expectIeee(fcn.convTranspose(x, w, b, c.attrs, { algorithm }), want, `${c.name} ${algorithm}, 2 threads`, ATOL, RTOL);
        const forced = algorithms(c).includes("subpixel") ? "subpixel" : "auto";
        expectIeee(await fcn.convTransposeAsync(x, w, b, c.attrs, { algorithm: forced }), want, `${c.name} convTransposeAsync ${forced}, 2 threads`, ATOL, RTOL);
      }
      for (const c of FORWARD.slice(0, 10)) {
        const { dy, shape } = gradient(c, 11 + c.x.length, false);
        const want = convBackwardRef(dy, c.x, c.xShape, c.w, c.wShape, c.attrs);
        expectIeee(fcn.convBackward(t(dy, shape), t(c.x, c.xShape), t(c.w, c.wShape), c.attrs).dx, { data: want.dx, shape: c.xShape }, `${c.name} dx, 2 threads`, ATOL, RTOL);
      }
      netRuns("2 threads");
      expect(pool.dispatches, "the pool split some of the work").toBeGreaterThan(before);
    } finally {
      Object.assign(splitThresholds, saved);
    }
  });
});
