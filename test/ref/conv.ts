// Plain-TS references for ONNX Conv and ConvTranspose (opset 22): naive gather loops with float64
// accumulation, written to read as the definition. Independent of src/ and dist/: the output sizes
// and the SAME / outputShape padding are derived here from the rules in README.md "Output sizes".
// Layouts: x [N, C, spatial…] row-major; Conv w [M, C/group, k…]; ConvTranspose w [C, M/group, k…];
// b [M]. Spatial rank 1, 2 or 3: every rank is run as rank 3 [D, H, W], rank 1 and 2 with trivial
// leading axes of size 1 (in = out = k = s = d = 1, no pads).

export type RefAutoPad = "NOTSET" | "SAME_UPPER" | "SAME_LOWER" | "VALID";
type Ints = number | readonly number[];

/** The attributes the references understand (the package's camelCase ONNX names). */
export interface RefConvAttrs {
  kernelShape?: Ints;
  strides?: Ints;
  pads?: Ints;
  dilations?: Ints;
  group?: number;
  autoPad?: RefAutoPad;
  outputPadding?: Ints;
  outputShape?: Ints;
}

/** Result of a reference: float64 data and its shape [N, M, out…]. */
export interface RefTensor {
  data: Float64Array;
  shape: number[];
}

/** Per-axis geometry after resolving the attributes (one entry per spatial axis). */
export interface RefGeometry {
  N: number; C: number; M: number; group: number;
  /** Spatial input sizes. */
  input: number[];
  /** Spatial output sizes. */
  output: number[];
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** Padding before / after each axis (negative for a ConvTranspose output that extends past the full size). */
  padsBegin: number[];
  padsEnd: number[];
  outputPadding: number[];
}

/** A number means "the same on every axis"; undefined means `dflt` on every axis. */
function perAxis(v: Ints | undefined, rank: number, dflt: number, what: string): number[] {
  if (v === undefined) return new Array<number>(rank).fill(dflt);
  if (typeof v === "number") return new Array<number>(rank).fill(v);
  if (v.length !== rank) throw new Error(`ref: ${what} needs ${rank} values, got ${v.length}`);
  return v.slice();
}

/** ONNX pads [begin…, end…]; a single number pads every side. */
function readPads(v: Ints | undefined, rank: number): [number[], number[]] {
  if (v === undefined) return [new Array<number>(rank).fill(0), new Array<number>(rank).fill(0)];
  if (typeof v === "number") return [new Array<number>(rank).fill(v), new Array<number>(rank).fill(v)];
  if (v.length !== 2 * rank) throw new Error(`ref: pads needs ${2 * rank} values, got ${v.length}`);
  return [v.slice(0, rank), v.slice(rank)];
}

/** Splits a total padding the ONNX way: SAME_UPPER puts ⌊total/2⌋ first, the others total − ⌊total/2⌋. */
function splitTotal(total: number, autoPad: RefAutoPad): [number, number] {
  const half = Math.floor(total / 2);
  return autoPad === "SAME_UPPER" ? [half, total - half] : [total - half, half];
}

function checkRank(xShape: readonly number[], wShape: readonly number[]): number {
  const rank = xShape.length - 2;
  if (rank < 1 || rank > 3) throw new Error(`ref: spatial rank ${rank} not supported`);
  if (wShape.length !== xShape.length) throw new Error("ref: w rank differs from x rank");
  return rank;
}

/**
 * Conv geometry. out = ⌊(in + pBegin + pEnd − d·(k−1) − 1) / s⌋ + 1.
 * SAME_*: out = ⌈in / s⌉, total padding max(0, (out−1)·s + d·(k−1) + 1 − in), split as splitTotal.
 * VALID: no padding.
 */
export function convGeometry(xShape: readonly number[], wShape: readonly number[], attrs: RefConvAttrs = {}): RefGeometry {
  const rank = checkRank(xShape, wShape);
  const [N, C] = xShape;
  const M = wShape[0];
  const group = attrs.group ?? 1;
  if (C % group !== 0 || M % group !== 0 || wShape[1] * group !== C) throw new Error("ref: bad channels / group");
  const input = xShape.slice(2);
  const kernel = wShape.slice(2);
  if (attrs.kernelShape !== undefined && perAxis(attrs.kernelShape, rank, 1, "kernelShape").some((k, i) => k !== kernel[i])) {
    throw new Error("ref: kernelShape disagrees with w");
  }
  const strides = perAxis(attrs.strides, rank, 1, "strides");
  const dilations = perAxis(attrs.dilations, rank, 1, "dilations");
  const autoPad = attrs.autoPad ?? "NOTSET";
  const [padsBegin, padsEnd] = readPads(attrs.pads, rank); // fresh arrays, filled in below for autoPad
  const output: number[] = [];
  for (let i = 0; i < rank; i++) {
    const span = dilations[i] * (kernel[i] - 1) + 1;
    if (autoPad === "VALID") { padsBegin[i] = 0; padsEnd[i] = 0; }
    if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
      const out = Math.ceil(input[i] / strides[i]);
      [padsBegin[i], padsEnd[i]] = splitTotal(Math.max(0, (out - 1) * strides[i] + span - input[i]), autoPad);
    }
    const room = input[i] + padsBegin[i] + padsEnd[i] - span;
    if (room < 0) throw new Error(`ref: conv output axis ${i} is empty`);
    output.push(Math.floor(room / strides[i]) + 1);
  }
  return { N, C, M, group, input, output, kernel, strides, dilations, padsBegin, padsEnd, outputPadding: new Array<number>(rank).fill(0) };
}

