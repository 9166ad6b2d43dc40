// fast-check arbitraries of the robustness suite: random valid calls of every public op (small
// shapes, every attribute form), and the malformed values each argument must refuse. Also the
// fast-check parameters: a fixed seed by default (the suite is deterministic); FC_SEED and
// FC_PATH replay the case a failure printed, FC_NUM_RUNS runs more cases.
import fc from "fast-check";
import { fcn, randArray, rng } from "../lib.js";
import { convGeometry, convTransposeGeometry } from "../ref/conv.js";
import { broadcastShape } from "../ref/eltwise.js";
import { im2colGrid, maxPoolRef } from "../ref/window-ops.js";
import type { Call, Op } from "./calls.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

/** fast-check's parameters: `numRuns` cases from a fixed seed unless FC_SEED / FC_PATH / FC_NUM_RUNS say otherwise. */
export function fcParams(numRuns: number): fc.Parameters<unknown> {
  const env = process.env;
  const params: fc.Parameters<unknown> = { seed: env.FC_SEED !== undefined ? Number(env.FC_SEED) : 20260112, numRuns };
  if (env.FC_NUM_RUNS !== undefined) params.numRuns = Number(env.FC_NUM_RUNS);
  if (env.FC_PATH !== undefined) params.path = env.FC_PATH;
  return params;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A tensor of `shape` with values in [-1, 1) from `seed` (test/lib.ts rng). */
export function T(shape: readonly number[], seed: number): fcn.Tensor {
  return fcn.tensor(randArray(rng(seed), size(shape)), shape.slice());
}

const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const small = (min: number, max: number) => fc.integer({ min, max });
/** One value per axis, sometimes given as a single number when they are equal (the attribute short form). */
const perAxis = (values: number[]): number | number[] => (values.every((v) => v === values[0]) && values[0] % 2 === 1 ? values[0] : values);

// ---------------------------------------------------------------------------------------------
// Valid calls

/** The shared window of conv, convTranspose and their backward ops, with group and channels. */
const convWindowArb = fc.record({
  rank: small(1, 2), N: small(1, 2), group: small(1, 2), Cg: small(1, 3), Mg: small(1, 3),
  k: fc.array(small(1, 3), { minLength: 2, maxLength: 2 }), s: fc.array(small(1, 3), { minLength: 2, maxLength: 2 }),
  d: fc.array(small(1, 2), { minLength: 2, maxLength: 2 }), extra: fc.array(small(0, 3), { minLength: 2, maxLength: 2 }),
  pads: fc.array(small(0, 2), { minLength: 4, maxLength: 4 }), mode: fc.constantFrom("pads", "pads", "SAME_UPPER", "SAME_LOWER", "VALID", "outputShape"),
  bias: fc.boolean(), seed: seedArb,
});

function convCall(p: Any): Call {
  const r = p.rank, k = p.k.slice(0, r), s = p.s.slice(0, r), d = p.d.slice(0, r);
  const span = k.map((kk: number, i: number) => d[i] * (kk - 1) + 1);
  const image = span.map((sp: number, i: number) => sp + p.extra[i]);
  const C = p.Cg * p.group, M = p.Mg * p.group;
  const attrs: Any = { strides: perAxis(s), dilations: perAxis(d) };
  if (p.group > 1) attrs.group = p.group;
  if (p.seed % 3 === 0) attrs.kernelShape = k;
  if (p.mode === "pads" || p.mode === "outputShape") attrs.pads = [...p.pads.slice(0, r), ...p.pads.slice(2, 2 + r)];
  else attrs.autoPad = p.mode;
  const x = T([p.N, C, ...image], p.seed), w = T([M, p.Cg, ...k], p.seed + 1);
  return { op: "conv", args: [x, w, p.bias ? T([M], p.seed + 2) : null, attrs] };
}

function convTransposeCall(p: Any): Call {
  const r = p.rank, k = p.k.slice(0, r), s = p.s.slice(0, r), d = p.d.slice(0, r);
  const image = p.extra.slice(0, r).map((e: number) => e + 1);
  const C = p.Cg * p.group, M = p.Mg * p.group;
  const attrs: Any = { strides: perAxis(s), dilations: perAxis(d) };
  if (p.group > 1) attrs.group = p.group;
  if (p.seed % 3 === 0) attrs.kernelShape = k;
  // outputPadding < max(stride, dilation); pads small enough to leave an output
  const op = s.map((ss: number, i: number) => (p.seed >> (4 + i)) % Math.max(ss, d[i]));
  if (op.some((v: number) => v > 0)) attrs.outputPadding = op;
  const full = image.map((n: number, i: number) => s[i] * (n - 1) + op[i] + d[i] * (k[i] - 1) + 1);
  if (p.mode === "pads") {
    const pads = full.map((f: number, i: number) => [Math.min(p.pads[i], Math.floor((f - 1) / 2)), Math.min(p.pads[2 + i], Math.floor((f - 1) / 2))]);
    attrs.pads = [...pads.map((q: number[]) => q[0]), ...pads.map((q: number[]) => q[1])];
  } else if (p.mode === "outputShape") {
    // from full − pads up to full + max(stride, dilation) − 1 − outputPadding, the largest reachable
    attrs.outputShape = full.map((f: number, i: number) => Math.max(1, f - p.pads[i] + Math.min(p.pads[2 + i] % 2, Math.max(s[i], d[i]) - 1 - op[i])));
  } else attrs.autoPad = p.mode;
  const x = T([p.N, C, ...image], p.seed), w = T([C, p.Mg, ...k], p.seed + 1);
  return { op: "convTranspose", args: [x, w, p.bias ? T([M], p.seed + 2) : null, attrs] };
}

const poolArb = fc.record({
  rank: small(1, 2), N: small(0, 2), C: small(1, 3), k: fc.array(small(1, 3), { minLength: 2, maxLength: 2 }),
  s: fc.array(small(1, 3), { minLength: 2, maxLength: 2 }), d: fc.array(small(1, 2), { minLength: 2, maxLength: 2 }),
  extra: fc.array(small(0, 3), { minLength: 2, maxLength: 2 }), pads: fc.array(small(0, 2), { minLength: 4, maxLength: 4 }),
  mode: fc.constantFrom("NOTSET", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"), ceil: fc.constantFrom(undefined, true, false, 0, 1), seed: seedArb,
});

/** x and the window attributes of maxPool / im2col: pads at most half the dilated kernel, so no window sees only padding. */
function windowCase(p: Any, forPool: boolean): { x: fcn.Tensor; attrs: Any } {
  const r = p.rank, k = p.k.slice(0, r), s = p.s.slice(0, r), d = p.d.slice(0, r);
  const span = k.map((kk: number, i: number) => d[i] * (kk - 1) + 1);
  const image = span.map((sp: number, i: number) => sp + p.extra[i]);
  const attrs: Any = { kernelShape: perAxis(k), strides: perAxis(s), dilations: perAxis(d) };
  const half = span.map((sp: number) => Math.floor(sp / 2));
  const pads = [...p.pads.slice(0, r).map((v: number, i: number) => Math.min(v, half[i])), ...p.pads.slice(2, 2 + r).map((v: number, i: number) => Math.min(v, half[i]))];
  if (!forPool || p.mode === "NOTSET") attrs.pads = pads;
  else attrs.autoPad = p.mode;
  if (forPool && p.ceil !== undefined) attrs.ceilMode = p.ceil;
  return { x: T([forPool ? p.N : Math.max(p.N, 1), p.C, ...image], p.seed), attrs };
}

const shapeArb = (minRank: number, maxRank: number, maxDim = 4) => fc.array(small(0, maxDim), { minLength: minRank, maxLength: maxRank });

/** Two shapes that broadcast: each is a suffix of `out` with some axes set to 1. */
const broadcastPairArb = fc.record({ out: shapeArb(0, 4, 3), cutA: small(0, 4), cutB: small(0, 4), onesA: fc.nat(15), onesB: fc.nat(15) })
  .map(({ out, cutA, cutB, onesA, onesB }) => {
    const side = (cut: number, ones: number) => out.slice(Math.min(cut, out.length)).map((v, i) => ((ones >> i) & 1 ? 1 : v));
    return [side(cutA, onesA), side(cutB, onesB)];
  });

const cropArb = fc.record({ rank: small(1, 2), N: small(1, 2), C: small(1, 2), image: fc.array(small(1, 5), { minLength: 2, maxLength: 2 }), a: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }), seed: seedArb })
  .map(({ rank, N, C, image, a, seed }) => {
    const im = image.slice(0, rank);
    const shape = im.map((n, i) => 1 + (a[i] % n));
    const offsets = im.map((n, i) => a[2 + i] % (n - shape[i] + 1));
    return { xShape: [N, C, ...im], attrs: { offsets: perAxis(offsets), shape: perAxis(shape) }, seed };
  });

