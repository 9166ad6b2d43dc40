// conv and convTranspose on volumes (spatial rank 3, x [N, C, D, H, W]) against the float64
// references of test/ref/conv.ts, on every build: seeded random shapes with odd sizes over every
// attribute (strides, asymmetric pads, dilations, groups, depthwise, bias, batch 2, every autoPad
// mode, outputPadding, outputShape), a conv over several im2col bands and a convTranspose over
// several column bands (whole depth slices, and rows within slices past the band budget), with
// resident (packed) weights too; the adjoint
// identity ⟨conv(x), y⟩ = ⟨x, convTranspose(y)⟩; the 3-D sub-pixel path (forced: every random case
// it applies to, the U-Net layers, NaN and ±∞) and the direct depthwise kernel (trilinear
// upsampling, one input channel per group, threads), the direct depthwise conv (NaN and ±∞ weights
// included); what 'auto' picks and what forcing a 2-D-only
// algorithm does (UnsupportedError naming it); convTransposePlan and explain.outputSize on a 3-D
// layer; bad ranks; Net's 3-D Conv and ConvTranspose layers giving the ops' bits. Last, 2 threads with every split forced: the same bits as one thread.
// Each case is named by its shape and seed (`vitest -t "seed=<n>"`).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, expectSameBits, fcn, randArray, randInt, rng, useBuild, withEverySplit } from "./lib.js";
import { convGeometry, convRef, convTransposeGeometry, convTransposeRef, type RefAutoPad, type RefConvAttrs } from "./ref/conv.js";

const size = (s: readonly number[]): number => s.reduce((p, v) => p * v, 1);
const AUTOPADS: readonly RefAutoPad[] = ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"];

interface Case {
  name: string; xShape: number[]; wShape: number[];
  x: Float32Array; w: Float32Array; b: Float32Array | null;
  attrs: RefConvAttrs;
}

/**
 * Case `seed` of conv (or convTranspose): group 1–3 (sometimes depthwise: one input channel per
 * group), kernels 1–3, strides 1–3, dilation 2 on some axes, odd input sizes, autoPad mode seed mod
 * 4 (NOTSET with asymmetric pads), convTranspose with outputPadding and every fifth case outputShape.
 */
function makeCase(seed: number, transposed: boolean): Case {
  const r = rng(seed);
  const depthwise = r() < 0.2, wide = !depthwise && r() < 0.15; // wide: more channels than a GEMM tile
  const group = wide ? 1 : randInt(r, 1, 3), Cg = depthwise ? 1 : wide ? randInt(r, 5, 9) : randInt(r, 1, 3), Mg = wide ? randInt(r, 9, 13) : randInt(r, 1, 3);
  const k = [0, 1, 2].map(() => randInt(r, 1, 3));
  const s = [0, 1, 2].map(() => randInt(r, 1, 3));
  const d = [0, 1, 2].map(() => (r() < 0.25 ? 2 : 1));
  const odd = (lo: number, hi: number): number => 2 * randInt(r, Math.ceil((lo - 1) / 2), Math.floor((hi - 1) / 2)) + 1;
  const inSize = k.map((kk, i) => (transposed ? odd(1, 5) : odd(d[i] * (kk - 1) + 1, 7)));
  const N = r() < 0.3 ? 2 : 1;
  const autoPad = AUTOPADS[seed % 4];
  const attrs: RefConvAttrs = { strides: s, dilations: d, group };
  if (autoPad === "NOTSET") attrs.pads = [...k, ...k].map((kk) => randInt(r, 0, kk - 1));
  else attrs.autoPad = autoPad;
  if (transposed) {
    attrs.outputPadding = s.map((ss, i) => randInt(r, 0, Math.max(ss, d[i]) - 1));
    if (seed % 5 === 0) {
      // a reachable size: between 1 and the full size (outputPadding included)
      const full = inSize.map((n, i) => s[i] * (n - 1) + attrs.outputPadding![i] + d[i] * (k[i] - 1) + 1);
      attrs.outputShape = full.map((f) => Math.max(1, f - randInt(r, 0, 3)));
      delete attrs.pads;
    }
  }
  const xShape = [N, group * Cg, ...inSize];
  const wShape = transposed ? [group * Cg, Mg, ...k] : [group * Mg, Cg, ...k];
  const M = transposed ? group * Mg : wShape[0];
  const b = r() < 0.5 ? randArray(r, M) : null;
  const name = `x=${xShape.join("x")} w=${wShape.join("x")}${b ? " b" : ""} ${JSON.stringify(attrs)} seed=${seed}`;
  return { name, xShape, wShape, x: randArray(r, size(xShape)), w: randArray(r, size(wShape)), b, attrs };
}

