// Shared plumbing of the ops: borrow the arena for one call, call the GEMM kernel, and split work
// over the worker pool (runTasks). A split never divides a reduction: every output element is
// computed by exactly one task, by the same kernel calls in the same order as on one thread, so
// results are bit-identical whatever the thread count.
import { type Runtime, runtime } from "../runtime/runtime.js";
import { ShapeError } from "../errors.js";
import { type Tensor, describeShape, residentHandle } from "../tensor.js";
import { type GemmCall, gemmParams, windowParams } from "./params.js";
import type { Window } from "../shape.js";
import { Recording, replay } from "../runtime/record.js";

/** A share of an op's work: kernel calls on `rt` (recorded for a worker, or run here). */
export type Task = (rt: Runtime) => void;

/**
 * Fewest multiply-adds per thread worth a split: ≈ 0.2 ms at 40 GFLOP/s, well above the tens of
 * µs a worker takes to wake (more on a busy machine; measured: 2·2²¹ MACs ran slower on 2 threads).
 */
export const MIN_SPLIT_MACS = 2 ** 22;
/** Fewest bytes moved per thread worth a split, for the bandwidth-bound kernels (im2col, pooling…). */
export const MIN_SPLIT_BYTES = 2 ** 20;
/** The thresholds in force (tests lower them to split tiny shapes and reach every tail). */
export const splitThresholds = { macs: MIN_SPLIT_MACS, bytes: MIN_SPLIT_BYTES };

/** Calls of withoutSplit in progress: while above 0, every op runs on the calling thread. */
let unsplit = 0;

/** Runs `body` with every op in it on the calling thread (the same bits: a split never changes them). */
export function withoutSplit<T>(body: () => T): T {
  unsplit++;
  try {
    return body();
  } finally {
    unsplit--;
  }
}

/**
 * Threads worth using for this much work: 1 without a pool, inside withoutSplit or below the
 * thresholds, else as many as give each thread at least MIN_SPLIT_MACS (or MIN_SPLIT_BYTES), at
 * most the pool's.
 */
export function threadsFor(rt: Runtime, work: { macs?: number; bytes?: number }): number {
  const pool = rt.pool;
  if (pool === null || pool.busy || unsplit > 0) return 1; // busy: an async call has the workers
  const byMacs = work.macs === undefined ? Infinity : Math.floor(work.macs / splitThresholds.macs);
  const byBytes = work.bytes === undefined ? Infinity : Math.floor(work.bytes / splitThresholds.bytes);
  return Math.max(1, Math.min(pool.threads, byMacs, byBytes));
}

/**
 * How many pieces to cut work into for T threads: a few per thread, so that threads claim them
 * as they go (pool.ts) and one the OS holds back delays the op by a piece, not by a share.
 * Splits that repeat work per piece (im2col for an output-channel split) use T instead.
 */
export const PIECES_PER_THREAD = 3;
export function pieces(T: number): number {
  return T === 1 ? 1 : T * PIECES_PER_THREAD;
}

/**
 * [start, end) ranges covering [0, n) in `parts` nearly equal pieces whose inner boundaries are
 * multiples of `align` (a cache line of output, a GEMM tile); fewer pieces when n is small.
 */
export function ranges(n: number, parts: number, align = 1): [number, number][] {
  const units = Math.ceil(n / align);
  const p = Math.max(1, Math.min(parts, units));
  const out: [number, number][] = [];
  for (let i = 0; i < p; i++) {
    const a = Math.min(n, Math.floor((i * units) / p) * align), b = Math.min(n, Math.floor(((i + 1) * units) / p) * align);
    if (b > a) out.push([a, b]);
  }
  return out;
}

/**
 * Runs the tasks: in order on this thread without a pool (or for one task), else as pieces that
 * this thread and the workers claim as they go. Each task's kernel calls are recorded first (each
 * parameter block and workspace its own arena block), memory is committed, and then all run at
 * once; returns when all are done, throws PoolError if a worker failed.
 */
