// Operands taken at call time (README "Threads: async forms"): an async form runs its op later (after a turn
// of the event loop, or when the pool is free), so it must not read the caller's arrays then. It
// copies every tensor's data and shape, and every attribute object, synchronously in the call;
// what the caller changes afterwards (before the promise settles) changes nothing. A resident
// tensor is copied too: the caller may dispose() it (or leave a `using` block) before the op
// runs. Anything that is no tensor is passed through unchanged, so the op still rejects with its
// own typed error.
import { type Tensor, residentHandle } from "../tensor.js";
import { isFloat32Array, isPlainObject } from "../values.js";

/** A copy of `t`'s data and shape now (t itself if it is not a tensor at all). */
export function snapshotTensor<T extends Tensor | null | undefined>(t: T): T {
  if (t === null || typeof t !== "object") return t;
  // A resident tensor's .data is a fresh copy of its block (a disposed one throws NotReadyError
  // here, in the call, as its sync op would).
  if (residentHandle(t) !== undefined) return { data: t.data, shape: t.shape.slice() } as unknown as T;
  const { data, shape } = t; // read each once: they may be getters
  // Only a Float32Array is a tensor's data; anything else goes to the op as it is, for its error.
  return { data: isFloat32Array(data) ? copyFloats(data) : data, shape: copyValue(shape) } as T;
}

/** A plain Float32Array copy (of any realm's array; slice() would call a subclass's constructor). */
function copyFloats(data: Float32Array): Float32Array {
  const out = new Float32Array(data.length);
  out.set(data);
  return out;
}

/** A deep copy of an attribute object (arrays and plain objects; other values as they are). */
export function snapshotAttrs<T>(attrs: T): T {
  return copyValue(attrs);
}

function copyValue<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copyValue) as T;
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) out[key] = copyValue(value);
  return out as T;
}