/** The cases whose output is not empty (a random SAME / VALID geometry can leave no room). */
function cases(transposed: boolean, base: number, count: number): Case[] {
  const all: Case[] = [];
  for (let seed = base; all.length < count; seed++) {
    const c = makeCase(seed, transposed);
    try {
      const g = transposed ? convTransposeGeometry(c.xShape, c.wShape, c.attrs) : convGeometry(c.xShape, c.wShape, c.attrs);
      if (g.output.every((o) => o >= 1)) all.push(c);
    } catch {
      // an empty output axis: not a case
    }
  }
  return all;
}

const T = (c: { x?: Float32Array; shape: number[] }, data: Float32Array) => fcn.tensor(data, c.shape);
const bias = (c: Case) => (c.b === null ? null : fcn.tensor(c.b, [c.b.length]));

const CONV_CASES = cases(false, 3000, 40);
const TRANSPOSE_CASES = cases(true, 5000, 40);

describe.each(BUILDS)("3-D conv and convTranspose (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  describe("conv against the float64 reference", () => {
    for (const c of CONV_CASES) {
      it(c.name, () => {
        const want = convRef(c.x, c.xShape, c.w, c.wShape, c.b, c.attrs);
        const got = fcn.conv(T({ shape: c.xShape }, c.x), T({ shape: c.wShape }, c.w), bias(c), c.attrs as fcn.ConvAttrs);
        expectClose(got, want, `conv ${c.name}`, 1e-5, 1e-4);
        // auto may take the skinny GEMM or the direct depthwise kernel: the forced general path must agree too
        expectClose(fcn.conv(T({ shape: c.xShape }, c.x), T({ shape: c.wShape }, c.w), bias(c), c.attrs as fcn.ConvAttrs, { algorithm: "im2col-gemm" }), want, `conv ${c.name}, im2col-gemm`, 1e-5, 1e-4);
        if (c.wShape[1] === 1) {
          expectClose(fcn.conv(T({ shape: c.xShape }, c.x), T({ shape: c.wShape }, c.w), bias(c), c.attrs as fcn.ConvAttrs, { algorithm: "depthwise" }), want, `conv ${c.name}, depthwise`, 1e-5, 1e-4);
        }
      });
    }
  });

  describe("convTranspose against the float64 reference", () => {
    for (const c of TRANSPOSE_CASES) {
      it(c.name, () => {
        const want = convTransposeRef(c.x, c.xShape, c.w, c.wShape, c.b, c.attrs);
        const got = fcn.convTranspose(T({ shape: c.xShape }, c.x), T({ shape: c.wShape }, c.w), bias(c), c.attrs as fcn.ConvTransposeAttrs);
        expectClose(got, want, `convTranspose ${c.name}`, 1e-5, 1e-4);
        // the 3-D sub-pixel path, forced, where it applies (dilation 1, begin pads ≥ 0)
        const g = convTransposeGeometry(c.xShape, c.wShape, c.attrs);
        const forced = () => fcn.convTranspose(T({ shape: c.xShape }, c.x), T({ shape: c.wShape }, c.w), bias(c), c.attrs as fcn.ConvTransposeAttrs, { algorithm: "subpixel" });
        if (g.dilations.every((d) => d === 1) && g.padsBegin.every((p) => p >= 0)) expectClose(forced(), want, `convTranspose ${c.name}, subpixel`, 1e-5, 1e-4);
        else expect(forced).toThrow(fcn.UnsupportedError);
        // one input channel per group: the direct depthwise kernel (no workspace); else GEMM + col2im
        const depthwise = c.wShape[0] / (c.attrs.group ?? 1) === 1;
        expect(fcn.convTransposePlan(c.xShape, c.wShape, c.attrs as fcn.ConvTransposeAttrs)).toEqual({
          algorithm: depthwise ? "depthwise" : "gemm-col2im",
          workspaceBytes: depthwise ? 0 : (want.shape[1] / (c.attrs.group ?? 1)) * size(c.wShape.slice(2)) * size(c.xShape.slice(2)) * 4, outShape: want.shape,
        });
        if (depthwise) {
          const viaGemm = fcn.convTranspose(T({ shape: c.xShape }, c.x), T({ shape: c.wShape }, c.w), bias(c), c.attrs as fcn.ConvTransposeAttrs, { algorithm: "gemm-col2im" });
          expectClose(viaGemm, want, `convTranspose ${c.name}, gemm-col2im`, 1e-5, 1e-4);
        }
      });
    }
  });

  it("conv over several im2col bands of depth slices (K = 8·27 rows, 16·16 positions a slice), 48 output channels", () => {
    const r = rng(77);
    const xShape = [1, 8, 9, 18, 18], wShape = [48, 8, 3, 3, 3];
    const x = randArray(r, size(xShape)), w = randArray(r, size(wShape)), b = randArray(r, 48);
    const attrs = { pads: [0, 1, 0, 1, 0, 1], strides: [1, 1, 1] };
    const got = fcn.conv(fcn.tensor(x, xShape), fcn.tensor(w, wShape), fcn.tensor(b, [48]), attrs);
    expectClose(got, convRef(x, xShape, w, wShape, b, attrs), "banded 3-D conv", 1e-5, 1e-4);
  });

  it("conv whose depth slice is past the band budget: bands of rows within each slice (K = 216, 31×31 a slice: 19 + 12 rows)", () => {
    const r = rng(79);
    const xShape = [1, 8, 3, 31, 32], wShape = [16, 8, 3, 3, 3];
    const x = randArray(r, size(xShape)), w = randArray(r, size(wShape)), b = randArray(r, 16);
    const attrs = { pads: [1, 1, 0, 1, 1, 1] };
    const got = fcn.conv(fcn.tensor(x, xShape), fcn.tensor(w, wShape), fcn.tensor(b, [16]), attrs);
    expectClose(got, convRef(x, xShape, w, wShape, b, attrs), "3-D conv in bands of rows", 1e-5, 1e-4);
  });

  it("convTranspose whose input slice is past the band budget: column bands of rows within each slice", () => {
    const r = rng(80);
    const xShape = [1, 4, 3, 30, 29], wShape = [4, 8, 3, 3, 3];
    const x = randArray(r, size(xShape)), w = randArray(r, size(wShape)), b = randArray(r, 8);
    const attrs = { strides: [2, 1, 2], pads: [0, 1, 1, 1, 0, 0] };
    expect(fcn.convTransposePlan(xShape, wShape, attrs).workspaceBytes).toBe(216 * 20 * 29 * 4); // 20 rows of 29 a band
    const got = fcn.convTranspose(fcn.tensor(x, xShape), fcn.tensor(w, wShape), fcn.tensor(b, [8]), attrs);
    expectClose(got, convTransposeRef(x, xShape, w, wShape, b, attrs), "3-D convTranspose in bands of rows", 1e-5, 1e-4);
  });

  it("convTranspose over several column bands of input depth slices (M/g·∏k = 216 rows, 20·20 positions a slice), stride 2 in depth", () => {
    const r = rng(78);
    const xShape = [2, 4, 5, 20, 19], wShape = [4, 8, 3, 3, 3];
    const x = randArray(r, size(xShape)), w = randArray(r, size(wShape)), b = randArray(r, 8);
    const attrs = { strides: [2, 1, 1], pads: [1, 0, 1, 0, 1, 1], outputPadding: [1, 0, 0] };
    const plan = fcn.convTransposePlan(xShape, wShape, attrs);
    expect(plan.workspaceBytes).toBe(216 * 20 * 19 * 4); // one slice a band: 5 bands
    const got = fcn.convTranspose(fcn.tensor(x, xShape), fcn.tensor(w, wShape), fcn.tensor(b, [8]), attrs);
    expectClose(got, convTransposeRef(x, xShape, w, wShape, b, attrs), "banded 3-D convTranspose", 1e-5, 1e-4);
    const rw = fcn.resident(fcn.tensor(w, wShape)); // packed weights: the same bits
    expectSameBits(fcn.convTranspose(fcn.tensor(x, xShape), rw, fcn.tensor(b, [8]), attrs), got, "banded 3-D convTranspose, resident w");
    rw.dispose();
  });

  it("resident weights (kept packed) and the async forms give the same bits on 3-D layers", async () => {
    for (const c of [CONV_CASES[1], CONV_CASES[2]]) {
      const x = fcn.tensor(c.x, c.xShape), w = fcn.tensor(c.w, c.wShape);
      const want = fcn.conv(x, w, bias(c), c.attrs as fcn.ConvAttrs);
      const rw = fcn.resident(w);
      expectSameBits(fcn.conv(x, rw, bias(c), c.attrs as fcn.ConvAttrs), want, `conv ${c.name}, resident w`);
      expectSameBits(fcn.conv(x, rw, bias(c), c.attrs as fcn.ConvAttrs), want, `conv ${c.name}, resident w again`);
      rw.dispose();
      expectSameBits(await fcn.convAsync(x, w, bias(c), c.attrs as fcn.ConvAttrs), want, `convAsync ${c.name}`);
    }
    for (const c of [TRANSPOSE_CASES[1], TRANSPOSE_CASES[2]]) {
      const x = fcn.tensor(c.x, c.xShape), w = fcn.tensor(c.w, c.wShape);
      const want = fcn.convTranspose(x, w, bias(c), c.attrs as fcn.ConvTransposeAttrs);
      const rw = fcn.resident(w);
      expectSameBits(fcn.convTranspose(x, rw, bias(c), c.attrs as fcn.ConvTransposeAttrs), want, `convTranspose ${c.name}, resident w`);
      rw.dispose();
      expectSameBits(await fcn.convTransposeAsync(x, w, bias(c), c.attrs as fcn.ConvTransposeAttrs), want, `convTransposeAsync ${c.name}`);
    }
  });

  it("trilinear upsampling (trilinearWeights, group = C, trilinearUpsampling(2)) is the reference's on every path, and keeps a constant volume constant inside", () => {
    const C = 3, xs = [1, C, 3, 4, 5], attrs = { ...fcn.trilinearUpsampling(2), group: C };
    const w = fcn.trilinearWeights(C, 4);
    const x = randArray(rng(83), size(xs));
    expect(fcn.convTransposePlan(xs, w.shape, attrs).algorithm).toBe("depthwise");
    for (const algorithm of ["auto", "depthwise", "gemm-col2im", "subpixel"] as const) {
      const got = fcn.convTranspose(fcn.tensor(x, xs), w, null, attrs, { algorithm });
      expectClose(got, convTransposeRef(x, xs, w.data, w.shape, null, attrs), `trilinear upsampling, ${algorithm}`, 1e-6, 1e-5);
    }
    const y = fcn.convTranspose(fcn.tensor(new Float32Array(size(xs)).fill(2), xs), w, null, attrs);
    expect(y.shape).toEqual([1, C, 6, 8, 10]);
    // away from the borders every output voxel gets weights summing to 1 (per axis ¼ + ¾)
    const at = (c: number, d: number, h: number, v: number) => y.data[((c * 6 + d) * 8 + h) * 10 + v];
    for (let c = 0; c < C; c++) for (let d = 1; d < 5; d++) for (let h = 1; h < 7; h++) for (let v = 1; v < 9; v++) expect(at(c, d, h, v)).toBeCloseTo(2, 5);
  });

  it("⟨conv(x, w), y⟩ = ⟨x, convTranspose(y, w)⟩ with the same window (the adjoint pair)", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const c = makeCase(9000 + seed, false);
      if (c.attrs.autoPad !== undefined) continue; // explicit pads: the transposed op gets the same ones
      let g;
      try { g = convGeometry(c.xShape, c.wShape, c.attrs); } catch { continue; }
      const pads = c.attrs.pads as number[], s = c.attrs.strides as number[], d = c.attrs.dilations as number[];
      // outputPadding gives back the input rows the last window did not reach
      const outputPadding = g.input.map((n, i) => (n + pads[i] + pads[i + 3] - d[i] * (g.kernel[i] - 1) - 1) % s[i]);
      const x = fcn.tensor(c.x, c.xShape), w = fcn.tensor(c.w, c.wShape);
      const y = fcn.conv(x, w, null, c.attrs as fcn.ConvAttrs);
      const v = fcn.tensor(randArray(rng(seed), size(y.shape)), y.shape);
      const xt = fcn.convTranspose(v, w, null, { ...c.attrs, outputPadding } as fcn.ConvTransposeAttrs);
      expect(xt.shape).toEqual(c.xShape);
      let left = 0, right = 0, scale = 0;
      for (let i = 0; i < y.data.length; i++) { left += y.data[i] * v.data[i]; scale += Math.abs(y.data[i] * v.data[i]); }
      for (let i = 0; i < x.data.length; i++) right += x.data[i] * xt.data[i];
      expect(Math.abs(left - right), `${c.name}: ${left} vs ${right}`).toBeLessThanOrEqual(1e-5 * (scale + 1));
    }
  });
});

