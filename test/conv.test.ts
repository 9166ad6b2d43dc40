// conv against the plain-TS reference (test/ref/conv.ts) on seeded random shapes, on every build:
// odd sizes, 1×1 inputs, k < s, k not a multiple of s, asymmetric pads, dilation with stride,
// groups, depthwise, batch 2, more channels than one GEMM tile, rank 1 and 2, every autoPad mode. Each case is named by its shape and
// its seed; makeCase(i) regenerates case i exactly (replay one with `vitest -t "seed=<n>"`).
// Also: small answers worked out by hand, inputs left untouched, results that are fresh arrays.
import { describe, expect, it, beforeAll } from "vitest";
import { fcn, BUILDS, useBuild, rng, randInt, randArray, expectClose } from "./lib.js";
import { convGeometry, convRef, type RefAutoPad } from "./ref/conv.js";

const BASE_SEED = 0x0c0417;
const CASES = 88;

const FLAVORS = ["basic", "k<s", "k%s!=0", "dilated+strided", "asym-pads", "group", "depthwise", "1x1-input", "batch2", "pointwise", "wide-channels"] as const;
type Flavor = (typeof FLAVORS)[number];
const AUTOPADS: readonly RefAutoPad[] = ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"];

interface Case {
  i: number; seed: number; flavor: Flavor; name: string;
  xShape: number[]; wShape: number[];
  x: Float32Array; w: Float32Array; b: Float32Array | null;
  attrs: fcn.ConvAttrs;
}

/** An array attribute, or (sometimes, when every axis agrees) the single number that means the same. */
function ints(r: () => number, v: number[]): number | number[] {
  return v.every((e) => e === v[0]) && r() < 0.3 ? v[0] : v;
}

/**
 * Case i: flavor i mod 11, autoPad from the block ⌊i/11⌋ (so every flavor meets every mode), rank
 * alternating so that each (flavor, autoPad) pair is seen in rank 1 and rank 2 over 88 cases.
 */
