// fcn-wasm/node's loadOnnxFile: a model on disk with its weights in sidecar files beside it (as
// PyTorch's dynamo exporter writes `model.onnx.data`) loads in one call; a missing sidecar or a
// location outside the model's directory is an AttributeError naming it, before any work.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fcn } from "../lib.js";
import { loadOnnxFile, readOnnxFile } from "../../dist/node/index.js";
import { externalFiles } from "../../dist/onnx/external-files.js";
import { cat, len, model, msg, node, attr, int, tensorProto, valueInfo } from "./proto-writer.js";

const dir = mkdtempSync(join(tmpdir(), "fcn-onnx-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry = (k: string, v: string) => msg(13, len(1, k), len(2, v));
/** A Conv model whose weight [3, 2, 3, 3] lives in `location` at `offset`, its bias [3] in `biasLocation`. */
function externalModel(location: string, biasLocation = location, biasOffset = 0) {
  const w = tensorProto({ name: "w", dims: [3, 2, 3, 3], extra: [entry("location", location), entry("offset", "16"), int(14, 1)] });
  const b = tensorProto({ name: "b", dims: [3], extra: [entry("location", biasLocation), entry("offset", String(biasOffset)), entry("length", "12"), int(14, 1)] });
  return model({
    nodes: [node("Conv", ["x", "w", "b"], ["y"], [attr.ints("pads", [1, 1, 1, 1])])],
    initializers: [w, b],
    inputs: [valueInfo("x", [1, 2, 4, 4])],
    outputs: [valueInfo("y", [1, 3, 4, 4])],
  });
}
const weights = Float32Array.from({ length: 54 }, (_, i) => Math.cos(i));
const bias = Float32Array.of(0.5, -1, 2);

describe("loadOnnxFile (fcn-wasm/node)", () => {
  it("reads the model and its sidecar files from its directory, and runs as fromOnnx with the bytes does", async () => {
    const sub = join(dir, "ok");
    mkdirSync(join(sub, "weights"), { recursive: true });
    const modelBytes = externalModel("model.onnx.data", "weights/bias.bin", 4);
    writeFileSync(join(sub, "model.onnx"), modelBytes);
    writeFileSync(join(sub, "model.onnx.data"), cat(new Uint8Array(16), new Uint8Array(weights.buffer)));
    writeFileSync(join(sub, "weights", "bias.bin"), cat(new Uint8Array(4), new Uint8Array(bias.buffer)));
    expect(externalFiles(modelBytes)).toEqual(["model.onnx.data", "weights/bias.bin"]);
    const net = await loadOnnxFile(join(sub, "model.onnx"));
    expect(Array.from(net.parameters().get("y.weight")!.data)).toEqual(Array.from(weights));
    expect(Array.from(net.parameters().get("y.bias")!.data)).toEqual(Array.from(bias));
    const { bytes, externalData } = await readOnnxFile(join(sub, "model.onnx"));
    const x = fcn.tensor(Float32Array.from({ length: 32 }, (_, i) => Math.sin(i)), [1, 2, 4, 4]);
    expect(Array.from(net.run(x).data)).toEqual(Array.from(fcn.Net.fromOnnx(bytes, { externalData }).run(x).data));
  });

  it("names a missing sidecar file", async () => {
    const sub = join(dir, "missing");
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, "model.onnx"), externalModel("gone.data"));
    await expect(loadOnnxFile(join(sub, "model.onnx"))).rejects.toThrow(fcn.AttributeError);
    await expect(loadOnnxFile(join(sub, "model.onnx"))).rejects.toThrow(/weights are in "gone\.data", which could not be read/);
  });

  it("refuses locations outside the model's directory", async () => {
    for (const location of ["../secret.bin", "/etc/passwd", "a/../../b", "C:\\w.bin", ""]) {
      const bytes = externalModel(location);
      expect(() => externalFiles(bytes), location).toThrow(fcn.AttributeError);
      writeFileSync(join(dir, "evil.onnx"), bytes);
      await expect(readOnnxFile(join(dir, "evil.onnx")), location).rejects.toThrow(/not a path inside the model's directory|names no location/);
    }
  });

  it("a file that is no model is an OnnxFormatError", async () => {
    writeFileSync(join(dir, "junk.onnx"), new Uint8Array([0xff, 0xff, 0xff]));
    await expect(loadOnnxFile(join(dir, "junk.onnx"))).rejects.toThrow(fcn.OnnxFormatError);
  });
});