const gemmArb = fc.record({
  M: small(1, 6), N: small(1, 6), K: small(1, 6), transA: fc.constantFrom(undefined, true, false, 0, 1), transB: fc.constantFrom(undefined, true, false, 0, 1),
  alpha: fc.constantFrom(undefined, 1, -0.5, 2), beta: fc.constantFrom(undefined, 1, 0, 0.25), c: fc.constantFrom("none", "[]", "[1]", "[N]", "[1, N]", "[M, 1]", "[M, N]"), seed: seedArb,
});

const matmulArb = fc.record({ M: small(1, 4), N: small(1, 4), K: small(1, 4), batch: broadcastPairArb, oneA: fc.boolean(), oneB: fc.boolean(), seed: seedArb });

const netArb = fc.record({ N: small(1, 2), Cin: small(1, 3), M: small(1, 3), k: small(1, 3), pads: small(0, 1), H: small(0, 3), seed: seedArb, options: fc.constantFrom(undefined, {}, { seed: 3 }, { resident: false }, { resident: true, seed: 9 }) });

/** Random valid calls of `op`, with their tensors' values seeded. */
export function validCall(op: Op): fc.Arbitrary<Call> {
  const withDy = (forward: Call, outShape: number[], seed: number, back: Op): Call =>
    ({ op: back, args: [T(outShape, seed + 7), forward.args[0], forward.args[1], forward.args[3]] });
  switch (op) {
    case "tensor":
      return fc.record({ shape: shapeArb(0, 4), kind: fc.constantFrom("f32", "array", "f64"), seed: seedArb }).map(({ shape, kind, seed }) => {
        const values = randArray(rng(seed), size(shape));
        const data = kind === "f32" ? values : kind === "f64" ? Float64Array.from(values) : Array.from(values);
        return { op, args: [data, shape] };
      });
    case "resident":
    case "relu":
      return fc.record({ shape: shapeArb(0, 4), seed: seedArb }).map(({ shape, seed }) => ({ op, args: [T(shape, seed)] }));
    case "reluBackward":
      return fc.record({ shape: shapeArb(0, 4), seed: seedArb }).map(({ shape, seed }) => ({ op, args: [T(shape, seed), T(shape, seed + 1)] }));
    case "conv": return convWindowArb.filter((p) => p.mode !== "outputShape").map(convCall);
    case "convBackward":
      return convWindowArb.filter((p) => p.mode !== "outputShape").map((p) => {
        const c = convCall(p);
        const [x, w, , attrs] = c.args as Any[];
        const g = convGeometry(x.shape, w.shape, attrs);
        return withDy(c, [g.N, g.M, ...g.output], p.seed, op);
      });
    case "convTranspose": return convWindowArb.map(convTransposeCall);
    case "convTransposePlan":
      return convWindowArb.map((p) => {
        const [x, w, , attrs] = convTransposeCall(p).args as Any[];
        return { op, args: [x.shape.slice(), w.shape.slice(), attrs] };
      });
    case "convTransposeBackward":
      return convWindowArb.map((p) => {
        const c = convTransposeCall(p);
        const [x, w, , attrs] = c.args as Any[];
        const g = convTransposeGeometry(x.shape, w.shape, attrs);
        return withDy(c, [g.N, g.M, ...g.output], p.seed, op);
      });
    case "maxPool":
    case "maxPoolBackward":
      return poolArb.map((p) => {
        const { x, attrs } = windowCase(p, true);
        if (op === "maxPool") return { op, args: [x, attrs] };
        return { op, args: [T(maxPoolRef(x, attrs).shape, p.seed + 3), x, attrs] };
      });
    case "im2col":
    case "col2im":
      return poolArb.map((p) => {
        const { x, attrs } = windowCase(p, false);
        if (op === "im2col") return { op, args: [x, attrs] };
        const image = x.shape.slice(2);
        const taps = size(typeof attrs.kernelShape === "number" ? image.map(() => attrs.kernelShape) : attrs.kernelShape);
        const cols = T([x.shape[0], x.shape[1] * taps, size(im2colGrid(image, attrs))], p.seed + 1);
        return { op, args: [cols, { ...attrs, imageShape: image.length === 1 && p.seed % 2 ? image[0] : image }] };
      });
    case "gemm":
      return gemmArb.map((p) => {
        const a = T(p.transA ? [p.K, p.M] : [p.M, p.K], p.seed), b = T(p.transB ? [p.N, p.K] : [p.K, p.N], p.seed + 1);
        const cShape = ({ none: null, "[]": [], "[1]": [1], "[N]": [p.N], "[1, N]": [1, p.N], "[M, 1]": [p.M, 1], "[M, N]": [p.M, p.N] } as Any)[p.c];
        const attrs: Any = {};
        for (const key of ["transA", "transB", "alpha", "beta"] as const) if (p[key] !== undefined) attrs[key] = p[key];
        return { op, args: [a, b, cShape === null ? null : T(cShape, p.seed + 2), attrs] };
      });
    case "matmul":
      return matmulArb.map((p) => {
        const [ba, bb] = p.batch;
        const a = p.oneA ? [p.K] : [...ba, p.M, p.K], b = p.oneB ? [p.K] : [...bb, p.K, p.N];
        return { op, args: [T(a, p.seed), T(b, p.seed + 1)] };
      });
    case "add":
      return fc.tuple(broadcastPairArb, seedArb).map(([[a, b], seed]) => ({ op, args: [T(a, seed), T(b, seed + 1)] }));
    case "addBackward":
      return fc.tuple(broadcastPairArb, seedArb).map(([[a, b], seed]) => ({ op, args: [T(broadcastShape(a, b), seed), a, b] }));
    case "crop":
      return cropArb.map(({ xShape, attrs, seed }) => ({ op, args: [T(xShape, seed), attrs] }));
    case "cropBackward":
      return cropArb.map(({ xShape, attrs, seed }) => {
        const rank = xShape.length - 2;
        const shape = typeof attrs.shape === "number" ? new Array(rank).fill(attrs.shape) : attrs.shape;
        return { op, args: [T([xShape[0], xShape[1], ...shape], seed), xShape, attrs] };
      });
    case "Net":
      return netArb.map((p) => {
        const H = p.H + p.k; // a conv output of at least one pixel
        const spec = {
          input: { name: "x", shape: [p.N, p.Cin, H, H] }, output: "r",
          layers: [{ name: "c", op: "Conv", inputs: ["x"], attrs: { outChannels: p.M, kernelShape: p.k, pads: p.pads } }, { name: "r", op: "Relu", inputs: ["c"] }],
        };
        const weights = { "c.weight": T([p.M, p.Cin, p.k, p.k], p.seed), "c.bias": T([p.M], p.seed + 1) };
        return { op, args: [spec, weights, p.options, T([p.N, p.Cin, H, H], p.seed + 2)] };
      });
  }
}

