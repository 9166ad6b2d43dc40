// Node-only helpers (`import { loadOnnxFile } from "fcn-wasm/node"`): file-system access kept out
// of the main entry, so a bundled web app never sees node:fs.
export { loadOnnxFile, readOnnxFile } from "./onnx-file.js";
export type { OnnxFile } from "./onnx-file.js";
