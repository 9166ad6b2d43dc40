// `using` (explicit resource management) on Net and ResidentTensor (src/disposable.ts): leaving
// the block disposes them, as dispose() does — the resident memory goes back to the zone, a
// resident tensor is marked disposed. Node 20.4+ has Symbol.dispose; the test build lowers `using`.
import { beforeAll, describe, expect, it } from "vitest";
import { fcn, useBuild } from "./lib.js";
import { runtime } from "../dist/runtime/runtime.js";
import type { GraphSpec, ResidentTensor } from "../dist/index.js";

const residentBytes = () => runtime().arena.residentBytes();

const spec: GraphSpec = {
  input: { name: "x", shape: [1, 2, 6, 6] },
  output: "r",
  layers: [
    { name: "c", op: "Conv", inputs: ["x"], attrs: { outChannels: 3, kernelShape: 3, pads: 1 } },
    { name: "r", op: "Relu", inputs: ["c"] },
  ],
};

describe("using: Symbol.dispose on Net and ResidentTensor", () => {
  beforeAll(() => useBuild("simd"));

  it("this Node has Symbol.dispose", () => {
    expect(typeof Symbol.dispose).toBe("symbol");
  });

  it("a Net in a using block gives its plan's memory back at the block's end", () => {
    const held = residentBytes();
    {
      using net = fcn.Net.fromGraph(spec);
      net.run(fcn.tensor(new Float32Array(72), [1, 2, 6, 6]));
      expect(residentBytes()).toBeGreaterThan(held);
    }
    expect(residentBytes()).toBe(held);
  });

  it("a ResidentTensor in a using block is disposed at the block's end, also when the block throws", () => {
    const held = residentBytes();
    let kept: ResidentTensor | null = null;
    expect(() => {
      using w = fcn.resident(fcn.tensor(new Float32Array(1000), [10, 100]));
      kept = w;
      expect(residentBytes()).toBeGreaterThan(held);
      throw new Error("leaving early");
    }).toThrow("leaving early");
    expect((kept as ResidentTensor | null)?.disposed).toBe(true);
    expect(residentBytes()).toBe(held);
  });
});