// ---------------------------------------------------------------------------------------------
// Malformed values

/** Stands for "a resident tensor that was disposed": made from the valid tensor when the call is built. */
export const DISPOSED = Object.freeze({ toString: () => "<a disposed resident tensor>" });
/** Stands for a hole in a sparse array at that index. */
const HOLE = Object.freeze({ toString: () => "<hole>" });

/** `list` with `value` at index i (HOLE: a hole there; a copy, so the valid call's arrays stay as they are). */
function withEntry(list: readonly unknown[], i: number, value: unknown): unknown[] {
  const out = list.slice();
  if (value === HOLE) delete out[i];
  else out[i] = value;
  return out;
}

/** A sparse array of `n` holes (`new Array(n)`). */
const sparse = (n: number) => new Array(n);

/** Entries no dimension or integer attribute accepts (`min`: the smallest valid value). */
/** Objects String() cannot print (no toString) and a bigint: a message must still name them. */
const unprintable = (): unknown[] => [Object.create(null), 2n];
const badEntry = (min: number) => fc.constantFrom<unknown>(min - 1, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 53, 1e300, "2", "", null, undefined, true, [], {}, HOLE, ...unprintable());

/** Values of the wrong kind for anything that wants an array of numbers. */
const notAnArray = fc.constantFrom<unknown>(null, "1,2", "", true, {}, new Map(), Symbol("s"), () => 1, new Float32Array(2));

