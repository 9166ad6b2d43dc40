// Shared plumbing of the ops: borrow the arena for one call, and call the GEMM kernel.
import { type Runtime, runtime } from "../runtime/runtime.js";
import { type GemmCall, gemmParams } from "../runtime/params.js";

/**
 * Runs `body` with the arena marked and releases it afterwards, also on error, so a failed call
 * leaves the runtime as it found it.
 */
export function withArena<T>(body: (rt: Runtime) => T): T {
  const rt = runtime();
  const mark = rt.arena.mark();
  try {
    return body(rt);
  } finally {
    rt.arena.release(mark);
  }
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
