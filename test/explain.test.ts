// The explain module: every view of transposed convolution computes convTranspose's numbers.
// Seeded random cases over k < s, k not a multiple of s, k = 2s, dilation, asymmetric pads, output
// padding, outputShape, autoPad SAME/VALID, groups and batch 2, rank 1 and 2, compare each view's
// output to fcn.convTranspose and to the plain-TS reference (test/ref/conv.ts). Then each view's
// intermediate is checked on its own terms: zero-insertion's multiplication counts against a
// brute-force count over the materialised input, the overlap map against the scatter view's taps
// and against convTranspose(ones, ones), the matrix by Cᵀ·vec(x) and C·vec(z) = conv(z), the
// gradient view's adjoint identity, and a 1-D case worked by hand. Last, the shape calculator and
// FCN's crop offsets (VGG16 geometry) by coordinate mapping.
import { beforeAll, describe, expect, it } from "vitest";
import { fcn, BUILDS, useBuild, rng, randInt, randArray, expectClose } from "./lib.js";
import { convTransposeRef, type RefAutoPad } from "./ref/conv.js";
import { explain, type CoordLayer } from "../dist/explain/index.js";

const BASE_SEED = 0xe7a1;
const CASES = 64;

const FLAVORS = ["basic", "k<s", "k%s!=0", "k=2s", "dilated", "asym-pads", "outputPadding", "group", "batch2",
  "outputShape", "outputShape-beyond", "same", "same-k<s", "valid", "depthwise", "dilated-op"] as const;
type Flavor = (typeof FLAVORS)[number];

interface Case {
  name: string; seed: number; flavor: Flavor; rank: number;
  x: fcn.Tensor; w: fcn.Tensor; b: fcn.Tensor | null; attrs: fcn.ConvTransposeAttrs;
}

const size = (shape: readonly number[]): number => shape.reduce((p, v) => p * v, 1);

function makeCase(i: number): Case {
  const seed = BASE_SEED + i;
  const r = rng(seed);
  const flavor = FLAVORS[i % FLAVORS.length];
  const rank = Math.floor(i / FLAVORS.length) % 2 === 0 ? 2 : 1;
  const k: number[] = [], s: number[] = [], d: number[] = [], op: number[] = [], n: number[] = [];
  const pb: number[] = [], pe: number[] = [], os: number[] = [];
  for (let a = 0; a < rank; a++) {
    let ka = randInt(r, 1, 4), sa = randInt(r, 1, 3), da = 1;
    if (flavor === "k<s" || flavor === "same-k<s") { sa = randInt(r, 2, 4); ka = randInt(r, 1, sa - 1); }
    if (flavor === "k%s!=0") { sa = randInt(r, 2, 3); ka = sa * randInt(r, 1, 2) + randInt(r, 1, sa - 1); }
    if (flavor === "k=2s") { sa = randInt(r, 1, 3); ka = 2 * sa; }
    if (flavor === "dilated") { da = randInt(r, 2, 3); ka = randInt(r, 2, 3); }
    if (flavor === "dilated-op") { da = 3; sa = randInt(r, 1, 2); ka = randInt(r, 2, 3); }
    if (flavor === "outputShape-beyond") sa = randInt(r, 3, 4);
    if (flavor === "outputPadding" && sa === 1) sa = randInt(r, 2, 3);
    const most = Math.max(sa, da) - 1;
    let opa = flavor === "outputPadding" ? randInt(r, 1, most) : most > 0 && r() < 0.25 ? randInt(r, 0, most) : 0;
    if (flavor === "dilated-op") opa = randInt(r, sa, most); // output padding ≥ stride: rows no tap reaches
    if (flavor === "outputShape-beyond") opa = 0;
    const na = randInt(r, 1, rank === 2 ? 4 : 6);
    const full = sa * (na - 1) + opa + da * (ka - 1) + 1;
    // pads: asymmetric on purpose in that flavor, and never more than leaves one output pixel.
    let pba = randInt(r, 0, ka - 1), pea = flavor === "asym-pads" ? randInt(r, 0, ka) : r() < 0.5 ? pba : randInt(r, 0, ka - 1);
    while (pba + pea >= full) { if (pba >= pea) pba--; else pea--; }
    k.push(ka); s.push(sa); d.push(da); op.push(opa); n.push(na); pb.push(pba); pe.push(pea);
    // outputShape: from a few rows short of the full size to the most ONNX allows beyond it.
    os.push(flavor === "outputShape-beyond" ? full + Math.max(sa, da) - 1 // the most ONNX allows: negative pads
      : Math.max(1, full - randInt(r, 0, 3) + (r() < 0.4 ? randInt(r, 0, Math.max(sa, da) - 1 - opa) : 0)));
  }
  let group = 1, Cg = randInt(r, 1, 2), Mg = randInt(r, 1, 2), N = randInt(r, 1, 2);
  if (flavor === "group") { group = 2; }
  if (flavor === "depthwise") { group = randInt(r, 2, 3); Cg = 1; Mg = 1; }
  if (flavor === "batch2") N = 2;
  const C = group * Cg, M = group * Mg;
  const attrs: fcn.ConvTransposeAttrs = { strides: s, dilations: d, group };
  if (op.some((v) => v > 0)) attrs.outputPadding = op;
  let autoPad: RefAutoPad = "NOTSET";
  if (flavor === "outputShape" || flavor === "outputShape-beyond") attrs.outputShape = os;
  else if (flavor === "same" || flavor === "same-k<s") autoPad = r() < 0.5 ? "SAME_UPPER" : "SAME_LOWER";
  else if (flavor === "valid") autoPad = "VALID";
  else attrs.pads = [...pb, ...pe];
  if (autoPad !== "NOTSET") attrs.autoPad = autoPad;
  const xShape = [N, C, ...n], wShape = [C, Mg, ...k];
  const x = fcn.tensor(randArray(r, size(xShape)), xShape);
  const w = fcn.tensor(randArray(r, size(wShape)), wShape);
  const b = r() < 0.6 ? fcn.tensor(randArray(r, M), [M]) : null;
  const name = `seed=${seed} ${flavor} x=${xShape.join("x")} w=${wShape.join("x")}${b ? " b" : ""} ${JSON.stringify(attrs)}`;
  return { name, seed, flavor, rank, x, w, b, attrs };
}

