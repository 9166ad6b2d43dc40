// Resident tensors (src/resident.ts): copied into wasm memory once, then read in place by conv,
// convTranspose, gemm, matmul and the conv backward ops. They must give the very bits the same
// ops give on plain tensors (every operand resident or not, random shapes and attributes), work
// in every other op through their `.data` copy, never alias or change the caller's array, refuse
// use after dispose() with a typed error, and give their memory back.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, fcn, randArray, randInt, rng, useBuild, expectSameBits } from "./lib.js";
import type { Tensor } from "../dist/index.js";
import { runtime } from "../dist/runtime/runtime.js";
import { residentHandle } from "../dist/tensor.js";

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const residentBytes = () => runtime().arena.residentBytes();

/** Each subset of `ts` made resident (by bit mask), the rest left plain. */
function residentSubsets(ts: (Tensor | null)[]): { mask: number; args: (Tensor | null)[]; free: () => void }[] {
  const present = ts.map((t) => t !== null);
  const out = [];
  for (let mask = 1; mask < 1 << ts.length; mask++) {
    if (ts.some((t, i) => t === null && mask & (1 << i))) continue;
    const made: fcn.ResidentTensor[] = [];
    const args = ts.map((t, i) => {
      if (t === null || !(mask & (1 << i)) || !present[i]) return t;
      const r = fcn.resident(t);
      made.push(r);
      return r;
    });
    out.push({ mask, args, free: () => made.forEach((r) => r.dispose()) });
  }
  return out;
}

