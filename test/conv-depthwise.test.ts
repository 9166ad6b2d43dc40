// Depthwise conv (one input channel per group: the direct kernel, assembly/conv/depthwise.ts)
// against the plain-TS reference (test/ref/conv.ts) on seeded random shapes, on every build: odd
// sizes, C and H, W up to widths that reach the kernel's 8- and 4-pixel steps and their tails,
// kernels 1…5 (3×3 and 5×5 fast paths), strides 1…3, pads (asymmetric), dilation, multipliers,
// batch 2, rank 1, with and without bias. Also: the forced 'im2col-gemm' path agrees, padding zeros
// meet ∞ weights as the definition says (NaN), Net's resident plan runs the kernel, an imported
// MobileNetV2-style ONNX block agrees with onnxruntime-node, threads give the same bits, and
// forcing 'depthwise' where it cannot run is a typed error.
// Each case is named by its shape and seed (replay one with `vitest -t "seed=<n>"`).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { attr, model, node, tensorProto, valueInfo } from "./onnx/proto-writer.js";
import { fcn, BUILDS, useBuild, rng, randInt, randArray, expectClose, expectSameBits, withEverySplit } from "./lib.js";
import { convRef } from "./ref/conv.js";
import { runtime } from "../dist/runtime/runtime.js";
import { depthwiseWorkspaceBytes } from "../dist/ops/conv-engine/depthwise.js";
import { resolveConv } from "../dist/shape.js";
import { planar } from "../dist/ops/params.js";

const BASE_SEED = 0xd3b7;
const CASES = 48;

interface Case {
  name: string;
  xShape: number[]; wShape: number[];
  x: Float32Array; w: Float32Array; b: Float32Array | null;
  attrs: fcn.ConvAttrs;
}

/** Case i: odd sizes mostly, every 4th case a 3×3 or 5×5 (alternately) at stride 1 or 2, "same" pads (the fast paths). */
function makeCase(i: number): Case {
  const seed = BASE_SEED + i;
  const r = rng(seed);
  const rank = i % 7 === 6 ? 1 : 2;
  const fast = i % 4 === 0;
  const k: number[] = [], s: number[] = [], d: number[] = [], pb: number[] = [], pe: number[] = [], n: number[] = [];
  const square = i % 8 === 0 ? 3 : 5;
  for (let a = 0; a < rank; a++) {
    const ka = fast ? square : randInt(r, 1, 5);
    const sa = fast ? randInt(r, 1, 2) : randInt(r, 1, 3);
    const da = r() < 0.25 ? 2 : 1;
    const span = da * (ka - 1) + 1;
    const p0 = fast ? Math.floor(span / 2) : randInt(r, 0, Math.min(span - 1, 3));
    const p1 = fast ? Math.floor(span / 2) : randInt(r, 0, Math.min(span - 1, 3));
    // odd sizes mostly; the last axis sometimes wide enough for several 8-pixel steps
    let na = a === rank - 1 && r() < 0.5 ? 2 * randInt(r, 8, 24) + 1 : 2 * randInt(r, 0, 8) + 1;
    if (na + p0 + p1 < span) na = span - p0 - p1;
    k.push(ka); s.push(sa); d.push(da); pb.push(p0); pe.push(p1); n.push(na);
  }
  const C = 2 * randInt(r, 0, 3) + 1;
  const mult = r() < 0.25 ? 2 : 1;
  const N = r() < 0.2 ? 2 : 1;
  const xShape = [N, C, ...n], wShape = [C * mult, 1, ...k];
  const bias = r() < 0.5;
  const attrs: fcn.ConvAttrs = { group: C, strides: s, dilations: d, pads: [...pb, ...pe] };
  const x = randArray(r, xShape.reduce((p, v) => p * v, 1));
  const w = randArray(r, wShape.reduce((p, v) => p * v, 1));
  const b = bias ? randArray(r, C * mult) : null;
  const name = `x=${xShape.join("x")} w=${wShape.join("x")}${bias ? " b" : ""} s=${s.join(",")} ` +
    `p=${[...pb, ...pe].join(",")} d=${d.join(",")} g=${C} seed=${seed}`;
  return { name, xShape, wShape, x, w, b, attrs };
}

