// examples/onnx/finetune.js runs as a user would run it: the shipped FCN-8s goes out as ONNX, comes
// back through Net.fromOnnx with the same predictions, fine-tunes, and the file it writes loads.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { fcn } from "./lib.js";

const script = fileURLToPath(new URL("../examples/onnx/finetune.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "fcn-example-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("examples/onnx/finetune.js", () => {
  it("exports, reloads with the same predictions, fine-tunes and writes a loadable model", async () => {
    const out = join(dir, "tuned.onnx");
    const r = spawnSync(process.execPath, [script, "--steps", "2", "--eval", "4", "--out", out], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    // the reloaded net scores exactly what the original does (same bits through toOnnx/fromOnnx)
    const m = /held-out mean IU ([\d.]+)% \(the original net: ([\d.]+)%\)/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(m![1]).toBe(m![2]);
    expect(r.stdout).toMatch(/fine-tuned 2 steps \(last loss \d/);
    expect(existsSync(out)).toBe(true);
    await fcn.ready();
    const net = fcn.Net.fromOnnx(new Uint8Array(readFileSync(out)));
    expect(net.run(fcn.tensor(new Float32Array(3 * 64 * 64), [1, 3, 64, 64])).shape).toEqual([1, 5, 64, 64]);
  });

  it("refuses bad numbers before any work", () => {
    const r = spawnSync(process.execPath, [script, "--steps=-1"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--steps must be an integer/);
    const typo = spawnSync(process.execPath, [script, "--stpes", "3"], { encoding: "utf8" });
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/finetune: .*--stpes/);
  });
});
