// lrn (ONNX LRN) against the definition (test/ref/lrn.ts) over ranks 2–5, window sizes (even and
// odd, wider than C) and attribute values; its gradient against central finite differences of the
// float64 definition; typed errors; ONNX import at opsets 1 and 13 against onnxruntime-node and the
// export read back bit for bit; an LRN layer in a net trains (Net's gradient check).
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { lrnRef } from "./ref/lrn.js";
import { attr, expectMatchesOrt, singleNode } from "./onnx/single-node.js";
const { AttributeError, ShapeError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

describe.each(BUILDS)("lrn (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("matches the definition over ranks, windows and attributes; x unchanged", () => {
    const r = rng(1301);
    for (let k = 0; k < 60; k++) {
      const rank = randInt(r, 2, 5);
      const shape = Array.from({ length: rank }, (_, a) => randInt(r, 1, a === 1 ? 9 : 4));
      const n = randInt(r, 1, 7), alpha = [1e-4, 0.5, 2][k % 3], beta = [0.75, 0.5, 1.3][k % 3], bias = [1, 2, 0.5][k % 3];
      const x = fcn.tensor(randArray(r, size(shape)).map((v) => 3 * v), shape);
      const copy = x.data.slice();
      const y = fcn.lrn(x, { size: n, alpha, beta, bias });
      expectClose(y, { data: lrnRef(x.data, shape, n, alpha, beta, bias), shape }, JSON.stringify({ shape, n, alpha, beta, bias }), 0, 1e-6);
      expect(x.data).toEqual(copy);
    }
  });

  it("the gradient matches central differences of the definition", () => {
    const r = rng(1302);
    for (const [shape, n] of [[[2, 5, 3], 3], [[1, 4, 2, 2], 2], [[1, 3, 2, 2], 5]] as [number[], number][]) {
      const attrs = { size: n, alpha: 0.7, beta: 0.75, bias: 1.5 };
      const x = fcn.tensor(randArray(r, size(shape)), shape);
      const dy = fcn.tensor(randArray(r, size(shape)), shape);
      const dx = fcn.lrnBackward(dy, x, attrs);
      const f = (v: ArrayLike<number>): number => {
        const [N, C] = shape, plane = size(shape.slice(2));
        let s = 0;
        for (let nn = 0; nn < N; nn++) for (let c = 0; c < C; c++) for (let p = 0; p < plane; p++) {
          let q = 0;
          for (let i = Math.max(0, c - Math.floor((n - 1) / 2)); i <= Math.min(C - 1, c + Math.ceil((n - 1) / 2)); i++) q += v[(nn * C + i) * plane + p] ** 2;
          const at = (nn * C + c) * plane + p;
          s += dy.data[at] * v[at] / (attrs.bias + (attrs.alpha / n) * q) ** attrs.beta;
        }
        return s;
      };
      const xs = Array.from(x.data);
      for (let i = 0; i < xs.length; i++) {
        const h = 1e-5, up = xs.slice(), down = xs.slice();
        up[i] += h; down[i] -= h;
        const want = (f(up) - f(down)) / (2 * h);
        expect(Math.abs(dx.data[i] - want), `${JSON.stringify(shape)} size ${n}: dx[${i}] = ${dx.data[i]}, want ${want}`).toBeLessThan(1e-4 * (1 + Math.abs(want)));
      }
    }
  });

  it("typed errors", () => {
    const x = fcn.tensor(new Float32Array(6), [1, 6]);
    expect(() => fcn.lrn(x, {} as never)).toThrow(AttributeError);
    expect(() => fcn.lrn(x, {} as never)).toThrow(/lrn\(attrs.size\): required/);
    expect(() => fcn.lrn(x, { size: 0 })).toThrow(/lrn\(attrs.size\)/);
    expect(() => fcn.lrn(x, { size: 3, alpha: NaN })).toThrow(/lrn\(attrs.alpha\)/);
    expect(() => fcn.lrn(fcn.tensor(new Float32Array(3), [3]), { size: 3 })).toThrow(ShapeError);
    expect(() => fcn.lrnBackward(fcn.tensor(new Float32Array(5), [1, 5]), x, { size: 3 })).toThrow(ShapeError);
  });
});

describe("LRN in ONNX and Net", () => {
  beforeAll(() => useBuild("simd"));

  for (const opset of [7, 13]) {
    it(`ONNX LRN at opset ${opset}: onnxruntime-node, the export bit for bit`, async () => {
      const r = rng(1310 + opset);
      for (const [n, alpha, beta, bias] of [[5, 1e-4, 0.75, 1], [3, 0.3, 0.5, 2], [1, 1, 1.2, 0.8], [4, 0.5, 0.75, 1]]) {
        const xDims = [2, 7, 5, 4];
        const bytes = singleNode({ opset, op: "LRN", xDims, attrs: [attr.int("size", n), attr.float("alpha", alpha), attr.float("beta", beta), attr.float("bias", bias)] });
        const x = fcn.tensor(randArray(r, size(xDims)).map((v) => 4 * v), xDims);
        if (n % 2 === 1) {
          await expectMatchesOrt(bytes, x, `LRN-${opset} size ${n}`, 1e-5);
          continue;
        }
        // an even window: onnxruntime 1.30 refuses it (size % 2 == 1); the text defines it (one
        // more channel after c than before), so the definition is the oracle
        const net = fcn.Net.fromOnnx(bytes);
        const y = net.run(x);
        const f32 = (v: number) => Math.fround(v);
        expectClose(y, { data: lrnRef(x.data, xDims, n, f32(alpha), f32(beta), f32(bias)), shape: xDims }, `LRN-${opset} size ${n} vs the definition`, 0, 1e-6);
        expect(Array.from(fcn.Net.fromOnnx(net.toOnnx()).run(x).data)).toEqual(Array.from(y.data));
      }
    });
  }

  it("an LRN layer trains: the net's input gradient matches finite differences", () => {
    const r = rng(1320);
    const net = fcn.Net.fromGraph({
      input: { name: "x", shape: [1, 3, 4, 4] },
      output: "out",
      layers: [
        { name: "c", op: "Conv", inputs: ["x"], attrs: { outChannels: 5, kernelShape: [3, 3], pads: 1 } },
        { name: "n", op: "LRN", inputs: ["c"], attrs: { size: 3, alpha: 0.5, beta: 0.75, bias: 1 } },
        { name: "out", op: "Conv", inputs: ["n"], attrs: { outChannels: 2, kernelShape: [1, 1] } },
      ],
    }, undefined, { seed: 3 });
    net.training = true;
    const x = fcn.tensor(randArray(r, 48), [1, 3, 4, 4]);
    const y = net.run(x);
    const seed = fcn.tensor(randArray(r, size(y.shape)), y.shape);
    const grads = net.backward(seed);
    const w = net.parameters().get("c.weight")!, g = grads.get("c.weight")!;
    const loss = () => net.run(x).data.reduce((s, v, i) => s + v * seed.data[i], 0);
    for (const i of [0, 11, 40, 100]) {
      const keep = w.data[i], h = 1e-2;
      w.data[i] = keep + h; const up = loss();
      w.data[i] = keep - h; const down = loss();
      w.data[i] = keep;
      expect(Math.abs((up - down) / (2 * h) - g.data[i]), `c.weight[${i}]`).toBeLessThan(2e-3 * (1 + Math.abs(g.data[i])));
    }
    net.dispose();
  });
});
