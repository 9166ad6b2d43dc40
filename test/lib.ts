// What the tests share: the package under test (the built dist/, exactly what ships), the builds
// to run every test on, seeded randomness and a tolerance check whose message names the first bad
// element.
export * as fcn from "../dist/index.js";
import { ready } from "../dist/index.js";
import type { BuildName } from "../dist/index.js";
import { splitThresholds } from "../dist/ops/run.js";

/** A single-threaded build, as `ready({ simd })` names it. */
export type SimdBuild = Extract<BuildName, "simd" | "relaxed">;

/** Every build the tests run against (test/setup.ts turns relaxed SIMD on in Node 20). */
export const BUILDS: readonly SimdBuild[] = ["simd", "relaxed"];

export async function useBuild(build: SimdBuild): Promise<void> {
  const info = await ready({ simd: build });
  if (info.build !== build) throw new Error(`asked for the ${build} build, got ${info.build}`);
}

/**
 * The package's seeded generator (Mulberry32, floats in [0, 1)), so every random case can be
 * replayed from its seed; benches and the browser tests use the same one.
 */
export { mulberry32 as rng } from "../dist/random.js";

/** Integer in [lo, hi]. */
export function randInt(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** Floats uniform in [-1, 1). */
export function randArray(r: () => number, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r() * 2 - 1;
  return a;
}

/**
 * Throws unless shapes match and |got − want| ≤ atol + rtol·|want| everywhere; the message names the
 * first bad index, got, want and `context` (the problem shape).
 */
export function expectClose(got: { data: ArrayLike<number>; shape: readonly number[] }, want: { data: ArrayLike<number>; shape: readonly number[] },
  context: string, atol = 1e-5, rtol = 1e-4): void {
  if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i])) {
    throw new Error(`${context}: shape [${got.shape.join(", ")}], expected [${want.shape.join(", ")}]`);
  }
  if (got.data.length !== want.data.length) throw new Error(`${context}: ${got.data.length} elements, expected ${want.data.length}`);
  for (let i = 0; i < want.data.length; i++) {
    const g = got.data[i], w = want.data[i];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : (g === w || Math.abs(g - w) <= atol + rtol * Math.abs(w));
    if (!ok) throw new Error(`${context}: element ${i} is ${g}, expected ${w} (|diff| ${Math.abs(g - w)} > ${atol} + ${rtol}·|want|)`);
  }
}

/** Throws unless the two tensors have the same shape and the very same float32 bits everywhere. */
export function expectSameBits(a: { data: Float32Array; shape: readonly number[] }, b: { data: Float32Array; shape: readonly number[] }, what: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new Error(`${what}: shape [${a.shape.join(", ")}], expected [${b.shape.join(", ")}]`);
  }
  const ua = new Uint32Array(a.data.buffer, a.data.byteOffset, a.data.length);
  const ub = new Uint32Array(b.data.buffer, b.data.byteOffset, b.data.length);
  const i = ua.findIndex((v, j) => v !== ub[j]);
  if (i !== -1) throw new Error(`${what}: first differing element ${i} (${a.data[i]} vs ${b.data[i]})`);
}

/**
 * Runs f with the thread-split thresholds at their lowest, so every op splits wherever it can
 * (each piece and tail of a split is reached on a small shape), then puts them back.
 */
export function withEverySplit<T>(f: () => T): T {
  const saved = { ...splitThresholds };
  Object.assign(splitThresholds, { macs: 1, bytes: 1 });
  try {
    return f();
  } finally {
    Object.assign(splitThresholds, saved);
  }
}