/** A shape argument (tensor shapes, cropBackward's xShape…) that is no list of dimensions, for a valid `shape`. */
export function badShape(shape: readonly number[]): fc.Arbitrary<unknown> {
  const arbs: fc.Arbitrary<unknown>[] = [notAnArray, fc.constantFrom<unknown>(undefined, 4, NaN, 4.5), fc.constant(sparse(Math.max(shape.length, 1)))];
  if (shape.length > 0) arbs.push(fc.tuple(fc.nat(shape.length - 1), badEntry(0)).map(([i, v]) => withEntry(shape, i, v)));
  return fc.oneof(...arbs);
}

/** Something that is no well-formed tensor of `t`'s shape (optional: null and undefined mean "none"). */
export function badTensor(t: fcn.Tensor, optional: boolean): fc.Arbitrary<unknown> {
  const n = t.data.length, shape = t.shape.slice();
  return fc.oneof(
    fc.constantFrom<unknown>(...(optional ? [] : [null, undefined]), 0, 3, NaN, "x", true, {}, [], [1, 2], sparse(2), new Float32Array(n), DISPOSED),
    fc.constantFrom<unknown>(new Float64Array(n), Array.from({ length: n }, () => 0), new Int8Array(n), null, undefined, "abc", 5, {}, new DataView(new ArrayBuffer(4 * n)))
      .map((data) => ({ data, shape })),
    small(-n, 3).filter((delta) => delta !== 0).map((delta) => ({ data: new Float32Array(n + delta), shape })),
    badShape(shape).map((bad) => ({ data: new Float32Array(n), shape: bad })),
    fc.constant({ shape }),
  );
}