const CASE_LIST = Array.from({ length: CASES }, (_, i) => makeCase(i));

/** Spatial crop of a [N, C, spatial…] tensor: begin[a] … shape − end[a] on each axis (rank 1 or 2). */
function cropTensor(t: fcn.Tensor, begin: number[], end: number[]): fcn.Tensor {
  const two = t.shape.length === 4;
  const [H, W] = two ? [t.shape[2], t.shape[3]] : [1, t.shape[2]];
  const [top, left] = two ? begin : [0, begin[0]];
  const [h, w] = two ? [H - begin[0] - end[0], W - begin[1] - end[1]] : [1, W - begin[0] - end[0]];
  const planes = t.shape[0] * t.shape[1];
  const out = new Float32Array(planes * h * w);
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) out[(p * h + i) * w + j] = t.data[(p * H + top + i) * W + left + j];
  }
  return fcn.tensor(out, [t.shape[0], t.shape[1], ...(two ? [h, w] : [w])]);
}

/** |a − b| ≤ 1e-5 of the sum of |terms|, for inner products computed in different orders. */
function expectSameDot(a: number, b: number, scale: number, what: string): void {
  if (!(Math.abs(a - b) <= 1e-5 * scale + 1e-9)) throw new Error(`${what}: ${a} vs ${b} (scale ${scale})`);
}

describe.each(BUILDS)("explain views = convTranspose (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("the cases cover every flavor in rank 1 and 2, with bias and without", () => {
    for (const f of FLAVORS) {
      expect(CASE_LIST.some((c) => c.flavor === f && c.rank === 1), f).toBe(true);
      expect(CASE_LIST.some((c) => c.flavor === f && c.rank === 2), f).toBe(true);
    }
    expect(CASE_LIST.some((c) => c.b === null)).toBe(true);
    expect(CASE_LIST.some((c) => c.x.shape[0] === 2)).toBe(true);
    // Geometries where the output starts before / ends after the full transposed convolution, and
    // output padding ≥ stride: the adjoint conv of the gradient and matrix views must crop z there.
    const geometries = CASE_LIST.map((c) => explain.overlapMap(c.x.shape, c.w.shape, c.attrs).geometry);
    expect(geometries.filter((g) => g.padsBegin.some((p) => p < 0) && g.dilations.every((d) => d === 1)).length).toBeGreaterThanOrEqual(3);
    expect(geometries.filter((g) => g.padsEnd.some((p) => p < 0)).length).toBeGreaterThanOrEqual(3);
    expect(geometries.filter((g) => g.outputPadding.some((o, i) => o >= g.strides[i])).length).toBeGreaterThanOrEqual(3);
  });

  it.each(CASE_LIST.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const { x, w, b, attrs } = c;
    const want = fcn.convTranspose(x, w, b, attrs);
    const ref = convTransposeRef(x.data, x.shape, w.data, w.shape, b ? b.data : null, attrs);
    expectClose(want, ref, `${c.name}: convTranspose vs ref`);
    const before = Float32Array.from(x.data);

    expectClose(explain.scatter(x, w, b, attrs).output, want, `${c.name}: scatter`);
    expectClose(explain.zeroInsertion(x, w, b, attrs).output, want, `${c.name}: zeroInsertion`);
    expectClose(explain.matrix(x, w, b, attrs).output, want, `${c.name}: matrix`);
    expectClose(explain.gradient(x, w, b, attrs).output, want, `${c.name}: gradient`);
    expectClose(explain.scatter(x, w, b, attrs).output, ref, `${c.name}: scatter vs ref`);
    if ((c.attrs.dilations as number[]).some((v) => v !== 1)) {
      expect(() => explain.subpixel(x, w, b, attrs)).toThrow(fcn.UnsupportedError);
    } else {
      expectClose(explain.subpixel(x, w, b, attrs).output, want, `${c.name}: subpixel`);
    }
    expect(x.data).toEqual(before);
  });
});

