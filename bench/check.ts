// Benchmarks check before they time: seeded inputs for a shape, a float64 naive reference evaluated
// at chosen output elements (every element when that is cheap, else a seeded sample that includes
// the corners), and the comparison |got − want| ≤ atol + rtol·Σ|terms| with the first bad index.
// Layouts as in shapes.ts (NCHW; Conv w [M, C/g, kH, kW]; ConvTranspose w [C, M/g, kH, kW]; on
// volumes NCDHW and one more kernel axis, kD, in front of kH).
import { type BenchShape, type Conv3dShape, type ConvTranspose3dShape, tensorShapes } from "./shapes.js";

/** The inputs of one benchmark shape. */
export interface BenchData {
  /** GEMM A [M, K] or activations x [N, C, H, W] (volumes [N, C, D, H, W]). */
  x: Float32Array;
  /** GEMM B [K, N] or the weights. */
  w: Float32Array;
  b: Float32Array | null;
  dims: ReturnType<typeof tensorShapes>;
}

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** The package's seeded generator (Mulberry32, uniform in [0, 1)), the one the tests use too. */
import { mulberry32 as prng } from "../dist/random.js";

export { prng };

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Seeded uniform [−1, 1) inputs; the seed is the shape's name, so every run sees the same data. */
export function makeData(shape: BenchShape): BenchData {
  const dims = tensorShapes(shape);
  const rand = prng(hash(shape.name));
  const fill = (n: number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = rand() * 2 - 1;
    return a;
  };
  return { x: fill(product(dims.x)), w: fill(product(dims.w)), b: dims.b ? fill(product(dims.b)) : null, dims };
}

/** One output element in float64: its value and Σ|terms| (the scale of its rounding error). */
type PointReference = (index: number) => { value: number; scale: number };

function pointReference(shape: BenchShape, d: BenchData): PointReference {
  const { x, w, b } = d;
  if (shape.kind === "conv3d" || shape.kind === "convTranspose3d") return volumePointReference(shape, d);
  if (shape.kind === "gemm") {
    const { N, K } = shape;
    // y[i, j] = Σ_k A[i, k]·B[k, j]
    return (index) => {
      const i = Math.floor(index / N), j = index % N;
      let value = 0, scale = 0;
      for (let k = 0; k < K; k++) {
        const t = x[i * K + k] * w[k * N + j];
        value += t;
        scale += Math.abs(t);
      }
      return { value, scale };
    };
  }
  const { C, H, W, M, kH, kW, groups } = shape;
  const [sH, sW] = shape.strides;
  const [pT, pL] = shape.pads;
  const [dH, dW] = shape.dilations;
  const [, , outH, outW] = d.dims.y;
  const Cg = C / groups, Mg = M / groups;
  const mod = (a: number, m: number) => ((a % m) + m) % m;
  return (index) => {
    const ow = index % outW, oh = Math.floor(index / outW) % outH;
    const m = Math.floor(index / (outW * outH)) % M, n = Math.floor(index / (outW * outH * M));
    const g = Math.floor(m / Mg);
    let value = b ? b[m] : 0, scale = Math.abs(value);
    if (shape.kind === "conv") {
      // y[n, m, oh, ow] = b[m] + Σ x[n, g·Cg + cg, oh·s − pT + kh·d, ow·s − pL + kw·d] · w[m, cg, kh, kw]
      for (let cg = 0; cg < Cg; cg++) {
        const xc = (n * C + g * Cg + cg) * H;
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * sH - pT + kh * dH;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * sW - pL + kw * dW;
            if (iw < 0 || iw >= W) continue;
            const t = x[(xc + ih) * W + iw] * w[((m * Cg + cg) * kH + kh) * kW + kw];
            value += t;
            scale += Math.abs(t);
          }
        }
      }
      return { value, scale };
    }
    // ConvTranspose: input pixel (ih, iw) stamps w[c, m − g·Mg] at full-output row ih·s + kh·d;
    // output row oh is full row oh + pT, so ih = (oh + pT − kh·d) / s for the taps where that
    // divides. With d = 1 those are kh ≡ (oh + pT) mod s: step through them only.
    const khStep = dH === 1 ? sH : 1, kwStep = dW === 1 ? sW : 1;
    const kh0 = dH === 1 ? mod(oh + pT, sH) : 0, kw0 = dW === 1 ? mod(ow + pL, sW) : 0;
    const mg = m - g * Mg;
    for (let cg = 0; cg < Cg; cg++) {
      const c = g * Cg + cg;
      for (let kh = kh0; kh < kH; kh += khStep) {
        const fh = oh + pT - kh * dH;
        if (fh % sH !== 0) continue;
        const ih = fh / sH;
        if (ih < 0 || ih >= H) continue;
        for (let kw = kw0; kw < kW; kw += kwStep) {
          const fw = ow + pL - kw * dW;
          if (fw % sW !== 0) continue;
          const iw = fw / sW;
          if (iw < 0 || iw >= W) continue;
          const t = x[((n * C + c) * H + ih) * W + iw] * w[((c * Mg + mg) * kH + kh) * kW + kw];
          value += t;
          scale += Math.abs(t);
        }
      }
    }
    return { value, scale };
  };
}

