// The part of benchmark.js 2.1.4 that bench/run.ts uses (it ships no types; this avoids a
// dependency on @types/benchmark).
declare module "benchmark" {
  namespace Benchmark {
    interface Options {
      name?: string;
      defer?: boolean;
      minSamples?: number;
      /** Seconds. */
      maxTime?: number;
      /** Seconds per sample. */
      minTime?: number;
      fn?: ((deferred: Deferred) => void) | (() => unknown);
      onComplete?: () => void;
      onError?: () => void;
    }
    interface Deferred {
      benchmark: Benchmark;
      resolve(): void;
    }
    interface Stats {
      /** Seconds per call, one entry per sample. */
      sample: number[];
      mean: number;
      rme: number;
    }
  }
  class Benchmark {
    constructor(options: Benchmark.Options);
    error?: Error;
    stats: Benchmark.Stats;
    run(options?: { async?: boolean }): this;
    abort(): this;
  }
  export = Benchmark;
}
