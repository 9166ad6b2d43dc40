// gemm and matmul against the plain-TS references in ref/matrix.ts, on both builds: seeded random
// problems over transA/transB/alpha/beta and every C broadcast shape, sizes that cross the packed
// kernel's blocking (MR 4, NR 8, KC 256, MC 72), every sub-tile m ≤ 5 × n ≤ 9, 1-D operands and
// N-D batch broadcasting for matmul, inputs never mutated, outputs fresh.
// Tolerance: a float32 dot product of K terms is off by at most ~K·2⁻²⁴·Σ|terms|, in practice
// ~√K·2⁻²⁴·Σ|terms|; each element is checked against 8·√(K+2)·2⁻²⁴·Σ|terms| (Σ|terms| from the
// same reference run on |a|, |b|, |c|, |alpha|, |beta|), so one missing or doubled term fails.
import { describe, expect, it, beforeAll } from "vitest";
import { BUILDS, expectClose, fcn, rng, randArray, randInt, useBuild } from "./lib.js";
import { type GemmAttrs, gemmRef, matmulRef } from "./ref/matrix.js";
import type { Arr, Ref } from "./ref/window-ops.js";

const show = (v: readonly number[]): string => `[${v.join(",")}]`;
const EPS32 = 2 ** -24;

function randomTensor(shape: number[], seed: number): fcn.Tensor {
  return fcn.tensor(randArray(rng(seed), shape.reduce((a, b) => a * b, 1)), shape);
}
function abs(t: Arr): Arr {
  return { data: Array.from(t.data, Math.abs), shape: t.shape };
}
function snapshot(t: fcn.Tensor): Uint32Array {
  return new Uint32Array(new Float32Array(t.data).buffer);
}
function expectUnchanged(t: fcn.Tensor, before: Uint32Array, what: string): void {
  const now = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
  for (let i = 0; i < before.length; i++) if (now[i] !== before[i]) throw new Error(`${what}: input element ${i} was modified`);
}

