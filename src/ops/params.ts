// Kernel parameter blocks, the TS half of assembly/params.ts: one table per block (field name →
// kind, in the declaration order of the AssemblyScript class of the same name; every field is one
// 32-bit word), and writeBlock, which fills a block by field name through the runtime's ParamWriter
// and returns the address to pass to the kernel. test/params-layout.test.ts compiles the classes
// and checks that they and these tables agree (names, offsets, sizes, kinds).
import type { Window } from "../shape.js";
import type { ParamWriter } from "../runtime/param-block.js";
import { UnsupportedError } from "../errors.js";

/** A field's kind: integer (AS i32), float (f32) or pointer (usize: a byte offset). */
export type FieldKind = "i32" | "f32" | "ptr";
/** A block's fields in word order. */
export type BlockTable = Readonly<Record<string, FieldKind>>;
/** The values to write, by field name. */
export type BlockValues<T extends BlockTable> = { readonly [F in keyof T]: number };

/** GemmParams: C[M×N] = alpha·op(A)·op(B) + beta·C; pointers are byte offsets, strides in elements. */
export const GEMM_PARAMS = {
  M: "i32", N: "i32", K: "i32", a: "ptr", lda: "i32", transA: "i32", b: "ptr", ldb: "i32", transB: "i32",
  c: "ptr", ldc: "i32", alpha: "f32", beta: "f32", work: "ptr",
} as const satisfies BlockTable;

/** WindowParams: im2col, col2im, maxPool and its backward (2-D; 1-D runs with H = KH = 1). */
export const WINDOW_PARAMS = {
  C: "i32", H: "i32", W: "i32", KH: "i32", KW: "i32", SH: "i32", SW: "i32", PT: "i32", PL: "i32",
  DH: "i32", DW: "i32", OH: "i32", OW: "i32", src: "ptr", dst: "ptr", grad: "ptr",
} as const satisfies BlockTable;

/** DepthwiseVolumeParams: the direct depthwise convolution on volumes. */
export const DEPTHWISE_VOLUME_PARAMS = {
  C: "i32", mult: "i32", D: "i32", H: "i32", W: "i32", OD: "i32", OH: "i32", OW: "i32",
  KD: "i32", KH: "i32", KW: "i32", SD: "i32", SH: "i32", SW: "i32", PF: "i32", PT: "i32", PL: "i32", DD: "i32", DH: "i32", DW: "i32",
  x: "ptr", w: "ptr", bias: "ptr", y: "ptr",
} as const satisfies BlockTable;

/** TransposedVolumeParams: the depthwise transposed convolution on volumes. */
export const TRANSPOSED_VOLUME_PARAMS = {
  C: "i32", mult: "i32", D: "i32", H: "i32", W: "i32", OD: "i32", OH: "i32", OW: "i32",
  KD: "i32", KH: "i32", KW: "i32", SD: "i32", SH: "i32", SW: "i32", PF: "i32", PT: "i32", PL: "i32", DD: "i32", DH: "i32", DW: "i32",
  x: "ptr", w: "ptr", bias: "ptr", y: "ptr",
} as const satisfies BlockTable;

/** VolumeWindowParams: the 3-D im2col and col2im (PF, PT, PL: begin pads of depth, height, width). */
export const VOLUME_WINDOW_PARAMS = {
  C: "i32", D: "i32", H: "i32", W: "i32", KD: "i32", KH: "i32", KW: "i32", SD: "i32", SH: "i32", SW: "i32",
  PF: "i32", PT: "i32", PL: "i32", DD: "i32", DH: "i32", DW: "i32", OD: "i32", OH: "i32", OW: "i32", src: "ptr", dst: "ptr",
  accumulate: "i32",
} as const satisfies BlockTable;

/** TransposedParams: the depthwise transposed convolution. */
export const TRANSPOSED_PARAMS = {
  C: "i32", mult: "i32", H: "i32", W: "i32", OH: "i32", OW: "i32", KH: "i32", KW: "i32", SH: "i32", SW: "i32",
  PT: "i32", PL: "i32", DH: "i32", DW: "i32", x: "ptr", w: "ptr", bias: "ptr", y: "ptr",
} as const satisfies BlockTable;

