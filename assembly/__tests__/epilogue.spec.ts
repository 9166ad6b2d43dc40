// f32_conv_epilogue__simd against its reference (epilogue-ref.ts) and against the separate kernels
// the unfused layers run (f32_bias_add__simd, then f32_relu__simd / f32_activation__simd, then the
// elementwise float32 steps of the patterns): channels 1…3 with a stride past the run (the rest of
// the plane must stay untouched), n = 0…9 (every vector tail) and one run longer than a scratch
// chunk; forms 0, 1, 2; Relu and every activation op; with and without bias. Values include NaN,
// ±0, ±∞, subnormals and ±3; any NaN matches any NaN, every other value bit for bit.
import { f32_conv_epilogue__simd, EPILOGUE_CHUNK } from "../eltwise/epilogue";
import { f32_conv_epilogue__ref } from "../eltwise/epilogue-ref";
import { f32_relu__simd } from "../eltwise/eltwise";
import { f32_activation__simd } from "../eltwise/activation";
import { EpilogueParams } from "../params";
import { randomBuffer, filledBuffer, copyBuffer, guardsIntact, firstMismatchAnyNaN, at, hexAt, reseed, sprinkleSpecials } from "./helpers";

/** The values at p scaled to ±8 with specials (helpers.ts), period 19. */
function sprinkle(p: usize, n: i32): void {
  sprinkleSpecials(p, n, 19);
}

function block(y: usize, bias: usize, channels: i32, n: i32, stride: i32, form: i32, fn: i32, op: i32, p0: f32, p1: f32, work: usize): usize {
  const p = changetype<EpilogueParams>(heap.alloc(offsetof<EpilogueParams>()));
  p.y = y; p.bias = bias; p.channels = channels; p.n = n; p.stride = stride;
  p.form = form; p.fn = fn; p.op = op; p.p0 = p0; p.p1 = p1; p.work = work;
  return changetype<usize>(p);
}

/** The unfused layers' kernels, one after another, on a copy (the bits a fused pass must give). */
function separate(y: usize, bias: usize, channels: i32, n: i32, stride: i32, form: i32, fn: i32, op: i32, p0: f32, p1: f32): void {
  const t = filledBuffer(n, 0);
  for (let c = 0; c < channels; c++) {
    const q = y + (<usize>(c * stride) << 2);
    if (bias != 0) for (let i = 0; i < n; i++) store<f32>(q + (<usize>i << 2), load<f32>(q + (<usize>i << 2)) + load<f32>(bias + (<usize>c << 2)));
    if (fn == 0) continue;
    // f's argument: the conv output (forms 0, 1) or Add(x, 3) (form 2)
    for (let i = 0; i < n; i++) store<f32>(t + (<usize>i << 2), form == 2 ? load<f32>(q + (<usize>i << 2)) + <f32>3 : load<f32>(q + (<usize>i << 2)));
    if (fn == 1) f32_relu__simd(t, t, n);
    else f32_activation__simd(op, t, t, n, <f64>p0, <f64>p1);
    for (let i = 0; i < n; i++) {
      const x = load<f32>(q + (<usize>i << 2)), s = load<f32>(t + (<usize>i << 2));
      const m: f32 = x * s;
      store<f32>(q + (<usize>i << 2), form == 0 ? s : form == 1 ? m : m / <f32>6);
    }
  }
  heap.free(t);
}

function epilogue(channels: i32, n: i32, form: i32, fn: i32, op: i32, p0: f32, p1: f32, withBias: bool): string {
  reseed(<u32>(channels * 1000 + n * 10 + form * 3 + fn * 7 + op));
  const stride = n + 3, total = channels * stride;
  const x = randomBuffer(total);
  sprinkle(x, total);
  const bias = withBias ? randomBuffer(channels) : 0;
  const y = copyBuffer(x, total), want = copyBuffer(x, total), sep = copyBuffer(x, total);
  const work = filledBuffer(EPILOGUE_CHUNK, 0);
  const pf = block(y, bias, channels, n, stride, form, fn, op, p0, p1, work);
  const pr = block(want, bias, channels, n, stride, form, fn, op, p0, p1, 0);
  f32_conv_epilogue__simd(pf);
  f32_conv_epilogue__ref(pr);
  separate(sep, bias, channels, n, stride, form, fn, op, p0, p1);
  const what = `epilogue channels=${channels} n=${n} form=${form} fn=${fn} op=${op} p=(${p0}, ${p1}) bias=${withBias}`;
  let problem = "";
  let bad = firstMismatchAnyNaN(y, want, total);
  if (bad >= 0) problem = `${what}: [${bad}] = ${at(y, bad)} (${hexAt(y, bad)}), reference ${at(want, bad)} (${hexAt(want, bad)})`;
  bad = problem == "" ? firstMismatchAnyNaN(y, sep, total) : -1;
  if (bad >= 0) problem = `${what}: [${bad}] = ${at(y, bad)} (${hexAt(y, bad)}), separate kernels ${at(sep, bad)} (${hexAt(sep, bad)})`;
  if (problem == "" && !guardsIntact(y, total)) problem = `${what}: wrote past the end of y`;
  heap.free(x); if (bias != 0) heap.free(bias); heap.free(y); heap.free(want); heap.free(sep); heap.free(work); heap.free(pf); heap.free(pr);
  return problem;
}

/** Every f: none, Relu, then each activation op with typical parameters. */
function everyF(channels: i32, n: i32, form: i32, withBias: bool): string {
  let r = epilogue(channels, n, form, 0, 0, 0, 0, withBias); if (r != "") return r;
  r = epilogue(channels, n, form, 1, 0, 0, 0, withBias); if (r != "") return r;
  r = epilogue(channels, n, form, 2, 0, 0, 6, withBias); if (r != "") return r;
  r = epilogue(channels, n, form, 2, 1, <f32>(1.0 / 6.0), 0.5, withBias); if (r != "") return r;
  r = epilogue(channels, n, form, 2, 2, 0, 0, withBias); if (r != "") return r;
  return epilogue(channels, n, form, 2, 3, 0.01, 0, withBias);
}

describe("f32_conv_epilogue__simd", () => {
  it("forms 0, 1, 2 with every f, channels 1…3, n = 0…9, with and without bias", () => {
    for (let form = 0; form < 3; form++) for (let channels = 1; channels <= 3; channels++) for (let n = 0; n <= 9; n++) {
      expect(everyF(channels, n, form, true)).toBe("");
      expect(everyF(channels, n, form, false)).toBe("");
    }
  });
  it("runs longer than a scratch chunk", () => {
    for (let form = 0; form < 3; form++) expect(everyF(2, EPILOGUE_CHUNK * 2 + 5, form, true)).toBe("");
  });
});