const cases = Array.from({ length: CASES }, (_, i) => makeCase(i));

/** 1e-5 per term summed into one output (∏k products, plus the bias). */
function atolFor(c: Case): number {
  return 1e-5 * (c.wShape.slice(2).reduce((p, v) => p * v, 1) + (c.b ? 1 : 0));
}

function run(c: Case, algorithm?: fcn.ConvAlgorithm): fcn.Tensor {
  const b = c.b && fcn.tensor(c.b, [c.b.length]);
  return fcn.conv(fcn.tensor(c.x, c.xShape), fcn.tensor(c.w, c.wShape), b, c.attrs, algorithm ? { algorithm } : undefined);
}

describe("depthwise conv random cases (generator)", () => {
  it("reach the fast paths, other kernels, stride 3, dilation, multipliers, rank 1, batch 2", () => {
    const count = (f: (c: Case) => boolean) => cases.filter(f).length;
    const attr = (c: Case, key: "strides" | "dilations") => c.attrs[key] as number[];
    expect(count((c) => c.wShape[2] === 3 && c.wShape[3] === 3)).toBeGreaterThan(3);
    expect(count((c) => c.wShape[2] === 5 && c.wShape[3] === 5)).toBeGreaterThan(3);
    expect(count((c) => attr(c, "strides").includes(3))).toBeGreaterThan(3);
    expect(count((c) => attr(c, "dilations").includes(2))).toBeGreaterThan(3);
    expect(count((c) => c.wShape[0] > c.xShape[1])).toBeGreaterThan(3);
    expect(count((c) => c.xShape.length === 3)).toBeGreaterThan(3);
    expect(count((c) => c.xShape[0] === 2)).toBeGreaterThan(3);
    expect(count((c) => c.xShape[c.xShape.length - 1] >= 17)).toBeGreaterThan(10);
  });
});