/** A value the integer-per-axis attribute of `count` entries ≥ `min` refuses (`lengths`: wrong-length arrays too). */
export function badInts(count: number, min: number, lengths = true): fc.Arbitrary<unknown> {
  const arbs: fc.Arbitrary<unknown>[] = [
    notAnArray, fc.constantFrom<unknown>(min - 1, -1, 1.5, NaN, Infinity, 2 ** 31, 1e300),
    fc.tuple(fc.nat(count - 1), badEntry(min)).map(([i, v]) => withEntry(new Array(count).fill(min + 1), i, v)),
    fc.constant(sparse(count)),
  ];
  if (lengths) arbs.push(fc.array(small(min, min + 2), { maxLength: 5 }).filter((a) => a.length !== count));
  return fc.oneof(...arbs);
}

/** Values a true/false/0/1 flag refuses. */
export const badFlag = fc.constantFrom<unknown>(2, -1, 0.5, NaN, "true", "1", "", null, {}, [], [1], ...unprintable());
/** Values a finite-number attribute refuses. */
export const badNumber = fc.constantFrom<unknown>(NaN, Infinity, -Infinity, "1", "", null, true, {}, [], [1], ...unprintable());
/** Values a positive-integer attribute (group) refuses. */
export const badPositiveInt = fc.constantFrom<unknown>(0, -1, 1.5, NaN, Infinity, 2 ** 31, "1", null, true, {}, [1], ...unprintable());
/** Values autoPad refuses. */
export const badAutoPad = fc.constantFrom<unknown>("same", "SAME", "valid", "", "NOTSET ", 0, 1, null, true, {}, ["VALID"], ...unprintable());
/** Attribute / option objects of the wrong kind (null and undefined mean "none", so they are not here). */
export const badObject = fc.constantFrom<unknown>(5, "strides", true, NaN, [], [1, 2], new Map(), new (class Attrs {})(), Object.create({ strides: 1 }), () => 1, new Float32Array(2));
/** Names that are no attribute of any op (typos of real ones among them). */
export const unknownKey = fc.oneof(
  fc.constantFrom("stride", "kernel_shape", "pad", "dilation", "groups", "auto_pad", "Strides", "ceil_mode", "trans_a", "constructor", "toString", "", " "),
  fc.string({ minLength: 1, maxLength: 6 }),
);