function makeCase(i: number): Case {
  const seed = BASE_SEED + i;
  const r = rng(seed);
  const F = FLAVORS.length;
  const flavor = FLAVORS[i % F];
  const block = Math.floor(i / F);
  const autoPad = AUTOPADS[block % AUTOPADS.length];
  const rank = ((i % F) + Math.floor(block / AUTOPADS.length)) % 2 === 0 ? 2 : 1;

  const k: number[] = [], s: number[] = [], d: number[] = [], pb: number[] = [], pe: number[] = [], n: number[] = [];
  for (let a = 0; a < rank; a++) {
    let ka: number, sa: number, da = 1;
    switch (flavor) {
      case "basic": ka = randInt(r, 1, 4); sa = randInt(r, 1, 3); break;
      case "k<s": sa = randInt(r, 2, 4); ka = randInt(r, 1, sa - 1); break;
      case "k%s!=0": sa = randInt(r, 2, 3); ka = sa * randInt(r, 1, 2) + randInt(r, 1, sa - 1); break;
      case "dilated+strided": da = randInt(r, 2, 3); sa = randInt(r, 2, 3); ka = randInt(r, 2, 3); break;
      case "pointwise": ka = 1; sa = 1; break;
      default: ka = randInt(r, 1, 3); sa = randInt(r, 1, 3); da = randInt(r, 1, 2);
    }
    const span = da * (ka - 1) + 1;
    let p0 = 0, p1 = 0;
    if (flavor !== "pointwise") {
      p0 = randInt(r, 0, Math.min(span, 3));
      p1 = randInt(r, 0, Math.min(span, 3));
      if (flavor === "asym-pads" && p0 === p1) p1 = p0 + randInt(r, 1, 2);
    }
    let na = flavor === "1x1-input" ? 1 : randInt(r, 1, 9);
    // Make the output non-empty: in + pads ≥ the dilated kernel.
    const padded = autoPad === "VALID" ? 0 : autoPad === "NOTSET" ? p0 + p1 : span; // SAME never empties
    if (na + padded < span) {
      if (flavor === "1x1-input" && autoPad === "NOTSET") p1 += span - na - padded; // keep the 1×1 input
      else if (flavor === "1x1-input") { ka = 1; da = randInt(r, 1, 2); }           // VALID on a 1×1 input: k = 1
      else na = span - padded;
    }
    k.push(ka); s.push(sa); d.push(da); pb.push(p0); pe.push(p1); n.push(na);
  }

  let group = 1, Cg = randInt(r, 1, 4), Mg = randInt(r, 1, 4);
  if (flavor === "group") { group = randInt(r, 2, 3); Cg = randInt(r, 1, 3); Mg = randInt(r, 1, 3); }
  if (flavor === "depthwise") { group = randInt(r, 2, 5); Cg = 1; Mg = randInt(r, 1, 2); }
  if (flavor === "wide-channels") { group = randInt(r, 1, 2); Cg = randInt(r, 5, 12); Mg = randInt(r, 5, 13); } // several GEMM row tiles, deeper K
  if (flavor === "pointwise" && r() < 0.5) { group = 2; Cg = randInt(r, 1, 3); Mg = randInt(r, 1, 3); }
  const N = flavor === "batch2" || r() < 0.15 ? 2 : 1;
  const C = group * Cg, M = group * Mg;
  const xShape = [N, C, ...n], wShape = [M, Cg, ...k];
  const bias = r() < 0.6;

  const attrs: fcn.ConvAttrs = {};
  if (s.some((v) => v !== 1) || r() < 0.5) attrs.strides = ints(r, s);
  if (d.some((v) => v !== 1) || r() < 0.3) attrs.dilations = ints(r, d);
  if (group !== 1 || r() < 0.3) attrs.group = group;
  if (autoPad === "NOTSET") {
    const pads = [...pb, ...pe];
    if (pads.some((p) => p !== 0) || r() < 0.5) attrs.pads = ints(r, pads);
    if (r() < 0.3) attrs.autoPad = "NOTSET";
  } else {
    attrs.autoPad = autoPad;
  }
  if (r() < 0.2) attrs.kernelShape = k.slice();

  const x = randArray(r, xShape.reduce((p, v) => p * v, 1));
  const w = randArray(r, wShape.reduce((p, v) => p * v, 1));
  const b = bias ? randArray(r, M) : null;
  const name = `x=${xShape.join("x")} w=${wShape.join("x")}${bias ? " b" : ""} s=${s.join(",")} ` +
    `p=${autoPad === "NOTSET" ? [...pb, ...pe].join(",") : autoPad} d=${d.join(",")} g=${group} [${flavor}] seed=${seed}`;
  return { i, seed, flavor, name, xShape, wShape, x, w, b, attrs };
}

const cases = Array.from({ length: CASES }, (_, i) => makeCase(i));

/** atol of the problem: 1e-5 per term summed into one output (C/group·∏k products, plus the bias). */
function atolFor(c: Case): number {
  return 1e-5 * (c.wShape.slice(1).reduce((p, v) => p * v, 1) + (c.b ? 1 : 0));
}

function run(c: Case): fcn.Tensor {
  return fcn.conv(fcn.tensor(c.x, c.xShape), fcn.tensor(c.w, c.wShape), c.b && fcn.tensor(c.b, [c.b.length]), c.attrs);
}