describe("3-D algorithm choice and errors", () => {
  beforeAll(() => useBuild("simd"));
  const zeros = (shape: number[]) => fcn.tensor(new Float32Array(size(shape)), shape);

  it("'auto' on 3-D: the direct depthwise kernels for one input channel per group, else the generic paths", () => {
    // one input channel per group: the direct kernels; k = 2s (sub-pixel in 2-D), 3×3×3 stride 1 (Winograd in 2-D): GEMM paths
    expect(fcn.convTransposePlan([1, 4, 3, 3, 3], [4, 1, 4, 4, 4], { strides: 2, pads: 1, group: 4 }).algorithm).toBe("depthwise");
    expect(fcn.convTransposePlan([1, 64, 5, 5, 5], [64, 32, 4, 4, 4], { strides: 2, pads: 1 }).algorithm).toBe("gemm-col2im");
    const r = rng(5);
    const xs = [1, 3, 5, 6, 7], ws = [6, 1, 3, 3, 3];
    const x = randArray(r, size(xs)), w = randArray(r, size(ws));
    const attrs = { group: 3, pads: 1 };
    expectClose(fcn.conv(fcn.tensor(x, xs), fcn.tensor(w, ws), null, attrs), convRef(x, xs, w, ws, null, attrs), "depthwise 3-D conv", 1e-5, 1e-4);
    const xw = [1, 32, 5, 5, 5], ww = [16, 32, 3, 3, 3];
    const xv = randArray(r, size(xw)), wv = randArray(r, size(ww));
    expectClose(fcn.conv(fcn.tensor(xv, xw), fcn.tensor(wv, ww), null, { pads: 1 }), convRef(xv, xw, wv, ww, null, { pads: 1 }), "3×3×3 stride-1 conv", 1e-4, 1e-4);
  });

  it("forcing a 2-D-only algorithm on a 3-D layer is an UnsupportedError naming it", () => {
    const x = zeros([1, 2, 3, 3, 3]);
    for (const algorithm of ["winograd", "winograd-f4"] as const) {
      expect(() => fcn.conv(x, zeros([2, 1, 3, 3, 3]), null, { group: 2 }, { algorithm })).toThrow(new RegExp(`'${algorithm}' is not implemented for spatial rank 3`));
      expect(() => fcn.conv(x, zeros([2, 1, 3, 3, 3]), null, { group: 2 }, { algorithm })).toThrow(fcn.UnsupportedError);
    }
    for (const algorithm of ["subpixel-winograd"] as const) {
      expect(() => fcn.convTranspose(x, zeros([2, 1, 4, 4, 4]), null, { strides: 2, group: 2 }, { algorithm })).toThrow(new RegExp(`'${algorithm}' is not implemented for spatial rank 3`));
      expect(() => fcn.convTranspose(x, zeros([2, 1, 4, 4, 4]), null, { strides: 2, group: 2 }, { algorithm })).toThrow(fcn.UnsupportedError);
    }
    expect(fcn.convTranspose(x, zeros([2, 1, 4, 4, 4]), null, { strides: 2, group: 2 }, { algorithm: "gemm-col2im" }).shape).toEqual([1, 2, 8, 8, 8]);
  });

  it("3-D depthwise conv: multipliers, strides, dilations, pads past the kernel; a NaN or ±∞ weight reaches the outputs whose window crosses the padding at that tap", () => {
    const r = rng(84);
    const layers: [number[], number[], fcn.ConvAttrs][] = [
      [[2, 4, 5, 6, 7], [4, 1, 3, 3, 3], { group: 4, pads: 1 }],
      [[1, 3, 7, 9, 11], [6, 1, 3, 2, 5], { group: 3, strides: [2, 1, 3], dilations: [1, 2, 1], pads: [0, 1, 2, 2, 0, 1] }],
      [[1, 2, 6, 6, 9], [8, 1, 2, 3, 4], { group: 2, strides: [1, 2, 1], pads: [0, 1, 0, 0, 3, 2] }],
      [[1, 5, 3, 4, 21], [5, 1, 1, 1, 3], { group: 5, pads: [0, 0, 3, 0, 0, 3] }],
    ];
    for (const [xs, ws, attrs] of layers) {
      const x = randArray(r, size(xs)), w = randArray(r, size(ws)), b = randArray(r, ws[0]);
      const name = `x=${xs.join("x")} w=${ws.join("x")} ${JSON.stringify(attrs)}`;
      const want = convRef(x, xs, w, ws, b, attrs as RefConvAttrs);
      expectClose(fcn.conv(fcn.tensor(x, xs), fcn.tensor(w, ws), fcn.tensor(b, [ws[0]]), attrs), want, `conv ${name}`, 1e-5, 1e-4);
      expectClose(fcn.conv(fcn.tensor(x, xs), fcn.tensor(w, ws), fcn.tensor(b, [ws[0]]), attrs, { algorithm: "depthwise" }), want, `conv ${name}, depthwise`, 1e-5, 1e-4);
      const wn = w.slice();
      wn[1] = NaN;
      wn[ws[2] * ws[3] * ws[4] + 2] = Infinity; // the second output channel's tap 2
      expectClose(fcn.conv(fcn.tensor(x, xs), fcn.tensor(wn, ws), null, attrs, { algorithm: "depthwise" }), convRef(x, xs, wn, ws, null, attrs as RefConvAttrs), `conv ${name}, NaN/∞ weights`, 1e-5, 1e-4);
    }
  });

  it("Net and GraphSpec take rank-3 conv layers: a Conv and a ConvTranspose layer give conv's and convTranspose's bits (test/net-volumes.test.ts has the rest)", () => {
    const layer = (op: string, attrs: Record<string, unknown>) => ({ input: { name: "x", shape: [1, 2, 5, 5, 5] }, output: "c", layers: [{ name: "c", op, inputs: ["x"], attrs }] });
    const x = fcn.tensor(randArray(rng(83), 250), [1, 2, 5, 5, 5]);
    for (const resident of [true, false]) {
      const conv = fcn.Net.fromGraph(layer("Conv", { outChannels: 3, kernelShape: 3, pads: 1 }) as fcn.GraphSpec, undefined, { resident });
      const p = conv.parameters();
      expectSameBits(conv.run(x), fcn.conv(x, p.get("c.weight")!, p.get("c.bias")!, { pads: 1 }), `Net Conv 3-D, resident ${resident}`);
      const up = fcn.Net.fromGraph(layer("ConvTranspose", { outChannels: 3, kernelShape: 2, strides: 2 }) as fcn.GraphSpec, undefined, { resident });
      const q = up.parameters();
      expectSameBits(up.run(x), fcn.convTranspose(x, q.get("c.weight")!, q.get("c.bias")!, { strides: 2 }), `Net ConvTranspose 3-D, resident ${resident}`);
    }
  });

  it("3-D sub-pixel (s_D·s_H·s_W phases), forced: U-Net's k2 s2 and k4 s2 p1, k3 s2 (zero taps), stride 1, mixed strides, bands of rows", () => {
    const layers: [number[], number[], fcn.ConvTransposeAttrs][] = [
      [[2, 6, 3, 4, 5], [6, 4, 2, 2, 2], { strides: 2 }],
      [[1, 5, 5, 3, 4], [5, 3, 4, 4, 4], { strides: 2, pads: 1 }],
      [[1, 4, 3, 5, 3], [4, 6, 3, 3, 3], { strides: 2, pads: [1, 0, 1, 0, 1, 1], outputPadding: [1, 1, 0] }],
      [[1, 3, 4, 4, 5], [3, 5, 3, 2, 3], { pads: [0, 1, 2, 1, 0, 0] }],
      [[1, 6, 3, 4, 5], [6, 2, 3, 4, 2], { strides: [1, 2, 3], pads: [1, 1, 0, 0, 1, 0], group: 2 }],
      [[1, 2, 5, 3, 2], [2, 3, 1, 1, 1], { strides: [3, 2, 2] }], // k < s: phases with no tap
      [[1, 8, 3, 20, 21], [8, 8, 4, 4, 4], { strides: 2, pads: 1 }], // 41×43 cells a slice: bands of rows
    ];
    const r = rng(81);
    for (const [xs, ws, attrs] of layers) {
      const x = randArray(r, size(xs)), w = randArray(r, size(ws)), M = ws[1] * ((attrs.group as number) ?? 1), b = randArray(r, M);
      const want = convTransposeRef(x, xs, w, ws, b, attrs as RefConvAttrs);
      const name = `x=${xs.join("x")} w=${ws.join("x")} ${JSON.stringify(attrs)}`;
      const sub = fcn.convTranspose(fcn.tensor(x, xs), fcn.tensor(w, ws), fcn.tensor(b, [M]), attrs, { algorithm: "subpixel" });
      expectClose(sub, want, `subpixel ${name}`, 1e-5, 1e-4);
      const rw = fcn.resident(fcn.tensor(w, ws)); // the phase weights kept packed: the same bits
      expectSameBits(fcn.convTranspose(fcn.tensor(x, xs), rw, fcn.tensor(b, [M]), attrs, { algorithm: "subpixel" }), sub, `subpixel ${name}, resident w`);
      expectSameBits(fcn.convTranspose(fcn.tensor(x, xs), rw, fcn.tensor(b, [M]), attrs, { algorithm: "subpixel" }), sub, `subpixel ${name}, resident w again`);
      rw.dispose();
      expect(fcn.convTransposePlan(xs, ws, attrs).algorithm).toBe("gemm-col2im"); // 'auto' keeps GEMM + col2im for 3-D (not measured yet)
    }
    // dilation and negative derived pads: no sub-pixel
    const z = (shape: number[]) => fcn.tensor(new Float32Array(size(shape)), shape);
    expect(() => fcn.convTranspose(z([1, 1, 2, 2, 2]), z([1, 1, 2, 2, 2]), null, { dilations: 2 }, { algorithm: "subpixel" })).toThrow(/'subpixel' needs dilation 1/);
    expect(() => fcn.convTranspose(z([1, 1, 2, 2, 2]), z([1, 1, 1, 1, 1]), null, { strides: 3, autoPad: "SAME_UPPER" }, { algorithm: "subpixel" })).toThrow(fcn.UnsupportedError);
  });

  it("3-D sub-pixel keeps NaN and ±∞ where the definition puts them (GEMM + col2im where its zero taps would meet one)", () => {
    // k3 s2: phases with fewer taps multiply x by zero taps; a NaN in x must reach only its own outputs
    const xs = [1, 2, 3, 3, 3], ws = [2, 2, 3, 3, 3], attrs = { strides: 2 };
    const r = rng(82);
    const x = randArray(r, size(xs)), w = randArray(r, size(ws));
    x[13] = NaN;
    x[20] = Infinity;
    const got = fcn.convTranspose(fcn.tensor(x, xs), fcn.tensor(w, ws), null, attrs, { algorithm: "subpixel" });
    expectClose(got, convTransposeRef(x, xs, w, ws, null, attrs), "subpixel with NaN and ∞ in x", 1e-5, 1e-4);
    const wn = w.slice();
    wn[5] = NaN;
    const gotW = fcn.convTranspose(fcn.tensor(randArray(r, size(xs)), xs), fcn.tensor(wn, ws), null, { strides: 2, pads: 1 }, { algorithm: "subpixel" });
    expect(gotW.data.some((v) => Number.isNaN(v))).toBe(true);
    expect(gotW.data.some((v) => !Number.isNaN(v))).toBe(true); // only the outputs that tap w[5]
  });

  it("rank 6 and mismatched ranks stay ShapeErrors; 3-D attributes need three values", () => {
    expect(() => fcn.conv(zeros([1, 1, 2, 2, 2, 2]), zeros([1, 1, 1, 1, 1, 1]))).toThrow(fcn.ShapeError);
    expect(() => fcn.conv(zeros([1, 1, 2, 2, 2, 2]), zeros([1, 1, 1, 1, 1, 1]))).toThrow(/rank 3, 4 or 5/);
    expect(() => fcn.convTranspose(zeros([1, 1, 2, 2, 2, 2]), zeros([1, 1, 1, 1, 1, 1]))).toThrow(fcn.ShapeError);
    expect(() => fcn.conv(zeros([1, 1, 3, 3, 3]), zeros([1, 1, 3, 3]))).toThrow(fcn.ShapeError);
    expect(() => fcn.conv(zeros([1, 1, 3, 3, 3]), zeros([1, 1, 1, 1, 1]), null, { strides: [1, 1] })).toThrow(fcn.AttributeError);
    expect(() => fcn.convTranspose(zeros([1, 1, 3, 3, 3]), zeros([1, 1, 1, 1, 1]), null, { pads: [0, 0, 0, 0] })).toThrow(fcn.AttributeError);
    expect(() => fcn.conv(zeros([1, 1, 2, 3, 3]), zeros([1, 1, 3, 3, 3]))).toThrow(/output axis 0 would be empty/);
  });

  it("convTransposePlan, explain.outputSize (per axis) and explain.outputSizes answer for a 3-D layer (PyTorch's sizes)", () => {
    // PyTorch ConvTranspose3d(k=(4,3,2), s=(2,3,1), p=(1,0,1), output_padding=(1,2,0)) on 5×4×6: out = s(i−1) − 2p + (k−1) + op + 1
    const attrs = { strides: [2, 3, 1], pads: [1, 0, 1, 1, 0, 1], outputPadding: [1, 2, 0] };
    const plan = fcn.convTransposePlan([2, 6, 5, 4, 6], [6, 4, 4, 3, 2], attrs);
    expect(plan.outShape).toEqual([2, 4, 11, 14, 5]);
    const axes = [0, 1, 2].map((i) => fcn.explain.outputSize({ input: [5, 4, 6][i], kernel: [4, 3, 2][i], stride: attrs.strides[i], pad: attrs.pads[i], outputPadding: attrs.outputPadding[i] }));
    expect(axes.map((a) => a.pytorch!.size)).toEqual([11, 14, 5]);
    expect(axes.map((a) => a.onnx.pads.size)).toEqual([11, 14, 5]);
    // all axes at once: the same answers
    const all = fcn.explain.outputSizes({ input: [5, 4, 6], kernel: [4, 3, 2], stride: attrs.strides, pad: attrs.pads, outputPadding: attrs.outputPadding });
    expect(all).toEqual(axes);
    expect(fcn.explain.outputSizes({ input: [8, 16, 16], kernel: 4, stride: 2, pad: 1 }).map((a) => a.pytorch!.size)).toEqual([16, 32, 32]);
    // asymmetric pads: ONNX only (PyTorch cannot express them); outputShape per axis
    const asym = fcn.explain.outputSizes({ input: [3, 3, 3], kernel: 3, stride: 2, pad: [0, 1, 1, 1, 0, 1], outputShape: [7, 6, 5] });
    expect(asym.map((a) => a.pytorch)).toEqual([null, null, expect.anything()]);
    expect(asym.map((a) => a.onnx.pads.size)).toEqual(fcn.convTransposePlan([1, 1, 3, 3, 3], [1, 1, 3, 3, 3], { strides: 2, pads: [0, 1, 1, 1, 0, 1] }).outShape.slice(2));
    expect(asym.map((a) => a.onnx.outputShape!.size)).toEqual([7, 6, 5]);
    expect(() => fcn.explain.outputSizes({ input: 5 as unknown as number[], kernel: 3 })).toThrow(fcn.AttributeError);
    expect(() => fcn.explain.outputSizes({ input: [5, 5, 5], kernel: [3, 3] })).toThrow(/explain\.outputSizes\(layer\.kernel\)/);
    expect(() => fcn.explain.outputSizes({ input: [5, 5, 5], kernel: 3, pad: [1, 1, 1] })).toThrow(/explain\.outputSizes\(layer\.pad\)/);
    expect(plan.algorithm).toBe("gemm-col2im");
    expect(plan.workspaceBytes).toBe(4 * (4 * 3 * 2) * (5 * 4 * 6) * 4);
    // SAME_UPPER: out = in·s on every axis
    expect(fcn.convTransposePlan([1, 2, 3, 5, 7], [2, 2, 3, 3, 3], { strides: 2, autoPad: "SAME_UPPER" }).outShape).toEqual([1, 2, 6, 10, 14]);
  });
});

