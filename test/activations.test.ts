// The unary activations (sigmoid, tanh, leakyRelu, elu, selu, softplus, hardSigmoid, hardSwish,
// clip) and their backward against the float64 references of test/ref/activations.ts: random data
// with NaN and ±∞ sprinkled in and values far out in both tails, ONNX's defaults and other
// attributes, IEEE behaviour at the specials, caller arrays untouched, typed errors.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, fcn, randArray, rng, useBuild } from "./lib.js";
import { expectIeee, sprinkle } from "./special.js";
import { activationRef } from "./ref/activations.js";
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
