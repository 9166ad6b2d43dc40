// What a caller passed: plain objects and Float32Arrays recognised by what they are, not by
// `instanceof` (so values made in another realm, an iframe or a `vm` context, are accepted), and
// the words messages use for a value of the wrong kind ("a Map", "an array", "null").

/** The %TypedArray%.prototype[Symbol.toStringTag] getter: reads a typed array's own kind, any realm. */
const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Int8Array.prototype), Symbol.toStringTag)?.get;

/** True for a genuine Float32Array of any realm (not a look-alike object, not another typed array). */
export function isFloat32Array(v: unknown): v is Float32Array {
  return ArrayBuffer.isView(v) && typedArrayTag?.call(v) === "Float32Array";
}

/**
 * True for an object literal (or Object.create(null), or JSON.parse's objects) of any realm: its
 * prototype is null or some realm's Object.prototype (whose own prototype is null).
 */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === null || (Object.getPrototypeOf(proto) === null && Object.prototype.toString.call(v) === "[object Object]");
}

/** True for a Map of any realm. */
export function isMap(v: unknown): v is Map<unknown, unknown> {
  return v instanceof Map || Object.prototype.toString.call(v) === "[object Map]";
}

/**
 * kindOf with the type spelled out for primitives ("number 5", "string \"x\"") and as it is for
 * objects ("a Map"), so "got 2" never reads as a count.
 */
export function kindWithType(v: unknown): string {
  return v !== null && typeof v === "object" ? kindOf(v) : `${typeof v} ${kindOf(v)}`;
}

/** "a Map", "an Int8Array": the indefinite article for a name. */
function withArticle(name: string): string {
  return `${/^[aeiou]/i.test(name) ? "an" : "a"} ${name}`;
}

/**
 * The kind of value `v` is, for "expected …, got <kind>" messages: null, undefined, a number or
 * boolean as written, a string quoted (cut at 40 characters), "an array of 3", "a plain object",
 * or the class of any other object ("a Map", "a Float64Array").
 */
export function kindOf(v: unknown): string {
  if (v === null || v === undefined || typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "bigint") return `the bigint ${v}n`;
  if (typeof v === "symbol") return "a symbol";
  if (typeof v === "function") return "a function";
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (isPlainObject(v)) return "a plain object";
  const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name !== "string" || name === "" || name === "Object") return "an object that is no plain object (its prototype is not Object.prototype)";
  return withArticle(name);
}