describe("explain intermediates", () => {
  beforeAll(() => useBuild("simd"));

  it("zero insertion: the multiplication counts match a brute-force count over the materialised input", () => {
    for (const c of CASE_LIST) {
      const v = explain.zeroInsertion(c.x, c.w, c.b, c.attrs);
      const g = v.geometry;
      const two = g.rank === 2;
      const [ZH, ZW] = two ? [v.upsampled.shape[2], v.upsampled.shape[3]] : [1, v.upsampled.shape[2]];
      const [OH, OW] = two ? g.output : [1, g.output[0]];
      const [KH, KW] = two ? g.kernel : [1, g.kernel[0]];
      const [sH, sW] = two ? g.strides : [1, g.strides[0]];
      const [dH, dW] = two ? g.dilations : [1, g.dilations[0]];
      const [H, W] = two ? g.input : [1, g.input[0]];
      const [PT, PL] = two ? v.padsBegin : [0, v.padsBegin[0]];
      const Cg = g.C / g.group, Mg = g.M / g.group;
      let total = 0, useful = 0, inserted = 0, padding = 0, misplaced = 0;
      for (let n = 0; n < g.N; n++) {
        for (let m = 0; m < g.M; m++) {
          const gi = Math.floor(m / Mg);
          for (let cl = 0; cl < Cg; cl++) {
            const ch = gi * Cg + cl;
            for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
              for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
                const qh = oh + kh * dH, qw = ow + kw * dW; // stride 1
                const value = v.upsampled.data[((n * g.C + ch) * ZH + qh) * ZW + qw];
                const uh = qh - PT, uw = qw - PL;
                const inside = uh >= 0 && uh <= sH * (H - 1) && uw >= 0 && uw <= sW * (W - 1);
                const real = inside && uh % sH === 0 && uw % sW === 0;
                total++;
                if (real) useful++;
                if (real !== (value !== 0)) misplaced++; // x is random: only inserted and padding entries are 0
                if (inside && !real) inserted++;
                if (!inside) padding++;
              }
            }
          }
        }
      }
      expect(misplaced, c.name).toBe(0);
      expect(v.multiplies, c.name).toEqual({ total, useful, insertedZeros: inserted, paddingZeros: padding });
      // The useful ones are exactly convTranspose's multiplications: the taps of every stamp inside the output.
      const sc = explain.scatter(c.x, c.w, c.b, c.attrs);
      let taps = 0;
      for (let n = 0; n < g.N; n++) for (let ch = 0; ch < g.C; ch++) {
        for (let ih = 0; ih < H; ih++) for (let iw = 0; iw < W; iw++) taps += sc.stamp(n, ch, two ? [ih, iw] : [iw]).taps.length * Mg;
      }
      expect(useful, c.name).toBe(taps);
      // The kernel is rotated 180° with channels swapped.
      const K = size(g.kernel);
      for (let m = 0; m < g.M; m++) for (let cl = 0; cl < Cg; cl++) for (let t = 0; t < K; t++) {
        const gi = Math.floor(m / Mg);
        expect(v.kernel.data[(m * Cg + cl) * K + t]).toBe(c.w.data[((gi * Cg + cl) * Mg + (m % Mg)) * K + (K - 1 - t)]);
      }
    }
  });

  it("overlap map: counts the taps of the scatter view's stamps and equals convTranspose(ones, ones)", () => {
    for (const c of CASE_LIST) {
      const map = explain.overlapMap(c.x.shape, c.w.shape, c.attrs);
      const g = map.geometry;
      const two = g.rank === 2;
      const sc = explain.scatter(c.x, c.w, c.b, c.attrs);
      const counts = new Float32Array(size(g.output));
      const [H, W] = two ? g.input : [1, g.input[0]];
      const OW = g.output[g.rank - 1];
      for (let ih = 0; ih < H; ih++) for (let iw = 0; iw < W; iw++) {
        for (const tap of sc.stamp(0, 0, two ? [ih, iw] : [iw]).taps) counts[two ? tap.output[0] * OW + tap.output[1] : tap.output[0]]++;
      }
      expectClose(map.counts, { data: counts, shape: g.output }, `${c.name}: overlap vs stamps`, 0, 0);
      const { group: _g, ...single } = c.attrs;
      const ones = fcn.convTranspose(fcn.tensor(new Float32Array(size(g.input)).fill(1), [1, 1, ...g.input]),
        fcn.tensor(new Float32Array(size(g.kernel)).fill(1), [1, 1, ...g.kernel]), null, single);
      expectClose(map.counts, { data: ones.data, shape: g.output }, `${c.name}: overlap vs convTranspose(ones)`, 0, 0);
      expect(explain.overlapMap(c.x, c.w, c.attrs).counts).toEqual(map.counts); // tensors work as well as shapes
    }
  });

  it("overlap map: uniform when s divides k, a checkerboard otherwise", () => {
    const even = explain.overlapMap([1, 1, 4, 4], [1, 1, 4, 4], { strides: 2, pads: 1 });
    expect(even.uniform).toBe(true);
    expect(even.phaseCounts).toEqual([[2, 2], [2, 2]]);
    expect(even.axisCounts[0]).toEqual([1, 2, 2, 2, 2, 2, 2, 1]); // only the border rows miss a tap
    expect(Array.from(even.counts.data.slice(9, 15))).toEqual([4, 4, 4, 4, 4, 4]);
    const odd = explain.overlapMap([1, 1, 4, 4], [1, 1, 3, 3], { strides: 2, pads: 1, outputPadding: 1 });
    expect(odd.uniform).toBe(false);
    expect(odd.phaseCounts).toEqual([[2, 1], [2, 1]]);
    // rows 0..7 alternate 1, 2 taps (o + 1 even → 2 taps); row 7 sees only one tap at the border.
    expect(odd.axisCounts[0]).toEqual([1, 2, 1, 2, 1, 2, 1, 1]);
    expect(Array.from(odd.counts.data.slice(8, 16))).toEqual([2, 4, 2, 4, 2, 4, 2, 2]);
    expect([odd.min, odd.max]).toEqual([1, 4]);
  });

  it("matrix: Cᵀ·vec(x) is convTranspose and C·vec(z) is the conv it transposes", () => {
    for (const c of CASE_LIST) {
      const v = explain.matrix(c.x, c.w, c.b, c.attrs);
      const g = v.geometry;
      const [rows, cols] = v.matrix.shape;
      expect(rows).toBe(size(v.rowShape));
      expect(cols).toBe(size(v.columnShape));
      expect(v.nonzeros).toBe(Array.from(v.matrix.data).filter((e) => e !== 0).length);
      // Cᵀ·vec(x_n) + b, computed here from the matrix alone.
      const y = new Float64Array(g.N * cols);
      for (let n = 0; n < g.N; n++) for (let col = 0; col < cols; col++) {
        let acc = c.b ? c.b.data[Math.floor(col / size(g.output))] : 0;
        for (let row = 0; row < rows; row++) acc += v.matrix.data[row * cols + col] * c.x.data[n * rows + row];
        y[n * cols + col] = acc;
      }
      expectClose({ data: y, shape: [g.N, g.M, ...g.output] }, fcn.convTranspose(c.x, c.w, c.b, c.attrs), `${c.name}: Cᵀx`);
      // C·vec(z) = conv(z): the conv of the same window (z cropped where rows get no tap).
      const r = rng(c.seed ^ 0x5a5a);
      const z = fcn.tensor(randArray(r, g.M * size(g.output)), [1, g.M, ...g.output]);
      const cz = new Float64Array(rows);
      for (let row = 0; row < rows; row++) {
        let acc = 0;
        for (let col = 0; col < cols; col++) acc += v.matrix.data[row * cols + col] * z.data[col];
        cz[row] = acc;
      }
      const convZ = fcn.conv(cropTensor(z, g.conv.cropBegin, g.conv.cropEnd), c.w, null, g.conv.attrs);
      expectClose({ data: cz, shape: [1, g.C, ...g.input] }, convZ, `${c.name}: Cz`);
    }
  });

  it("matrix: refuses a C larger than MATRIX_MAX_ENTRIES, naming the limit", () => {
    const x = fcn.tensor(new Float32Array(16 * 32 * 32), [1, 16, 32, 32]);
    const w = fcn.tensor(new Float32Array(16 * 16 * 4 * 4), [16, 16, 4, 4]);
    expect(() => explain.matrix(x, w, null, { strides: 2, pads: 1 })).toThrow(fcn.UnsupportedError);
    expect(() => explain.matrix(x, w, null, { strides: 2, pads: 1 })).toThrow(/MATRIX_MAX_ENTRIES = 4194304/);
    expect(explain.MATRIX_MAX_ENTRIES).toBe(4194304);
  });

  it("gradient: ⟨conv(z), x⟩ = ⟨z, convTranspose(x)⟩", () => {
    for (const c of CASE_LIST) {
      const v = explain.gradient(c.x, c.w, c.b, c.attrs);
      expect(v.convInputShape).toEqual([v.geometry.N, v.geometry.M, ...v.geometry.output.map((o, i) => o - v.geometry.conv.cropBegin[i] - v.geometry.conv.cropEnd[i])]);
      const r = rng(c.seed ^ 0x77);
      const z = fcn.tensor(randArray(r, size(v.output.shape)), v.output.shape.slice());
      const { convSide, transposeSide } = v.check(z);
      let scale = 0;
      for (let i = 0; i < z.data.length; i++) scale += Math.abs(z.data[i]) * 4 * size(v.geometry.kernel);
      expectSameDot(convSide, transposeSide, scale, c.name);
    }
  });

  it("subpixel: the phase kernels are w[r + j·s] and the interleave visits each (phase, cell) of an output once", () => {
    for (const c of CASE_LIST) {
      if ((c.attrs.dilations as number[]).some((d) => d !== 1)) continue;
      const v = explain.subpixel(c.x, c.w, c.b, c.attrs);
      const g = v.geometry;
      const two = g.rank === 2;
      const [sH, sW] = two ? g.strides : [1, g.strides[0]];
      const [KH, KW] = two ? g.kernel : [1, g.kernel[0]];
      const [TH, TW] = two ? v.taps : [1, v.taps[0]];
      const Mg = g.M / g.group;
      expect(v.taps).toEqual(g.kernel.map((k, i) => Math.ceil(k / g.strides[i])));
      let zeros = 0;
      for (let rH = 0; rH < sH; rH++) for (let rW = 0; rW < sW; rW++) for (let ch = 0; ch < g.C; ch++) for (let m = 0; m < Mg; m++) {
        for (let jh = 0; jh < TH; jh++) for (let jw = 0; jw < TW; jw++) {
          const kh = rH + jh * sH, kw = rW + jw * sW;
          const got = v.phaseKernels.data[((((rH * sW + rW) * g.C + ch) * Mg + m) * TH + jh) * TW + jw];
          if (kh >= KH || kw >= KW) { expect(got).toBe(0); zeros++; } else expect(got).toBe(c.w.data[((ch * Mg + m) * KH + kh) * KW + kw]);
        }
      }
      expect(v.zeroTaps).toBe(zeros);
      for (let a = 0; a < g.rank; a++) {
        const seen = new Set<string>();
        for (let o = 0; o < g.output[a]; o++) {
          const t = Math.floor((o + g.padsBegin[a]) / g.strides[a]);
          expect(v.phaseOf[a][o]).toBe(o + g.padsBegin[a] - t * g.strides[a]);
          expect(v.cellOf[a][o]).toBe(t - v.firstCell[a]);
          seen.add(`${v.phaseOf[a][o]},${v.cellOf[a][o]}`);
        }
        expect(seen.size).toBe(g.output[a]);
      }
    }
  });

  it("a 1-D case by hand: x = [1, 2], w = [1, 2, 3], stride 2", () => {
    const x = fcn.tensor([1, 2], [1, 1, 2]);
    const w = fcn.tensor([1, 2, 3], [1, 1, 3]);
    const attrs = { strides: 2 };
    // stamps [1 2 3] at 0 and [2 4 6] at 2: y = [1, 2, 3 + 2, 4, 6]
    const want = [1, 2, 5, 4, 6];
    const sc = explain.scatter(x, w, null, attrs);
    expect(Array.from(sc.output.data)).toEqual(want);
    expect(sc.stamp(0, 0, [1])).toMatchObject({ value: 2, origin: [2], step: [1], firstChannel: 0 });
    expect(Array.from(sc.stamp(0, 0, [1]).values.data)).toEqual([2, 4, 6]);
    expect(sc.stamp(0, 0, [1]).taps.map((t) => t.output[0])).toEqual([2, 3, 4]);

    // zeros: s − 1 = 1 between the pixels, d·(k−1) − p = 2 around; kernel reversed [3, 2, 1].
    const zi = explain.zeroInsertion(x, w, null, attrs);
    expect(Array.from(zi.upsampled.data)).toEqual([0, 0, 1, 0, 2, 0, 0]);
    expect(Array.from(zi.kernel.data)).toEqual([3, 2, 1]);
    expect(Array.from(zi.output.data)).toEqual(want);
    // 5 outputs × 3 taps = 15: 6 on pixels, 3 on the inserted zero (u = 1), 6 on the padding.
    expect(zi.multiplies).toEqual({ total: 15, useful: 6, insertedZeros: 3, paddingZeros: 6 });

    // C: conv of a length-5 signal with w at stride 2 → 2 outputs.
    const mx = explain.matrix(x, w, null, attrs);
    expect(mx.matrix.shape).toEqual([2, 5]);
    expect(Array.from(mx.matrix.data)).toEqual([1, 2, 3, 0, 0, 0, 0, 1, 2, 3]);
    expect(Array.from(mx.output.data)).toEqual(want);

    // phase 0 uses taps [w0, w2] = [1, 3], phase 1 [w1, 0] = [2, 0]; cells t = 0, 1, 2.
    const sp = explain.subpixel(x, w, null, attrs);
    expect(Array.from(sp.phaseKernels.data)).toEqual([1, 3, 2, 0]);
    expect(sp.phaseOutputs.shape).toEqual([2, 1, 1, 3]);
    expect(Array.from(sp.phaseOutputs.data)).toEqual([1, 5, 6, 2, 4, 0]);
    expect(sp.phaseOf).toEqual([[0, 1, 0, 1, 0]]);
    expect(sp.cellOf).toEqual([[0, 0, 1, 1, 2]]);
    expect(sp.zeroTaps).toBe(1);
    expect(Array.from(sp.output.data)).toEqual(want);

    expect(Array.from(explain.overlapMap(x, w, attrs).counts.data)).toEqual([1, 1, 2, 1, 1]);
    const gr = explain.gradient(x, w, null, attrs);
    expect(gr.convAttrs).toEqual({ strides: [2], pads: [0, 0], dilations: [1], group: 1 });
    expect(Array.from(gr.output.data)).toEqual(want);
  });

  it("an output made only of rows no tap reaches (dilation 3, output padding 2, begin pad 5) is the bias", () => {
    const x = fcn.tensor([7], [1, 1, 1]);
    const w = fcn.tensor([1, 2], [1, 1, 2]);
    const b = fcn.tensor([0.5], [1]);
    const attrs = { strides: 2, dilations: 3, outputPadding: 2, pads: [5, 0] };
    // full = 2·0 + 3·1 + 1 + 2 = 6 rows; the taps reach rows 0 and 3; the output is row 5 only.
    const want = fcn.convTranspose(x, w, b, attrs);
    expect(Array.from(want.data)).toEqual([0.5]);
    for (const view of [explain.scatter, explain.zeroInsertion, explain.matrix, explain.gradient]) {
      expect(Array.from(view(x, w, b, attrs).output.data)).toEqual([0.5]);
    }
    const gr = explain.gradient(x, w, b, attrs);
    expect(gr.convInputShape).toEqual([1, 1, 0]);
    expect(gr.check(fcn.tensor([3], [1, 1, 1]))).toEqual({ convSide: 0, transposeSide: 0 });
    expect(Array.from(explain.matrix(x, w, b, attrs).matrix.data)).toEqual([0]);
    expect(explain.zeroInsertion(x, w, b, attrs).multiplies).toMatchObject({ useful: 0 });
  });

  it("errors: the views resolve attributes as convTranspose does; sub-pixel refuses dilation", () => {
    const x = fcn.tensor(new Float32Array(4), [1, 1, 2, 2]);
    const w = fcn.tensor(new Float32Array(9), [1, 1, 3, 3]);
    const views = [explain.scatter, explain.zeroInsertion, explain.matrix, explain.gradient, explain.subpixel] as const;
    for (const view of views) {
      expect(() => view(x, w, null, { stride: 2 } as never)).toThrow(fcn.AttributeError);
      expect(() => view(x, w, null, { strides: 2, outputPadding: 2 })).toThrow(fcn.AttributeError);
      expect(() => view(x, fcn.tensor(new Float32Array(9), [3, 1, 3]), null, {})).toThrow(fcn.ShapeError);
      expect(() => view(x, w, fcn.tensor([1, 2], [2]), {})).toThrow(/explain\.\w+\(b\)/);
    }
    expect(() => explain.overlapMap([1, 1, 2, 2], [1, 1, 3, 3], { pads: -1 })).toThrow(fcn.AttributeError);
    expect(() => explain.subpixel(x, w, null, { dilations: [1, 2] })).toThrow(/dilation 1/);
    expect(() => explain.scatter(x, w, null, {}).stamp(0, 0, [2, 0])).toThrow(fcn.ShapeError);
  });
});