describe("conv random cases (generator)", () => {
  it("cover every ONNX attribute and shape family", () => {
    const geo = cases.map((c) => ({ c, g: convGeometry(c.xShape, c.wShape, c.attrs) }));
    const some = (f: (e: (typeof geo)[number]) => boolean): number => geo.filter(f).length;
    const axes = (e: (typeof geo)[number]): number[] => e.g.input.map((_, a) => a);
    expect(some((e) => e.g.input.length === 1)).toBeGreaterThan(10);
    expect(some((e) => e.g.input.length === 2)).toBeGreaterThan(10);
    for (const mode of AUTOPADS) expect(some((e) => (e.c.attrs.autoPad ?? "NOTSET") === mode)).toBeGreaterThan(5);
    expect(some((e) => e.g.N === 2)).toBeGreaterThan(5);
    expect(some((e) => e.g.group > 1 && e.g.C / e.g.group > 1)).toBeGreaterThan(3);
    expect(some((e) => e.g.group > 1 && e.g.group === e.g.C)).toBeGreaterThan(3);
    expect(some((e) => e.g.input.every((v) => v === 1))).toBeGreaterThan(3);
    expect(some((e) => axes(e).some((a) => e.g.kernel[a] < e.g.strides[a]))).toBeGreaterThan(5);
    expect(some((e) => axes(e).some((a) => e.g.kernel[a] > e.g.strides[a] && e.g.kernel[a] % e.g.strides[a] !== 0))).toBeGreaterThan(5);
    expect(some((e) => axes(e).some((a) => e.g.padsBegin[a] !== e.g.padsEnd[a]))).toBeGreaterThan(5);
    expect(some((e) => axes(e).some((a) => e.g.dilations[a] > 1 && e.g.strides[a] > 1))).toBeGreaterThan(5);
    expect(some((e) => e.g.input.some((v) => v % 2 === 1 && v > 1))).toBeGreaterThan(10);
    expect(some((e) => e.c.b === null)).toBeGreaterThan(5);
    expect(some((e) => e.g.M / e.g.group > 4 && e.g.C / e.g.group > 4)).toBeGreaterThan(5); // several GEMM row tiles
  });
});

describe.each(BUILDS)("conv vs reference (%s build)", (build) => {
  beforeAll(() => useBuild(build));
  for (const c of cases) {
    it(c.name, () => {
      const want = convRef(c.x, c.xShape, c.w, c.wShape, c.b, c.attrs);
      expectClose(run(c), want, `conv ${c.name} (${build})`, atolFor(c), 1e-4);
    });
  }
});

describe.each(BUILDS)("conv known answers (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("1-D, k=3, s=2, pads 1,1, bias", () => {
    // x = [1 2 3 4 5] padded to [0 | 1 2 3 4 5 | 0]; out = ⌊(5 + 2 − 3)/2⌋ + 1 = 3 windows at 0, 2, 4,
    // w = [1 0 −1]: [0 − 2, 2 − 4, 4 − 0] = [−2, −2, 4], plus b = 0.5.
    const y = fcn.conv(fcn.tensor([1, 2, 3, 4, 5], [1, 1, 5]), fcn.tensor([1, 0, -1], [1, 1, 3]), fcn.tensor([0.5], [1]),
      { strides: [2], pads: [1, 1] });
    expect(y.shape).toEqual([1, 1, 3]);
    expect(Array.from(y.data)).toEqual([-1.5, -1.5, 4.5]);
  });

  it("2-D 2×2 kernel, SAME_UPPER pads after, SAME_LOWER pads before", () => {
    // x = [[1 2] [3 4]], w = [[1 10] [100 1000]], s = 1: out = 2, total padding 1 per axis.
    // SAME_UPPER (pad bottom/right): y[0,0] = 1·1 + 2·10 + 3·100 + 4·1000 = 4321, y[0,1] = 2·1 + 4·100 = 402,
    //   y[1,0] = 3·1 + 4·10 = 43, y[1,1] = 4·1 = 4.
    // SAME_LOWER (pad top/left): y[0,0] = 1·1000 = 1000, y[0,1] = 1·100 + 2·1000 = 2100,
    //   y[1,0] = 1·10 + 3·1000 = 3010, y[1,1] = 4321.
    const x = fcn.tensor([1, 2, 3, 4], [1, 1, 2, 2]);
    const w = fcn.tensor([1, 10, 100, 1000], [1, 1, 2, 2]);
    const upper = fcn.conv(x, w, null, { autoPad: "SAME_UPPER" });
    expect(upper.shape).toEqual([1, 1, 2, 2]);
    expect(Array.from(upper.data)).toEqual([4321, 402, 43, 4]);
    const lower = fcn.conv(x, w, null, { autoPad: "SAME_LOWER" });
    expect(Array.from(lower.data)).toEqual([1000, 2100, 3010, 4321]);
  });

  it("2-D grouped, dilation 2 with stride 2", () => {
    // Two groups of one channel: x0 = 0..24 (5×5), x1 = all ones; w0 = 1 at each corner of a 2×2 kernel,
    // dilated by 2 → taps (0,0) (0,2) (2,0) (2,2); w1 = [[1 2] [3 4]] → y1 = 1 + 2 + 3 + 4 = 10 everywhere.
    // s = 2, no pads: out = ⌊(5 − 3)/2⌋ + 1 = 2. y0[oh, ow] = Σ x0[2oh + {0,2}, 2ow + {0,2}]
    //   = 4·x0[2oh+1, 2ow+1] (the four corners average to the centre on a linear ramp)
    //   = 4·(5·(2oh+1) + 2ow+1): [24, 32, 64, 72].
    const x0 = Array.from({ length: 25 }, (_, i) => i), x1 = new Array<number>(25).fill(1);
    const y = fcn.conv(fcn.tensor([...x0, ...x1], [1, 2, 5, 5]), fcn.tensor([1, 1, 1, 1, 1, 2, 3, 4], [2, 1, 2, 2]), null,
      { strides: 2, dilations: 2, group: 2 });
    expect(y.shape).toEqual([1, 2, 2, 2]);
    expect(Array.from(y.data)).toEqual([24, 32, 64, 72, 10, 10, 10, 10]);
  });
});