/**
 * The same definitions on volumes (spatial rank 3), as plain loops over the taps kd, kh, kw;
 * index formulas as in pointReference with a depth axis in front.
 */
function volumePointReference(shape: Conv3dShape | ConvTranspose3dShape, d: BenchData): PointReference {
  const { x, w, b } = d;
  const { C, D, H, W, M, kD, kH, kW, groups } = shape;
  const [sD, sH, sW] = shape.strides;
  const [pF, pT, pL] = shape.pads;
  const [dD, dH, dW] = shape.dilations;
  const [, , outD, outH, outW] = d.dims.y;
  const Cg = C / groups, Mg = M / groups;
  const mod = (a: number, m: number) => ((a % m) + m) % m;
  return (index) => {
    const ow = index % outW, oh = Math.floor(index / outW) % outH, od = Math.floor(index / (outW * outH)) % outD;
    const m = Math.floor(index / (outW * outH * outD)) % M, n = Math.floor(index / (outW * outH * outD * M));
    const g = Math.floor(m / Mg), mg = m - g * Mg;
    let value = b ? b[m] : 0, scale = Math.abs(value);
    const tap = (c: number, id: number, ih: number, iw: number, wi: number) => {
      if (id < 0 || id >= D || ih < 0 || ih >= H || iw < 0 || iw >= W) return;
      const t = x[(((n * C + c) * D + id) * H + ih) * W + iw] * w[wi];
      value += t;
      scale += Math.abs(t);
    };
    if (shape.kind === "conv3d") {
      // y[n, m, od, oh, ow] = b[m] + Σ x[n, g·Cg + cg, od·s − pF + kd·d, oh·s − pT + kh·d, ow·s − pL + kw·d] · w[m, cg, kd, kh, kw]
      for (let cg = 0; cg < Cg; cg++)
        for (let kd = 0; kd < kD; kd++)
          for (let kh = 0; kh < kH; kh++)
            for (let kw = 0; kw < kW; kw++)
              tap(g * Cg + cg, od * sD - pF + kd * dD, oh * sH - pT + kh * dH, ow * sW - pL + kw * dW, (((m * Cg + cg) * kD + kd) * kH + kh) * kW + kw);
      return { value, scale };
    }
    // ConvTranspose: x[n, c, id, ih, iw] stamps w[c, m − g·Mg] at output od = id·s + kd·d − pF (per
    // axis), so id = (od + pF − kd·d) / s for the taps where that divides; with d = 1 those are
    // kd ≡ (od + pF) mod s: step through them only.
    const first = (o: number, p: number, s: number, dil: number) => (dil === 1 ? mod(o + p, s) : 0);
    const step = (s: number, dil: number) => (dil === 1 ? s : 1);
    for (let cg = 0; cg < Cg; cg++) {
      const c = g * Cg + cg;
      for (let kd = first(od, pF, sD, dD); kd < kD; kd += step(sD, dD)) {
        const fd = od + pF - kd * dD;
        if (fd % sD !== 0) continue;
        for (let kh = first(oh, pT, sH, dH); kh < kH; kh += step(sH, dH)) {
          const fh = oh + pT - kh * dH;
          if (fh % sH !== 0) continue;
          for (let kw = first(ow, pL, sW, dW); kw < kW; kw += step(sW, dW)) {
            const fw = ow + pL - kw * dW;
            if (fw % sW !== 0) continue;
            tap(c, fd / sD, fh / sH, fw / sW, (((c * Mg + mg) * kD + kd) * kH + kh) * kW + kw);
          }
        }
      }
    }
    return { value, scale };
  };
}

