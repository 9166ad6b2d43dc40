// The external files a model's tensors name (TensorProto.data_location = EXTERNAL, its
// external_data `location`): initializers and Constant nodes' tensor attributes, in order of first
// mention. A location is a path relative to the model's directory (ONNX's external-data rules); one
// that is absolute or climbs out with ".." is refused, so a model file cannot make a loader read
// anything beside it.
import { AttributeError } from "../errors.js";
import { type TensorProto, readModel } from "./proto.js";

/** The files (relative paths) holding a model's external tensor data. */
export function externalFiles(bytes: Uint8Array): string[] {
  const model = readModel(bytes);
  const files: string[] = [];
  const visit = (t: TensorProto | null) => {
    if (t === null || t.dataLocation !== 1) return;
    const location = t.externalData.find((e) => e.key === "location")?.value;
    if (location === undefined) throw new AttributeError(`${t.path}: its data is external but it names no location`);
    checkLocation(location, t.path);
    if (!files.includes(location)) files.push(location);
  };
  for (const t of model.graph?.initializer ?? []) visit(t);
  for (const n of model.graph?.node ?? []) for (const a of n.attribute) visit(a.t);
  return files;
}

function checkLocation(location: string, path: string): void {
  const parts = location.split(/[\\/]/);
  if (location === "" || /^([a-zA-Z]:)?[\\/]/.test(location) || parts.includes("..")) {
    throw new AttributeError(`${path}: external data location "${location}" is not a path inside the model's directory (absolute paths and ".." are refused)`);
  }
}