describe("explain.outputSize", () => {
  beforeAll(() => useBuild("simd"));

  it("k = 4, s = 2, p = 1 (the usual ×2 upsampler): 8 everywhere but VALID", () => {
    const o = explain.outputSize({ input: 4, kernel: 4, stride: 2, pad: 1 });
    expect(o.full).toBe(10);
    expect(o.pytorch).toEqual({ size: 8, padBegin: 1, padEnd: 1, formula: "2·(4−1) − 2·1 + 1·(4−1) + 0 + 1 = 8" });
    expect(o.caffe?.size).toBe(8);
    expect(o.onnx.pads.size).toBe(8);
    expect([o.onnx.sameUpper.size, o.onnx.sameLower.size, o.onnx.valid.size]).toEqual([8, 8, 10]);
    expect([o.tensorflow.same.size, o.tensorflow.valid.size]).toEqual([8, 10]);
    expect(o.tensorflow.same).toMatchObject({ padBegin: 1, padEnd: 1 });
    expect(o.onnx.outputShape).toBeNull();
  });

  it("k = 3, s = 2, p = 1, output padding 1: PyTorch and ONNX 8, Caffe (no output padding) 7", () => {
    const o = explain.outputSize({ input: 4, kernel: 3, stride: 2, pad: 1, outputPadding: 1 });
    expect(o.pytorch).toMatchObject({ size: 8, padBegin: 1, padEnd: 0 });
    expect(o.onnx.pads).toMatchObject({ size: 8, padBegin: 1, padEnd: 0 });
    expect(o.caffe).toMatchObject({ size: 7, padBegin: 1, padEnd: 1 });
    expect(o.tensorflow.same).toMatchObject({ size: 8, padBegin: 0, padEnd: 1 });
    expect(o.tensorflow.valid.size).toBe(9);
    // ONNX SAME_UPPER counts the output padding into the total it splits: it starts one row later than TF.
    expect(o.onnx.sameUpper).toMatchObject({ size: 8, padBegin: 1, padEnd: 0 });
  });

  it("TF's 'same' places the output like ONNX SAME_UPPER when k ≥ s, and differently when k < s", () => {
    for (const [input, kernel, stride] of [[4, 3, 2], [5, 4, 2], [3, 5, 3], [6, 2, 2]]) {
      const o = explain.outputSize({ input, kernel, stride });
      expect(o.tensorflow.same).toMatchObject({ size: o.onnx.sameUpper.size, padBegin: o.onnx.sameUpper.padBegin, padEnd: o.onnx.sameUpper.padEnd });
    }
    const o = explain.outputSize({ input: 3, kernel: 1, stride: 2 });
    expect(o.tensorflow.same).toMatchObject({ size: 6, padBegin: 0, padEnd: -1 }); // one row past the full size
    expect(o.onnx.sameUpper).toMatchObject({ size: 6, padBegin: -1, padEnd: 0 }); // ONNX: ⌊−1/2⌋ = −1 first
    expect(o.tensorflow.valid).toMatchObject({ size: 6, padBegin: 0, padEnd: -1 }); // i·s + max(k − s, 0)
    expect(o.onnx.valid.size).toBe(5);
  });

  it("asymmetric pads, dilation, outputShape", () => {
    const a = explain.outputSize({ input: 5, kernel: 3, stride: 2, pad: [0, 1] });
    expect(a.pytorch).toBeNull();
    expect(a.caffe).toBeNull();
    expect(a.onnx.pads).toMatchObject({ size: 10, padBegin: 0, padEnd: 1 });
    const d = explain.outputSize({ input: 5, kernel: 3, dilation: 2, pad: 2 });
    expect(d.pytorch?.size).toBe(5);
    expect(d.caffe?.size).toBe(5);
    expect(d.tensorflow.valid.size).toBe(9);
    const s = explain.outputSize({ input: 4, kernel: 3, stride: 2, outputShape: 8 });
    expect(s.onnx.outputShape).toMatchObject({ size: 8, padBegin: 1, padEnd: 0 }); // total 1, NOTSET puts it first
  });

  it("ONNX sizes are convTranspose's, PyTorch's equal them for symmetric pads (random layers)", () => {
    const r = rng(0x515e);
    for (let t = 0; t < 200; t++) {
      const input = randInt(r, 1, 9), kernel = randInt(r, 1, 6), stride = randInt(r, 1, 4), dilation = r() < 0.3 ? 2 : 1;
      const outputPadding = randInt(r, 0, Math.max(stride, dilation) - 1);
      const full = stride * (input - 1) + dilation * (kernel - 1) + 1;
      const pad = randInt(r, 0, Math.max(0, Math.floor((full + outputPadding - 1) / 2)));
      const o = explain.outputSize({ input, kernel, stride, dilation, pad, outputPadding });
      const plan = (a: fcn.ConvTransposeAttrs): number => fcn.convTransposePlan([1, 1, input], [1, 1, kernel], { strides: stride, dilations: dilation, outputPadding, ...a }).outShape[2];
      expect(o.onnx.pads.size).toBe(plan({ pads: [pad, pad] }));
      expect(o.onnx.sameUpper.size).toBe(plan({ autoPad: "SAME_UPPER" }));
      expect(o.onnx.valid.size).toBe(plan({ autoPad: "VALID" }));
      expect(o.pytorch?.size).toBe(o.onnx.pads.size);
      expect(o.caffe?.size ?? 0).toBe(Math.max(0, o.onnx.pads.size - outputPadding) || 0);
      for (const c of [o.pytorch!, o.onnx.pads, o.onnx.sameLower, o.tensorflow.same, o.tensorflow.valid]) {
        expect(c.size).toBe(o.full - c.padBegin - c.padEnd);
      }
    }
  });

  it("errors: as convTranspose's", () => {
    expect(() => explain.outputSize({ input: 4, kernel: 3, stride: 2, outputPadding: 2 })).toThrow(fcn.AttributeError);
    expect(() => explain.outputSize({ input: 4 } as never)).toThrow(/layer\.kernel/);
    expect(() => explain.outputSize({ input: 4, kernel: 3, padding: 1 } as never)).toThrow(fcn.AttributeError);
    expect(() => explain.outputSize({ input: 2, kernel: 1, pad: 1 })).toThrow(fcn.ShapeError);
    expect(() => explain.outputSize({ input: 4, kernel: 3, stride: 2, outputShape: 11 })).toThrow(/unreachable/);
  });
});

