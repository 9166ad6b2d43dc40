// tile (ONNX Tile) against the definition y[i] = x[i mod dims] over random ranks and repeats
// (0 included); its gradient by the adjoint identity <tile(x), dy> = <x, tileBackward(dy)>; typed
// errors; ONNX import at opsets 6 and 13 against onnxruntime-node and the export bit for bit.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { expectMatchesOrt } from "./onnx/single-node.js";
import { model, node, valueInfo } from "./onnx/proto-writer.js";
import { int64s } from "./onnx/ort-helpers.js";
const { AttributeError, ShapeError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** The definition: every output index, x at that index modulo x's dims. */
function tileRef(x: ArrayLike<number>, shape: readonly number[], repeats: readonly number[]): number[] {
  const out = shape.map((d, a) => d * repeats[a]);
  const data: number[] = [];
  for (let i = 0; i < size(out); i++) {
    let rest = i, off = 0, stride = 1;
    for (let a = out.length - 1; a >= 0; a--) {
      off += ((rest % out[a]) % shape[a]) * stride;
      rest = Math.floor(rest / out[a]);
      stride *= shape[a];
    }
    data.push(x[off]);
  }
  return data;
}

describe.each(BUILDS)("tile (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("matches the definition over random ranks and repeats; x unchanged; the gradient is its adjoint", () => {
    const r = rng(1401);
    for (let k = 0; k < 80; k++) {
      const rank = randInt(r, 1, 5);
      const shape = Array.from({ length: rank }, () => randInt(r, 1, 4));
      const repeats = Array.from({ length: rank }, () => randInt(r, k % 17 === 0 ? 0 : 1, 3));
      const x = fcn.tensor(randArray(r, size(shape)), shape);
      const copy = x.data.slice();
      const y = fcn.tile(x, { repeats });
      const what = JSON.stringify({ shape, repeats });
      expect(y.shape, what).toEqual(shape.map((d, a) => d * repeats[a]));
      expect(Array.from(y.data), what).toEqual(tileRef(x.data, shape, repeats));
      expect(x.data).toEqual(copy);
      const dy = fcn.tensor(randArray(r, size(y.shape)), y.shape);
      const dx = fcn.tileBackward(dy, shape, { repeats });
      const lhs = y.data.reduce((s, v, i) => s + v * dy.data[i], 0), rhs = x.data.reduce((s, v, i) => s + v * dx.data[i], 0);
      expect(Math.abs(lhs - rhs), what).toBeLessThan(1e-5 * (1 + Math.abs(lhs)));
    }
  });

  it("typed errors", () => {
    const x = fcn.tensor(new Float32Array(6), [2, 3]);
    expect(() => fcn.tile(x, { repeats: [2] })).toThrow(AttributeError);
    expect(() => fcn.tile(x, { repeats: [2] })).toThrow(/tile\(attrs.repeats\): expected 2 integers ≥ 0/);
    expect(() => fcn.tile(x, { repeats: [1, -1] })).toThrow(AttributeError);
    expect(() => fcn.tileBackward(fcn.tensor(new Float32Array(6), [2, 3]), [2, 3], { repeats: [1, 2] })).toThrow(ShapeError);
  });
});

describe("Tile in ONNX", () => {
  beforeAll(() => useBuild("simd"));
  for (const opset of [6, 13]) {
    it(`ONNX Tile at opset ${opset}: onnxruntime-node, the export bit for bit`, async () => {
      const r = rng(1410 + opset);
      for (const repeats of [[1, 2, 3, 1], [2, 1, 1, 2], [1, 1, 2, 4]]) {
        const xDims = [1, 2, 3, 4];
        const bytes = model({
          opset,
          nodes: [node("Tile", ["x", "repeats"], ["y"])],
          initializers: [int64s("repeats", repeats)],
          inputs: [valueInfo("x", xDims)],
          outputs: [valueInfo("y", xDims.map((d, a) => d * repeats[a]))],
        });
        await expectMatchesOrt(bytes, fcn.tensor(randArray(r, 24), xDims), `Tile-${opset} [${repeats}]`, 0);
      }
    });
  }
});