describe.each(BUILDS)("depthwise conv vs reference (%s build)", (build) => {
  beforeAll(() => useBuild(build));
  for (const c of cases) {
    it(c.name, () => {
      const want = convRef(c.x, c.xShape, c.w, c.wShape, c.b, c.attrs);
      expectClose(run(c), want, `conv ${c.name} (${build})`, atolFor(c), 1e-4);
      expectClose(run(c, "im2col-gemm"), want, `conv im2col-gemm ${c.name} (${build})`, atolFor(c), 1e-4);
    });
  }

  it("padding zeros take part: an ∞ weight over the padding gives NaN there, NaN in x spreads to its windows", () => {
    const r = rng(7);
    const xShape = [1, 3, 9, 21], wShape = [3, 1, 3, 3];
    const x = randArray(r, 3 * 9 * 21), w = randArray(r, 27);
    w[0] = Infinity; // channel 0, tap (0, 0): over the padding on the top row and left column
    x[2 * 9 * 21 + 4 * 21 + 10] = NaN; // channel 2, an interior pixel
    const attrs = { group: 3, pads: 1 };
    const got = fcn.conv(fcn.tensor(x, xShape), fcn.tensor(w, wShape), null, attrs);
    const want = convRef(x, xShape, w, wShape, null, attrs);
    expect(Number.isNaN(got.data[0])).toBe(true);
    expectClose(got, want, "conv with ∞ and NaN");
  });

  it("runs in a Net's resident plan (a MobileNet-style block: depthwise 3×3 s2, pointwise 1×1)", () => {
    const r = rng(21);
    const C = 8;
    const spec: fcn.GraphSpec = {
      input: { name: "x", shape: [1, C, 15, 17] },
      output: "pw",
      layers: [
        { name: "dw", op: "Conv", inputs: ["x"], attrs: { outChannels: C, kernelShape: 3, strides: 2, pads: 1, group: C } },
        { name: "pw", op: "Conv", inputs: ["dw"], attrs: { outChannels: 4, kernelShape: 1 } },
      ],
    };
    const weights = {
      "dw.weight": fcn.tensor(randArray(r, C * 9), [C, 1, 3, 3]), "dw.bias": fcn.tensor(randArray(r, C), [C]),
      "pw.weight": fcn.tensor(randArray(r, 4 * C), [4, C, 1, 1]), "pw.bias": fcn.tensor(randArray(r, 4), [4]),
    };
    const x = fcn.tensor(randArray(r, C * 15 * 17), [1, C, 15, 17]);
    const net = fcn.Net.fromGraph(spec, weights);
    const y = net.run(x) as fcn.Tensor;
    const dw = convRef(x.data, x.shape as number[], weights["dw.weight"].data, [C, 1, 3, 3], weights["dw.bias"].data, { group: C, strides: 2, pads: 1 });
    const want = convRef(Float32Array.from(dw.data), dw.shape, weights["pw.weight"].data, [4, C, 1, 1], weights["pw.bias"].data, {});
    expectClose(y, want, "Net depthwise block", 1e-4, 1e-4);
  });

  it("multipliers past DEPTHWISE_MAX_MULTIPLIER (auto runs im2col-gemm there), forced onto the direct kernel", () => {
    const r = rng(5);
    const xShape = [1, 2, 11, 19], wShape = [24, 1, 3, 3], attrs = { group: 2, pads: 1, strides: [1, 2] };
    const x = randArray(r, 2 * 11 * 19), w = randArray(r, 24 * 9), b = randArray(r, 24);
    const want = convRef(x, xShape, w, wShape, b, attrs);
    const args = [fcn.tensor(x, xShape), fcn.tensor(w, wShape), fcn.tensor(b, [24]), attrs] as const;
    expectClose(fcn.conv(...args, { algorithm: "depthwise" }), want, "forced depthwise, multiplier 12", 1e-4);
    expectClose(fcn.conv(...args), want, "auto, multiplier 12", 1e-4);
  });

  it("the TS copy of the workspace size (for plans made before ready()) is the kernel's", () => {
    for (const c of cases) {
      const g = resolveConv(c.xShape, c.wShape, null, c.attrs);
      const { OH, OW, KH, KW, SH, SW, DH, DW } = planar(g.window);
      expect(depthwiseWorkspaceBytes(g), c.name).toBe(runtime().kernels.f32_conv_depthwise_workspace_bytes(OH, OW, KH, KW, SH, SW, DH, DW));
    }
  });

  it.each([[3, 1, true], [5, 2, false]] as const)("an imported MobileNetV2 block (expand 1×1, depthwise k=%i stride %i, residual %s) agrees with onnxruntime-node", async (k, stride, residual) => {
    // x [1, 4, 13, 15] → Conv 1×1 4→24 + bias → Relu → Conv k×k group 24 (depthwise) + bias → Relu
    // → Conv 1×1 24→4 (→ + x when stride 1): an inverted residual block.
    const r = rng(40 + k);
    const C = 4, E = 24, H = 13, W = 15;
    const init = (name: string, dims: number[]) => tensorProto({ name, dims, data: randArray(r, dims.reduce((a, b) => a * b, 1)) });
    const p = Math.floor(k / 2);
    const OH = Math.floor((H + 2 * p - k) / stride) + 1, OW = Math.floor((W + 2 * p - k) / stride) + 1;
    const bytes = model({
      opset: 13,
      nodes: [
        node("Conv", ["x", "we", "be"], ["e"], [attr.ints("kernel_shape", [1, 1])]),
        node("Relu", ["e"], ["er"]),
        node("Conv", ["er", "wd", "bd"], ["d"], [attr.ints("kernel_shape", [k, k]), attr.ints("strides", [stride, stride]), attr.ints("pads", [p, p, p, p]), attr.int("group", E)]),
        node("Relu", ["d"], ["dr"]),
        node("Conv", ["dr", "wp"], [residual ? "pj" : "y"], [attr.ints("kernel_shape", [1, 1])]),
        ...(residual ? [node("Add", ["pj", "x"], ["y"])] : []),
      ],
      initializers: [init("we", [E, C, 1, 1]), init("be", [E]), init("wd", [E, 1, k, k]), init("bd", [E]), init("wp", [C, E, 1, 1])],
      inputs: [valueInfo("x", [1, C, H, W])],
      outputs: [valueInfo("y", [1, C, OH, OW])],
    });
    const x = randArray(r, C * H * W);
    const got = fcn.Net.fromOnnx(bytes).run(fcn.tensor(x, [1, C, H, W])) as fcn.Tensor;
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    try {
      const out = (await session.run({ x: new ort.Tensor("float32", x.slice(), [1, C, H, W]) })).y;
      const want = { data: out.data as Float32Array, shape: out.dims };
      const scale = want.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(scale).toBeGreaterThan(0);
      expectClose(got, want, `MobileNetV2 block k${k} s${stride} (net vs onnxruntime)`, 1e-4 * scale, 0);
    } finally {
      await session.release();
    }
  });

  it("forcing an algorithm: 'depthwise' needs C/group = 1; unknown names are attribute errors", () => {
    const x = fcn.tensor(new Float32Array(2 * 5 * 5), [1, 2, 5, 5]);
    const w = fcn.tensor(new Float32Array(3 * 2 * 9), [3, 2, 3, 3]);
    expect(() => fcn.conv(x, w, null, {}, { algorithm: "depthwise" })).toThrow(fcn.UnsupportedError);
    expect(() => fcn.conv(x, w, null, {}, { algorithm: "direct" as never })).toThrow(fcn.AttributeError);
    expect(fcn.conv(x, w, null, {}, { algorithm: "im2col-gemm" }).shape).toEqual([1, 3, 3, 3]);
  });
});