/** DepthwiseParams: the direct depthwise convolution (one input channel per group). */
export const DEPTHWISE_PARAMS = {
  C: "i32", mult: "i32", H: "i32", W: "i32", OH: "i32", OW: "i32", KH: "i32", KW: "i32", SH: "i32", SW: "i32",
  PT: "i32", PL: "i32", DH: "i32", DW: "i32", x: "ptr", w: "ptr", bias: "ptr", y: "ptr", work: "ptr",
} as const satisfies BlockTable;

/** InterleaveParams: sub-pixel phase outputs → output pixels. */
export const INTERLEAVE_PARAMS = {
  M: "i32", OH: "i32", OW: "i32", SH: "i32", SW: "i32", PT: "i32", PL: "i32",
  U0H: "i32", U0W: "i32", NUH: "i32", NUW: "i32", phases: "ptr", bias: "ptr", y: "ptr",
} as const satisfies BlockTable;

/** PackParams: sub-pixel phase weights from ONNX ConvTranspose weights. */
export const PACK_PARAMS = {
  G: "i32", CG: "i32", MG: "i32", KH: "i32", KW: "i32", SH: "i32", SW: "i32", TH: "i32", TW: "i32", w: "ptr", out: "ptr",
} as const satisfies BlockTable;

/** PermuteParams: the strided copy y[Σ i_k·t_k] = x[Σ i_k·s_k] over a rank-6 view (strides in elements). */
export const PERMUTE_PARAMS = {
  x: "ptr", y: "ptr", n0: "i32", n1: "i32", n2: "i32", n3: "i32", n4: "i32", n5: "i32",
  s0: "i32", s1: "i32", s2: "i32", s3: "i32", s4: "i32", s5: "i32",
  t0: "i32", t1: "i32", t2: "i32", t3: "i32", t4: "i32", t5: "i32",
} as const satisfies BlockTable;

/** EpilogueParams: a conv's bias and fused activation on `channels` runs of n floats, `stride` floats apart. */
export const EPILOGUE_PARAMS = {
  y: "ptr", bias: "ptr", channels: "i32", n: "i32", stride: "i32", form: "i32", fn: "i32", op: "i32", p0: "f32", p1: "f32", work: "ptr",
} as const satisfies BlockTable;

/** WinogradParams: the F(2×2,3×3) and F(4×4,3×3) input and output transforms over a band of tile rows. */
export const WINOGRAD_PARAMS = {
  C: "i32", H: "i32", W: "i32", PT: "i32", PL: "i32", OH: "i32", OW: "i32", th0: "i32", rows: "i32",
  src: "ptr", dst: "ptr", bias: "ptr",
} as const satisfies BlockTable;

/** PhaseWinogradParams: the F(2×2,2×2) transforms of sub-pixel phase kernels over a band of tiles. */
export const PHASE_WINOGRAD_PARAMS = {
  C: "i32", H: "i32", W: "i32", M: "i32", SH: "i32", SW: "i32", PT: "i32", PL: "i32", OH: "i32", OW: "i32",
  R0: "i32", C0: "i32", TR: "i32", TC: "i32", src: "ptr", dst: "ptr", bias: "ptr",
} as const satisfies BlockTable;

/** Every block, by the name of its AssemblyScript class. */
export const PARAM_BLOCKS: Readonly<Record<string, BlockTable>> = {
  GemmParams: GEMM_PARAMS, WindowParams: WINDOW_PARAMS, VolumeWindowParams: VOLUME_WINDOW_PARAMS, TransposedParams: TRANSPOSED_PARAMS,
  TransposedVolumeParams: TRANSPOSED_VOLUME_PARAMS, DepthwiseVolumeParams: DEPTHWISE_VOLUME_PARAMS,
  InterleaveParams: INTERLEAVE_PARAMS, PackParams: PACK_PARAMS, DepthwiseParams: DEPTHWISE_PARAMS,
  PermuteParams: PERMUTE_PARAMS,
  EpilogueParams: EPILOGUE_PARAMS,
  WinogradParams: WINOGRAD_PARAMS,
  PhaseWinogradParams: PHASE_WINOGRAD_PARAMS,
};

