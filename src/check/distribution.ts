/** An exact distribution of whole numbers (characters or messages per sample): value -> count, mergeable. */
export class Distribution {
  private readonly counts = new Map<number, number>();
  total = 0;

  add(value: number, count = 1): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + count);
    this.total += count;
  }

  merge(other: Distribution): void {
    for (const [value, count] of other.counts) this.add(value, count);
  }

  /** Appended to `out` as: the number of distinct values n, the n values, then their n counts. */
  packInto(out: number[]): void {
    // Loops, not spread arguments: a file can have hundreds of thousands of distinct values, past the call stack.
    out.push(this.counts.size);
    for (const value of this.counts.keys()) out.push(value);
    for (const count of this.counts.values()) out.push(count);
  }

  /** The distribution packed at `at` (see packInto), and where the next one starts. */
  static unpack(packed: ArrayLike<number>, at: number): { distribution: Distribution; end: number } {
    const distribution = new Distribution();
    const n = packed[at]!;
    for (let i = 0; i < n; i += 1) distribution.add(packed[at + 1 + i]!, packed[at + 1 + n + i]);
    return { distribution, end: at + 1 + 2 * n };
  }

  private sorted(): Array<[number, number]> {
    return [...this.counts].sort((a, b) => a[0] - b[0]);
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
    for (const [value, count] of this.counts) {
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
