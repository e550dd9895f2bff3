import { describe, expect, it } from 'vitest';
import { DeadlineError, StorageError, TogetherApiError } from '../../src/together/errors.js';
import {
  backoffMs,
  classifyFailure,
  isConnectionError,
  isRetryableStatus,
  RateLimitGate,
  runWithRetries,
  type RetryLoop,
} from '../../src/together/retry.js';

/** A loop on a test clock: every pause only moves the clock. */
function testLoop(overrides: Partial<RetryLoop> = {}) {
  const sleeps: number[] = [];
  const log: string[] = [];
  let clock = 1_000_000;
  const loop: RetryLoop = {
    maxRetries: 5,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random: () => 0,
    now: () => clock,
    log: (m) => log.push(m),
    ...overrides,
  };
  return { loop, sleeps, log, now: () => clock };
}

const apiError = (status: number, retryAfterMs?: number) =>
  new TogetherApiError({ operation: 'GET /files/x', status, detail: `status ${status}`, retryAfterMs });

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

  it('backs off exponentially to 10 s, minus up to a quarter of jitter', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, () => 0))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(backoffMs(1, () => 1)).toBe(750);
  });

  it('classifies: 409 and expired URLs are never retried, storage 503s and stalls are', () => {
    expect(classifyFailure(apiError(409))).toEqual({ retry: false });
    expect(classifyFailure(apiError(503, 2000))).toEqual({
      retry: true,
      reason: 'HTTP 503 (status 503)',
      delayMs: 2000,
    });
    expect(classifyFailure(new StorageError(403, 'AccessDenied', 'Request has expired'))).toEqual({ retry: false });
    expect(classifyFailure(new StorageError(503, 'SlowDown', 'Reduce your request rate'))).toMatchObject({
      retry: true,
    });
    expect(classifyFailure(new DeadlineError('GET /files/x'))).toEqual({ retry: false });
  });
});

describe('runWithRetries', () => {
  it('retries until success, logging each reason and waiting what the server asked', async () => {
    const { loop, sleeps, log } = testLoop();
    let calls = 0;
    const value = await runWithRetries(
      'GET /files/x',
      async () => {
        calls += 1;
        if (calls === 1) throw apiError(429, 5000);
        if (calls === 2) throw apiError(502);
        return 'ok';
      },
      loop,
    );
    expect(value).toBe('ok');
    expect(sleeps).toEqual([5000, 2000]);
    expect(log).toEqual([
      'GET /files/x: HTTP 429 (status 429); retry 1 of 5 in 5.0 s',
      'GET /files/x: HTTP 502 (status 502); retry 2 of 5 in 2.0 s',
    ]);
  });

  it('stops at max retries, on an error not worth retrying, and when cancelled', async () => {
    let calls = 0;
    const failing = async () => {
      calls += 1;
      throw apiError(503);
    };
    await expect(runWithRetries('x', failing, testLoop({ maxRetries: 2 }).loop)).rejects.toThrow('HTTP 503');
    expect(calls).toBe(3);
    calls = 0;
    await expect(runWithRetries('x', failing, testLoop({ maxRetries: 0 }).loop)).rejects.toThrow('HTTP 503');
    expect(calls).toBe(1);
    calls = 0;
    const refused = async () => {
      calls += 1;
      throw apiError(400);
    };
    await expect(runWithRetries('x', refused, testLoop().loop)).rejects.toThrow('HTTP 400');
    expect(calls).toBe(1);
    calls = 0;
    await expect(runWithRetries('x', failing, testLoop({ signal: AbortSignal.abort() }).loop)).rejects.toThrow();
    expect(calls).toBe(1);
  });

  it('never waits past its deadline: the last error is thrown instead', async () => {
    const clock = testLoop();
    const deadline = clock.now() + 3500;
    let calls = 0;
    const error = await runWithRetries(
      'GET /files/x',
      async () => {
        calls += 1;
        throw apiError(503);
      },
      { ...clock.loop, deadline },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TogetherApiError);
    // 1 s, then 2 s: the next pause (4 s) would end past the deadline.
    expect(clock.sleeps).toEqual([1000, 2000]);
    expect(calls).toBe(3);
    expect(clock.now()).toBeLessThanOrEqual(deadline);
  });

  it('does not start an attempt once the deadline has passed, and aborts one in flight at it', async () => {
    const clock = testLoop();
    await expect(
      runWithRetries('GET /files/x', async () => 'never', { ...clock.loop, deadline: clock.now() }),
    ).rejects.toBeInstanceOf(DeadlineError);
    // An attempt that only ends when its signal aborts: the deadline (real time here, 20 ms) ends it.
    const pending = runWithRetries(
      'GET /files/x',
      (signal) => new Promise((_, reject) => signal!.addEventListener('abort', () => reject(new Error('aborted')))),
      { ...testLoop({ now: Date.now }).loop, deadline: Date.now() + 20 },
    );
    await expect(pending).rejects.toBeInstanceOf(DeadlineError);
  });

  it('shows every failed attempt to onFailure before deciding', async () => {
    const seen: number[] = [];
    await runWithRetries(
      'POST /files',
      async () => {
        if (seen.length < 2) throw apiError(500 + seen.length);
        return 'ok';
      },
      { ...testLoop().loop, onFailure: async (error) => void seen.push((error as TogetherApiError).status) },
    );
    expect(seen).toEqual([500, 501]);
  });
});

describe('RateLimitGate', () => {
  it('shuts for the pause asked, counting overlapping pauses once, and is spent past its budget', () => {
    let clock = 0;
    const gate = new RateLimitGate(5000, () => clock);
    gate.hold(2000);
    expect(gate.remainingMs()).toBe(2000);
    clock = 1000;
    gate.hold(2000); // overlaps the first by 1 s: 1 s more shut, not 2
    expect(gate.remainingMs()).toBe(2000);
    expect(gate.waitedSeconds).toBe(3);
    expect(gate.exhausted).toBe(false);
    clock = 10_000;
    expect(gate.remainingMs()).toBe(0);
    gate.hold(3000);
    expect(gate.exhausted).toBe(true);
  });

  it('makes every loop that shares it wait out a 429, and stops them once its budget is spent', async () => {
    let clock = 0;
    const sleeps: number[] = [];
    const gate = new RateLimitGate(2500, () => clock);
    const loop = {
      maxRetries: 10,
      random: () => 0,
      now: () => clock,
      log: () => undefined,
      gate,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        clock += ms;
      },
    };
    const limited = () =>
      Promise.reject(
        TogetherApiError.generate('POST /files', 429, { 'retry-after': '1' }, '{"error":{"message":"slow"}}'),
      );
    await expect(runWithRetries('POST /files', limited, loop)).rejects.toThrow(
      /the step has waited 3 s in all for the account's rate limit/,
    );
    // The budget is the step's: a request that finds the gate open still goes, one that would wait fails at once.
    clock += gate.remainingMs();
    const before = sleeps.length;
    await expect(runWithRetries('GET /files', () => Promise.resolve('ok'), loop)).resolves.toBe('ok');
    expect(sleeps.length).toBe(before);
    gate.hold(1000);
    await expect(runWithRetries('GET /files', () => Promise.resolve('ok'), loop)).rejects.toThrow(/was not sent/);
  });
});
