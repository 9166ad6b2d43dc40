// convTranspose against the plain-TS gather reference (test/ref/conv.ts) on seeded random shapes, on
// every build and through every algorithm that applies (auto, gemm-col2im, subpixel, depthwise):
// odd sizes, 1×1 inputs, k < s, k not a multiple of s, k = 2s, asymmetric pads, dilation with
// stride, groups, depthwise, batch 2, more channels than one GEMM tile, rank 1 and 2, outputPadding,
// outputShape, every autoPad mode.
// Then the adjoint identity ⟨conv(x), y⟩ = ⟨x, convTranspose(y)⟩, answers worked out by hand, inputs
// left untouched, fresh results. Each case is named by its shape and seed (`vitest -t "seed=<n>"`).
import { describe, expect, it, beforeAll } from "vitest";
import { fcn, BUILDS, useBuild, rng, randInt, randArray, expectClose } from "./lib.js";
import { convGeometry, convRef, convTransposeGeometry, convTransposeRef, type RefAutoPad, type RefGeometry } from "./ref/conv.js";

const BASE_SEED = 0x7c0417;
const CASES = 104;
const ADJOINT_CASES = 40;

const FLAVORS = ["basic", "k<s", "k%s!=0", "k=2s", "dilated+strided", "asym-pads", "group", "depthwise",
  "1x1-input", "batch2", "outputPadding", "outputShape", "wide-channels"] as const;
type Flavor = (typeof FLAVORS)[number];
const AUTOPADS: readonly RefAutoPad[] = ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"];

interface Case {
  seed: number; flavor: Flavor; name: string;
  xShape: number[]; wShape: number[];
  x: Float32Array; w: Float32Array; b: Float32Array | null;
  attrs: fcn.ConvTransposeAttrs;
}

const size = (shape: readonly number[]): number => shape.reduce((p, v) => p * v, 1);

/** An array attribute, or (sometimes, when every axis agrees) the single number that means the same. */
function ints(r: () => number, v: number[]): number | number[] {
  return v.every((e) => e === v[0]) && r() < 0.3 ? v[0] : v;
}

function describeAttrs(xShape: number[], wShape: number[], bias: boolean, a: fcn.ConvTransposeAttrs, rank: number): string {
  const list = (v: fcn.Ints | undefined, n: number, dflt: number): string =>
    (v === undefined ? new Array<number>(n).fill(dflt) : typeof v === "number" ? new Array<number>(n).fill(v) : v).join(",");
  let s = `x=${xShape.join("x")} w=${wShape.join("x")}${bias ? " b" : ""} s=${list(a.strides, rank, 1)}`;
  if (a.outputShape !== undefined) s += ` os=${list(a.outputShape, rank, 0)}`;
  else if (a.autoPad === undefined || a.autoPad === "NOTSET") s += ` p=${list(a.pads, 2 * rank, 0)}`;
  if (a.autoPad !== undefined) s += ` auto=${a.autoPad}`;
  s += ` d=${list(a.dilations, rank, 1)} g=${a.group ?? 1}`;
  if (a.outputPadding !== undefined) s += ` op=${list(a.outputPadding, rank, 0)}`;
  return s;
}

/**
 * Case i: flavor i mod 13, autoPad from the block ⌊i/13⌋ (every flavor meets every mode; VALID is
 * replaced by NOTSET with outputShape, which derives its own pads), rank alternating so that each
 * (flavor, autoPad) pair appears in rank 1 and rank 2 over 104 cases.
 */