/** The float64 reference at chosen output indices. */
export interface Reference {
  indices: Int32Array;
  values: Float64Array;
  scales: Float64Array;
  /** "all" when every output element is checked, else "<n> points". */
  coverage: string;
}

/** MACs the float64 reference may spend per shape (≈ 1 s of plain JS at most). */
const REFERENCE_MACS = 6e7;

/**
 * Evaluates the float64 reference at every output element when that costs ≤ REFERENCE_MACS,
 * else at a seeded sample of indices (always including the first and last element of every GEMM
 * row, output channel plane or depth slice, where padding and edge taps differ).
 */
export function reference(shape: BenchShape, d: BenchData, totalMacs: number): Reference {
  const outputs = product(d.dims.y);
  const at = pointReference(shape, d);
  let indices: Int32Array;
  if (totalMacs <= REFERENCE_MACS) {
    indices = new Int32Array(outputs);
    for (let i = 0; i < outputs; i++) indices[i] = i;
  } else {
    const perPoint = totalMacs / outputs;
    const budget = Math.max(512, Math.min(outputs, Math.floor(REFERENCE_MACS / perPoint)));
    const chosen = new Set<number>();
    // First and last element of every output row (GEMM), channel plane (2-D) or depth slice of
    // a channel's volume (3-D).
    const yd = d.dims.y;
    const run = shape.kind === "gemm" ? yd[1] : yd[yd.length - 2] * yd[yd.length - 1];
    for (let r = 0; r < outputs / run; r++) {
      chosen.add(r * run);
      chosen.add(r * run + run - 1);
    }
    const rand = prng(hash(shape.name) ^ 0x9e3779b9);
    while (chosen.size < budget) chosen.add(Math.floor(rand() * outputs));
    indices = Int32Array.from([...chosen].sort((a, b) => a - b));
  }
  const values = new Float64Array(indices.length), scales = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const r = at(indices[i]);
    values[i] = r.value;
    scales[i] = r.scale;
  }
  return { indices, values, scales, coverage: indices.length === outputs ? "all" : `${indices.length} points` };
}

/** Tolerance: float32 sums of random ±1 terms stay far inside 1e-5·Σ|terms|; one wrong tap does not. */
const RTOL = 1e-5;
const ATOL = 1e-6;

/** Throws with the first bad index, got, want and the shape when `got` misses the reference. */
export function checkAgainstReference(got: ArrayLike<number>, ref: Reference, expectedLength: number, what: string): { maxRelErr: number } {
  if (got.length !== expectedLength) throw new Error(`${what}: output has ${got.length} elements, expected ${expectedLength}`);
  let maxRelErr = 0;
  for (let i = 0; i < ref.indices.length; i++) {
    const k = ref.indices[i];
    const err = Math.abs(got[k] - ref.values[i]);
    const scale = ref.scales[i] || 1;
    if (!(err <= ATOL + RTOL * scale)) {
      throw new Error(`${what}: output[${k}] = ${got[k]}, float64 reference ${ref.values[i]} (|err| ${err.toExponential(2)} > ${(ATOL + RTOL * scale).toExponential(2)})`);
    }
    maxRelErr = Math.max(maxRelErr, err / scale);
  }
  return { maxRelErr };
}

/**
 * Full-tensor comparison of an implementation with another one's output (the peers against
 * fcn-wasm), scaled by the output's largest magnitude since Σ|terms| is not known everywhere.
 */
export function checkAgainstOutput(got: ArrayLike<number>, want: ArrayLike<number>, what: string): { maxRelErr: number } {
  if (got.length !== want.length) throw new Error(`${what}: output has ${got.length} elements, expected ${want.length}`);
  let peak = 0;
  for (let i = 0; i < want.length; i++) peak = Math.max(peak, Math.abs(want[i]));
  const scale = peak || 1;
  let maxRelErr = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= 1e-4 * scale)) {
      throw new Error(`${what}: output[${i}] = ${got[i]}, fcn-wasm gives ${want[i]} (|err| ${err.toExponential(2)} > 1e-4·max|y| = ${(1e-4 * scale).toExponential(2)})`);
    }
    maxRelErr = Math.max(maxRelErr, err / scale);
  }
  return { maxRelErr };
}