// Stride 2 along W (the rows dealt straight from x into the plane's two phases, W ≥ 9 and a
// left pad ≥ 0; narrower rows and negative pads take the linear pad + deal path): seeded random
// shapes with widths 1…40 (odd, below 4, not multiples of 4), every pad 0…k−1 on each side
// independently, k 1…7 (3×3 and 5×5 most), SH 1 or 2, dilation, multipliers 1…3, bias or none.
const STRIDE2_SEED = 0x52d2;
const stride2Cases: Case[] = Array.from({ length: 40 }, (_, i) => {
  const seed = STRIDE2_SEED + i;
  const r = rng(seed);
  const kw = i % 3 === 2 ? randInt(r, 1, 7) : i % 3 === 0 ? 3 : 5;
  const kh = r() < 0.8 ? kw : randInt(r, 1, 5);
  const dw = i % 10 === 9 ? 2 : 1, dh = r() < 0.1 ? 2 : 1;
  const sh = randInt(r, 1, 2);
  const spanW = dw * (kw - 1) + 1, spanH = dh * (kh - 1) + 1;
  const pl = randInt(r, 0, kw - 1), pr = randInt(r, 0, kw - 1), pt = randInt(r, 0, kh - 1), pb = randInt(r, 0, kh - 1);
  let W = i < 8 ? randInt(r, 1, 12) : randInt(r, 1, 40), H = randInt(r, 1, 12);
  if (W + pl + pr < spanW) W = spanW - pl - pr;
  if (H + pt + pb < spanH) H = spanH - pt - pb;
  const C = randInt(r, 1, 4), mult = randInt(r, 1, 3), N = 1;
  const xShape = [N, C, H, W], wShape = [C * mult, 1, kh, kw];
  const bias = r() < 0.5;
  const attrs: fcn.ConvAttrs = { group: C, strides: [sh, 2], dilations: [dh, dw], pads: [pt, pl, pb, pr] };
  const x = randArray(r, N * C * H * W), w = randArray(r, C * mult * kh * kw);
  const b = bias ? randArray(r, C * mult) : null;
  const name = `x=${xShape.join("x")} w=${wShape.join("x")}${bias ? " b" : ""} s=${sh},2 p=${pt},${pl},${pb},${pr} d=${dh},${dw} g=${C} seed=${seed}`;
  return { name, xShape, wShape, x, w, b, attrs };
});

