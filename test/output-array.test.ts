// options.out (src/ops/output-array.ts): conv, convTranspose, their async forms, Net.run and
// Net.runAsync write their result into the caller's Float32Array and return a tensor over it, with
// the same bits as the call without it; the array may be an operand's own data; a wrong length
// (ShapeError), a value that is no Float32Array or a view of the runtime's memory (AttributeError)
// is refused and the array is left as it was; on one thread and on a 2-thread pool.
// This file switches ready()'s threads; vitest runs each test file in its own process.
import { afterAll, describe, expect, it } from "vitest";
import { expectSameBits, fcn, randArray, rng } from "./lib.js";
import type { Tensor } from "../dist/index.js";
import { runtime } from "../dist/runtime/runtime.js";

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const rand = (r: () => number, shape: number[]): Tensor => fcn.tensor(randArray(r, size(shape)), shape);
/** An array of n floats that no result equals: the tests see whether anything was written. */
const sentinel = (n: number) => new Float32Array(n).fill(-12345.5);

function net(resident: boolean) {
  const spec = fcn.fcn({ variant: "8s", classes: 3, widths: [4, 6, 8, 8, 8], fc: 12, learnUpsampling: true, inputShape: [1, 3, 40, 36] });
  return fcn.Net.fromGraph(spec, undefined, { resident, seed: 3 });
}

afterAll(async () => {
  await fcn.dispose();
});

describe.each([1, 2])("options.out on %i thread(s)", (threads) => {
  it("ready", async () => {
    const info = await fcn.ready({ threads });
    expect(info.threads).toBe(threads);
  });

  it("conv and convTranspose write y into out: the same bits, the returned data is out", () => {
    const r = rng(11 + threads);
    const x = rand(r, [2, 5, 13, 11]), w = rand(r, [7, 5, 3, 3]), b = rand(r, [7]);
    const attrs = { pads: [1, 0, 2, 1], strides: [2, 1] };
    const want = fcn.conv(x, w, b, attrs);
    const out = sentinel(want.data.length);
    const got = fcn.conv(x, w, b, attrs, { out });
    expect(got.data).toBe(out);
    expectSameBits(got, want, "conv with out");

    const wt = rand(r, [5, 4, 4, 4]), bt = rand(r, [4]);
    const tAttrs = { strides: [2, 2], pads: [1, 1, 1, 1] };
    for (const algorithm of ["auto", "subpixel", "gemm-col2im"] as const) {
      const wantT = fcn.convTranspose(x, wt, bt, tAttrs, { algorithm });
      const outT = sentinel(wantT.data.length);
      const gotT = fcn.convTranspose(x, wt, bt, tAttrs, { algorithm, out: outT });
      expect(gotT.data).toBe(outT);
      expectSameBits(gotT, wantT, `convTranspose ${algorithm} with out`);
    }
  });

  it("a resident weight and a forced Winograd conv write into out alike", () => {
    const r = rng(5);
    const x = rand(r, [1, 32, 14, 14]), w = fcn.resident(rand(r, [16, 32, 3, 3]));
    const want = fcn.conv(x, w, null, { pads: [1, 1, 1, 1] }, { algorithm: "winograd" });
    const out = sentinel(want.data.length);
    expectSameBits(fcn.conv(x, w, null, { pads: [1, 1, 1, 1] }, { algorithm: "winograd", out }), want, "winograd with out");
    w.dispose();
  });

  it("out may be x's own data: x is read before y is written", () => {
    const r = rng(7);
    const x = rand(r, [1, 6, 9, 9]), w = rand(r, [6, 6, 3, 3]);
    const want = fcn.conv(fcn.tensor(x.data.slice(), x.shape.slice()), w, null, { pads: [1, 1, 1, 1] });
    const got = fcn.conv(x, w, null, { pads: [1, 1, 1, 1] }, { out: x.data });
    expect(got.data).toBe(x.data);
    expectSameBits(got, want, "conv into its own input");
  });

  it("refuses an out of the wrong length, of another kind or in wasm memory, and leaves it as it was", () => {
    const r = rng(3);
    const x = rand(r, [1, 2, 5, 5]), w = rand(r, [3, 2, 3, 3]);
    const short = sentinel(3 * 3 * 3 - 1);
    expect(() => fcn.conv(x, w, null, {}, { out: short })).toThrow(fcn.ShapeError);
    expect(() => fcn.conv(x, w, null, {}, { out: short })).toThrow(/\[1, 3, 3, 3\] has 27 elements; out has 26/);
    expect(short.every((v) => v === -12345.5)).toBe(true);
    const long = sentinel(7 * 7 * 3 + 1);
    expect(() => fcn.convTranspose(x, fcn.tensor(randArray(r, 2 * 3 * 9), [2, 3, 3, 3]), null, {}, { out: long })).toThrow(fcn.ShapeError);
    expect(long.every((v) => v === -12345.5)).toBe(true);
    for (const bad of [new Float64Array(27), Array.from({ length: 27 }, () => 0), { length: 27 }, 27, null]) {
      expect(() => fcn.conv(x, w, null, {}, { out: bad as unknown as Float32Array }), String(bad)).toThrow(fcn.AttributeError);
    }
    const inWasm = new Float32Array(runtime().memory.buffer, 1 << 16, 27);
    expect(() => fcn.conv(x, w, null, {}, { out: inWasm })).toThrow(/wasm memory/);
    expect(() => fcn.conv(x, w, null, {}, { out: inWasm })).toThrow(fcn.AttributeError);
    // an unknown option is still named
    expect(() => fcn.conv(x, w, null, {}, { output: short } as never)).toThrow(/options\.output/);
  });

  it("convTransposeAsync writes into out when it resolves", async () => {
    const r = rng(21);
    const x = rand(r, [1, 8, 12, 12]), w = rand(r, [8, 6, 4, 4]);
    const want = fcn.convTranspose(x, w, null, { strides: [2, 2] });
    const out = sentinel(want.data.length);
    const got = await fcn.convTransposeAsync(x, w, null, { strides: [2, 2] }, { out });
    expect(got.data).toBe(out);
    expectSameBits(got, want, "convTransposeAsync with out");
  });

  it.each([true, false])("Net.run and Net.runAsync write the output into out (resident plan: %s)", async (resident) => {
    const r = rng(31);
    const x = rand(r, [1, 3, 40, 36]);
    const a = net(resident), b = net(resident);
    const want = a.run(x);
    const out = sentinel(want.data.length);
    const got = b.run(x, { out });
    expect(got.data).toBe(out);
    expectSameBits(got, want, "Net.run with out");
    const outAsync = sentinel(want.data.length);
    const gotAsync = await b.runAsync(x, { out: outAsync });
    expect(gotAsync.data).toBe(outAsync);
    expectSameBits(gotAsync, want, "Net.runAsync with out");
    const short = sentinel(want.data.length - 1);
    expect(() => b.run(x, { out: short })).toThrow(fcn.ShapeError);
    expect(short.every((v) => v === -12345.5)).toBe(true);
    await expect(b.runAsync(x, { out: short })).rejects.toThrow(/Net\.runAsync\(options\.out\)/);
    expect(() => b.run(x, { out: [1, 2] as unknown as Float32Array })).toThrow(fcn.AttributeError);
    expect(() => b.run(x, { into: out } as never)).toThrow(/options\.into/);
    a.dispose();
    b.dispose();
  });
});