/** A table's fields in word order and the words that hold floats: worked out once per table. */
interface Layout { fields: readonly string[]; floatSlots: readonly number[] }
const layouts = new WeakMap<BlockTable, Layout>();
function layoutOf(table: BlockTable): Layout {
  let layout = layouts.get(table);
  if (layout === undefined) {
    const fields = Object.keys(table);
    layout = { fields, floatSlots: fields.flatMap((f, i) => (table[f] === "f32" ? [i] : [])) };
    layouts.set(table, layout);
  }
  return layout;
}

/**
 * Writes one block: field i of the table is word i (floats as f32 bits); returns its address.
 * Called once per kernel call (a conv band's GEMM, transforms, epilogue…), so it builds no more
 * than the array of words (measured: building a word array and a floats object per call through
 * for…in, then two fresh typed-array views, cost ~4 µs a block, 6–9% of a small model's run).
 */
export function writeBlock<T extends BlockTable>(writer: ParamWriter, table: T, values: BlockValues<T>): number {
  const { fields, floatSlots } = layoutOf(table);
  const words = new Array<number>(fields.length);
  for (let i = 0; i < fields.length; i++) words[i] = values[fields[i]];
  return writer.write(words, floatSlots);
}

/** GEMM operands (GEMM_PARAMS with the transposes as booleans). */
export type GemmCall = Omit<BlockValues<typeof GEMM_PARAMS>, "transA" | "transB"> & { transA: boolean; transB: boolean };

/** Writes the GemmParams block of one GEMM call. */
export function gemmParams(writer: ParamWriter, g: GemmCall): number {
  return writeBlock(writer, GEMM_PARAMS, { ...g, transA: g.transA ? 1 : 0, transB: g.transB ? 1 : 0 });
}

/**
 * Window geometry for a 1-D or 2-D window over `channels` planes, from `src` to `dst` (`grad`:
 * dL/dy for maxPool backward). A 1-D window runs as 2-D with H = KH = 1.
 */
export function windowParams(writer: ParamWriter, w: Window, channels: number, src: number, dst: number, grad = 0): number {
  return writeBlock(writer, WINDOW_PARAMS, { C: channels, ...planar(w), src, dst, grad });
}

/** The VolumeWindowParams of a 3-D window over `channels` volumes, from `src` to `dst` (col2im: `accumulate` adds into dst). */
export function volumeWindowParams(writer: ParamWriter, w: Window, channels: number, src: number, dst: number, accumulate = false): number {
  const [D, H, W] = w.image, [KD, KH, KW] = w.kernel, [SD, SH, SW] = w.strides;
  const [PF, PT, PL] = w.padsBegin, [DD, DH, DW] = w.dilations, [OD, OH, OW] = w.grid;
  return writeBlock(writer, VOLUME_WINDOW_PARAMS, { C: channels, D, H, W, KD, KH, KW, SD, SH, SW, PF, PT, PL, DD, DH, DW, OD, OH, OW, src, dst, accumulate: accumulate ? 1 : 0 });
}

/** A window as the kernels see it: 2-D, image H×W, grid OH×OW (1-D: H = KH = OH = 1, no H padding). */
export interface PlanarWindow {
  H: number; W: number; KH: number; KW: number; SH: number; SW: number;
  PT: number; PL: number; DH: number; DW: number; OH: number; OW: number;
}

export function planar(w: Window): PlanarWindow {
  const [H, W] = asPlanar(w.image, 1);
  const [KH, KW] = asPlanar(w.kernel, 1);
  const [SH, SW] = asPlanar(w.strides, 1);
  const [PT, PL] = asPlanar(w.padsBegin, 0);
  const [DH, DW] = asPlanar(w.dilations, 1);
  const [OH, OW] = asPlanar(w.grid, 1);
  return { H, W, KH, KW, SH, SW, PT, PL, DH, DW, OH, OW };
}

/** A window's axes as 2-D (H, W) pairs: a 1-D window is H = 1 with `one` on the H axis. */
export function asPlanar(values: readonly number[], one: number): [number, number] {
  // a 3-D window must never reach a 2-D kernel: it would run on [1, D] silently
  if (values.length > 2) throw new UnsupportedError(`a 2-D kernel was given a window of spatial rank ${values.length}; rank 3 runs only on im2col + GEMM and GEMM + col2im`);
  return values.length === 2 ? [values[0], values[1]] : [one, values[0]];
}
