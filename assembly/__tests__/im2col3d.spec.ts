// f32_im2col3d__scalar and f32_col2im3d__simd against their references (im2col3d-ref.ts,
// col2im3d-ref.ts) over volume window families: kernels 1…3 per axis, strides 1…3, dilations 1…2,
// asymmetric pads 0…3 (also past the kernel: slices and rows that see only padding) and negative
// pads (a transposed convolution's SAME with k < s), odd and even sizes, several channels, a wide
// SW = 1 run (col2im's vector path). im2col is a copy (bit-exact); col2im sums (tolerance), both
// overwriting (dst starts as garbage) and accumulating (dst starts as values to add to). Guards
// after every output and the inputs must stay intact.
import { f32_im2col3d__scalar } from "../im2col/im2col3d";
import { f32_im2col3d__ref } from "../im2col/im2col3d-ref";
import { f32_col2im3d__simd } from "../im2col/col2im3d";
import { f32_col2im3d__ref } from "../im2col/col2im3d-ref";
import { VolumeWindowParams } from "../params";
import {
  randomBuffer, filledBuffer, copyBuffer, guardsIntact, firstMismatch, firstBitMismatch, unchanged, newBlock, windows, reseed,
} from "./helpers";

/** A 3-D window geometry (VolumeWindowParams) with its end pads. */
class Volume {
  OD: i32; OH: i32; OW: i32;
  constructor(
    public C: i32, public D: i32, public H: i32, public W: i32,
    public KD: i32, public KH: i32, public KW: i32, public SD: i32, public SH: i32, public SW: i32,
    public PF: i32, public PT: i32, public PL: i32, public PK: i32, public PB: i32, public PR: i32,
    public DD: i32, public DH: i32, public DW: i32,
  ) {
    this.OD = windows(D, KD, SD, DD, PF, PK);
    this.OH = windows(H, KH, SH, DH, PT, PB);
    this.OW = windows(W, KW, SW, DW, PL, PR);
  }

  block(src: usize, dst: usize, accumulate: i32 = 0): usize {
    const b = newBlock<VolumeWindowParams>();
    b.C = this.C; b.D = this.D; b.H = this.H; b.W = this.W;
    b.KD = this.KD; b.KH = this.KH; b.KW = this.KW; b.SD = this.SD; b.SH = this.SH; b.SW = this.SW;
    b.PF = this.PF; b.PT = this.PT; b.PL = this.PL; b.DD = this.DD; b.DH = this.DH; b.DW = this.DW;
    b.OD = this.OD; b.OH = this.OH; b.OW = this.OW; b.src = src; b.dst = dst; b.accumulate = accumulate;
    return changetype<usize>(b);
  }

  image(): i32 { return this.C * this.D * this.H * this.W; }
  columns(): i32 { return this.C * this.KD * this.KH * this.KW * this.OD * this.OH * this.OW; }
  empty(): bool { return this.OD < 1 || this.OH < 1 || this.OW < 1; }

  toString(): string {
    return `C=${this.C} in=${this.D}x${this.H}x${this.W} k=${this.KD}x${this.KH}x${this.KW} s=${this.SD},${this.SH},${this.SW} ` +
      `p=${this.PF},${this.PT},${this.PL},${this.PK},${this.PB},${this.PR} d=${this.DD},${this.DH},${this.DW} grid=${this.OD}x${this.OH}x${this.OW}`;
  }
}

function im2col(g: Volume): string {
  reseed(<u32>(g.image() * 31 + g.columns()));
  const nx = g.image(), n = g.columns();
  const x = randomBuffer(nx), x0 = copyBuffer(x, nx);
  const got = filledBuffer(n, 777), want = filledBuffer(n, -777);
  const p = g.block(x, got);
  f32_im2col3d__scalar(p);
  changetype<VolumeWindowParams>(p).dst = want;
  f32_im2col3d__ref(p);
  let problem = "";
  const bad = firstBitMismatch(got, want, n);
  if (bad >= 0) problem = `${g}: cols element ${bad} differs from the reference`;
  else if (!guardsIntact(got, n)) problem = `${g}: wrote past the end of cols`;
  else if (!unchanged(x, x0, nx)) problem = `${g}: changed its input x`;
  heap.free(x); heap.free(x0); heap.free(got); heap.free(want); heap.free(p);
  return problem;
}