export function runTasks(rt: Runtime, tasks: readonly Task[]): void {
  const pool = rt.pool;
  if (pool === null || pool.busy || unsplit > 0 || tasks.length < 2) {
    for (const t of tasks) t(rt);
    return;
  }
  const recordings = tasks.map((task) => {
    const rec = new Recording(rt);
    task(rec.rt);
    return rec;
  });
  const programs = recordings.map((r) => ({ ptr: rt.arena.alloc(r.calls.length * 8, "thread pool program"), words: r.calls.length }));
  const table = rt.arena.alloc(programs.length * 16, "thread pool piece table");
  rt.arena.commit();
  const entries = new Float64Array(rt.memory.buffer, table, programs.length * 2);
  recordings.forEach((r, i) => {
    r.writeBlocks();
    new Float64Array(rt.memory.buffer, programs[i].ptr, programs[i].words).set(r.calls);
    entries[2 * i] = programs[i].ptr;
    entries[2 * i + 1] = programs[i].words;
  });
  pool.run(table, programs.length, (i) => replay(rt, programs[i].ptr, programs[i].words));
}

/** The MR/NR tile alignment GEMM splits keep: 16 floats of C, one 64-byte cache line. */
const GEMM_SPLIT_ALIGN = 16;

/**
 * When a GEMM runs on the skinny kernel (assembly/gemm/skinny.ts: A read once, in its own layout,
 * no packed copy) instead of the packed one: up to `narrowN` columns always; up to `maxN` when A
 * has at least `wideMinBytes` (more than the L3 holds: A streams from memory, and the packed
 * kernel's panels, far apart for few columns, stream worse). An object so that tests and
 * benchmarks can change it (maxN = 0: every GEMM packed, as before). Measured
 * (bench/skinny-limit.ts: relaxed build, 1 thread, K = 25088, A resident, shared noisy machine),
 * packed ÷ skinny time: A of 100 MB (M = 1024): N = 1–4 2.1–2.3×, 6–16 1.2–1.7×, 20–32 1.15–1.4×;
 * 38 MB (M = 384): 1–4 1.35–3.2×, 6–16 1.1–1.8×, 32 0.95×; 12.8 MB (M = 128, in L3): 1–4 1.5–3.4×,
 * but 6–16 0.64–1.3× (mostly < 1: from cache the packed kernel's 4×8 tiles compute faster).
 */
export const skinnyGemm = { narrowN: 4, maxN: 16, wideMinBytes: 32 << 20 };

/**
 * Whether C[M×N] = alpha·op(A)·op(B) + beta·C (A [M×K]) runs on the skinny kernel (skinnyGemm).
 * Decided once per call, from the whole call's sizes (its pieces on threads follow it).
 */
export function skinnyApplies(M: number, N: number, K: number, transA: boolean): boolean {
  if (transA || N > skinnyGemm.maxN) return false;
  return N <= skinnyGemm.narrowN || M * K * 4 >= skinnyGemm.wideMinBytes;
}

/**
 * One GEMM as tasks: column panels of N (each task packs its own panel of B and all of A), or
 * row panels of M when N is too narrow to share. Each task has its own packing workspace. A
 * skinny GEMM (skinnyApplies) splits M at any row: each row of C is one dot product per column,
 * summed alike wherever the rows start.
 */