/**
 * ConvTranspose geometry. full = s·(in − 1) + outputPadding + d·(k − 1) + 1.
 * NOTSET with pads: out = full − pBegin − pEnd. VALID: out = full.
 * outputShape given (any autoPad), or SAME_* (out = in·s): total = full − out, split as splitTotal.
 */
export function convTransposeGeometry(xShape: readonly number[], wShape: readonly number[], attrs: RefConvAttrs = {}): RefGeometry {
  const rank = checkRank(xShape, wShape);
  const [N, C] = xShape;
  const group = attrs.group ?? 1;
  if (wShape[0] !== C || C % group !== 0) throw new Error("ref: bad channels / group");
  const M = wShape[1] * group;
  const input = xShape.slice(2);
  const kernel = wShape.slice(2);
  if (attrs.kernelShape !== undefined && perAxis(attrs.kernelShape, rank, 1, "kernelShape").some((k, i) => k !== kernel[i])) {
    throw new Error("ref: kernelShape disagrees with w");
  }
  const strides = perAxis(attrs.strides, rank, 1, "strides");
  const dilations = perAxis(attrs.dilations, rank, 1, "dilations");
  const outputPadding = perAxis(attrs.outputPadding, rank, 0, "outputPadding");
  const autoPad = attrs.autoPad ?? "NOTSET";
  const wanted = attrs.outputShape !== undefined ? perAxis(attrs.outputShape, rank, 0, "outputShape") : null;
  const [givenBegin, givenEnd] = readPads(attrs.pads, rank);
  const padsBegin: number[] = [], padsEnd: number[] = [], output: number[] = [];
  for (let i = 0; i < rank; i++) {
    const full = strides[i] * (input[i] - 1) + outputPadding[i] + dilations[i] * (kernel[i] - 1) + 1;
    let pb: number, pe: number;
    if (wanted !== null) {
      [pb, pe] = splitTotal(full - wanted[i], autoPad);
    } else if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
      [pb, pe] = splitTotal(full - input[i] * strides[i], autoPad);
    } else if (autoPad === "VALID") {
      pb = 0; pe = 0;
    } else {
      pb = givenBegin[i]; pe = givenEnd[i];
    }
    const out = full - pb - pe;
    if (out < 1) throw new Error(`ref: convTranspose output axis ${i} is empty`);
    padsBegin.push(pb); padsEnd.push(pe); output.push(out);
  }
  return { N, C, M, group, input, output, kernel, strides, dilations, padsBegin, padsEnd, outputPadding };
}

/** The numbers of one volume axis: input and output sizes, kernel, stride, dilation, begin pad. */
export interface RefAxis { size: number; out: number; k: number; s: number; d: number; p: number }

/**
 * 3-D view of a geometry, axes [depth, height, width]: rank 1 and 2 get leading axes with
 * in = out = k = s = d = 1 and no pads, so one set of loops reads every rank.
 */
export function volume(g: RefGeometry): [RefAxis, RefAxis, RefAxis] {
  const lift = g.input.length;
  const axis = (i: number): RefAxis => {
    const a = i - (3 - lift); // this view's axis i is the geometry's axis a (none when a < 0)
    if (a < 0) return { size: 1, out: 1, k: 1, s: 1, d: 1, p: 0 };
    return { size: g.input[a], out: g.output[a], k: g.kernel[a], s: g.strides[a], d: g.dilations[a], p: g.padsBegin[a] };
  };
  return [axis(0), axis(1), axis(2)];
}

function checkLengths(x: ArrayLike<number>, xShape: readonly number[], w: ArrayLike<number>, wShape: readonly number[], b: ArrayLike<number> | null, M: number): void {
  const size = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);
  if (x.length !== size(xShape)) throw new Error("ref: x length does not match its shape");
  if (w.length !== size(wShape)) throw new Error("ref: w length does not match its shape");
  if (b !== null && b.length !== M) throw new Error("ref: bias length is not M");
}

/**
 * ONNX Conv: y[n, m, od, oh, ow] = b[m] + Σ_{c in m's group} Σ_{kd, kh, kw} x[n, c, id, ih, iw] · w[m, c_local, kd, kh, kw]
 * with id = od·sD − padFront + kd·dD, ih = oh·sH − padTop + kh·dH, iw = ow·sW − padLeft + kw·dW
 * (rank 1 and 2: the same with the leading axes of size 1). Taps outside the input read the
 * padding's 0, which takes part in the sum (0·w: ONNX pads the input with zeros, PyTorch agrees), so
 * a NaN or ±∞ weight makes every output whose window crosses the padding at that tap NaN.
 */
