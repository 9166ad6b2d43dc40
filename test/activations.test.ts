// The unary activations (sigmoid, tanh, leakyRelu, elu, selu, softplus, hardSigmoid, hardSwish,
// clip) and their backward against the float64 references of test/ref/activations.ts: random data
// with NaN and ±∞ sprinkled in and values far out in both tails, ONNX's defaults and other
// attributes, IEEE behaviour at the specials, caller arrays untouched, typed errors. Where the wasm
// kernel computes an op (Clip, HardSigmoid, HardSwish, LeakyRelu, Sigmoid, Tanh, Elu, Selu) its bits
// are those of the op's scalar JS definition `f` at every value of a sweep across all float32 bit
// patterns; Sigmoid, Tanh, Elu, Selu (float32 approximations) are within 2.5 ulp of the float64 functions.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, fcn, randArray, rng, useBuild } from "./lib.js";
import { expectIeee, sprinkle } from "./special.js";
import { activationRef } from "./ref/activations.js";
import { type ActivationOp, activation } from "../dist/ops/activations.js";
const { AttributeError, ShapeError } = fcn;

type Attrs = Record<string, number>;
type Forward = (x: fcn.Tensor, attrs?: Attrs) => fcn.Tensor;
type Backward = (dy: fcn.Tensor, x: fcn.Tensor, attrs?: Attrs) => fcn.Tensor;

/** Each op: its ONNX name, its functions, and attribute sets to try (undefined: the defaults). */
const CASES: { op: string; forward: Forward; backward: Backward; attrs: (Attrs | undefined)[] }[] = [
  { op: "Sigmoid", forward: fcn.sigmoid, backward: fcn.sigmoidBackward, attrs: [undefined] },
  { op: "Tanh", forward: fcn.tanh, backward: fcn.tanhBackward, attrs: [undefined] },
  { op: "LeakyRelu", forward: fcn.leakyRelu, backward: fcn.leakyReluBackward, attrs: [undefined, { alpha: 0.3 }, { alpha: -2 }] },
  { op: "Elu", forward: fcn.elu, backward: fcn.eluBackward, attrs: [undefined, { alpha: 0.5 }] },
  { op: "Selu", forward: fcn.selu, backward: fcn.seluBackward, attrs: [undefined, { alpha: 2, gamma: 3 }] },
  { op: "Softplus", forward: fcn.softplus, backward: fcn.softplusBackward, attrs: [undefined] },
  { op: "HardSigmoid", forward: fcn.hardSigmoid, backward: fcn.hardSigmoidBackward, attrs: [undefined, { alpha: 0.5, beta: 0.6 }] },
  { op: "HardSwish", forward: fcn.hardSwish, backward: fcn.hardSwishBackward, attrs: [undefined] },
  { op: "Clip", forward: fcn.clip, backward: fcn.clipBackward, attrs: [undefined, { min: -0.5, max: 0.25 }, { min: 0 }, { min: 1, max: -1 }] },
];

/** Uniform in [−1, 1), scaled per element by 1, 4 or 60 so both tails and every kink are crossed. */
function data(r: () => number, n: number): Float32Array {
  const scales = [1, 4, 60];
  return randArray(r, n).map((v, i) => v * scales[i % 3]);
}

const applyRef = (f: (x: number) => number, a: ArrayLike<number>) => Float64Array.from(a, f);

/** Every `step`-th float32 bit pattern from `from` to `to` (unsigned, wrapping past 2³²), as floats. */
function sweep(from: number, to: number, step: number): Float32Array {
  const bits: number[] = [];
  for (let b = from; b <= to; b += step) bits.push(b >>> 0);
  return new Float32Array(Uint32Array.from(bits).buffer);
}

