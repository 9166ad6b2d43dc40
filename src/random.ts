// Mulberry32: a small seeded generator of floats in [0, 1), so weight initialisation, dropout
// masks and the synthetic dataset are reproducible from a seed. Its state after k draws is
// seed + k·0x6d2b79f5 (mod 2³²), so a stream can seek back to any earlier draw (a Net that replays
// a run whose plan was evicted draws the same dropout masks again).
export function mulberry32(seed: number, skip = 0): () => number {
  let a = ((seed | 0) + Math.imul(skip, 0x6d2b79f5)) | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A mulberry32 stream that counts its draws and can go back (or forward) to any draw. */
export class RandomStream {
  /** Draws made so far. */
  draws = 0;
  private gen: () => number;

  constructor(private readonly seed: number) {
    this.gen = mulberry32(seed);
  }

  next(): number {
    this.draws++;
    return this.gen();
  }

  /** Continues as if exactly `draws` draws had been made. */
  seek(draws: number): void {
    this.gen = mulberry32(this.seed, draws);
    this.draws = draws;
  }
}
