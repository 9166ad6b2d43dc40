// The runtime: loads the build the host supports, owns the WebAssembly.Memory (imported by the
// module, so TS plans all of it), the workspace arena and the parameter block. `ready()` sets it
// up once; ops reach it through `runtime()`.
import { AttributeError, NotReadyError, UnsupportedError } from "../errors.js";
import { Arena } from "./arena.js";
import { hasRelaxedSimd, hasSimd, hasWebAssembly } from "./features.js";
import { type Kernels, KERNEL_NAMES } from "./kernels.js";
import { ARENA_BASE, PARAMS_PTR, ParamBlock } from "./params.js";
import { checkAttrNames, show } from "../attrs.js";

export type BuildName = "simd" | "relaxed";

export interface ReadyOptions {
  /** Worker threads. Only 1 is implemented so far; 'auto' runs 1 and says why in RuntimeInfo. */
  threads?: number | "auto";
  /**
   * Override where the kernel module comes from (for unusual bundlers): its bytes, or a URL of a
   * .wasm file. The module must be a build of this package's own version.
   */
  wasm?: BufferSource | URL | string;
  /** 'auto' (default) picks relaxed SIMD where the host validates it, else SIMD128. */
  simd?: "auto" | "relaxed" | "simd";
}

export interface RuntimeInfo {
  /** Which build runs: 'simd', 'relaxed', or 'custom' when `wasm` was given. */
  build: BuildName | "custom";
  /** Threads in use (always 1 for now). */
  threads: number;
  /** Why that many threads. */
  threadsReason: string;
  /** Host features seen by the probes. */
  features: { simd: boolean; relaxedSimd: boolean };
}

export interface Runtime {
  kernels: Kernels;
  memory: WebAssembly.Memory;
  arena: Arena;
  params: ParamBlock;
  info: RuntimeInfo;
}

let current: Runtime | null = null;
let pending: { key: string; promise: Promise<RuntimeInfo> } | null = null;

/** The loaded runtime; throws NotReadyError before `await ready()`. */
export function runtime(): Runtime {
  if (current === null) throw new NotReadyError("fcn-wasm is not initialised: call `await ready()` once before using any op");
  return current;
}

/** True once `ready()` has resolved. */
export function isReady(): boolean {
  return current !== null;
}

function wasmUrl(build: BuildName): URL {
  // Spelled out per build so bundlers (Vite, webpack 5) see each `new URL('…', import.meta.url)`.
  return build === "relaxed"
    ? new URL("../wasm/fcn-wasm.relaxed.wasm", import.meta.url)
    : new URL("../wasm/fcn-wasm.simd.wasm", import.meta.url);
}

async function readBytes(source: URL): Promise<BufferSource> {
  if (source.protocol === "file:") {
    // Ignored by bundlers: this branch only runs in Node (file: URLs), never in a page.
    const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ "node:fs/promises");
    return new Uint8Array(await fs.readFile(source));
  }
  const response = await fetch(source);
  if (!response.ok) throw new UnsupportedError(`ready(): could not load ${source.href}: HTTP ${response.status} ${response.statusText}`);
  return response.arrayBuffer();
}

function chooseBuild(simd: ReadyOptions["simd"], features: RuntimeInfo["features"]): BuildName {
  if (!features.simd) {
    throw new UnsupportedError("ready(): this host's WebAssembly has no SIMD128 (fixed-width SIMD), which fcn-wasm needs: use Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89 or Safari ≥ 16.4");
  }
  if (simd === "simd") return "simd";
  if (simd === "relaxed") {
    if (!features.relaxedSimd) {
      throw new UnsupportedError("ready({ simd: 'relaxed' }): this host does not validate relaxed SIMD (Chrome ≥ 114; Node 20 needs --experimental-wasm-relaxed-simd); use simd: 'auto' or 'simd'");
    }
    return "relaxed";
  }
  return features.relaxedSimd ? "relaxed" : "simd";
}