describe.each(BUILDS)("resident tensors (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("conv and convTranspose give the same bits with any operand resident (random shapes and attributes)", () => {
    const r = rng(7);
    for (let trial = 0; trial < 12; trial++) {
      const transposed = trial % 2 === 1;
      const group = randInt(r, 1, 2), Cg = randInt(r, 1, 3), Mg = randInt(r, 1, 3);
      const C = group * Cg, M = group * Mg;
      const k = randInt(r, 1, 4), s = randInt(r, 1, 3), d = randInt(r, 1, 2), p = randInt(r, 0, k - 1);
      const H = randInt(r, 4, 9) + d * (k - 1), W = randInt(r, 4, 9) + d * (k - 1), N = randInt(r, 1, 2);
      const x = fcn.tensor(randArray(r, N * C * H * W), [N, C, H, W]);
      const wShape = transposed ? [C, Mg, k, k] : [M, Cg, k, k];
      const w = fcn.tensor(randArray(r, size(wShape)), wShape);
      const b = fcn.tensor(randArray(r, M), [M]);
      const attrs = { strides: s, pads: p, dilations: d, group };
      const op = transposed ? fcn.convTranspose : fcn.conv;
      const want = op(x, w, b, attrs);
      for (const { mask, args, free } of residentSubsets([x, w, b])) {
        const [rx, rw, rb] = args as Tensor[];
        expectSameBits(op(rx, rw, rb, attrs), want, `trial ${trial} (${transposed ? "convTranspose" : "conv"}, resident mask ${mask})`);
        free();
      }
    }
  });

  it("every convTranspose algorithm reads resident weights in place", () => {
    const r = rng(8);
    const x = fcn.tensor(randArray(r, 4 * 7 * 6), [1, 4, 7, 6]);
    for (const [wShape, attrs] of [[[4, 3, 4, 4], { strides: 2, pads: 1 }], [[4, 1, 4, 4], { strides: 2, group: 4 }]] as const) {
      const w = fcn.tensor(randArray(r, size(wShape)), wShape.slice());
      const rw = fcn.resident(w);
      for (const algorithm of ["subpixel", "gemm-col2im", "depthwise"] as const) {
        if (algorithm === "depthwise" && wShape[1] !== 1) continue;
        expectSameBits(fcn.convTranspose(x, rw, null, attrs, { algorithm }), fcn.convTranspose(x, w, null, attrs, { algorithm }), `${algorithm} ${wShape}`);
      }
      rw.dispose();
    }
  });

  it("keeps the sub-pixel phase weights beside a resident w: packed once per stride, same bits, freed by dispose()", () => {
    const r = rng(13);
    const x = fcn.tensor(randArray(r, 2 * 3 * 5 * 7), [2, 3, 5, 7]);
    const w = fcn.tensor(randArray(r, 3 * 4 * 5 * 4), [3, 4, 5, 4]);
    const before = residentBytes();
    const rw = fcn.resident(w);
    const alone = residentBytes();
    for (const attrs of [{ strides: 2, pads: 1 }, { strides: [3, 2] }, { strides: 2, pads: 1 }, { strides: 1, pads: [1, 0, 2, 1] }, { strides: 2, group: 1, pads: 2 }]) {
      for (let call = 0; call < 2; call++) {
        expectSameBits(fcn.convTranspose(x, rw, null, attrs, { algorithm: "subpixel" }), fcn.convTranspose(x, w, null, attrs, { algorithm: "subpixel" }), `${JSON.stringify(attrs)} call ${call}`);
      }
    }
    // three stride pairs → three packed forms, each made once
    expect(residentBytes()).toBeGreaterThan(alone);
    const withForms = residentBytes();
    fcn.convTranspose(x, rw, null, { strides: 2 }, { algorithm: "subpixel" });
    expect(residentBytes()).toBe(withForms);
    // the other algorithms read w itself
    expectSameBits(fcn.convTranspose(x, rw, null, { strides: 2 }, { algorithm: "gemm-col2im" }), fcn.convTranspose(x, w, null, { strides: 2 }, { algorithm: "gemm-col2im" }), "gemm-col2im");
    rw.dispose();
    expect(residentBytes()).toBe(before);
  });

  it("gemm (both transposes, broadcast c) and matmul (batch broadcast) give the same bits", () => {
    const r = rng(9);
    for (let trial = 0; trial < 8; trial++) {
      const M = randInt(r, 1, 37), N = randInt(r, 1, 41), K = randInt(r, 1, 29);
      const transA = trial % 2 === 1, transB = trial % 4 >= 2;
      const a = fcn.tensor(randArray(r, M * K), transA ? [K, M] : [M, K]);
      const b = fcn.tensor(randArray(r, K * N), transB ? [N, K] : [K, N]);
      const c = fcn.tensor(randArray(r, N), [N]);
      const attrs = { transA, transB, alpha: 0.5, beta: 2 };
      const want = fcn.gemm(a, b, c, attrs);
      for (const { mask, args, free } of residentSubsets([a, b, c])) {
        const [ra, rb, rc] = args as Tensor[];
        expectSameBits(fcn.gemm(ra, rb, rc, attrs), want, `gemm trial ${trial} mask ${mask}`);
        free();
      }
    }
    const a = fcn.tensor(randArray(r, 3 * 5 * 4), [3, 5, 4]), b = fcn.tensor(randArray(r, 4 * 6), [4, 6]);
    const rb = fcn.resident(b);
    expectSameBits(fcn.matmul(a, rb), fcn.matmul(a, b), "matmul, resident b broadcast over the batch");
    rb.dispose();
  });

  it("convBackward and convTransposeBackward give the same bits with resident operands", () => {
    const r = rng(10);
    const x = fcn.tensor(randArray(r, 2 * 3 * 9 * 8), [2, 3, 9, 8]);
    const w = fcn.tensor(randArray(r, 4 * 3 * 3 * 3), [4, 3, 3, 3]);
    const attrs = { strides: 2, pads: 1 };
    const y = fcn.conv(x, w, null, attrs);
    const dy = fcn.tensor(randArray(r, size(y.shape)), y.shape.slice());
    const want = fcn.convBackward(dy, x, w, attrs);
    for (const { mask, args, free } of residentSubsets([dy, x, w])) {
      const [rdy, rx, rw] = args as Tensor[];
      const got = fcn.convBackward(rdy, rx, rw, attrs);
      for (const key of ["dx", "dw", "db"] as const) expectSameBits(got[key], want[key], `convBackward ${key}, mask ${mask}`);
      free();
    }
    const wt = fcn.tensor(randArray(r, 3 * 2 * 4 * 4), [3, 2, 4, 4]);
    const yt = fcn.convTranspose(x, wt, null, attrs);
    const dyt = fcn.tensor(randArray(r, size(yt.shape)), yt.shape.slice());
    const wantT = fcn.convTransposeBackward(dyt, x, wt, attrs);
    const rwt = fcn.resident(wt), rx = fcn.resident(x);
    const gotT = fcn.convTransposeBackward(dyt, rx, rwt, attrs);
    for (const key of ["dx", "dw", "db"] as const) expectSameBits(gotT[key], wantT[key], `convTransposeBackward ${key}`);
    rwt.dispose();
    rx.dispose();
  });

  it("is read in place: conv, convTranspose, gemm, matmul and the backward ops never copy its .data", () => {
    const r = rng(14);
    const w = fcn.tensor(randArray(r, 2 * 3 * 3 * 3), [2, 3, 3, 3]);
    const x = fcn.tensor(randArray(r, 2 * 3 * 6 * 5), [2, 3, 6, 5]);
    const rw = fcn.resident(w), rx = fcn.resident(x);
    const m = fcn.tensor(randArray(r, 12), [3, 4]), rm = fcn.resident(m);
    // Any read of .data now throws: the ops must take the block where it lies.
    for (const t of [rw, rx, rm]) Object.defineProperty(t, "data", { get() { throw new Error("copied through .data"); } });
    expectSameBits(fcn.conv(rx, rw, null, { pads: 1 }), fcn.conv(x, w, null, { pads: 1 }), "conv");
    expectSameBits(fcn.convTranspose(fcn.conv(x, w), rw, null, {}, { algorithm: "subpixel" }), fcn.convTranspose(fcn.conv(x, w), w, null, {}, { algorithm: "subpixel" }), "convTranspose");
    expectSameBits(fcn.gemm(rm, rm, null, { transB: true }), fcn.gemm(m, m, null, { transB: true }), "gemm");
    expectSameBits(fcn.matmul(rm, fcn.tensor(randArray(rng(1), 8), [4, 2])), fcn.matmul(m, fcn.tensor(randArray(rng(1), 8), [4, 2])), "matmul");
    const dy = fcn.tensor(randArray(r, 2 * 2 * 6 * 5), [2, 2, 6, 5]);
    const got = fcn.convBackward(dy, rx, rw, { pads: 1 }), want = fcn.convBackward(dy, x, w, { pads: 1 });
    for (const key of ["dx", "dw", "db"] as const) expectSameBits(got[key], want[key], `convBackward ${key}`);
    for (const t of [rw, rx, rm]) t.dispose();
  });

  it("works in every other op through a copy, and its .data never writes through", () => {
    const r = rng(11);
    const x = fcn.tensor(randArray(r, 2 * 3 * 6 * 6), [2, 3, 6, 6]);
    const rx = fcn.resident(x);
    expectSameBits(fcn.relu(rx), fcn.relu(x), "relu");
    expectSameBits(fcn.add(rx, rx), fcn.add(x, x), "add");
    expectSameBits(fcn.maxPool(rx, { kernelShape: 2, strides: 2 }), fcn.maxPool(x, { kernelShape: 2, strides: 2 }), "maxPool");
    expectSameBits(fcn.crop(rx, { offsets: [1, 2], shape: [3, 3] }), fcn.crop(x, { offsets: [1, 2], shape: [3, 3] }), "crop");
    expectSameBits(fcn.im2col(rx, { kernelShape: 3 }), fcn.im2col(x, { kernelShape: 3 }), "im2col");
    expectSameBits(fcn.softmax(rx), fcn.softmax(x), "softmax (an element loop over .data)");
    expectSameBits(fcn.tensor(rx.data, rx.shape.slice()), x, ".data");
    // relu works in place on its arena copy: the resident values stay as they were
    expectSameBits(fcn.tensor(rx.data, rx.shape.slice()), x, ".data after relu");
    const copy = rx.data;
    copy.fill(7);
    expect(rx.data).not.toBe(copy); // a new copy on every read
    const w = fcn.tensor(randArray(r, 2 * 3 * 3 * 3), [2, 3, 3, 3]);
    expectSameBits(fcn.conv(rx, w), fcn.conv(x, w), "conv after writing to a .data copy");
    expectSameBits(fcn.relu(rx), fcn.relu(x), "relu (through .data) after writing to a .data copy");
    expectSameBits(fcn.tensor(rx.data, rx.shape.slice()), x, ".data after writing to a copy of it");
    // explain's views read element by element: the same numbers as on the plain tensor
    const xs = fcn.tensor(randArray(r, 2 * 3 * 3), [1, 2, 3, 3]), ws = fcn.tensor(randArray(r, 2 * 2 * 9), [2, 2, 3, 3]);
    const rxs = fcn.resident(xs), rws = fcn.resident(ws);
    expectSameBits(fcn.explain.scatter(rxs, rws, null, { strides: 2 }).output, fcn.explain.scatter(xs, ws, null, { strides: 2 }).output, "explain.scatter");
    expectSameBits(fcn.explain.matrix(rxs, rws, null, { strides: 2 }).output, fcn.explain.matrix(xs, ws, null, { strides: 2 }).output, "explain.matrix");
    rxs.dispose();
    rws.dispose();
    rx.dispose();
  });

  it("copies the caller's array once: changing it afterwards changes nothing, and it is never written", () => {
    const data = Float32Array.from([1, 2, 3, 4]);
    const before = data.slice();
    const rw = fcn.resident(fcn.tensor(data, [1, 1, 2, 2]));
    data[0] = 100;
    const x = fcn.tensor([1, 1, 1, 1], [1, 1, 2, 2]);
    expect([...fcn.conv(x, rw).data]).toEqual([10]);
    rw.dispose();
    data[0] = before[0];
    expect([...data]).toEqual([...before]);
  });

  it("dispose() gives the memory back; a disposed one is a NotReadyError naming the argument", () => {
    const held = residentBytes();
    const w = fcn.resident(fcn.tensor(new Float32Array(1000).fill(1), [10, 100]));
    expect(residentBytes()).toBeGreaterThanOrEqual(held + 4000);
    expect(w.disposed).toBe(false);
    w.dispose();
    w.dispose(); // idempotent
    expect(w.disposed).toBe(true);
    expect(residentBytes()).toBe(held);
    const a = fcn.tensor(new Float32Array(20), [2, 10]);
    expect(() => fcn.gemm(a, w)).toThrow(fcn.NotReadyError);
    expect(() => fcn.gemm(a, w)).toThrow(/gemm\(b\): this resident tensor was disposed/);
    expect(() => w.data).toThrow(fcn.NotReadyError);
    expect(() => fcn.resident({ data: [1, 2], shape: [2] } as never)).toThrow(fcn.ShapeError);
  });

  it("a spread copy ({ ...t, shape }) is no tensor: a ShapeError, not a crash", () => {
    const rw = fcn.resident(fcn.tensor([1, 2, 3, 4], [2, 2]));
    const view = { ...rw, shape: [4] } as unknown as Tensor;
    expect(() => fcn.relu(view)).toThrow(fcn.ShapeError);
    expect(() => fcn.matmul(fcn.tensor([1, 1, 1, 1], [1, 4]), view)).toThrow(fcn.ShapeError);
    rw.dispose();
  });

  it("optimisers refuse a resident parameter (it cannot change in place)", () => {
    const p = fcn.resident(fcn.tensor([1, 2], [2]));
    const g = fcn.tensor([0.5, 0.5], [2]);
    for (const opt of [new fcn.SGD({ lr: 0.1 }), new fcn.Adam({ lr: 0.1 })]) {
      expect(() => opt.step(new Map([["w", p]]), new Map([["w", g]]))).toThrow(fcn.AttributeError);
    }
    expect([...p.data]).toEqual([1, 2]);
    p.dispose();
  });
});

describe("resident tensors across runtimes", () => {
  it("one made under another build still works (read through a copy)", async () => {
    await useBuild("simd");
    const r = rng(12);
    const x = fcn.tensor(randArray(r, 3 * 5 * 5), [1, 3, 5, 5]);
    const w = fcn.tensor(randArray(r, 2 * 3 * 3 * 3), [2, 3, 3, 3]);
    const rw = fcn.resident(w);
    const want = fcn.conv(x, w);
    await useBuild("relaxed");
    const other = fcn.conv(x, rw);
    expectSameBits(other, fcn.conv(x, w), "conv on the relaxed build with a weight resident in the simd runtime");
    await useBuild("simd");
    expectSameBits(fcn.conv(x, rw), want, "back on the simd build");
    rw.dispose();
  });
});
