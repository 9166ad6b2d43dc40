// Shared plumbing of the ops: borrow the arena for one call, and call the GEMM kernel.
import { type Runtime, runtime } from "../runtime/runtime.js";
import { ShapeError } from "../errors.js";
import { type Tensor, describeShape, residentHandle } from "../tensor.js";
import { type GemmCall, gemmParams } from "../runtime/params.js";

/**
 * Runs `body` with the arena marked and releases it afterwards, also on error, so a failed call
 * leaves the runtime as it found it. A Net plan passes the runtime its blocks live in.
 */
export function withArena<T>(body: (rt: Runtime) => T): T;
export function withArena<T>(rt: Runtime, body: (rt: Runtime) => T): T;
export function withArena<T>(a: Runtime | ((rt: Runtime) => T), b?: (rt: Runtime) => T): T {
  const rt = typeof a === "function" ? runtime() : a;
  const body = typeof a === "function" ? a : b as (rt: Runtime) => T;
  const mark = rt.arena.mark();
  try {
    return body(rt);
  } finally {
    rt.arena.release(mark);
  }
}

/**
 * The byte offset of a read-only operand: where a resident tensor already lies, else a copy of
 * its data reserved in the arena (copied in at the next commit).
 */
export function operand(rt: Runtime, t: Tensor, what: string): number {
  const ptr = residentHandle(t)?.pointer(rt, what) ?? null;
  return ptr !== null ? ptr : rt.arena.put(t.data, what);
}

/** Allocates the packing workspace for GEMMs of at most these sizes. */
export function gemmWorkspace(rt: Runtime, M: number, N: number, K: number, what: string): number {
  return rt.arena.alloc(rt.kernels.f32_gemm_workspace_bytes(M, N, K), `${what}: GEMM packing workspace`);
}

/** C[M×N] = alpha·op(A)·op(B) + beta·C with the fast kernel. */
export function runGemm(rt: Runtime, call: GemmCall): void {
  rt.kernels.f32_gemm__simd(gemmParams(rt.params, call));
}

export function product(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Throws ShapeError unless `got` equals `want` (e.g. a gradient must have its forward output's shape). */
export function checkSameShape(got: readonly number[], want: readonly number[], name: string, what: string): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    throw new ShapeError(`${name}: expected ${describeShape(want)} (${what}), got ${describeShape(got)}`);
  }
}

/** Σ over images and positions per channel: s[c] = Σ_{n, i} t[n, c, i] for t [N, C, plane] (a bias gradient). */
export function channelSums(t: Float32Array, N: number, C: number, plane: number): Float32Array {
  const out = new Float32Array(C);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      let acc = 0;
      const base = (n * C + c) * plane;
      for (let i = 0; i < plane; i++) acc += t[base + i];
      out[c] += acc;
    }
  }
  return out;
}