describe("explain crop offsets (FCN, by Caffe's coordinate mapping)", () => {
  // VGG16 as FCN uses it: conv1_1 pads 100, other 3×3 convs pad 1, 2×2 stride-2 pools, fc6 7×7 pad 0.
  const conv = (pad = 1): CoordLayer => ({ op: "Conv", kernel: 3, pad });
  const relu: CoordLayer = { op: "Relu" };
  const pool: CoordLayer = { op: "MaxPool", kernel: 2, stride: 2 };
  const block = (n: number): CoordLayer[] => Array.from({ length: n }, () => [conv(), relu]).flat().concat(pool);
  const pool3 = [conv(100), relu, conv(), relu, pool, ...block(2), ...block(3)];
  const pool4 = [...pool3, ...block(3)];
  const pool5 = [...pool4, ...block(3)];
  const scoreFr: CoordLayer[] = [...pool5, { op: "Conv", kernel: 7 }, relu, { op: "Dropout" },
    { op: "Conv", kernel: 1 }, relu, { op: "Dropout" }, { op: "Conv", kernel: 1 }];
  const upscore2: CoordLayer[] = [...scoreFr, { op: "ConvTranspose", kernel: 4, stride: 2 }];
  const scorePool4: CoordLayer[] = [...pool4, { op: "Conv", kernel: 1 }];
  const scorePool3: CoordLayer[] = [...pool3, { op: "Conv", kernel: 1 }];
  const data: CoordLayer[] = [];

  it("FCN-32s: upscore (k64 s32) is cropped at 19", () => {
    expect(explain.coordMap(scoreFr)).toEqual({ scale: 1 / 32, shift: -12.5 / 32 });
    expect(explain.cropOffset([...scoreFr, { op: "ConvTranspose", kernel: 64, stride: 32 }], data)).toBe(19);
  });

  it("FCN-16s: score_pool4c at 5, upscore16 (k32 s16) at 27", () => {
    expect(explain.cropOffset(scorePool4, upscore2)).toBe(5);
    expect(explain.cropOffset([...upscore2, { op: "Add" }, { op: "ConvTranspose", kernel: 32, stride: 16 }], data)).toBe(27);
  });

  it("FCN-8s: score_pool4c at 5, score_pool3c at 9, upscore8 (k16 s8) at 31", () => {
    expect(explain.cropOffset(scorePool4, upscore2)).toBe(5);
    const upscorePool4: CoordLayer[] = [...upscore2, { op: "Add" }, { op: "ConvTranspose", kernel: 4, stride: 2 }];
    expect(explain.cropOffset(scorePool3, upscorePool4)).toBe(9);
    expect(explain.cropOffset([...upscorePool4, { op: "Add" }, { op: "ConvTranspose", kernel: 16, stride: 8 }], data)).toBe(31);
    // Through the other branch of the sum (score_pool4 cropped at 5) the coordinates agree.
    const viaPool4: CoordLayer[] = [...scorePool4, { op: "Crop", offset: 5 }, { op: "Add" }, { op: "ConvTranspose", kernel: 4, stride: 2 }];
    expect(explain.coordMap(viaPool4)).toEqual(explain.coordMap(upscorePool4));
  });

  it("the offsets align the actual blobs: FCN-32s on a 500×500 image crops a window that fits", () => {
    // Sizes with Caffe's rounding (pools round up): the crop at 19 must leave room for 500 pixels.
    let h = 500 + 2 * 100 - 2; // conv1_1
    const poolUp = (n: number): number => Math.ceil((n - 2) / 2) + 1;
    for (let b = 0; b < 5; b++) h = poolUp(h);
    h = h - 6; // fc6 7×7
    const up = explain.outputSize({ input: h, kernel: 64, stride: 32 }).caffe!.size;
    expect(up).toBeGreaterThanOrEqual(19 + 500);
  });

  it("refuses crops Caffe's crop() would refuse", () => {
    expect(() => explain.cropOffset(scoreFr, data)).toThrow(/different scales/);
    expect(() => explain.cropOffset(data, [...scoreFr, { op: "ConvTranspose", kernel: 64, stride: 32 }])).toThrow(/negative/);
    expect(() => explain.cropOffset([{ op: "Conv", kernel: 2 }], data)).toThrow(/not an integer/);
    expect(() => explain.coordMap([{ op: "Deconvolution" } as never])).toThrow(fcn.AttributeError);
  });
});