function col2im(g: Volume, accumulate: i32): string {
  reseed(<u32>(g.image() * 17 + g.columns() + accumulate));
  const nx = g.image(), n = g.columns();
  const cols = randomBuffer(n), cols0 = copyBuffer(cols, n);
  // accumulate: both start from the same values; else from different garbage
  const got = accumulate ? randomBuffer(nx) : filledBuffer(nx, 777);
  const want = accumulate ? copyBuffer(got, nx) : filledBuffer(nx, -777);
  const p = g.block(cols, got, accumulate);
  f32_col2im3d__simd(p);
  changetype<VolumeWindowParams>(p).dst = want;
  f32_col2im3d__ref(p);
  let problem = "";
  const bad = firstMismatch(got, want, nx, 1e-6 * <f32>(g.KD * g.KH * g.KW + 1), 1e-6);
  if (bad >= 0) problem = `${g}${accumulate ? " (accumulate)" : ""}: image element ${bad} differs from the reference`;
  else if (!guardsIntact(got, nx)) problem = `${g}: wrote past the end of the image`;
  else if (!unchanged(cols, cols0, n)) problem = `${g}: changed its input cols`;
  heap.free(cols); heap.free(cols0); heap.free(got); heap.free(want); heap.free(p);
  return problem;
}

/** Every family, through `check`; returns how many geometries ran (not empty). */
function families(check: (g: Volume) => string): i32 {
  let ran = 0;
  const run = (g: Volume, check: (g: Volume) => string): i32 => {
    if (g.empty()) return 0;
    expect(check(g)).toBe("");
    return 1;
  };
  // kernels, strides and dilations per axis, odd and even sizes, asymmetric pads up to 3
  for (let k = 1; k <= 3; k++) for (let s = 1; s <= 3; s++) for (let d = 1; d <= 2; d++) for (let v = 0; v < 4; v++) {
    const D = 2 + (k + s + d + v) % 5, H = 3 + (k * 2 + s + v) % 6, W = 4 + (k + s * 3 + d + v * 2) % 9;
    ran += run(new Volume(1 + (k + s + v) % 3, D, H, W,
      k, 1 + (k + v) % 3, 1 + (k + s + v) % 3, // kernel
      s, 1 + (s + d + v) % 3, 1 + (s + v) % 2, // strides
      (k + d + v) % 4, (s + v) % 4, k % 4, (k + s + v) % 4, (d + v) % 4, (s * 2 + k) % 4, // pads: begins, ends
      d, 1 + (k + s + v) % 2, 1 + (d + v) % 2), check); // dilations
  }
  // pads past the kernel (slices and rows of padding only) and negative pads
  for (let k = 1; k <= 3; k++) for (let s = 1; s <= 3; s++) {
    ran += run(new Volume(2, 2, 3, 4, k, k, k, s, s, s, 3, 3, 3, 3, 3, 3, 1, 1, 1), check);
    if (k < s) ran += run(new Volume(2, 2 * s, 2 * s + 1, 3 * s, k, k, k, s, s, s, (k - s) / 2, k - s, (k - s) / 2, k - s - 1, (k - s) / 2, 0, 1, 1, 1), check);
  }
  // several channels with a wide SW = 1 run
  ran += run(new Volume(3, 4, 5, 23, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), check);
  ran += run(new Volume(2, 5, 4, 33, 2, 2, 5, 2, 1, 1, 0, 1, 2, 1, 0, 3, 2, 1, 2), check);
  return ran;
}

describe("f32_im2col3d__scalar", () => {
  it("matches the reference bit for bit over the volume families", () => { expect(families(im2col)).toBeGreaterThan(60); });
});

describe("f32_col2im3d__simd", () => {
  it("matches the reference, overwriting the image", () => { expect(families((g: Volume): string => col2im(g, 0))).toBeGreaterThan(60); });
  it("matches the reference, accumulating into the image", () => { expect(families((g: Volume): string => col2im(g, 1))).toBeGreaterThan(60); });
});