describe("3-D ops on 2 threads, every split forced: the same bits as one thread", () => {
  const sized = (name: string, xShape: number[], wShape: number[], attrs: RefConvAttrs, M: number): Case => {
    const r = rng(xShape[1] * 100 + wShape[0]);
    return { name, xShape, wShape, x: randArray(r, size(xShape)), w: randArray(r, size(wShape)), b: randArray(r, M), attrs };
  };
  // the banded layers above too: several im2col bands, several column bands
  const c = CONV_CASES.filter((k) => k.wShape[0] >= 3).slice(0, 4).concat(cases(false, 7000, 2),
    sized("depthwise conv, multiplier 2", [2, 6, 5, 6, 9], [12, 1, 3, 3, 3], { group: 6, pads: 1 }, 12),
    sized("banded conv", [1, 8, 9, 18, 18], [48, 8, 3, 3, 3], { pads: [0, 1, 0, 1, 0, 1] }, 48),
    sized("conv in bands of rows", [1, 8, 3, 31, 32], [16, 8, 3, 3, 3], { pads: [1, 1, 0, 1, 1, 1] }, 16));
  const t = TRANSPOSE_CASES.slice(0, 6).concat(
    sized("banded convTranspose", [2, 4, 5, 20, 19], [4, 8, 3, 3, 3], { strides: [2, 1, 1], pads: [1, 0, 1, 0, 1, 1], outputPadding: [1, 0, 0] }, 8),
    sized("convTranspose in bands of rows", [1, 4, 3, 30, 29], [4, 8, 3, 3, 3], { strides: [2, 1, 2], pads: [0, 1, 1, 1, 0, 0] }, 8));
  t.push(sized("depthwise k4 s2, multiplier 2", [2, 6, 5, 6, 7], [6, 2, 4, 4, 4], { strides: 2, pads: [1, 0, 1, 1, 1, 0], group: 6 }, 12));
  const subpixel = [sized("subpixel k4 s2", [2, 8, 3, 20, 21], [8, 8, 4, 4, 4], { strides: 2, pads: 1 }, 8),
    sized("subpixel k2 s2", [1, 8, 5, 6, 7], [8, 16, 2, 2, 2], { strides: 2 }, 16)];
  const runAll = (): Float32Array[] => {
    const out: Float32Array[] = [];
    for (const k of c) {
      const x = fcn.tensor(k.x, k.xShape), w = fcn.tensor(k.w, k.wShape);
      const y = fcn.conv(x, w, bias(k), k.attrs as fcn.ConvAttrs);
      out.push(y.data);
      const g = fcn.convBackward(fcn.tensor(randArray(rng(1), size(y.shape)), y.shape), x, w, k.attrs as fcn.ConvAttrs);
      out.push(g.dx.data, g.dw.data, g.db.data);
      const kernelShape = k.wShape.slice(2);
      out.push(fcn.im2col(x, { kernelShape, strides: k.attrs.strides, dilations: k.attrs.dilations }).data);
    }
    for (const k of t) {
      const x = fcn.tensor(k.x, k.xShape), w = fcn.tensor(k.w, k.wShape);
      const y = fcn.convTranspose(x, w, bias(k), k.attrs as fcn.ConvTransposeAttrs);
      out.push(y.data);
      const g = fcn.convTransposeBackward(fcn.tensor(randArray(rng(2), size(y.shape)), y.shape), x, w, k.attrs as fcn.ConvTransposeAttrs);
      out.push(g.dx.data, g.dw.data, g.db.data);
    }
    for (const k of subpixel) {
      out.push(fcn.convTranspose(fcn.tensor(k.x, k.xShape), fcn.tensor(k.w, k.wShape), bias(k), k.attrs as fcn.ConvTransposeAttrs, { algorithm: "subpixel" }).data);
    }
    return out;
  };
  let want: Float32Array[] = [];
  beforeAll(async () => {
    await fcn.ready({ threads: 1 });
    want = runAll();
    // one thread agrees with the reference too, so the comparison below is against right numbers
    for (const k of c) expectClose(fcn.conv(fcn.tensor(k.x, k.xShape), fcn.tensor(k.w, k.wShape), bias(k), k.attrs as fcn.ConvAttrs), convRef(k.x, k.xShape, k.w, k.wShape, k.b, k.attrs), k.name);
  });
  afterAll(() => fcn.dispose());

  it("conv, convBackward, im2col, convTranspose, convTransposeBackward, convTranspose by sub-pixel", async () => {
    await fcn.ready({ threads: 2 });
    const got = withEverySplit(runAll);
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => expectSameBits({ data: g, shape: [g.length] }, { data: want[i], shape: [want[i].length] }, `result ${i}`));
  });
});