describe("explain.bilinear", () => {
  beforeAll(() => useBuild("simd"));
  it("a depthwise transposed convolution with FCN's kernel equals bilinear interpolation, factors 1…8", () => {
    const r = rng(77);
    for (const factor of [1, 2, 3, 4, 5, 8]) {
      const x = fcn.tensor(randArray(r, 2 * 3 * 5 * 4), [2, 3, 5, 4]);
      const v = explain.bilinear(x, factor);
      expect(v.output.shape).toEqual([2, 3, 5 * factor, 4 * factor]);
      expect(v.maxDifference).toBeLessThan(1e-5);
      expectClose(v.output, v.interpolated, `bilinear ×${factor}`, 1e-5, 1e-5);
    }
  });
  it("a worked example by hand: [0, 1] upsampled ×2", () => {
    // Per axis u(o) = (o + p − centre)/f = (o + 1 − 1.5)/2 = o/2 − 0.25, weights max(0, 1 − |u − i|).
    // W: o = 0…3 → u = −0.25, 0.25, 0.75, 1.25 → [0.75·0, 0.75·0 + 0.25·1, 0.25·0 + 0.75·1, 0.75·1] = [0, 0.25, 0.75, 0.75]
    // (the last has no right neighbour: the border fades). H: one input row, u = −0.25 and 0.25 → weight 0.75 on both rows.
    const v = explain.bilinear(fcn.tensor([0, 1], [1, 1, 1, 2]), 2);
    expect(v.output.shape).toEqual([1, 1, 2, 4]);
    const want = [0, 0.25, 0.75, 0.75].map((t) => 0.75 * t);
    for (let row = 0; row < 2; row++) {
      const got = Array.from(v.output.data.subarray(row * 4, row * 4 + 4));
      got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThan(1e-6));
    }
  });
});