/** Element-wise |got − want| ≤ 8·√(K+2)·2⁻²⁴·mag + 1e-30, naming the first bad element. */
function expectWithin(got: fcn.Tensor, want: Ref, mag: Ref, K: number, context: string): void {
  expect(got.shape, `${context}: shape`).toEqual(want.shape);
  const f = 8 * Math.sqrt(K + 2) * EPS32;
  for (let i = 0; i < want.data.length; i++) {
    const g = got.data[i], w = want.data[i];
    if (!(Math.abs(g - w) <= f * mag.data[i] + 1e-30)) {
      throw new Error(`${context}: element ${i} is ${g}, expected ${w} (|diff| ${Math.abs(g - w)} > ${f * mag.data[i]})`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// gemm problems

type CKind = "none" | "[]" | "[1]" | "[N]" | "[1,N]" | "[M,1]" | "[M,N]" | "[1,1]";
const C_KINDS: CKind[] = ["none", "[]", "[1]", "[N]", "[1,N]", "[M,1]", "[M,N]", "[1,1]"];

function cShape(kind: CKind, M: number, N: number): number[] | null {
  switch (kind) {
    case "none": return null;
    case "[]": return [];
    case "[1]": return [1];
    case "[N]": return [N];
    case "[1,N]": return [1, N];
    case "[M,1]": return [M, 1];
    case "[M,N]": return [M, N];
    case "[1,1]": return [1, 1];
  }
}

interface GemmCase {
  name: string;
  seed: number;
  M: number; N: number; K: number;
  transA: boolean; transB: boolean;
  alpha?: number; beta?: number;
  c: CKind;
}

function gemmCase(seed: number, M: number, N: number, K: number, c: CKind, r = rng(seed)): GemmCase {
  const transA = r() < 0.5, transB = r() < 0.5;
  const pick = (): number | undefined => {
    const u = r();
    return u < 0.3 ? undefined : u < 0.4 ? 0 : u < 0.5 ? 1 : Math.round((r() * 4 - 2) * 1000) / 1000;
  };
  const alpha = pick(), beta = pick();
  const name = `gemm M=${M} N=${N} K=${K} transA=${transA} transB=${transB} alpha=${alpha ?? "default"} beta=${beta ?? "default"} c=${c} seed=${seed}`;
  return { name, seed, M, N, K, transA, transB, alpha, beta, c };
}

function runGemmCase(g: GemmCase): void {
  const aShape = g.transA ? [g.K, g.M] : [g.M, g.K];
  const bShape = g.transB ? [g.N, g.K] : [g.K, g.N];
  const a = randomTensor(aShape, g.seed * 3 + 1), b = randomTensor(bShape, g.seed * 3 + 2);
  const cs = cShape(g.c, g.M, g.N);
  const c = cs === null ? null : randomTensor(cs, g.seed * 3 + 3);
  const attrs: GemmAttrs = { transA: g.transA, transB: g.transB };
  if (g.alpha !== undefined) attrs.alpha = g.alpha;
  if (g.beta !== undefined) attrs.beta = g.beta;
  const snaps = [a, b, ...(c ? [c] : [])].map(snapshot);
  const got = c === null && g.seed % 2 === 0 ? fcn.gemm(a, b, undefined, attrs) : fcn.gemm(a, b, c, attrs);
  [a, b, ...(c ? [c] : [])].forEach((t, i) => expectUnchanged(t, snaps[i], `${g.name} (${"abc"[i]})`));
  const want = gemmRef(a, b, c, attrs);
  const mag = gemmRef(abs(a), abs(b), c && abs(c), { ...attrs, alpha: Math.abs(attrs.alpha ?? 1), beta: Math.abs(attrs.beta ?? 1) });
  expectWithin(got, want, mag, g.K, `${g.name} a=${show(aShape)} b=${show(bShape)}`);
}

const GEMM_RANDOM: GemmCase[] = [];
for (let seed = 100; GEMM_RANDOM.length < 80; seed++) {
  const r = rng(seed);
  const M = randInt(r, 1, 13), N = randInt(r, 1, 19), K = randInt(r, 1, 17);
  GEMM_RANDOM.push(gemmCase(seed, M, N, K, C_KINDS[seed % C_KINDS.length], r));
}
// Sizes across the blocking: M over MC = 72 (and over 2·MC), K over KC = 256 (and over 2·KC),
// N not a multiple of NR = 8, a few hundred in all; every C shape once among them.
const GEMM_LARGE: GemmCase[] = [
  [73, 13, 257], [150, 203, 300], [72, 8, 256], [75, 17, 513], [145, 9, 31], [5, 250, 260],
  [97, 31, 1], [200, 3, 270],
].map(([M, N, K], i) => gemmCase(500 + i, M, N, K, C_KINDS[i % C_KINDS.length]));

// ---------------------------------------------------------------------------------------------
// matmul problems

interface MatmulCase {
  name: string;
  seed: number;
  aShape: number[];
  bShape: number[];
}

/** Random shapes: a and b each 1-D, 2-D, or with 1…3 batch axes that broadcast against each other. */
function matmulCase(seed: number): MatmulCase {
  const r = rng(seed);
  const M = randInt(r, 1, 7), N = randInt(r, 1, 9), K = randInt(r, 1, 11);
  const kindA = randInt(r, 0, 4), kindB = randInt(r, 0, 4); // 0: 1-D, 1: 2-D, 2…4: that many batch axes − 1
  const batchRank = Math.max(kindA, kindB) - 1;
  const batch = Array.from({ length: Math.max(batchRank, 0) }, () => randInt(r, 1, 3));
  const batchOf = (kind: number): number[] => {
    const own = batch.slice(batch.length - Math.max(kind - 1, 0));
    return own.map((d) => (r() < 0.35 ? 1 : d)); // broadcast some axes from 1
  };
  const aShape = kindA === 0 ? [K] : [...batchOf(kindA), M, K];
  const bShape = kindB === 0 ? [K] : [...batchOf(kindB), K, N];
  return { name: `matmul a=${show(aShape)} b=${show(bShape)} seed=${seed}`, seed, aShape, bShape };
}

const MATMUL_RANDOM = Array.from({ length: 80 }, (_, i) => matmulCase(900 + i));
const MATMUL_FIXED: MatmulCase[] = [
  [[5], [5]], [[4], [4, 3]], [[3, 4], [4]], [[6], [2, 3, 6, 5]], [[2, 3, 4, 6], [6]],
  [[2, 1, 3, 4], [5, 4, 2]], [[3, 4], [2, 4, 5]], [[1, 3, 4], [2, 4, 5]],
  [[2, 1, 3, 4], [1, 4, 4, 5]], [[7, 3, 4], [7, 4, 2]],
  [[2, 80, 260], [260, 19]], [[77, 300], [2, 300, 17]], [[1, 2, 3, 5], [4, 1, 5, 9]],
].map(([aShape, bShape], i) => ({ name: `matmul a=${show(aShape)} b=${show(bShape)} seed=${1200 + i}`, seed: 1200 + i, aShape, bShape }));

function runMatmulCase(m: MatmulCase): void {
  const a = randomTensor(m.aShape, m.seed * 2 + 1), b = randomTensor(m.bShape, m.seed * 2 + 2);
  const sa = snapshot(a), sb = snapshot(b);
  const got = fcn.matmul(a, b);
  expectUnchanged(a, sa, `${m.name} (a)`);
  expectUnchanged(b, sb, `${m.name} (b)`);
  const K = m.aShape[m.aShape.length - 1];
  expectWithin(got, matmulRef(a, b), matmulRef(abs(a), abs(b)), K, m.name);
}

describe("matrix generators reach the required cases", () => {
  it("gemm", () => {
    const all = [...GEMM_RANDOM, ...GEMM_LARGE];
    for (const kind of C_KINDS) expect(all.some((g) => g.c === kind), kind).toBe(true);
    for (const [tA, tB] of [[false, false], [false, true], [true, false], [true, true]]) {
      expect(all.some((g) => g.transA === tA && g.transB === tB), `transA ${tA} transB ${tB}`).toBe(true);
    }
    expect(all.some((g) => g.alpha === 0) && all.some((g) => g.beta === 0) && all.some((g) => g.alpha !== undefined && g.alpha < 0)).toBe(true);
  });
  it("matmul", () => {
    const all = [...MATMUL_RANDOM, ...MATMUL_FIXED];
    const out = (m: MatmulCase): number[] => matmulRef({ data: new Float32Array(m.aShape.reduce((p, v) => p * v, 1)), shape: m.aShape },
      { data: new Float32Array(m.bShape.reduce((p, v) => p * v, 1)), shape: m.bShape }).shape;
    expect(all.some((m) => m.aShape.length === 1 && m.bShape.length === 1)).toBe(true);
    expect(all.some((m) => m.aShape.length === 1 && m.bShape.length > 2)).toBe(true);
    expect(all.some((m) => m.bShape.length === 1 && m.aShape.length > 2)).toBe(true);
    // both operands broadcast some batch axis
    expect(all.some((m) => {
      const o = out(m), ra = m.aShape.length, rb = m.bShape.length, ro = o.length;
      const bcast = (s: number[], r: number) => o.slice(0, ro - 2).some((d, i) => d > 1 && (s[r - (ro - i)] ?? 1) === 1);
      return ra > 2 && rb > 2 && bcast(m.aShape, ra) && bcast(m.bShape, rb);
    })).toBe(true);
  });
});

describe.each(BUILDS)("matrix ops (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  describe("gemm", () => {
    it("known answer: [[1, 2], [3, 4]]·[[5, 6], [7, 8]] · 2 + 10·[1, −1]", () => {
      // AB = [[19, 22], [43, 50]]; 2·AB = [[38, 44], [86, 100]]; + 10·[1, −1] per row.
      const y = fcn.gemm(fcn.tensor([1, 2, 3, 4], [2, 2]), fcn.tensor([5, 6, 7, 8], [2, 2]), fcn.tensor([1, -1], [2]), { alpha: 2, beta: 10 });
      expectClose(y, { data: [48, 34, 96, 90], shape: [2, 2] }, "gemm known", 0, 0);
      // transA: Aᵀ = [[1, 3], [2, 4]]; AᵀB = [[26, 30], [38, 44]]; C [2, 1] = [1, 2] down the rows.
      const t = fcn.gemm(fcn.tensor([1, 2, 3, 4], [2, 2]), fcn.tensor([5, 6, 7, 8], [2, 2]), fcn.tensor([1, 2], [2, 1]), { transA: 1 });
      expectClose(t, { data: [27, 31, 40, 46], shape: [2, 2] }, "gemm transA known", 0, 0);
    });

    for (const g of GEMM_RANDOM) it(g.name, () => runGemmCase(g));
    for (const g of GEMM_LARGE) it(g.name, () => runGemmCase(g));

    it("every sub-tile m ≤ 5, n ≤ 9 (around the 4×8 microkernel), K = 1 and 3, all trans", () => {
      let seed = 3000;
      for (let M = 1; M <= 5; M++) for (let N = 1; N <= 9; N++) for (const K of [1, 3]) {
        runGemmCase(gemmCase(seed++, M, N, K, C_KINDS[seed % C_KINDS.length]));
      }
    });

    it("K = 0: y = beta·C, or zeros without C", () => {
      const a = fcn.tensor([], [3, 0]), b = fcn.tensor([], [0, 4]);
      expectClose(fcn.gemm(a, b), { data: new Float32Array(12), shape: [3, 4] }, "gemm K=0 no C", 0, 0);
      const c = randomTensor([3, 1], 5);
      expectClose(fcn.gemm(a, b, c, { beta: 2 }), gemmRef(a, b, c, { beta: 2 }), "gemm K=0 C=[3,1] beta=2", 1e-7, 0);
    });

    it("C that does not broadcast to [M, N], or mismatched K: ShapeError", () => {
      const a = randomTensor([3, 4], 1), b = randomTensor([4, 5], 2);
      for (const s of [[3], [5, 3], [3, 5, 1], [2, 5], [3, 2]]) {
        expect(() => fcn.gemm(a, b, randomTensor(s, 3)), `c=${show(s)}`).toThrow(fcn.ShapeError);
      }
      expect(() => fcn.gemm(a, randomTensor([5, 4], 4))).toThrow(fcn.ShapeError);
      expect(() => fcn.gemm(a, b, null, { transA: 1 })).toThrow(fcn.ShapeError);
    });
  });

  describe("matmul", () => {
    it("known answer: 1-D · 1-D is a scalar, [2, 1, 2, 2] · [3, 2, 1] broadcasts the batch", () => {
      const dot = fcn.matmul(fcn.tensor([1, 2, 3], [3]), fcn.tensor([4, 5, 6], [3]));
      expectClose(dot, { data: [32], shape: [] }, "matmul 1-D·1-D", 0, 0);
      // a[i] = [[1, 0], [0, 1]]·(i + 1), b[j] = [[j], [10j]] (j = 0, 1, 2) → y[i, j] = (i + 1)·[[j], [10j]].
      const a = fcn.tensor([1, 0, 0, 1, 2, 0, 0, 2], [2, 1, 2, 2]);
      const b = fcn.tensor([0, 0, 1, 10, 2, 20], [3, 2, 1]);
      expectClose(fcn.matmul(a, b), { data: [0, 0, 1, 10, 2, 20, 0, 0, 2, 20, 4, 40], shape: [2, 3, 2, 1] }, "matmul batch", 0, 0);
    });

    for (const m of MATMUL_RANDOM) it(m.name, () => runMatmulCase(m));
    for (const m of MATMUL_FIXED) it(m.name, () => runMatmulCase(m));

    it("K = 0 gives zeros", () => {
      expectClose(fcn.matmul(fcn.tensor([], [2, 3, 0]), fcn.tensor([], [0, 4])), { data: new Float32Array(24), shape: [2, 3, 4] }, "matmul K=0", 0, 0);
    });

    it("inner or batch axes that do not fit: ShapeError", () => {
      expect(() => fcn.matmul(randomTensor([3, 4], 1), randomTensor([5, 2], 2))).toThrow(fcn.ShapeError);
      expect(() => fcn.matmul(randomTensor([2, 3, 4], 1), randomTensor([3, 4, 2], 2))).toThrow(fcn.ShapeError);
      expect(() => fcn.matmul(randomTensor([4], 1), randomTensor([5], 2))).toThrow(fcn.ShapeError);
    });
  });

  it("outputs are fresh arrays that later calls do not touch", () => {
    const ops: [string, (s: number) => fcn.Tensor][] = [
      ["gemm", (s) => fcn.gemm(randomTensor([9, 7], s), randomTensor([7, 10], s + 1), randomTensor([10], s + 2))],
      ["matmul", (s) => fcn.matmul(randomTensor([2, 9, 7], s), randomTensor([7, 10], s + 1))],
    ];
    for (const [name, op] of ops) {
      const y1 = op(1);
      const keep = new Float32Array(y1.data);
      expect(y1.data.byteOffset === 0 && y1.data.buffer.byteLength === y1.data.byteLength, `${name}: output owns its buffer`).toBe(true);
      const y2 = op(10);
      expect(y2.data, name).not.toBe(y1.data);
      expect(Array.from(y2.data)).not.toEqual(Array.from(keep));
      expect(Array.from(y1.data), `${name}: an earlier output changed after another call`).toEqual(Array.from(keep));
    }
    // gemm's C is copied into the output, never written back
    const c = randomTensor([9, 10], 3), before = snapshot(c);
    const y = fcn.gemm(randomTensor([9, 7], 1), randomTensor([7, 10], 2), c, { beta: 3 });
    expect(y.data).not.toBe(c.data);
    expectUnchanged(c, before, "gemm c");
  });
});
