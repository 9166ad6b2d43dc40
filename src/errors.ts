// Typed errors. Every one is thrown synchronously, before any work, and names the argument,
// what was expected and what was given; after any of them the module keeps working.

/** Base class of every error fcn-wasm throws on purpose. */
export class FcnWasmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A tensor's shape or data does not fit the operation (wrong rank, channels, data length…). */
export class ShapeError extends FcnWasmError {}

/** An attribute is unknown, of the wrong type, or out of range. */
export class AttributeError extends FcnWasmError {}

/** A valid request that fcn-wasm does not implement yet (named in the message and the README). */
export class UnsupportedError extends FcnWasmError {}

/** The operation needs more memory than a 32-bit WebAssembly memory can hold (4 GiB). */
export class OutOfMemoryError extends FcnWasmError {}

/** An op was called before `await ready()` finished, or was given something already disposed (a resident tensor). */
export class NotReadyError extends FcnWasmError {}

/**
 * A worker of the thread pool threw, died or did not finish during a call. The call's result is
 * lost; the pool replaces the worker (its share runs on the calling thread until the new one is
 * up), so the next call works.
 */
export class PoolError extends FcnWasmError {}

/**
 * The bytes given as an ONNX model (or TensorProto) are not one: truncated, or malformed at the
 * wire level. The message names the protobuf message (e.g. `ModelProto.graph.node[3].attribute[1]`)
 * and the byte offset.
 */
export class OnnxFormatError extends FcnWasmError {}