function makeCase(i: number): Case {
  const seed = BASE_SEED + i;
  const r = rng(seed);
  const F = FLAVORS.length;
  const flavor = FLAVORS[i % F];
  const block = Math.floor(i / F);
  let autoPad = AUTOPADS[block % AUTOPADS.length];
  if (flavor === "outputShape" && autoPad === "VALID") autoPad = "NOTSET";
  const rank = ((i % F) + Math.floor(block / AUTOPADS.length)) % 2 === 0 ? 2 : 1;

  const k: number[] = [], s: number[] = [], d: number[] = [], op: number[] = [], n: number[] = [];
  const pb: number[] = [], pe: number[] = [], os: number[] = [];
  for (let a = 0; a < rank; a++) {
    let ka: number, sa: number, da = 1;
    switch (flavor) {
      case "basic": ka = randInt(r, 1, 4); sa = randInt(r, 1, 3); break;
      case "k<s": sa = randInt(r, 2, 4); ka = randInt(r, 1, sa - 1); break;
      case "k%s!=0": sa = randInt(r, 2, 3); ka = sa * randInt(r, 1, 2) + randInt(r, 1, sa - 1); break;
      case "k=2s": sa = randInt(r, 1, 3); ka = 2 * sa; break;
      case "dilated+strided": da = randInt(r, 2, 3); sa = randInt(r, 2, 3); ka = randInt(r, 2, 3); break;
      default: ka = randInt(r, 1, 4); sa = randInt(r, 1, 3); da = r() < 0.3 ? 2 : 1;
    }
    if (flavor === "outputPadding" && sa === 1 && da === 1) sa = randInt(r, 2, 3);
    const most = Math.max(sa, da) - 1; // outputPadding < max(stride, dilation)
    const opa = flavor === "outputPadding" ? randInt(r, 1, most) : most > 0 && r() < 0.25 ? randInt(r, 0, most) : 0;
    const na = flavor === "1x1-input" ? 1 : randInt(r, 1, 7);
    const span = da * (ka - 1) + 1;
    const full = sa * (na - 1) + opa + span;
    // pads for NOTSET: leave at least one output pixel.
    let p0 = randInt(r, 0, Math.min(span - 1, 3)), p1 = randInt(r, 0, Math.min(span - 1, 3));
    if (flavor === "asym-pads" && p0 === p1) p1 = p0 + 1;
    while (full - p0 - p1 < 1) { if (p1 > 0) p1--; else p0--; }
    // outputShape: anything from a little below the full size up to the largest reachable one.
    const osa = randInt(r, Math.max(1, full - 4), full + most - opa);
    k.push(ka); s.push(sa); d.push(da); op.push(opa); n.push(na); pb.push(p0); pe.push(p1); os.push(osa);
  }

  let group = 1, Cg = randInt(r, 1, 4), Mg = randInt(r, 1, 4);
  if (flavor === "group") { group = randInt(r, 2, 3); Cg = randInt(r, 1, 3); Mg = randInt(r, 1, 3); }
  if (flavor === "depthwise") { group = randInt(r, 2, 5); Cg = 1; Mg = randInt(r, 1, 2); }
  if (flavor === "wide-channels") { group = randInt(r, 1, 2); Cg = randInt(r, 5, 12); Mg = randInt(r, 5, 13); } // several GEMM row tiles, deeper K
  const N = flavor === "batch2" || r() < 0.15 ? 2 : 1;
  const C = group * Cg, M = group * Mg;
  const xShape = [N, C, ...n], wShape = [C, Mg, ...k];
  const bias = r() < 0.6;

  const attrs: fcn.ConvTransposeAttrs = {};
  if (s.some((v) => v !== 1) || r() < 0.5) attrs.strides = ints(r, s);
  if (d.some((v) => v !== 1) || r() < 0.3) attrs.dilations = ints(r, d);
  if (group !== 1 || r() < 0.3) attrs.group = group;
  if (op.some((v) => v !== 0) || r() < 0.2) attrs.outputPadding = ints(r, op);
  if (flavor === "outputShape") {
    attrs.outputShape = ints(r, os);
    if (autoPad !== "NOTSET" || r() < 0.3) attrs.autoPad = autoPad;
  } else if (autoPad === "NOTSET") {
    const pads = [...pb, ...pe];
    if (pads.some((p) => p !== 0) || r() < 0.5) attrs.pads = ints(r, pads);
    if (r() < 0.3) attrs.autoPad = "NOTSET";
  } else {
    attrs.autoPad = autoPad;
  }
  if (r() < 0.2) attrs.kernelShape = k.slice();

  const x = randArray(r, size(xShape));
  const w = randArray(r, size(wShape));
  const b = bias ? randArray(r, M) : null;
  const name = `${describeAttrs(xShape, wShape, bias, attrs, rank)} [${flavor}] seed=${seed}`;
  return { seed, flavor, name, xShape, wShape, x, w, b, attrs };
}

