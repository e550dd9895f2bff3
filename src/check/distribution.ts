import { release } from './release.js';

/** Values below this are counted in an array (most characters and messages per sample); larger ones in a map. */
const DENSE_LIMIT = 1 << 14;

/** An exact distribution of whole numbers (characters or messages per sample): value -> count, mergeable. */
export class Distribution {
  /**
   * Counts of the small values, by value (grown to the largest seen): a map's two lookups per sample were most of
   * the review's statistics time.
   */
  private dense = new Uint32Array(0);
  private denseDistinct = 0;
  private readonly sparse = new Map<number, number>();
  total = 0;

  add(value: number, count = 1): void {
    this.total += count;
    if (value >= 0 && value < DENSE_LIMIT && Number.isInteger(value)) {
      if (value >= this.dense.length) {
        const grown = new Uint32Array(Math.min(DENSE_LIMIT, Math.max(64, 2 ** Math.ceil(Math.log2(value + 1)))));
        grown.set(this.dense);
        this.dense = grown;
      }
      if (this.dense[value] === 0) this.denseDistinct += 1;
      this.dense[value]! += count;
      return;
    }
    this.sparse.set(value, (this.sparse.get(value) ?? 0) + count);
  }

  /** Each distinct value with its count: the small values in order, then the others. */
  private *entries(): Generator<[number, number]> {
    for (let value = 0; value < this.dense.length; value += 1) {
      const count = this.dense[value]!;
      if (count > 0) yield [value, count];
    }
    yield* this.sparse;
  }

  /** Frees the counts' array now (see release); the distribution is not used after. */
  dispose(): void {
    release(this.dense);
  }

  /** Appended to `out` as: the number of distinct values n, the n values, then their n counts. */
  packInto(out: number[]): void {
    // Loops, not spread arguments: a file can have hundreds of thousands of distinct values, past the call stack.
    // Plain loops, not entries(): every range of a large file packs its distributions (a generator step per
    // value of a 16,384-long array cost about 1% of a worker's time).
    out.push(this.denseDistinct + this.sparse.size);
    const counts: number[] = [];
    const dense = this.dense;
    for (let value = 0; value < dense.length; value += 1) {
      const count = dense[value]!;
      if (count === 0) continue;
      out.push(value);
      counts.push(count);
    }
    for (const [value, count] of this.sparse) {
      out.push(value);
      counts.push(count);
    }
    for (const count of counts) out.push(count);
  }

  /** The distribution packed at `at` (see packInto), and where the next one starts. */
  static unpack(packed: ArrayLike<number>, at: number): { distribution: Distribution; end: number } {
    const distribution = new Distribution();
    const end = distribution.addPacked(packed, at);
    return { distribution, end };
  }

  /**
   * Adds the distribution packed at `at` (see packInto); returns where the next one starts. Merging a file's
   * ranges this way makes no distribution per range (a file of 400 MiB has about a hundred ranges).
   */
  addPacked(packed: ArrayLike<number>, at: number): number {
    const n = packed[at]!;
    for (let i = 0; i < n; i += 1) this.add(packed[at + 1 + i]!, packed[at + 1 + n + i]);
    return at + 1 + 2 * n;
  }

  private sorted(): Array<[number, number]> {
    return [...this.entries()].sort((a, b) => a[0] - b[0]);
  }

  /** min, median, p95 and max (nearest rank), or null when empty. */
  summary(): Quantiles | null {
    if (this.total === 0) return null;
    const sorted = this.sorted();
    const rank = (q: number) => {
      const target = Math.max(1, Math.ceil(q * this.total));
      let seen = 0;
      for (const [value, count] of sorted) if ((seen += count) >= target) return value;
      return sorted.at(-1)![0];
    };
    return { min: sorted[0]![0], median: rank(0.5), p95: rank(0.95), max: sorted.at(-1)![0] };
  }

  /** Log-2 bins: `[0, 0]`, `[1, 1]`, `[2, 3]`, `[4, 7]`, … up to the largest value, empty bins kept. */
  histogram(): HistogramBin[] {
    if (this.total === 0) return [];
    const bins: HistogramBin[] = [];
    const binOf = (value: number) => (value <= 0 ? 0 : Math.floor(Math.log2(value)) + 1);
    for (const [value, count] of this.entries()) {
      const index = binOf(value);
      while (bins.length <= index) {
        const k = bins.length;
        bins.push({ from: k === 0 ? 0 : 2 ** (k - 1), to: k === 0 ? 0 : 2 ** k - 1, samples: 0 });
      }
      bins[index]!.samples += count;
    }
    return bins;
  }
}

export interface Quantiles {
  min: number;
  median: number;
  p95: number;
  max: number;
}

export interface HistogramBin {
  from: number;
  to: number;
  samples: number;
}
