// An .onnx file from disk with its external-data sidecars (PyTorch ≥ 2.9's dynamo exporter writes
// weights to `model.onnx.data` beside the model; older large exports write one file per tensor):
// each file a tensor names is read from the model's directory and handed to Net.fromOnnx.
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { AttributeError } from "../errors.js";
import { Net } from "../nn/net.js";
import { externalFiles } from "../onnx/external-files.js";
import type { OnnxOptions } from "../onnx/to-graph.js";
import { isReady, ready } from "../runtime/runtime.js";

/** A model's bytes and its external data files by the names its tensors use. */
export interface OnnxFile {
  bytes: Uint8Array;
  externalData: Record<string, Uint8Array>;
}

/**
 * Reads the model at `path` and every external data file its tensors name (relative to the model's
 * directory). Throws OnnxFormatError for bytes that are no model, AttributeError naming a missing
 * sidecar file or a location outside the model's directory.
 */
export async function readOnnxFile(path: string): Promise<OnnxFile> {
  const bytes = new Uint8Array(await readFile(path));
  const externalData: Record<string, Uint8Array> = {};
  for (const file of externalFiles(bytes)) {
    const full = join(dirname(path), file);
    try {
      externalData[file] = new Uint8Array(await readFile(full));
    } catch (e) {
      throw new AttributeError(`loadOnnxFile("${path}"): the model's weights are in "${file}", which could not be read (${full}: ${(e as Error).message})`);
    }
  }
  return { bytes, externalData };
}

/**
 * `Net.fromOnnx` on the model at `path` with its external data files read from beside it. Calls
 * `ready()` with its defaults first if the runtime is not ready (call `ready(options)` before for
 * threads or a particular build).
 */
export async function loadOnnxFile(path: string, options?: Omit<OnnxOptions, "externalData">): Promise<Net> {
  const { bytes, externalData } = await readOnnxFile(path);
  if (!isReady()) await ready();
  return Net.fromOnnx(bytes, { ...options, externalData });
}
