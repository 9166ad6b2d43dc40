// The checks of Net.fromGraph's `weights` and `options`, so that a wrong argument is a typed error
// naming it (a null weight, `weights = 5`, `{ seeds: 1 }`, `{ resident: 'yes' }`) instead of a
// TypeError deep inside, or nothing at all. Whether each weight fits the graph is Net's business.
import { checkAttrNames, show } from "../attrs.js";
import { AttributeError } from "../errors.js";
import { type Tensor, checkTensor } from "../tensor.js";
import { isMap, isPlainObject, kindOf, kindWithType } from "../values.js";

/**
 * `weights` as a Map of checked tensors: undefined or null → none; a Map or a plain object of
 * tensors by parameter name. Each value must be a well-formed Tensor (ShapeError naming it as
 * `Net.fromGraph(weights["conv1.weight"])`); anything else is an AttributeError.
 */
export function readWeights(weights: unknown): Map<string, Tensor> {
  if (weights === undefined || weights === null) return new Map();
  let entries: [unknown, unknown][];
  if (isMap(weights)) entries = [...weights];
  else if (isPlainObject(weights)) entries = Object.entries(weights);
  else {
    throw new AttributeError(`Net.fromGraph(weights): expected a Map or a plain object of Tensors by parameter name (e.g. loadSafetensors' result), got ${kindWithType(weights)}`);
  }
  const map = new Map<string, Tensor>();
  for (const [name, t] of entries) {
    if (typeof name !== "string") throw new AttributeError(`Net.fromGraph(weights): expected parameter names (strings) as keys, got ${kindOf(name)}`);
    checkTensor(t, `Net.fromGraph(weights[${JSON.stringify(name)}])`);
    map.set(name, t as Tensor);
  }
  return map;
}

/** `options` checked: only `seed` (an integer) and `resident` (a boolean), each of its type. */
export function readNetOptions(options: unknown): { seed?: number; resident?: boolean; keep?: "all" | readonly string[] } {
  const o = checkAttrNames(options, ["seed", "resident", "keep"], "Net.fromGraph", "options");
  if (o.keep !== undefined && o.keep !== "all" && !(Array.isArray(o.keep) && o.keep.every((k) => typeof k === "string"))) {
    throw new AttributeError(`Net.fromGraph(options.keep): expected "all" or an array of blob names, got ${show(o.keep)}`);
  }
  if (o.seed !== undefined && (typeof o.seed !== "number" || !Number.isSafeInteger(o.seed))) {
    throw new AttributeError(`Net.fromGraph(options.seed): expected an integer, got ${show(o.seed)}`);
  }
  if (o.resident !== undefined && typeof o.resident !== "boolean") {
    throw new AttributeError(`Net.fromGraph(options.resident): expected true or false, got ${show(o.resident)}`);
  }
  return o as { seed?: number; resident?: boolean; keep?: "all" | readonly string[] };
}
