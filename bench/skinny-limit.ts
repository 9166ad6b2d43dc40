// `npx tsx bench/skinny-limit.ts [M] [K] [N,N,…]`: where the skinny GEMM (assembly/gemm/skinny.ts) stops
// paying. Per N, gemm(A [M×K] resident, B [K×N] resident) on the skinny kernel and on the packed
// one (skinnyGemm.maxN 0; the skinny run sets wideMinBytes 0 so every N takes it), interleaved in one process, one thread, relaxed build; prints
// the median ms of each and packed/skinny. Both are checked against each other first.
import "./v8-flags.js";
import * as fcn from "../dist/index.js";
import { skinnyGemm } from "../dist/ops/run.js";

const M = Number(process.argv[2] ?? 1024), K = Number(process.argv[3] ?? 25088);
const REPS = 9;
await fcn.ready({ simd: "relaxed", threads: 1 });
const random = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5);
const a = fcn.resident(fcn.tensor(random(M * K), [M, K]));
const saved = { ...skinnyGemm };
console.log(`M = ${M}, K = ${K}, 1 thread, relaxed; median of ${REPS} interleaved runs`);
console.log("N\tskinny ms\tpacked ms\tpacked/skinny");
const Ns = process.argv[4]?.split(",").map(Number) ?? [1, 2, 3, 4, 6, 8, 9, 12, 16, 20, 24, 32];
for (const N of Ns) {
  const b = fcn.resident(fcn.tensor(random(K * N), [K, N]));
  const time = (maxN: number): [number, Float32Array] => {
    Object.assign(skinnyGemm, { maxN, wideMinBytes: 0 });
    const t0 = performance.now();
    const y = fcn.gemm(a, b);
    return [performance.now() - t0, y.data];
  };
  const [, ys] = time(1 << 30), [, yp] = time(0);
  let worst = 0;
  for (let i = 0; i < ys.length; i++) worst = Math.max(worst, Math.abs(ys[i] - yp[i]) / (1 + Math.abs(yp[i])));
  if (worst > 1e-3) throw new Error(`N = ${N}: skinny and packed differ by ${worst}`);
  const s: number[] = [], p: number[] = [];
  for (let r = 0; r < REPS; r++) { s.push(time(1 << 30)[0]); p.push(time(0)[0]); }
  const med = (v: number[]) => v.sort((x, y) => x - y)[v.length >> 1];
  console.log(`${N}\t${med(s).toFixed(2)}\t${med(p).toFixed(2)}\t${(med(p) / med(s)).toFixed(2)}`);
  b.dispose();
}
Object.assign(skinnyGemm, saved);