const cases = Array.from({ length: CASES }, (_, i) => makeCase(i));

/** The algorithms that can run a geometry: auto, gemm-col2im always; subpixel needs dilation 1 and begin pads ≥ 0; depthwise one channel per group. */
function algorithmsFor(g: RefGeometry): fcn.ConvTransposeOptions["algorithm"][] {
  const list: fcn.ConvTransposeOptions["algorithm"][] = ["auto", "gemm-col2im"];
  if (g.dilations.every((d) => d === 1) && g.padsBegin.every((p) => p >= 0)) list.push("subpixel");
  if (g.C / g.group === 1) list.push("depthwise");
  return list;
}

/** atol: 1e-5 per term that can meet in one output (C/group·∏k products, plus the bias). */
function atolFor(wShape: readonly number[], bias: boolean): number {
  return 1e-5 * (wShape[0] * size(wShape.slice(2)) + (bias ? 1 : 0));
}

describe("convTranspose random cases (generator)", () => {
  it("cover every ONNX attribute and shape family", () => {
    const geo = cases.map((c) => ({ c, g: convTransposeGeometry(c.xShape, c.wShape, c.attrs) }));
    type E = (typeof geo)[number];
    const some = (f: (e: E) => boolean): number => geo.filter(f).length;
    const axes = (e: E): number[] => e.g.input.map((_, a) => a);
    expect(some((e) => e.g.input.length === 1)).toBeGreaterThan(10);
    expect(some((e) => e.g.input.length === 2)).toBeGreaterThan(10);
    for (const mode of AUTOPADS) expect(some((e) => e.c.attrs.outputShape === undefined && (e.c.attrs.autoPad ?? "NOTSET") === mode)).toBeGreaterThan(5);
    expect(some((e) => e.c.attrs.outputShape !== undefined)).toBeGreaterThan(5);
    expect(some((e) => e.c.attrs.outputShape !== undefined && e.c.attrs.autoPad === "SAME_UPPER")).toBeGreaterThan(0);
    expect(some((e) => axes(e).some((a) => e.g.outputPadding[a] > 0))).toBeGreaterThan(8);
    expect(some((e) => axes(e).some((a) => e.g.outputPadding[a] >= e.g.strides[a]))).toBeGreaterThan(0); // op ≥ s allowed when d > s
    expect(some((e) => axes(e).some((a) => e.g.padsBegin[a] < 0 || e.g.padsEnd[a] < 0))).toBeGreaterThan(3);
    expect(some((e) => e.g.N === 2)).toBeGreaterThan(5);
    expect(some((e) => e.g.group > 1 && e.g.C / e.g.group > 1)).toBeGreaterThan(3);
    expect(some((e) => e.g.group > 1 && e.g.group === e.g.C)).toBeGreaterThan(3);
    expect(some((e) => e.g.input.every((v) => v === 1))).toBeGreaterThan(3);
    expect(some((e) => axes(e).some((a) => e.g.kernel[a] < e.g.strides[a]))).toBeGreaterThan(5);
    expect(some((e) => axes(e).some((a) => e.g.kernel[a] > e.g.strides[a] && e.g.kernel[a] % e.g.strides[a] !== 0))).toBeGreaterThan(5);
    expect(some((e) => axes(e).some((a) => e.g.padsBegin[a] !== e.g.padsEnd[a]))).toBeGreaterThan(5);
    expect(some((e) => axes(e).some((a) => e.g.dilations[a] > 1 && e.g.strides[a] > 1))).toBeGreaterThan(5);
    expect(some((e) => algorithmsFor(e.g).includes("subpixel"))).toBeGreaterThan(30);
    // stride 1 everywhere: the sub-pixel path runs as conv straight into y (a path of its own)
    expect(some((e) => algorithmsFor(e.g).includes("subpixel") && e.g.strides.every((s) => s === 1))).toBeGreaterThan(5);
    expect(some((e) => e.c.b === null)).toBeGreaterThan(5);
    expect(some((e) => e.g.M / e.g.group > 4 && e.g.C / e.g.group > 4)).toBeGreaterThan(5); // several GEMM row tiles
  });
});

