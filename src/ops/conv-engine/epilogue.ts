// A conv's epilogue: the bias and an activation fused into the output pass. The conv engine runs it
// on each work unit's block (a band of output rows of some channels) right after that unit's GEMM,
// while the block is in cache, instead of a bias pass and an activation layer each over the whole
// output (assembly/eltwise/epilogue.ts). The activation is Relu or any activation of
// ops/activations.ts with a wasm `kernel` (the same kernel the separate layer runs), in one of
// the three forms of fused-activation.ts. Every step is the float32 operation of the separate layers, so a fused
// conv gives their bits.
import type { Runtime } from "../../runtime/runtime.js";
import { activation } from "../activations.js";
import { EPILOGUE_FORMS, type FusedActivation } from "../fused-activation.js";
import { EPILOGUE_PARAMS, writeBlock } from "../params.js";
import { type Task, pieces, ranges, runTasks, threadsFor } from "../run.js";

/** The epilogue kernel's numbers for a fused activation (EpilogueParams). */
export interface Epilogue {
  form: number;
  /** 1 Relu, 2 f32_activation__simd's op */
  fn: number;
  op: number;
  p0: number;
  p1: number;
}

/** Floats of scratch the kernel's forms 1 and 2 use (EPILOGUE_CHUNK in the kernel). */
const EPILOGUE_CHUNK = 256;

/**
 * The epilogue computing `a`, or undefined when its f has no wasm kernel (it cannot be fused: the
 * separate layer runs a JS formula). Attributes are checked as the activation's own (errors name `name`).
 */
export function epilogueFor(a: FusedActivation, name: string): Epilogue | undefined {
  const form = EPILOGUE_FORMS.indexOf(a.form ?? "f(x)");
  if (a.op === "Relu") return { form, fn: 1, op: 0, p0: 0, p1: 0 };
  const k = activation(a.op, a.attrs ?? {}, name).kernel;
  return k === undefined ? undefined : { form, fn: 2, op: k.op, p0: k.p0, p1: k.p1 };
}

/** Bytes of scratch one lane needs for `e` (0: none). */
export function epilogueWorkBytes(e: Epilogue | null): number {
  return e !== null && e.form !== 0 ? EPILOGUE_CHUNK * 4 : 0;
}

/**
 * y = act(y + bias[c]) on `channels` runs of n floats, run c at y + c·stride floats (byte offsets;
 * bias 0: none; e null: the bias alone). `work`: epilogueWorkBytes(e) bytes.
 */
export function runEpilogue(r: Runtime, e: Epilogue | null, y: number, bias: number, channels: number, n: number, stride: number, work: number): void {
  if (e === null && bias === 0) return;
  r.kernels.f32_conv_epilogue__simd(writeBlock(r.params, EPILOGUE_PARAMS, {
    y, bias, channels, n, stride, form: e?.form ?? 0, fn: e?.fn ?? 0, op: e?.op ?? 0, p0: e?.p0 ?? 0, p1: e?.p1 ?? 0, work,
  }));
}

/**
 * The epilogue as its own pass over y [N, M, plane] (bias [M] or 0), split over threads by planes:
 * for the paths whose output is not written band by band (convTranspose's col2im and interleave).
 */
export function epiloguePass(rt: Runtime, e: Epilogue | null, y: number, bias: number, N: number, M: number, plane: number): void {
  if (e === null && bias === 0) return;
  const lane = (p0: number, p1: number): Task => (r) => {
    const work = epilogueWorkBytes(e) === 0 ? 0 : r.arena.alloc(epilogueWorkBytes(e), "conv epilogue scratch");
    // planes [p0, p1) of the N·M: image n = ⌊p/M⌋, channel m = p mod M; runs within one image
    for (let p = p0; p < p1;) {
      const m = p % M, count = Math.min(p1 - p, M - m);
      runEpilogue(r, e, y + p * plane * 4, bias === 0 ? 0 : bias + m * 4, count, plane, plane, work);
      p += count;
    }
  };
  const T = threadsFor(rt, { bytes: N * M * plane * 4 });
  runTasks(rt, T === 1 ? [lane(0, N * M)] : ranges(N * M, pieces(T)).map(([a, b]) => lane(a, b)));
}
