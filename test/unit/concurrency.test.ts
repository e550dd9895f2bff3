import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../src/concurrency.js';

describe('mapLimit', () => {
  it('keeps order, bounds concurrency and stops starting work after a failure', async () => {
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];
    const results = await mapLimit([5, 1, 4, 2, 3], 2, async (n, i) => {
      started.push(i);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight -= 1;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
    started.length = 0;
    await expect(
      mapLimit([1, 2, 3, 4, 5, 6], 2, async (n, i) => {
        started.push(i);
        if (n === 2) throw new Error('two');
        await new Promise((r) => setTimeout(r, 5));
      }),
    ).rejects.toThrow('two');
    // Two runners: one takes item 0 (slow), the other item 1, which fails at once; then neither takes another.
    expect(started).toEqual([0, 1]);
  });
});
