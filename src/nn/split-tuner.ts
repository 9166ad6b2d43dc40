// Whether each layer of a Net plan is worth splitting over the worker pool, learned from the
// plan's own runs (as cuDNN's benchmark mode learns algorithms). The ops' split rule counts
// multiply-adds; what a split of a small layer costs depends on the machine: on some (this
// project's VMs) a worker woken after an idle spell shares the calling thread's core for the
// first milliseconds, so sub-millisecond pieces run one after the other and the split only adds
// its recording and wake-up (README "Two threads"). A split never changes a bit of the result
// (ops/run.ts), so trying both ways is safe: the first runs alternate each layer between split
// and unsplit, and once each way has TRIALS timings the faster median is kept for the plan's life.

export type SplitArm = "split" | "single";

/** Timed runs of each arm before a layer's choice is made. */
export const SPLIT_TRIALS = 3;

const median = (v: readonly number[]): number => v.slice().sort((a, b) => a - b)[v.length >> 1];

export class SplitTuner {
  private readonly times: { split: number[]; single: number[] }[];
  private readonly chosen: (SplitArm | null)[];

  /** `layers`: the plan's step count; `pooled`: whether there is a pool to split over (else every layer stays 'split', which then splits nothing). */
  constructor(layers: number, private readonly pooled: boolean) {
    this.times = Array.from({ length: layers }, () => ({ split: [], single: [] }));
    this.chosen = Array.from({ length: layers }, () => (pooled ? null : "split"));
  }

  /** How layer i runs this time: its choice once made, else the arm with fewer timings (split first). */
  arm(i: number): SplitArm {
    const c = this.chosen[i];
    if (c !== null) return c;
    const t = this.times[i];
    return t.single.length < t.split.length ? "single" : "split";
  }

  /** Records that layer i took `ms` on `arm`; with TRIALS of each, keeps the faster median (ties: split). */
  record(i: number, arm: SplitArm, ms: number): void {
    if (this.chosen[i] !== null) return;
    const t = this.times[i];
    t[arm].push(ms);
    if (t.split.length >= SPLIT_TRIALS && t.single.length >= SPLIT_TRIALS) {
      this.chosen[i] = median(t.single) < median(t.split) ? "single" : "split";
    }
  }

  /** Layer i's choice, or null while it is still being tried. */
  choice(i: number): SplitArm | null {
    return this.chosen[i];
  }

  /** Sets layer i's choice (for tests that need a layer split or not regardless of timing). */
  decide(i: number, arm: SplitArm): void {
    this.chosen[i] = this.pooled ? arm : "split";
  }

  /** Sets every layer's choice (benchmarks that time the split itself, tests). */
  decideAll(arm: SplitArm): void {
    this.chosen.forEach((_, i) => this.decide(i, arm));
  }
}
