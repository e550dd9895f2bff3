import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../src/concurrency.js';
import { progressReporter } from '../../src/progress.js';
import { backoffMs, isConnectionError, isRetryableStatus, retryAfterMs, withRetries } from '../../src/retry.js';
import { multipartSettingsFromEnv, partRange, planParts } from '../../src/together/multipart-plan.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe('retry policy', () => {
  it('retries timeouts, rate limits and server errors only', () => {
    expect([408, 429, 500, 502, 503, 504, 599].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 422].some(isRetryableStatus)).toBe(false);
  });

  it('recognises connection errors, also as a cause', () => {
    expect(isConnectionError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(
      isConnectionError(
        new TypeError('fetch failed', { cause: Object.assign(new Error('s'), { code: 'UND_ERR_SOCKET' }) }),
      ),
    ).toBe(true);
    expect(isConnectionError(new Error('plain'))).toBe(false);
  });

  it('reads retry-after-ms, Retry-After seconds and dates, capped at 60 s', () => {
    const now = Date.parse('2026-11-21T10:00:00Z');
    expect(retryAfterMs({ 'retry-after-ms': '1500' }, now)).toBe(1500);
    expect(retryAfterMs({ 'retry-after': '3' }, now)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': 'Sat, 21 Nov 2026 10:00:20 GMT' }, now)).toBe(20_000);
    expect(retryAfterMs({ 'retry-after': '3600' }, now)).toBe(60_000);
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs({}, now)).toBeUndefined();
  });

  it('backs off exponentially to 10 s, minus up to a quarter of jitter', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, () => 0))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(backoffMs(1, () => 1)).toBe(750);
  });

  it('retries until success, logging each reason and waiting what was asked', async () => {
    const sleeps: number[] = [];
    const log: string[] = [];
    let calls = 0;
    const value = await withRetries(
      'GET /files/x',
      async () => {
        calls += 1;
        if (calls < 3) throw new Error(`fail ${calls}`);
        return 'ok';
      },
      (error) => ({ retry: true, reason: (error as Error).message, delayMs: calls === 1 ? 5000 : undefined }),
      {
        maxRetries: 5,
        sleep: async (ms) => void sleeps.push(ms),
        random: () => 0,
        now: Date.now,
        log: (m) => log.push(m),
      },
    );
    expect(value).toBe('ok');
    expect(sleeps).toEqual([5000, 2000]);
    expect(log).toEqual(['GET /files/x: fail 1; retry 1 of 5 in 5.0 s', 'GET /files/x: fail 2; retry 2 of 5 in 2.0 s']);
  });

  it('stops at max retries, on an error not worth retrying, and when cancelled', async () => {
    const options = {
      maxRetries: 2,
      sleep: async () => undefined,
      random: () => 0,
      now: Date.now,
      log: () => undefined,
    };
    let calls = 0;
    const failing = async () => {
      calls += 1;
      throw new Error('no');
    };
    await expect(withRetries('x', failing, () => ({ retry: true, reason: 'r' }), options)).rejects.toThrow('no');
    expect(calls).toBe(3);
    calls = 0;
    await expect(withRetries('x', failing, () => ({ retry: false }), options)).rejects.toThrow('no');
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      withRetries('x', failing, () => ({ retry: true, reason: 'r' }), { ...options, signal: AbortSignal.abort() }),
    ).rejects.toThrow('no');
    expect(calls).toBe(1);
  });
});

describe('multipart plan', () => {
  it('follows the SDKs: one part up to 250 MiB, 250 MiB parts above, at most 250 parts', () => {
    expect(planParts(100 * MiB)).toEqual({ partBytes: 100 * MiB, numParts: 1 });
    expect(planParts(5 * GiB + 1)).toEqual({ partBytes: Math.ceil((5 * GiB + 1) / 21), numParts: 21 });
    const huge = planParts(Math.floor(50.1 * GiB));
    expect(huge.numParts).toBe(206);
    expect(huge.partBytes * huge.numParts).toBeGreaterThanOrEqual(Math.floor(50.1 * GiB));
    expect(planParts(80 * GiB).numParts).toBe(250);
  });

  it('never makes a part under 5 MiB but the last', () => {
    // 12 MiB in parts of about 5 MiB: three parts of 4 MiB would be too small, so 5 + 5 + 2.
    expect(planParts(12 * MiB, 5 * MiB)).toEqual({ partBytes: 5 * MiB, numParts: 3 });
    const plan = planParts(12 * MiB, 1);
    expect(plan.partBytes).toBe(5 * MiB);
    const ranges = Array.from({ length: plan.numParts }, (_, i) => partRange(plan, 12 * MiB, i));
    expect(ranges.reduce((sum, r) => sum + r.length, 0)).toBe(12 * MiB);
  });

  it('reads the tuning variables, refusing bad values', () => {
    expect(multipartSettingsFromEnv({})).toEqual({ thresholdBytes: 5 * GiB, partBytes: 250 * MiB });
    expect(
      multipartSettingsFromEnv({
        TOGETHER_MULTIPART_THRESHOLD_BYTES: '1000',
        TOGETHER_MULTIPART_PART_BYTES: String(8 * MiB),
      }),
    ).toEqual({
      thresholdBytes: 1000,
      partBytes: 8 * MiB,
    });
    expect(() => multipartSettingsFromEnv({ TOGETHER_MULTIPART_PART_BYTES: '1024' })).toThrow(
      /TOGETHER_MULTIPART_PART_BYTES is '1024'; it must be a whole number of bytes, at least 5242880/,
    );
    expect(() => multipartSettingsFromEnv({ TOGETHER_MULTIPART_THRESHOLD_BYTES: '5GB' })).toThrow(
      /TOGETHER_MULTIPART_THRESHOLD_BYTES/,
    );
  });
});

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
