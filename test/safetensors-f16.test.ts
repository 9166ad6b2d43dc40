// saveSafetensors(…, { dtype: "F16" }): every binary16 value survives a save/load round trip bit
// for bit, and float32 values between two halves round to the nearest one, ties to even, at the
// normal, subnormal and overflow edges. The shipped weights (weights/fcn-synthetic-*.safetensors)
// are written this way.
import { describe, expect, it } from "vitest";
import { loadSafetensors, saveSafetensors } from "../dist/nn/safetensors.js";
import { floatToHalf, halfToFloat } from "../dist/nn/half.js";
import { fcn } from "./lib.js";

/** Saves `values` as one F16 tensor and loads them back as float32. */
function throughF16(values: number[]): number[] {
  const bytes = saveSafetensors({ x: fcn.tensor(Float32Array.from(values), [values.length]) }, undefined, { dtype: "F16" });
  return Array.from(loadSafetensors(bytes).x.data);
}

describe("saveSafetensors F16", () => {
  it("writes dtype F16 at two bytes a value", () => {
    const bytes = saveSafetensors({ x: fcn.tensor(new Float32Array(6), [2, 3]) }, undefined, { dtype: "F16" });
    const n = new DataView(bytes.buffer).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.x).toEqual({ dtype: "F16", shape: [2, 3], data_offsets: [0, 12] });
    expect(bytes.length).toBe(8 + n + 12);
  });

  it("round-trips all 65536 binary16 values (±0, subnormals, ±∞, NaN) bit for bit", () => {
    const all = Array.from({ length: 65536 }, (_, h) => halfToFloat(h));
    const back = throughF16(all);
    for (let h = 0; h < 65536; h++) {
      const isNaN = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      if (isNaN) expect(back[h]).toBeNaN();
      else if (floatToHalf(back[h]) !== h) throw new Error(`half 0x${h.toString(16)} (${all[h]}) came back as ${back[h]}`);
    }
    expect(Object.is(back[0x8000], -0)).toBe(true);
  });

  it("rounds to the nearest half, ties to even", () => {
    const ulp1 = 2 ** -10; // spacing of halves in [1, 2)
    expect(throughF16([1 + ulp1 / 2])).toEqual([1]); // tie, 1 is even
    expect(throughF16([1 + (3 * ulp1) / 2])).toEqual([1 + 2 * ulp1]); // tie, rounds up to even
    expect(throughF16([1 + ulp1 / 2 + 2 ** -20])).toEqual([1 + ulp1]); // just past the tie
    expect(throughF16([-(1 + ulp1 / 2 - 2 ** -20)])).toEqual([-1]); // just short of it
    expect(throughF16([0.1])).toEqual([halfToFloat(0x2e66)]); // 0.0999755859375
  });

  it("overflows past 65504 to ∞ only from the tie at 65520 on", () => {
    expect(throughF16([65504, 65519, 65520, 1e6, -1e6])).toEqual([65504, 65504, Infinity, Infinity, -Infinity]);
    expect(throughF16([Infinity, -Infinity])).toEqual([Infinity, -Infinity]);
    expect(throughF16([NaN])[0]).toBeNaN();
  });

  it("rounds into and out of the subnormals", () => {
    const tiny = 2 ** -24; // the smallest subnormal half
    expect(throughF16([tiny / 2, tiny * 0.50001, tiny * 1.5, tiny * 2.5, 2 ** -30])).toEqual([0, tiny, 2 * tiny, 2 * tiny, 0]);
    expect(throughF16([1023.5 * tiny])).toEqual([2 ** -14]); // the largest subnormal rounds up into the smallest normal
    expect(Object.is(throughF16([-(2 ** -30)])[0], -0)).toBe(true);
  });

  it("rejects a dtype it cannot write", () => {
    expect(() => saveSafetensors({ x: fcn.tensor(new Float32Array(1), [1]) }, undefined, { dtype: "BF16" as "F16" })).toThrow(/F32.*F16/);
  });
});