describe("depthwise conv stride 2 random cases (generator)", () => {
  it("reach widths below 4, below 9, odd and not multiples of 4, both pads 0…k−1, multipliers, 3×3 and 5×5", () => {
    const count = (f: (c: Case) => boolean) => stride2Cases.filter(f).length;
    const W = (c: Case) => c.xShape[3], pads = (c: Case) => c.attrs.pads as number[];
    expect(count((c) => W(c) < 4)).toBeGreaterThan(1);
    expect(count((c) => W(c) < 9)).toBeGreaterThan(4);
    expect(count((c) => W(c) >= 9 && W(c) % 4 !== 0)).toBeGreaterThan(10);
    expect(count((c) => pads(c)[1] !== pads(c)[3])).toBeGreaterThan(10);
    expect(count((c) => pads(c)[1] === 0) * count((c) => pads(c)[1] === 2)).toBeGreaterThan(0);
    expect(count((c) => c.wShape[0] > c.xShape[1])).toBeGreaterThan(10);
    expect(count((c) => c.wShape[2] === 3 && c.wShape[3] === 3) * count((c) => c.wShape[2] === 5 && c.wShape[3] === 5)).toBeGreaterThan(0);
    expect(count((c) => c.b === null) * count((c) => c.b !== null)).toBeGreaterThan(0);
  });
});

describe.each(BUILDS)("depthwise conv stride 2 vs reference (%s build)", (build) => {
  beforeAll(() => useBuild(build));
  for (const c of stride2Cases) {
    it(c.name, () => {
      expectClose(run(c), convRef(c.x, c.xShape, c.w, c.wShape, c.b, c.attrs), `conv ${c.name} (${build})`, atolFor(c), 1e-4);
    });
  }

  it("padding zeros take part at stride 2: ∞ weights over the left, right, top and bottom pads give NaN there, on every channel", () => {
    const r = rng(11);
    const C = 3, H = 9, W = 23, xShape = [1, C, H, W], wShape = [C, 1, 3, 3];
    const x = randArray(r, C * H * W), w = randArray(r, C * 9);
    for (let c = 0; c < C; c++) {
      w[c * 9] = Infinity; // tap (0, 0): over the top pad on output row 0, the left pad on column 0
      w[c * 9 + 8] = -Infinity; // tap (2, 2): over the right pad on the last column (W odd, pads 1)
    }
    x[2 * H * W + 4 * W + 10] = NaN; // channel 2, an interior pixel
    const attrs = { group: C, pads: 1, strides: 2 };
    const got = fcn.conv(fcn.tensor(x, xShape), fcn.tensor(w, wShape), null, attrs);
    const want = convRef(x, xShape, w, wShape, null, attrs);
    const OW = 12;
    for (let c = 0; c < C; c++) {
      expect(Number.isNaN(got.data[c * OW * 5]), `channel ${c} corner`).toBe(true);
      expect(Number.isNaN(got.data[c * OW * 5 + OW - 1]), `channel ${c} last column`).toBe(true);
    }
    expectClose(got, want, "conv stride 2 with ∞ and NaN");
  });
});

describe("depthwise conv on threads: the same bits as one thread", () => {
  const picked = cases.filter((c) => c.xShape[1] >= 3);
  let want: Float32Array[] = [];
  beforeAll(async () => {
    await fcn.ready({ threads: 1 });
    want = picked.map((c) => run(c).data);
  });
  afterAll(() => fcn.dispose());

  it("2 threads, every split forced", async () => {
    await fcn.ready({ threads: 2 });
    withEverySplit(() => {
      picked.forEach((c, i) => {
        const got = run(c);
        expectSameBits(got, { data: want[i], shape: got.shape }, `conv ${c.name}, 2 threads`);
      });
    });
  });
});