describe.each(BUILDS)("conv contract (%s build)", (build) => {
  beforeAll(() => useBuild(build));
  // A case with every feature at once: group, bias, asymmetric pads, stride, dilation, batch 2.
  const r = rng(BASE_SEED - 1);
  const xShape = [2, 4, 7, 6], wShape = [6, 2, 3, 2];
  const attrs = { strides: [2, 1], pads: [1, 0, 2, 1], dilations: [1, 2], group: 2 };
  const x = randArray(r, 2 * 4 * 7 * 6), w = randArray(r, 6 * 2 * 3 * 2), b = randArray(r, 6);
  const name = "x=2x4x7x6 w=6x2x3x2 b s=2,1 p=1,0,2,1 d=1,2 g=2";

  it(`does not modify its inputs (${name})`, () => {
    const xs = x.slice(), ws = w.slice(), bs = b.slice(), attrsBefore = JSON.stringify(attrs);
    const tx = fcn.tensor(x, xShape), tw = fcn.tensor(w, wShape), tb = fcn.tensor(b, [6]);
    const y = fcn.conv(tx, tw, tb, attrs);
    expectClose(y, convRef(xs, xShape, ws, wShape, bs, attrs), name, 1e-5 * 13);
    expect(tx.data).toEqual(xs);
    expect(tw.data).toEqual(ws);
    expect(tb.data).toEqual(bs);
    expect(tx.shape).toEqual(xShape);
    expect(tw.shape).toEqual(wShape);
    expect(JSON.stringify(attrs)).toBe(attrsBefore);
  });

  it(`returns a fresh array every call (${name})`, () => {
    const args = [fcn.tensor(x, xShape), fcn.tensor(w, wShape), fcn.tensor(b, [6])] as const;
    const y1 = fcn.conv(...args, attrs);
    const first = y1.data.slice();
    (y1.data as Float32Array).fill(Number.NaN); // scribble on the first result
    const y2 = fcn.conv(...args, attrs);
    expect(y2.data).not.toBe(y1.data);
    expect(y2.data.buffer).not.toBe(y1.data.buffer);
    expect(y2.data.buffer).not.toBe(args[0].data.buffer);
    expect(y2.data).toEqual(first);
    // Another call (other inputs) must not overwrite an earlier result (no view into wasm memory).
    const y3 = fcn.conv(fcn.tensor(randArray(r, x.length), xShape), args[1], null, attrs);
    expect(y3.data).not.toEqual(first);
    expect(y2.data).toEqual(first);
  });
});
