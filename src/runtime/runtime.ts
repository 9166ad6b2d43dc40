// The runtime: loads the build the host supports, owns the WebAssembly.Memory (imported by the
// module, so TS plans all of it), the workspace arena, the parameter block and, with threads > 1,
// the worker pool (pool.ts) on a shared memory and the *-threads build. `ready()` sets it up
// once; ops reach it through `runtime()`.
import { AttributeError, NotReadyError, UnsupportedError } from "../errors.js";
import { Arena } from "./arena.js";
import { hasRelaxedSimd, hasSimd, hasWebAssembly } from "./features.js";
import { type Kernels, KERNEL_NAMES } from "./kernels.js";
import { ARENA_BASE, PARAMS_PTR, ParamBlock, type ParamWriter } from "./param-block.js";
import { MAX_WORKERS } from "./control.js";
import { Pool } from "./pool.js";
import { checkAttrNames, show } from "../attrs.js";

export type BuildName = "simd" | "relaxed" | "simd-threads" | "relaxed-threads";

export interface ReadyOptions {
  /**
   * Threads that run the ops: 1 (default), a number up to 64, or 'auto' (the host's cores).
   * Node: worker_threads over one shared memory. Browsers: module Web Workers where the context is
   * crossOriginIsolated (COOP/COEP headers), else one thread (RuntimeInfo says why).
   */
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
  /** Which build runs: 'simd', 'relaxed' (or their '-threads' builds), or 'custom' when `wasm` was given. */
  build: BuildName | "custom";
  /**
   * Why that build: relaxed SIMD validated here (or not, and how to get it: Node ≥ 22 and
   * Chrome ≥ 114 validate it by default; Node 20 with --experimental-wasm-relaxed-simd), the
   * `simd` option asked for one, or `wasm` gave the module.
   */
  buildReason: string;
  /** Threads in use: the calling thread plus threads − 1 pool workers. */
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
  params: ParamWriter;
  info: RuntimeInfo;
  /** The worker pool when threads > 1 (null: everything runs on the calling thread). */
  pool: Pool | null;
}

let current: Runtime | null = null;
let pending: { key: string; promise: Promise<RuntimeInfo> } | null = null;
/** Counts ready() and dispose() calls: a load installs its runtime only if none came after it. */
let generation = 0;

/** The loaded runtime; throws NotReadyError before `await ready()`. */
export function runtime(): Runtime {
  if (current === null) throw new NotReadyError("fcn-wasm is not initialised: call `await ready()` once before using any op");
  return current;
}

/**
 * Runs `body` with `runtime()` answering `rt` (the async forms run an op's code on a recording
 * runtime, ops/async.ts), then restores the current runtime.
 */
export function withRuntime<T>(rt: Runtime, body: () => T): T {
  const previous = current;
  current = rt;
  try {
    return body();
  } finally {
    current = previous;
  }
}

/** True once `ready()` has resolved. */
export function isReady(): boolean {
  return current !== null;
}

function wasmUrl(build: BuildName): URL {
  // Spelled out per build so bundlers (Vite, webpack 5) see each `new URL('…', import.meta.url)`.
  if (build === "relaxed") return new URL("../wasm/fcn-wasm.relaxed.wasm", import.meta.url);
  if (build === "simd") return new URL("../wasm/fcn-wasm.simd.wasm", import.meta.url);
  // The -threads builds (Node's pool, and browsers' in crossOriginIsolated contexts).
  if (build === "relaxed-threads") return new URL("../wasm/fcn-wasm.relaxed-threads.wasm", import.meta.url);
  return new URL("../wasm/fcn-wasm.simd-threads.wasm", import.meta.url);
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

/** How a host that lacks relaxed SIMD gets it (what the 'simd' build's reason and the error say). */
const RELAXED_HOSTS = "Node ≥ 22 and Chrome ≥ 114 validate it by default; Node 20 with --experimental-wasm-relaxed-simd";

/** Why chooseBuild picked `base` (RuntimeInfo.buildReason). */
export function buildReason(simd: ReadyOptions["simd"], features: RuntimeInfo["features"], base: "simd" | "relaxed"): string {
  if (simd === "simd") return "simd: 'simd' asked for the SIMD128 build";
  if (simd === "relaxed") return "simd: 'relaxed' asked for the relaxed-SIMD build (fused multiply-add), and this host validates it";
  if (base === "relaxed") return "this host validates relaxed SIMD: the relaxed build (fused multiply-add)";
  return `this host does not validate relaxed SIMD, so the SIMD128 build (${RELAXED_HOSTS})`;
}

function chooseBuild(simd: ReadyOptions["simd"], features: RuntimeInfo["features"]): "simd" | "relaxed" {
  if (!features.simd) {
    throw new UnsupportedError("ready(): this host's WebAssembly has no SIMD128 (fixed-width SIMD), which fcn-wasm needs: use Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89 or Safari ≥ 16.4");
  }
  if (simd === "simd") return "simd";
  if (simd === "relaxed") {
    if (!features.relaxedSimd) {
      throw new UnsupportedError(`ready({ simd: 'relaxed' }): this host does not validate relaxed SIMD (${RELAXED_HOSTS}); use simd: 'auto' or 'simd'`);
    }
    return "relaxed";
  }
  return features.relaxedSimd ? "relaxed" : "simd";
}

/** Most threads ready() accepts: the calling thread plus MAX_WORKERS workers. */
export const MAX_THREADS = MAX_WORKERS + 1;

/** Whether this is Node (worker_threads, Atomics.wait on the main thread). */
function isNode(): boolean {
  return typeof process === "object" && typeof process.versions?.node === "string";
}

async function hostCores(): Promise<number> {
  if (isNode()) {
    const os = await import(/* webpackIgnore: true */ /* @vite-ignore */ "node:os");
    return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  }
  return typeof navigator === "object" && navigator.hardwareConcurrency > 0 ? navigator.hardwareConcurrency : 1;
}

async function readThreads(threads: ReadyOptions["threads"]): Promise<{ threads: number; threadsReason: string }> {
  if (threads === undefined || threads === 1) return { threads: 1, threadsReason: "one thread requested (the default)" };
  let wanted: number;
  let why: string;
  if (threads === "auto") {
    wanted = Math.min(await hostCores(), MAX_THREADS);
    why = `'auto': ${wanted} core${wanted === 1 ? "" : "s"} on this host`;
  } else {
    if (typeof threads !== "number" || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
      throw new AttributeError(`ready(options.threads): expected an integer from 1 to ${MAX_THREADS} or 'auto', got ${show(threads)}`);
    }
    wanted = threads;
    why = `${threads} threads requested`;
  }
  if (wanted === 1) return { threads: 1, threadsReason: why };
  if (!isNode()) {
    if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) {
      return { threads: 1, threadsReason: `${why}, but one thread runs: this page is not crossOriginIsolated (serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp), so it cannot share memory with workers` };
    }
    if (typeof SharedArrayBuffer !== "function" || typeof Atomics !== "object") {
      return { threads: 1, threadsReason: `${why}, but one thread runs: this browser has no SharedArrayBuffer/Atomics` };
    }
    if (typeof (globalThis as { Worker?: unknown }).Worker !== "function") {
      return { threads: 1, threadsReason: `${why}, but one thread runs: this context cannot start Web Workers` };
    }
    return { threads: wanted, threadsReason: `${why}: the calling thread and ${wanted - 1} module Web Worker${wanted === 2 ? "" : "s"} on one shared memory` };
  }
  if (typeof SharedArrayBuffer !== "function" || typeof Atomics !== "object") {
    return { threads: 1, threadsReason: `${why}, but one thread runs: this host has no SharedArrayBuffer/Atomics` };
  }
  return { threads: wanted, threadsReason: `${why}: the calling thread and ${wanted - 1} worker_threads on one shared memory` };
}