export function gemmTasks(rt: Runtime, g: GemmCall, what = "gemm"): Task[] {
  const { M, N, K } = g;
  const T = threadsFor(rt, { macs: M * N * K });
  const skinny = skinnyApplies(M, N, K, g.transA);
  const one: Task = (r) => gemmKernel(r, g, skinny);
  if (T === 1) return [one];
  const panel = (o: Partial<GemmCall> & { M: number; N: number }): Task => (r) => {
    const work = skinny ? skinnyWorkspace(r, o.N, K, what) : gemmWorkspace(r, o.M, o.N, K, what);
    gemmKernel(r, { ...g, ...o, work }, skinny);
  };
  const rowPanels = (align: number) => ranges(M, Math.min(pieces(T), Math.floor(M / align)), align).map(([i0, i1]) => panel({
    M: i1 - i0, N, a: g.a + (g.transA ? i0 : i0 * g.lda) * 4, c: g.c + i0 * g.ldc * 4,
  }));
  if (skinny) return M >= T ? rowPanels(1) : [one];
  if (N >= T * 4 * GEMM_SPLIT_ALIGN) {
    return ranges(N, Math.min(pieces(T), Math.floor(N / (4 * GEMM_SPLIT_ALIGN))), GEMM_SPLIT_ALIGN).map(([j0, j1]) => panel({
      M, N: j1 - j0, b: g.b + (g.transB ? j0 * g.ldb : j0) * 4, c: g.c + j0 * 4,
    }));
  }
  if (M >= T * 8) return rowPanels(8);
  return [one];
}

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

/**
 * Allocates the workspace for GEMMs of at most these sizes: the packed kernel's, or (transA given)
 * for a call of exactly these sizes, the kernel runGemm picks for it (skinnyApplies).
 */
export function gemmWorkspace(rt: Runtime, M: number, N: number, K: number, what: string, transA?: boolean): number {
  if (transA !== undefined && skinnyApplies(M, N, K, transA)) return skinnyWorkspace(rt, N, K, what);
  return rt.arena.alloc(rt.kernels.f32_gemm_workspace_bytes(M, N, K), `${what}: GEMM packing workspace`);
}

/** Allocates the skinny kernel's workspace (op(B)ᵀ and a block's row sums) for N columns of depth K. */
export function skinnyWorkspace(rt: Runtime, N: number, K: number, what: string): number {
  return rt.arena.alloc(rt.kernels.f32_gemm_skinny_workspace_bytes(N, K), `${what}: skinny GEMM workspace`);
}

/** One GEMM call on this thread, on the skinny kernel (call.work: skinnyWorkspace) or the packed one (gemmWorkspace). */
export function gemmKernel(rt: Runtime, call: GemmCall, skinny: boolean): void {
  if (skinny) rt.kernels.f32_gemm_skinny__simd(gemmParams(rt.params, call));
  else rt.kernels.f32_gemm__simd(gemmParams(rt.params, call));
}

/**
 * C[M×N] = alpha·op(A)·op(B) + beta·C with the fast kernel (skinnyApplies picks which; call.work:
 * gemmWorkspace with transA), split over the pool when it pays.
 */
export function runGemm(rt: Runtime, call: GemmCall): void {
  if (rt.pool === null || rt.pool.busy) gemmKernel(rt, call, skinnyApplies(call.M, call.N, call.K, call.transA));
  else runTasks(rt, gemmTasks(rt, call));
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

/** The window kernels that treat every plane alike (params.ts windowParams). */
export type WindowKernel = "f32_im2col__scalar" | "f32_col2im__simd" | "f32_max_pool__simd" | "f32_max_pool_backward__scalar";

/**
 * Runs a window kernel over `planes` planes, split over the pool by planes when it pays. Plane
 * sizes are in floats: `srcPlane` of the source, `dstPlane` of the destination, `gradPlane` of
 * maxPool backward's dL/dy (at `grad`).
 */
export function runWindowKernel(rt: Runtime, kernel: WindowKernel, window: Window, planes: number,
  src: number, srcPlane: number, dst: number, dstPlane: number, grad = 0, gradPlane = 0): void {
  const part = (p0: number, p1: number): Task => (r) => r.kernels[kernel](windowParams(r.params, window, p1 - p0,
    src + p0 * srcPlane * 4, dst + p0 * dstPlane * 4, grad === 0 ? 0 : grad + p0 * gradPlane * 4));
  const T = threadsFor(rt, { bytes: planes * (srcPlane + dstPlane + gradPlane) * 4 });
  runTasks(rt, T === 1 ? [part(0, planes)] : ranges(planes, pieces(T)).map(([p0, p1]) => part(p0, p1)));
}