function readThreads(threads: ReadyOptions["threads"]): { threads: number; threadsReason: string } {
  if (threads === undefined || threads === 1) return { threads: 1, threadsReason: "one thread requested (the default)" };
  if (threads === "auto") return { threads: 1, threadsReason: "'auto': the worker pool is not built yet, so one thread runs" };
  if (typeof threads !== "number" || !Number.isInteger(threads) || threads < 1) {
    throw new AttributeError(`ready(options.threads): expected a positive integer or 'auto', got ${show(threads)}`);
  }
  throw new UnsupportedError(`ready(options.threads): ${threads} threads requested, but the worker pool is not implemented yet; use 1 or 'auto'`);
}

async function load(options: ReadyOptions): Promise<RuntimeInfo> {
  if (!hasWebAssembly()) throw new UnsupportedError("ready(): this host has no WebAssembly");
  const features = { simd: hasSimd(), relaxedSimd: hasRelaxedSimd() };
  const simd = options.simd ?? "auto";
  if (simd !== "auto" && simd !== "simd" && simd !== "relaxed") {
    throw new AttributeError(`ready(options.simd): expected 'auto', 'relaxed' or 'simd', got ${show(simd)}`);
  }
  const threadInfo = readThreads(options.threads);
  const build = chooseBuild(simd, features);
  let bytes: BufferSource;
  const source = options.wasm;
  if (source === undefined) {
    bytes = await readBytes(wasmUrl(build));
  } else if (typeof source === "string" || source instanceof URL) {
    const url = new URL(String(source), typeof location === "object" ? location.href : import.meta.url);
    try {
      bytes = await readBytes(url);
    } catch (e) {
      if (e instanceof UnsupportedError) throw e;
      throw new UnsupportedError(`ready(options.wasm): could not read ${url.href}: ${(e as Error).message}`);
    }
  } else if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    bytes = source;
  } else {
    throw new AttributeError(`ready(options.wasm): expected bytes (ArrayBuffer or a typed array), a URL or a string, got ${typeof source}`);
  }

  const memory = new WebAssembly.Memory({ initial: 2, maximum: 65536 });
  let instance: WebAssembly.Instance;
  try {
    ({ instance } = await WebAssembly.instantiate(bytes, { env: { memory } }));
  } catch (e) {
    throw new UnsupportedError(`ready(${source === undefined ? "" : "options.wasm"}): the kernel module did not compile or instantiate here: ${(e as Error).message}`);
  }
  const exports = instance.exports as unknown as Kernels;
  const missing = KERNEL_NAMES.filter((name) => typeof exports[name] !== "function");
  if (missing.length > 0) throw new UnsupportedError(`ready(): the kernel module lacks ${missing.join(", ")}; is it a build of another version?`);
  if (exports.heap_base() > PARAMS_PTR) {
    throw new UnsupportedError(`ready(): the kernel module's static data (${exports.heap_base()} bytes) overlaps the parameter block`);
  }
  const info: RuntimeInfo = { build: options.wasm === undefined ? build : "custom", ...threadInfo, features };
  const arena = new Arena(memory, ARENA_BASE);
  current = { kernels: committing(exports, arena), memory, arena, params: new ParamBlock(memory), info };
  return info;
}

/** The kernels, each committing the arena first: memory grows only once a call's reservations all fit. */
function committing(raw: Kernels, arena: Arena): Kernels {
  const wrapped: Record<string, unknown> = {};
  for (const name of KERNEL_NAMES) {
    const fn = raw[name] as (...args: number[]) => number;
    wrapped[name] = (...args: number[]) => {
      arena.commit();
      return fn(...args);
    };
  }
  return wrapped as unknown as Kernels;
}

/**
 * Loads the kernels; await it once before any op. Ops are synchronous afterwards. Calling it
 * again with the same options returns the same runtime; with other options it loads anew.
 */
export function ready(options: ReadyOptions | null = {}): Promise<RuntimeInfo> {
  options ??= {};
  try {
    checkAttrNames(options, ["threads", "wasm", "simd"], "ready", "options");
  } catch (e) {
    return Promise.reject(e);
  }
  const key = JSON.stringify({ threads: options.threads, simd: options.simd, wasm: options.wasm === undefined ? null : typeof options.wasm === "string" || options.wasm instanceof URL ? String(options.wasm) : Math.random() });
  if (pending !== null && pending.key === key) return pending.promise;
  const promise = load(options);
  pending = { key, promise };
  promise.catch(() => {
    if (pending?.promise === promise) pending = null;
  });
  return promise;
}
