import { describe, expect, it } from 'vitest';
import { progressReporter } from '../../src/progress.js';

describe('progress lines', () => {
  it('says nothing in the first 5 s, then every 5 s: bytes, percent, rate and time left', () => {
    let now = 0;
    const lines: string[] = [];
    const report = progressReporter(
      1_000_000_000,
      (l) => lines.push(l),
      () => now,
    );
    now = 4000;
    report(100_000_000);
    now = 5000;
    report(250_000_000);
    now = 7000;
    report(300_000_000);
    now = 10_000;
    report(500_000_000);
    expect(lines).toEqual([
      '250 MB of 1.00 GB (25%), 50.0 MB/s, 15.0 s left',
      '500 MB of 1.00 GB (50%), 50.0 MB/s, 10.0 s left',
    ]);
  });
});