describe.each(BUILDS)("convTranspose vs reference (%s build)", (build) => {
  beforeAll(() => useBuild(build));
  for (const c of cases) {
    it(c.name, () => {
      const want = convTransposeRef(c.x, c.xShape, c.w, c.wShape, c.b, c.attrs);
      const g = convTransposeGeometry(c.xShape, c.wShape, c.attrs);
      const x = fcn.tensor(c.x, c.xShape), w = fcn.tensor(c.w, c.wShape), b = c.b && fcn.tensor(c.b, [c.b.length]);
      for (const algorithm of algorithmsFor(g)) {
        expectClose(fcn.convTranspose(x, w, b, c.attrs, { algorithm }), want,
          `convTranspose ${c.name} algorithm=${algorithm} (${build})`, atolFor(c.wShape, c.b !== null), 1e-4);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Adjoint: conv with weights W [M, C/g, k…] maps x [N, C, in…] → y [N, M, out…]; convTranspose with
// the same W (read as [C' = M, M'/g = C/g, k…]) and the same strides/pads/dilations/group maps y back
// to [N, C, …]. Both use the index map i = o·s − pBegin + k·d, so ⟨conv(x), y⟩ = ⟨x, convTranspose(y)⟩
// exactly, provided convTranspose's output has x's size. conv's size floors:
// out = ⌊(in + pB + pE − span)/s⌋ + 1, so s·(out − 1) = in + pB + pE − span − r with
// r = (in + pB + pE − span) mod s, and convTranspose gives s·(out−1) + op + span − pB − pE = in − r + op:
// it needs outputPadding = r (< s, always allowed), or outputShape = in with a pad split that matches.

interface AdjointCase {
  name: string; xShape: number[]; yShape: number[]; wShape: number[];
  x: Float32Array; y: Float32Array; w: Float32Array;
  convAttrs: fcn.ConvAttrs; transposeAttrs: fcn.ConvTransposeAttrs;
}

/**
 * Conv-first (even i): a random conv (pads, SAME_*, VALID), and the convTranspose that undoes its
 * shape: explicit pads + outputPadding r, or the same autoPad / outputShape = in, whose derived split
 * must reproduce conv's pads. Transpose-first (odd i): a random convTranspose (pads, outputShape,
 * SAME_*, VALID, outputPadding < s) whose derived pads are ≥ 0, and conv with those pads explicitly.
 */
function makeAdjointCase(i: number): AdjointCase {
  const seed = BASE_SEED + 1000 + i;
  const r = rng(seed);
  const rank = randInt(r, 1, 2);
  const group = randInt(r, 1, 3), Cg = randInt(r, 1, 3), Mg = randInt(r, 1, 3);
  const N = randInt(r, 1, 2), C = group * Cg, M = group * Mg;
  const k: number[] = [], s: number[] = [], d: number[] = [];
  for (let a = 0; a < rank; a++) { k.push(randInt(r, 1, 4)); s.push(randInt(r, 1, 3)); d.push(r() < 0.3 ? 2 : 1); }
  const span = k.map((ka, a) => d[a] * (ka - 1) + 1);
  const wShape = [M, Cg, ...k];
  const variant = Math.floor(i / 2) % 5;
  let convAttrs: fcn.ConvAttrs, transposeAttrs: fcn.ConvTransposeAttrs, xSpatial: number[], how: string;
  if (i % 2 === 0) {
    // conv first.
    xSpatial = span.map(() => randInt(r, 1, 8));
    const base = { strides: s, dilations: d, group };
    if (variant === 0 || variant === 1) {
      // 0: pads explicit on both. 1: pads split as convTranspose derives them from outputShape
      //    (begin = T − ⌊T/2⌋, end = ⌊T/2⌋) and convTranspose gets outputShape = in.
      const pb: number[] = [], pe: number[] = [];
      xSpatial.forEach((n, a) => {
        let p0 = randInt(r, 0, span[a] - 1), p1 = randInt(r, 0, span[a] - 1);
        if (variant === 1) { const T = p0 + p1; p0 = T - Math.floor(T / 2); p1 = Math.floor(T / 2); }
        if (n + p0 + p1 < span[a]) xSpatial[a] = span[a] - p0 - p1;
        pb.push(p0); pe.push(p1);
      });
      convAttrs = { ...base, pads: [...pb, ...pe] };
    } else {
      const mode: RefAutoPad = (["SAME_UPPER", "SAME_LOWER", "VALID"] as const)[variant - 2];
      if (mode === "VALID") xSpatial = xSpatial.map((n, a) => Math.max(n, span[a]));
      convAttrs = { ...base, autoPad: mode };
    }
    const g = convGeometry([N, C, ...xSpatial], wShape, convAttrs);
    const rem = xSpatial.map((n, a) => (n + g.padsBegin[a] + g.padsEnd[a] - span[a]) % s[a]);
    const explicit = variant === 0 || Math.floor(i / 10) % 2 === 1; // each variant both ways over 40 cases
    if (explicit) {
      transposeAttrs = { ...base, pads: [...g.padsBegin, ...g.padsEnd], outputPadding: rem };
      how = "conv-first, explicit pads";
    } else if (variant === 1) {
      transposeAttrs = { ...base, outputShape: xSpatial, outputPadding: rem };
      how = "conv-first, outputShape";
    } else {
      transposeAttrs = { ...base, autoPad: convAttrs.autoPad, outputPadding: rem };
      if (convAttrs.autoPad !== "VALID") transposeAttrs.outputShape = xSpatial;
      how = `conv-first, autoPad ${convAttrs.autoPad}${convAttrs.autoPad !== "VALID" ? " + outputShape" : ""}`;
    }
  } else {
    // convTranspose first: retry until its derived pads are all ≥ 0 (conv takes no negative pads).
    for (let tries = 0; ; tries++) {
      if (tries > 1000) throw new Error(`adjoint case seed=${seed}: no convTranspose with pads ≥ 0 found`);
      const ySpatial = span.map(() => randInt(r, 1, 6));
      const op = s.map((sa) => randInt(r, 0, sa - 1));
      const base = { strides: s, dilations: d, group, outputPadding: op };
      if (variant === 0) {
        transposeAttrs = { ...base, pads: Array.from({ length: 2 * rank }, (_, j) => randInt(r, 0, span[j % rank] - 1)) };
      } else if (variant === 1) {
        transposeAttrs = { ...base, outputShape: ySpatial.map((n, a) => s[a] * (n - 1) + op[a] + span[a] - randInt(r, 0, 3)) };
        if (r() < 0.5) transposeAttrs.autoPad = r() < 0.5 ? "SAME_UPPER" : "SAME_LOWER";
      } else {
        transposeAttrs = { ...base, autoPad: (["SAME_UPPER", "SAME_LOWER", "VALID"] as const)[variant - 2] };
      }
      let g: RefGeometry;
      try {
        g = convTransposeGeometry([N, M, ...ySpatial], wShape, transposeAttrs);
      } catch {
        continue; // empty output: draw again
      }
      if ([...g.padsBegin, ...g.padsEnd].some((p) => p < 0)) continue;
      xSpatial = g.output;
      convAttrs = { strides: s, dilations: d, group, pads: [...g.padsBegin, ...g.padsEnd] };
      how = `transpose-first, ${transposeAttrs.outputShape !== undefined ? "outputShape" : transposeAttrs.autoPad ?? "pads"}`;
      break;
    }
  }
  const xShape = [N, C, ...xSpatial];
  const ySpatial = convGeometry(xShape, wShape, convAttrs).output;
  const yShape = [N, M, ...ySpatial];
  const name = `x=${xShape.join("x")} w=${wShape.join("x")} y=${yShape.join("x")} conv ${JSON.stringify(convAttrs)} ` +
    `convTranspose ${JSON.stringify(transposeAttrs)} (${how}) seed=${seed}`;
  return { name, xShape, yShape, wShape, x: randArray(r, size(xShape)), y: randArray(r, size(yShape)), w: randArray(r, size(wShape)), convAttrs, transposeAttrs };
}

const adjointCases = Array.from({ length: ADJOINT_CASES }, (_, i) => makeAdjointCase(i));

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
const abs = (a: ArrayLike<number>): Float64Array => Float64Array.from(a, Math.abs);

describe.each(BUILDS)("adjoint ⟨conv(x), y⟩ = ⟨x, convTranspose(y)⟩ (%s build)", (build) => {
  beforeAll(() => useBuild(build));
  it("the cases cover both directions and every way to fix the size", () => {
    const names = adjointCases.map((c) => c.name);
    for (const how of ["conv-first, explicit pads", "conv-first, outputShape", "autoPad SAME_UPPER + outputShape",
      "autoPad SAME_LOWER + outputShape", "autoPad VALID", "transpose-first, pads", "transpose-first, outputShape",
      "transpose-first, SAME_UPPER", "transpose-first, SAME_LOWER", "transpose-first, VALID"]) {
      expect(names.some((n) => n.includes(how)), how).toBe(true);
    }
    expect(adjointCases.some((c) => (c.transposeAttrs.outputPadding as number[]).some((v) => v > 0))).toBe(true);
    expect(adjointCases.some((c) => (c.convAttrs.group ?? 1) > 1)).toBe(true);
  });
  for (const c of adjointCases) {
    it(c.name, () => {
      const w = fcn.tensor(c.w, c.wShape);
      const cx = fcn.conv(fcn.tensor(c.x, c.xShape), w, null, c.convAttrs);
      expect(cx.shape, "conv(x) has y's shape").toEqual(c.yShape);
      const ty = fcn.convTranspose(fcn.tensor(c.y, c.yShape), w, null, c.transposeAttrs);
      expect(ty.shape, "convTranspose(y) has x's shape").toEqual(c.xShape);
      const lhs = dot(cx.data, c.y), rhs = dot(c.x, ty.data);
      // Scale: the same sum with every product made positive, ⟨|W|·|x|, |y|⟩; float32 rounding is a
      // few ulps of the terms summed into each output, so relative to it 1e-5 is generous.
      const scale = dot(convRef(abs(c.x), c.xShape, abs(c.w), c.wShape, null, c.convAttrs).data, abs(c.y));
      const diff = Math.abs(lhs - rhs);
      if (!(diff <= 1e-5 * scale + 1e-12)) {
        throw new Error(`${c.name} (${build}): ⟨conv(x), y⟩ = ${lhs}, ⟨x, convTranspose(y)⟩ = ${rhs}, |diff| ${diff} > 1e-5 · ${scale}`);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------

describe.each(BUILDS)("convTranspose known answers (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("1-D, k=3, s=2, pads 1,0, bias: overlapping stamps", () => {
    // Scatter: x[i] stamps x[i]·[1 10 100] at full positions 2i, 2i+1, 2i+2; full size 2·(3−1) + 3 = 7:
    //   x0 = 1 → 1 10 100 at 0..2; x1 = 2 → 2 20 200 at 2..4; x2 = 3 → 3 30 300 at 4..6
    //   full = [1, 10, 102, 20, 203, 30, 300]; pad begin 1 drops position 0 → 6 outputs; + b = 0.5.
    const y = fcn.convTranspose(fcn.tensor([1, 2, 3], [1, 1, 3]), fcn.tensor([1, 10, 100], [1, 1, 3]), fcn.tensor([0.5], [1]),
      { strides: 2, pads: [1, 0] });
    expect(y.shape).toEqual([1, 1, 6]);
    expect(Array.from(y.data)).toEqual([10.5, 102.5, 20.5, 203.5, 30.5, 300.5]);
  });

  it("2-D 2×2 input, 3×3 ones kernel, s=2, pads 1,1,0,0, outputPadding 1", () => {
    // full = 2·(2−1) + 1 + 3 = 6 per axis; x[i][j] covers full rows 2i..2i+2 and cols 2j..2j+2, so full
    // row r is reached by i ∈ {0} (r = 0, 1), {0, 1} (r = 2), {1} (r = 3, 4), nobody (r = 5, the output
    // padding). Pads drop full row/col 0, so output rows/cols 0..4 see {0}, {0,1}, {1}, {1}, {} and
    // y[a][b] = Σ_{i ∈ R(a)} Σ_{j ∈ R(b)} x[i][j] with x = [[1 2] [3 4]].
    const y = fcn.convTranspose(fcn.tensor([1, 2, 3, 4], [1, 1, 2, 2]), fcn.tensor(new Array<number>(9).fill(1), [1, 1, 3, 3]), null,
      { strides: [2, 2], pads: [1, 1, 0, 0], outputPadding: [1, 1] });
    expect(y.shape).toEqual([1, 1, 5, 5]);
    expect(Array.from(y.data)).toEqual([
      1, 3, 2, 2, 0,
      4, 10, 6, 6, 0,
      3, 7, 4, 4, 0,
      3, 7, 4, 4, 0,
      0, 0, 0, 0, 0,
    ]);
  });

  it("1-D grouped, dilation 2", () => {
    // group 2, one channel in and out per group, s = 1, d = 2: full = 1·(2−1) + 2·(2−1) + 1 = 4.
    // Channel 0: x = [1 2], w = [1 1] at offsets 0 and 2: 1 at 0, 2; 2 at 1, 3 → [1 2 1 2].
    // Channel 1: x = [3 4], w = [10 100]: 30 at 0, 300 at 2; 40 at 1, 400 at 3 → [30 40 300 400].
    const y = fcn.convTranspose(fcn.tensor([1, 2, 3, 4], [1, 2, 2]), fcn.tensor([1, 1, 10, 100], [2, 1, 2]), null,
      { dilations: 2, group: 2 });
    expect(y.shape).toEqual([1, 2, 4]);
    expect(Array.from(y.data)).toEqual([1, 2, 1, 2, 30, 40, 300, 400]);
  });

  it("k < s with SAME and outputShape: README's negative-padding rule", () => {
    // x = [1 2 3], w = [1] (k = 1), s = 2: full = 2·2 + 1 = 5, SAME wants 3·2 = 6, total = 5 − 6 = −1.
    // SAME_UPPER: begin = ⌊−1/2⌋ = −1, end = 0 → y[o] = x[(o − 1)/2] for odd o: [0 1 0 2 0 3].
    // SAME_LOWER: begin = −1 − ⌊−1/2⌋ = 0, end = −1 → y[o] = x[o/2] for even o: [1 0 2 0 3 0].
    // NOTSET with outputShape 6: split like SAME_LOWER → [1 0 2 0 3 0].
    const x = fcn.tensor([1, 2, 3], [1, 1, 3]), w = fcn.tensor([1], [1, 1, 1]);
    expect(Array.from(fcn.convTranspose(x, w, null, { strides: 2, autoPad: "SAME_UPPER" }).data)).toEqual([0, 1, 0, 2, 0, 3]);
    expect(Array.from(fcn.convTranspose(x, w, null, { strides: 2, autoPad: "SAME_LOWER" }).data)).toEqual([1, 0, 2, 0, 3, 0]);
    expect(Array.from(fcn.convTranspose(x, w, null, { strides: 2, outputShape: [6] }).data)).toEqual([1, 0, 2, 0, 3, 0]);
  });
});

describe.each(BUILDS)("convTranspose contract (%s build)", (build) => {
  beforeAll(() => useBuild(build));
  // Every feature at once: group, bias, asymmetric pads, k not a multiple of s, dilation, batch 2.
  const r = rng(BASE_SEED - 1);
  const xShape = [2, 4, 5, 4], wShape = [4, 3, 3, 2];
  const attrs = { strides: [2, 3], pads: [1, 0, 2, 1], dilations: [1, 2], group: 2, outputPadding: [1, 0] };
  const x = randArray(r, size(xShape)), w = randArray(r, size(wShape)), b = randArray(r, 6);
  const name = "x=2x4x5x4 w=4x3x3x2 b s=2,3 p=1,0,2,1 d=1,2 g=2 op=1,0";
  const geometry = convTransposeGeometry(xShape, wShape, attrs);

  it(`does not modify its inputs, any algorithm (${name})`, () => {
    const xs = x.slice(), ws = w.slice(), bs = b.slice(), attrsBefore = JSON.stringify(attrs);
    const tx = fcn.tensor(x, xShape), tw = fcn.tensor(w, wShape), tb = fcn.tensor(b, [6]);
    const want = convTransposeRef(xs, xShape, ws, wShape, bs, attrs);
    for (const algorithm of algorithmsFor(geometry)) {
      expectClose(fcn.convTranspose(tx, tw, tb, attrs, { algorithm }), want, `${name} ${algorithm}`, atolFor(wShape, true));
      expect(tx.data, algorithm).toEqual(xs);
      expect(tw.data, algorithm).toEqual(ws);
      expect(tb.data, algorithm).toEqual(bs);
      expect(tx.shape).toEqual(xShape);
      expect(tw.shape).toEqual(wShape);
      expect(JSON.stringify(attrs)).toBe(attrsBefore);
    }
    // The subpixel path on a geometry it accepts (the one above has dilation 2).
    const a2 = { strides: [2, 3], pads: [1, 0, 2, 1], group: 2 }, a2Before = JSON.stringify(a2);
    fcn.convTranspose(tx, tw, tb, a2, { algorithm: "subpixel" });
    expect(tx.data).toEqual(xs);
    expect(tw.data).toEqual(ws);
    expect(tb.data).toEqual(bs);
    expect(JSON.stringify(a2)).toBe(a2Before);
  });

  it(`returns a fresh array every call (${name})`, () => {
    const tx = fcn.tensor(x, xShape), tw = fcn.tensor(w, wShape), tb = fcn.tensor(b, [6]);
    const y1 = fcn.convTranspose(tx, tw, tb, attrs);
    const first = y1.data.slice();
    (y1.data as Float32Array).fill(Number.NaN); // scribble on the first result
    const y2 = fcn.convTranspose(tx, tw, tb, attrs);
    expect(y2.data).not.toBe(y1.data);
    expect(y2.data.buffer).not.toBe(y1.data.buffer);
    expect(y2.data.buffer).not.toBe(tx.data.buffer);
    expect(y2.data).toEqual(first);
    // Another call (other inputs, each algorithm) must not overwrite an earlier result.
    for (const algorithm of algorithmsFor(geometry)) {
      const y3 = fcn.convTranspose(fcn.tensor(randArray(r, x.length), xShape), tw, null, attrs, { algorithm });
      expect(y3.data).not.toEqual(first);
    }
    expect(y2.data).toEqual(first);
  });
});
