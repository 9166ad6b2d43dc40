// What every benchmarked implementation provides: a one-time init, then per shape a prepared
// callable (inputs uploaded, weights in place, layouts converted: none of that is timed).
import type { BenchData } from "../check.js";
import type { BenchShape } from "../shapes.js";

/** One shape, ready to run. */
export interface Prepared {
  /** True when `run` returns a promise (benchmark.js then times it as a deferred benchmark). */
  async: boolean;
  /** The timed call: one forward op, its output read back into JS memory. */
  run(): unknown;
  /** Runs once more and returns the output as fcn-wasm lays it out (NCHW, or row-major [M, N]). */
  output(): Promise<Float32Array>;
  /** Frees what `prepare` allocated. */
  dispose(): void;
}

/** Why an implementation cannot run a shape ("n/a" in the table). */
export interface NotApplicable {
  na: string;
}

export interface Implementation {
  /** Shown in the table, the JSON and the plot legend. */
  name: string;
  /** A peer (not fcn-wasm): the ratio column compares against the fastest peer. */
  peer: boolean;
  /** Loads the library; called once before any `prepare`. */
  init(): Promise<void>;
  /** Called before this implementation's checks and timings (fcn-wasm switches builds here). */
  activate?(): Promise<void>;
  prepare(shape: BenchShape, data: BenchData): Promise<Prepared | NotApplicable>;
  /** Version and threading facts for the JSON machine note. */
  describe(): Record<string, unknown>;
}

/** NCHW → NHWC (tfjs's layout); any spatial rank: [N, C, …S] → [N, …S, C]. */
export function nchwToNhwc(src: Float32Array, [N, C, ...spatial]: readonly number[]): Float32Array {
  const S = spatial.reduce((a, b) => a * b, 1);
  const out = new Float32Array(src.length);
  // out[n, s, c] = src[n, c, s], s the flat spatial index
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let s = 0; s < S; s++) out[(n * S + s) * C + c] = src[(n * C + c) * S + s];
  return out;
}

/** NHWC → NCHW; `dims` are the NCHW (or NCDHW) dimensions of the result. */
export function nhwcToNchw(src: Float32Array, [N, C, ...spatial]: readonly number[]): Float32Array {
  const S = spatial.reduce((a, b) => a * b, 1);
  const out = new Float32Array(src.length);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let s = 0; s < S; s++) out[(n * C + c) * S + s] = src[(n * S + s) * C + c];
  return out;
}
