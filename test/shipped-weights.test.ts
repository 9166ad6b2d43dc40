// The shipped nets (weights/fcn-synthetic-{32s,16s,8s}.safetensors): F16, under the 2 MB budget
// together, each loading into its recipe's spec (weights/fcn-synthetic.js) with exactly the
// spec's parameters, and segmenting held-out images better than background-only does (mean IU
// ≈ 0.15 here); `npm run reproduce --save`, which writes them, refuses a run without the learned row.
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { fcn } from "./lib.js";
import { NETS, evaluate, specFor, weightsUrl } from "../weights/fcn-synthetic.js";

beforeAll(async () => {
  await fcn.ready();
});

/** dtype of every tensor in a safetensors header. */
function dtypes(bytes: Uint8Array): string[] {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  return Object.entries(header).filter(([k]) => k !== "__metadata__").map(([, v]) => (v as { dtype: string }).dtype);
}

describe("the shipped nets", () => {
  it("are F16 and under 2 MB together", () => {
    let total = 0;
    for (const v of NETS) {
      const path = fileURLToPath(weightsUrl(v));
      total += statSync(path).size;
      expect(new Set(dtypes(new Uint8Array(readFileSync(path)))), v).toEqual(new Set(["F16"]));
    }
    expect(total).toBeLessThan(2 * 1024 * 1024);
  });

  it.each(NETS)("FCN-%s loads into its spec with exactly its parameters and segments held-out images", (v) => {
    const weights = fcn.loadSafetensors(new Uint8Array(readFileSync(fileURLToPath(weightsUrl(v)))));
    const fresh = fcn.Net.fromGraph(specFor(v, "learned"));
    expect(Object.keys(weights).sort()).toEqual([...fresh.parameters().keys()].sort());
    fresh.dispose();
    const net = fcn.Net.fromGraph(specFor(v, "learned"), weights);
    expect(evaluate(net, 16).meanIU).toBeGreaterThan(0.2);
    net.dispose();
  });

  it("npm run reproduce --save needs the learned row", () => {
    const script = fileURLToPath(new URL("../scripts/reproduce.js", import.meta.url));
    const r = spawnSync(process.execPath, [script, "--only", "fixed", "--save", "out/never"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--save writes the learned nets/);
  });
});