export function convRef(x: ArrayLike<number>, xShape: readonly number[], w: ArrayLike<number>, wShape: readonly number[],
  b: ArrayLike<number> | null, attrs: RefConvAttrs = {}): RefTensor {
  const g = convGeometry(xShape, wShape, attrs);
  checkLengths(x, xShape, w, wShape, b, g.M);
  const { N, C, M, group } = g;
  const [Dz, Hz, Wz] = volume(g);
  const Cg = C / group, Mg = M / group;
  const y = new Float64Array(N * M * Dz.out * Hz.out * Wz.out);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      const gi = Math.floor(m / Mg);
      for (let od = 0; od < Dz.out; od++) {
        for (let oh = 0; oh < Hz.out; oh++) {
          for (let ow = 0; ow < Wz.out; ow++) {
            let acc = b === null ? 0 : b[m];
            for (let cl = 0; cl < Cg; cl++) {
              const c = gi * Cg + cl;
              for (let kd = 0; kd < Dz.k; kd++) {
                const id = od * Dz.s - Dz.p + kd * Dz.d; // id = od·s − pBegin + kd·d
                for (let kh = 0; kh < Hz.k; kh++) {
                  const ih = oh * Hz.s - Hz.p + kh * Hz.d; // ih = oh·s − pBegin + kh·d
                  for (let kw = 0; kw < Wz.k; kw++) {
                    const iw = ow * Wz.s - Wz.p + kw * Wz.d; // iw = ow·s − pBegin + kw·d
                    const inside = id >= 0 && id < Dz.size && ih >= 0 && ih < Hz.size && iw >= 0 && iw < Wz.size;
                    const xv = inside ? x[(((n * C + c) * Dz.size + id) * Hz.size + ih) * Wz.size + iw] : 0;
                    acc += xv * w[(((m * Cg + cl) * Dz.k + kd) * Hz.k + kh) * Wz.k + kw];
                  }
                }
              }
            }
            y[(((n * M + m) * Dz.out + od) * Hz.out + oh) * Wz.out + ow] = acc;
          }
        }
      }
    }
  }
  return { data: y, shape: [N, M, ...g.output] };
}

/**
 * The input index i = (o + pBegin − k·d) / s of one axis that output o receives tap k from, or −1
 * when there is none (s does not divide it, or it lies outside [0, size)).
 */
function source(o: number, k: number, a: RefAxis): number {
  const t = o + a.p - k * a.d;
  if (t < 0 || t % a.s !== 0) return -1;
  const i = t / a.s;
  return i < a.size ? i : -1;
}

/**
 * ONNX ConvTranspose, gather form: y[n, m, od, oh, ow] = b[m] + Σ_{c in m's group} Σ_{kd, kh, kw} x[n, c, id, ih, iw] · w[c, m_local, kd, kh, kw]
 * over the taps where, on every axis, (o + pBegin − k·d) is divisible by s with i = (o + pBegin − k·d) / s
 * in [0, in) (source()). m_local = m mod M/group.
 * (Scatter reading: input voxel i stamps w·x at output i·s − pBegin + k·d on each axis.)
 * Only those terms: ConvTranspose has no padding values (its pads crop the output), so a NaN or ±∞
 * reaches exactly the outputs whose sum holds a term with it.
 */
export function convTransposeRef(x: ArrayLike<number>, xShape: readonly number[], w: ArrayLike<number>, wShape: readonly number[],
  b: ArrayLike<number> | null, attrs: RefConvAttrs = {}): RefTensor {
  const g = convTransposeGeometry(xShape, wShape, attrs);
  checkLengths(x, xShape, w, wShape, b, g.M);
  const { N, C, M, group } = g;
  const [Dz, Hz, Wz] = volume(g);
  const Cg = C / group, Mg = M / group;
  const y = new Float64Array(N * M * Dz.out * Hz.out * Wz.out);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      const gi = Math.floor(m / Mg), ml = m % Mg;
      for (let od = 0; od < Dz.out; od++) {
        for (let oh = 0; oh < Hz.out; oh++) {
          for (let ow = 0; ow < Wz.out; ow++) {
            let acc = b === null ? 0 : b[m];
            for (let cl = 0; cl < Cg; cl++) {
              const c = gi * Cg + cl;
              for (let kd = 0; kd < Dz.k; kd++) {
                const id = source(od, kd, Dz);
                if (id < 0) continue;
                for (let kh = 0; kh < Hz.k; kh++) {
                  const ih = source(oh, kh, Hz);
                  if (ih < 0) continue;
                  for (let kw = 0; kw < Wz.k; kw++) {
                    const iw = source(ow, kw, Wz);
                    if (iw < 0) continue;
                    acc += x[(((n * C + c) * Dz.size + id) * Hz.size + ih) * Wz.size + iw] * w[(((c * Mg + ml) * Dz.k + kd) * Hz.k + kh) * Wz.k + kw];
                  }
                }
              }
            }
            y[(((n * M + m) * Dz.out + od) * Hz.out + oh) * Wz.out + ow] = acc;
          }
        }
      }
    }
  }
  return { data: y, shape: [N, M, ...g.output] };
}