/** The float32 ulp at |w| (the spacing above the largest float32 power of two ≤ |w|). */
function ulp(w: number): number {
  const a = Math.abs(w);
  return a < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** The ops the kernel computes, with attributes. */
const KERNEL_CASES: [ActivationOp, Attrs | undefined][] = [
  ["Sigmoid", undefined], ["Tanh", undefined], ["LeakyRelu", { alpha: 0.3 }], ["HardSigmoid", undefined], ["HardSwish", undefined], ["Clip", { min: -0.5, max: 0.25 }],
  ["Elu", undefined], ["Elu", { alpha: 0.5 }], ["Selu", undefined], ["Selu", { alpha: 2, gamma: 3 }],
];

describe.each(BUILDS)("activations (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  for (const c of CASES) {
    for (const attrs of c.attrs) {
      const label = `${c.op}${attrs ? ` ${JSON.stringify(attrs)}` : ""}`;

      it(`${label}: forward matches the float64 reference, NaN and ±∞ included; x unchanged`, () => {
        const r = rng(11);
        const shape = [2, 3, 5, 7];
        const x = sprinkle(r, data(r, 210), 12);
        const before = x.slice();
        const ref = activationRef(c.op, attrs);
        const y = c.forward(fcn.tensor(x, shape), attrs);
        expectIeee(y, { data: applyRef(ref.f, x), shape }, label, 1e-7, 1e-6);
        expect(x).toEqual(before);
      });

      it(`${label}: backward is dy·f′(x) (f′ from the reference, itself checked by central differences); inputs unchanged`, () => {
        const r = rng(12);
        const shape = [3, 4, 9];
        const x = data(r, 108), dy = randArray(r, 108);
        const [xb, dyb] = [x.slice(), dy.slice()];
        const ref = activationRef(c.op, attrs);
        const dx = c.backward(fcn.tensor(dy, shape), fcn.tensor(x, shape), attrs);
        expectIeee(dx, { data: Float64Array.from(x, (v, i) => dy[i] * ref.df(v)), shape }, label, 1e-7, 1e-6);
        expect(x).toEqual(xb);
        expect(dy).toEqual(dyb);
        // the reference derivative is the slope of the reference function (away from its kinks)
        const h = 1e-6;
        for (const v of x) {
          const fd = (ref.f(v + h) - ref.f(v - h)) / (2 * h);
          const kink = [0, -3, 3, -0.5, 0.25, 1, -1, -2.5, 2.5, -0.4, 0.8, -1.2].some((k) => Math.abs(v - k) < 1e-4);
          if (!kink) expect(Math.abs(fd - ref.df(v)), `${label} f′(${v})`).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
        }
      });
    }

    it(`${c.op}: NaN gives NaN`, () => {
      const y = c.forward(fcn.tensor([NaN], [1]));
      expect(Number.isNaN(y.data[0])).toBe(true);
    });

    it(`${c.op}: a dy of another shape is a ShapeError naming dy; the module keeps working`, () => {
      expect(() => c.backward(fcn.tensor(new Float32Array(6), [2, 3]), fcn.tensor(new Float32Array(6), [3, 2]))).toThrow(ShapeError);
      expect(() => c.backward(fcn.tensor(new Float32Array(6), [2, 3]), fcn.tensor(new Float32Array(6), [3, 2]))).toThrow(/Backward\(dy\)/);
      expect(() => c.forward({ data: [1, 2], shape: [2] } as never)).toThrow(ShapeError);
      expect(c.forward(fcn.tensor([0.5], [1])).shape).toEqual([1]);
    });

    const key = Object.keys(c.attrs.find((a) => a !== undefined) ?? {})[0];
    if (key !== undefined) {
      it(`${c.op}: an unknown or non-numeric attribute is an AttributeError naming it`, () => {
        expect(() => c.forward(fcn.tensor([1], [1]), { beta2: 1 } as never)).toThrow(AttributeError);
        expect(() => c.forward(fcn.tensor([1], [1]), { beta2: 1 } as never)).toThrow(/beta2/);
        expect(() => c.forward(fcn.tensor([1], [1]), { [key]: "2" } as never)).toThrow(new RegExp(`attrs\\.${key}`));
      });
    }
  }

  it("the kernel's bits are f's (the op's scalar JS definition) across all float32 bit patterns, NaN aside", () => {
    const x = sweep(0, 2 ** 32 - 1, 65521);
    for (const [op, attrs] of KERNEL_CASES) {
      const p = activation(op, attrs, op);
      expect(p.kernel, op).toBeDefined();
      const got = CASES.find((c) => c.op === op)!.forward(fcn.tensor(x, [x.length]), attrs).data;
      const gb = new Uint32Array(got.buffer, got.byteOffset, got.length);
      const want = Float32Array.from(x, p.f), wb = new Uint32Array(want.buffer);
      const bad = wb.findIndex((w, i) => w !== gb[i] && !(Number.isNaN(want[i]) && Number.isNaN(got[i])));
      expect(bad, `${op}: x = ${x[bad]}: kernel ${got[bad]}, f ${want[bad]}`).toBe(-1);
    }
  });

  it("Sigmoid, Tanh, Elu, Selu: within 2.5 ulp of the float64 functions (every 997th float32 in [−20, 20], every 65521st beyond)", () => {
    const pos = [...sweep(0, 0x41a00000, 997), ...sweep(0x41a00000, 0x7f800000, 65521)];
    const x = Float32Array.from([...pos, ...pos.map((v) => -v)]);
    // Math.tanh, not the reference's 2σ(2x) − 1, which cancels near 0
    // Elu and Selu through Math.expm1 (the reference's eˣ − 1 cancels near 0); ONNX's Selu defaults
    const sa = Math.fround(1.67326319217681884765625), sg = Math.fround(1.05070102214813232421875);
    const exact: [Forward, (v: number) => number][] = [
      [fcn.sigmoid, activationRef("Sigmoid").f], [fcn.tanh, Math.tanh],
      [fcn.elu, (v) => (v >= 0 ? v : Math.expm1(v))], [fcn.selu, (v) => (v >= 0 ? sg * v : sg * sa * Math.expm1(v))],
    ];
    for (const [forward, f] of exact) {
      const y = forward(fcn.tensor(x, [x.length])).data;
      let worst = 0, at = 0;
      for (let i = 0; i < x.length; i++) {
        if (!Number.isFinite(Math.fround(f(x[i]))) && y[i] === Math.fround(f(x[i]))) continue; // γ·x overflows float32 in both
        const e = Math.abs(y[i] - f(x[i])) / ulp(f(x[i]));
        if (e > worst) { worst = e; at = x[i]; }
      }
      expect(worst, `${forward.name}: ${worst.toFixed(3)} ulp at x = ${at}`).toBeLessThanOrEqual(2.5);
    }
  });

  it("IEEE limits: σ(−∞) = 0, σ(+∞) = 1, tanh(±∞) = ±1, softplus(−∞) = 0 and (+∞) = +∞, hardSwish(−∞) = NaN (−∞·0, as ONNX's formula), elu(−∞) = −alpha", () => {
    const x = fcn.tensor([-Infinity, Infinity], [2]);
    expect(Array.from(fcn.sigmoid(x).data)).toEqual([0, 1]);
    expect(Array.from(fcn.tanh(x).data)).toEqual([-1, 1]);
    expect(Array.from(fcn.softplus(x).data)).toEqual([0, Infinity]);
    expect(Array.from(fcn.hardSwish(x).data)).toEqual([NaN, Infinity]);
    expect(Array.from(fcn.elu(x, { alpha: 2 }).data)).toEqual([-2, Infinity]);
    expect(Array.from(fcn.leakyRelu(x).data)).toEqual([-Infinity, Infinity]);
    expect(Array.from(fcn.clip(x, { min: -1, max: 1 }).data)).toEqual([-1, 1]);
    expect(Array.from(fcn.clip(x).data)).toEqual([-3.4028234663852886e38, 3.4028234663852886e38]); // ONNX's default bounds
    expect(Array.from(fcn.clip(x, { min: -Infinity, max: Infinity }).data)).toEqual([-Infinity, Infinity]);
    expect(Array.from(fcn.sigmoidBackward(fcn.tensor([1, 1], [2]), x).data)).toEqual([0, 0]);
    expect(Array.from(fcn.softplus(fcn.tensor([100], [1])).data)).toEqual([100]); // no overflow to ∞
  });
});