async function load(options: ReadyOptions, gen: number): Promise<RuntimeInfo> {
  if (!hasWebAssembly()) throw new UnsupportedError("ready(): this host has no WebAssembly");
  const features = { simd: hasSimd(), relaxedSimd: hasRelaxedSimd() };
  const simd = options.simd ?? "auto";
  if (simd !== "auto" && simd !== "simd" && simd !== "relaxed") {
    throw new AttributeError(`ready(options.simd): expected 'auto', 'relaxed' or 'simd', got ${show(simd)}`);
  }
  const threadInfo = await readThreads(options.threads);
  const shared = threadInfo.threads > 1;
  const base = chooseBuild(simd, features);
  const build: BuildName = shared ? `${base}-threads` : base;
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

  // Threads: a shared memory with a maximum (both required by the *-threads builds' import).
  const memory = new WebAssembly.Memory(shared ? { initial: 2, maximum: 65536, shared: true } : { initial: 2, maximum: 65536 });
  let instance: WebAssembly.Instance;
  let module: WebAssembly.Module;
  try {
    ({ instance, module } = await WebAssembly.instantiate(bytes, { env: { memory } }));
  } catch (e) {
    const hint = shared && source !== undefined ? " (with threads > 1 it must be a -threads build, on a shared memory)" : "";
    throw new UnsupportedError(`ready(${source === undefined ? "" : "options.wasm"}): the kernel module did not compile or instantiate here${hint}: ${(e as Error).message}`);
  }
  const exports = instance.exports as unknown as Kernels;
  const missing = KERNEL_NAMES.filter((name) => typeof exports[name] !== "function");
  if (missing.length > 0) throw new UnsupportedError(`ready(): the kernel module lacks ${missing.join(", ")}; is it a build of another version?`);
  if (exports.heap_base() > PARAMS_PTR) {
    throw new UnsupportedError(`ready(): the kernel module's static data (${exports.heap_base()} bytes) overlaps the parameter block`);
  }
  const info: RuntimeInfo = {
    build: options.wasm === undefined ? build : "custom",
    buildReason: options.wasm === undefined ? buildReason(simd, features, base) : `options.wasm gave the module (it must be the ${build} build's ABI)`,
    ...threadInfo, features,
  };
  const arena = new Arena(memory, ARENA_BASE);
  const pool = shared ? await Pool.create(threadInfo.threads, memory, module, isNode() ? "node" : "web") : null;
  if (gen !== generation) {
    // A later ready() or dispose() was called while this one loaded: that one decides.
    if (pool !== null) await pool.dispose();
    throw new NotReadyError("ready(): a later ready() or dispose() was called before this one finished loading; await that one");
  }
  const previous = current;
  current = { kernels: committing(exports, arena), memory, arena, params: new ParamBlock(memory), info, pool };
  if (previous !== null && previous.pool !== null) void previous.pool.dispose();
  return info;
}

/**
 * Ends the worker pool's threads (so a Node process can exit) and unloads the runtime: ops throw
 * NotReadyError until the next `ready()`. Resolves once the workers have exited.
 */
export async function dispose(): Promise<void> {
  const rt = current;
  current = null;
  pending = null;
  generation++;
  if (rt !== null && rt.pool !== null) await rt.pool.dispose();
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
  const promise = load(options, ++generation);
  pending = { key, promise };
  promise.catch(() => {
    if (pending?.promise === promise) pending = null;
  });
  return promise;
}
