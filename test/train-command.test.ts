// `npm run train` never replaces a file it was not told to: the weights go to out/ by default
// (not over the shipped weights/fcn-synthetic-*.safetensors that `npm start` and the demo load),
// and an existing file is replaced only with --force. Bad options stop it before any training.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { fcn } from "./lib.js";
// @ts-expect-error: plain ESM module without type declarations
import { DEFAULT_OUT, parseTrainOptions } from "../scripts/lib/train-options.js";

const script = fileURLToPath(new URL("../scripts/train.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "fcn-train-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: "utf8", cwd: dir });

describe("npm run train: where the weights go", () => {
  it("defaults to out/, not the shipped model", () => {
    expect(DEFAULT_OUT).toBe("out/fcn-synthetic-8s.safetensors");
    expect(parseTrainOptions([]).out).toBe(DEFAULT_OUT);
  });

  it("refuses an existing file without --force, before training, and leaves it as it was", () => {
    const file = join(dir, "existing.safetensors");
    writeFileSync(file, "the shipped model");
    expect(() => parseTrainOptions(["--out", file])).toThrow(/exists; pass --force/);
    expect(parseTrainOptions(["--out", file, "--force"]).force).toBe(true);
    const r = train("--steps", "1", "--out", file);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/exists; pass --force to replace it/);
    expect(readFileSync(file, "utf8")).toBe("the shipped model");
  });

  it("rejects unknown arguments and bad numbers", () => {
    expect(() => parseTrainOptions(["--stpes", "3"])).toThrow(/unknown argument '--stpes'/);
    expect(() => parseTrainOptions(["--steps", "2.5"])).toThrow(/--steps: expected a whole number/);
    expect(() => parseTrainOptions(["--lr", "-1"])).toThrow(/--lr: expected a positive number/);
    expect(() => parseTrainOptions(["--out"])).toThrow(/--out needs a value/);
  });

  it("writes a new file (one step) and loads back as the net's parameters", () => {
    const file = join(dir, "new", "model.safetensors");
    const r = train("--steps", "1", "--eval", "2", "--out", file);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(r.stdout).toMatch(/trained 1 steps.*mean IU \d/);
    const params = fcn.loadSafetensors(new Uint8Array(readFileSync(file)));
    expect(Object.keys(params).some((name) => name.endsWith(".weight"))).toBe(true);
  });
});
