// 3-D maxPool and maxPoolBackward on a pool of 2 threads with every split forced (withEverySplit):
// both of their 2-D passes split over planes (planar slices, then depth volumes), and the results
// equal the float64 references and the 1-thread bits. This file switches ready()'s threads; vitest
// runs each test file in its own process, so other files never see the pool.
import { afterAll, describe, expect, it } from "vitest";
import { expectClose, expectSameBits, fcn, randArray, randInt, rng, withEverySplit } from "./lib.js";
import { maxPoolRef } from "./ref/window-ops.js";
import { sprinkle } from "./special.js";
import { runtime } from "../dist/runtime/runtime.js";

const CASES = Array.from({ length: 8 }, (_, i) => {
  const r = rng(0x3d00 + i);
  const k = [randInt(r, 1, 3), randInt(r, 1, 3), randInt(r, 1, 3)], s = k.map(() => randInt(r, 1, 2));
  const shape = [randInt(r, 1, 2), randInt(r, 1, 3), ...k.map((kk) => kk + randInt(r, 0, 6))];
  const attrs = { kernelShape: k, strides: s, pads: [...k, ...k].map((kk) => randInt(r, 0, kk - 1)), ceilMode: i % 2 === 1 };
  const x = sprinkle(r, randArray(r, shape.reduce((a, b) => a * b, 1)), i % 3);
  return { name: `x=${shape.join("x")} ${JSON.stringify(attrs)}`, shape, attrs, x, r };
});

describe("3-D maxPool on 2 threads, every split forced", () => {
  afterAll(() => fcn.dispose());

  it("forward and backward equal the reference and the 1-thread bits, and split", async () => {
    await fcn.ready({ threads: 1 });
    const one = CASES.map((c) => {
      const xt = fcn.tensor(c.x, c.shape), y = fcn.maxPool(xt, c.attrs);
      const dy = fcn.tensor(randArray(c.r, y.data.length), y.shape.slice());
      return { y, dy, dx: fcn.maxPoolBackward(dy, xt, c.attrs) };
    });
    await fcn.ready({ threads: 2 });
    const pool = runtime().pool!;
    withEverySplit(() => {
      CASES.forEach((c, i) => {
        const xt = fcn.tensor(c.x, c.shape), before = pool.dispatches;
        const y = fcn.maxPool(xt, c.attrs);
        expect(pool.dispatches, `${c.name}: forward split`).toBeGreaterThan(before);
        expectClose(y, maxPoolRef({ data: c.x, shape: c.shape }, c.attrs), c.name, 0, 0);
        expectSameBits(y, one[i].y, `${c.name} forward, 2 threads`);
        expectSameBits(fcn.maxPoolBackward(one[i].dy, xt, c.attrs), one[i].dx, `${c.name} backward, 2 threads`);
      });
    });
  });
});
