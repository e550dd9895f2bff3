import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/together/errors.js';
import type { FileObject } from '../../src/together/types.js';
import { pollDelayMs, ProcessingWaiter, type WaitDeps, type WaitItem, type WaitOutcome } from '../../src/wait.js';

/** Waits for these files, all joining now, each for at most `timeoutMs`; the outcome of each by ID. */
async function waitForProcessing(
  items: WaitItem[],
  timeoutMs: number,
  deps: WaitDeps,
): Promise<Map<string, WaitOutcome>> {
  const results = new Map<string, WaitOutcome>();
  const waiter = new ProcessingWaiter(timeoutMs, {
    ...deps,
    onSettled: (id, outcome) => {
      results.set(id, outcome);
      deps.onSettled?.(id, outcome);
    },
  });
  for (const item of items) waiter.add(item);
  waiter.close();
  await waiter.run();
  return results;
}

/** A virtual clock: sleeping advances it instantly, so polling schedules are tested without real time. */
function clock() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** Answers each retrieve of an ID with the next status in its script (the last one repeats). */
function scripted(scripts: Record<string, Array<Partial<FileObject> | Error>>) {
  const calls: string[] = [];
  return {
    calls,
    retrieve: async (id: string): Promise<FileObject> => {
      calls.push(id);
      const script = scripts[id]!;
      const next = script.length > 1 ? script.shift()! : script[0]!;
      if (next instanceof Error) throw next;
      return { id, ...next };
    },
  };
}

describe('pollDelayMs', () => {
  it('starts at 100 ms (a small file is often processed within a second), then 500 ms growing to a 10 s cap', () => {
    const delays = Array.from({ length: 12 }, (_, round) => pollDelayMs(round));
    expect(delays.slice(0, 5)).toEqual([100, 500, 750, 1125, 1688]);
    expect(delays.every((d, i) => i === 0 || d >= delays[i - 1]!)).toBe(true);
    expect(Math.max(...delays)).toBe(10_000);
  });
});

describe('waitForProcessing', () => {
  it('polls until each file settles and reports each once', async () => {
    const c = clock();
    const api = scripted({
      a: [{ processing_status: 'QUEUED' }, { processing_status: 'RUNNING' }, { processing_status: 'COMPLETED' }],
      b: [
        { processing_status: 'RUNNING' },
        { processing_status: 'INVALID_FORMAT', validation_report: { valid: false, error: 'Line 2: bad' } },
      ],
    });
    const settled: Array<[string, WaitOutcome['kind']]> = [];
    const log: string[] = [];
    const results = await waitForProcessing(
      [
        { id: 'a', label: 'a.jsonl' },
        { id: 'b', label: 'b.jsonl' },
      ],
      60_000,
      {
        retrieve: api.retrieve,
        now: c.now,
        sleep: c.sleep,
        log: (m) => log.push(m),
        onSettled: (id, r) => settled.push([id, r.kind]),
      },
    );
    expect(results.get('a')).toEqual({ kind: 'processed', status: 'COMPLETED', report: null });
    expect(results.get('b')).toEqual({
      kind: 'rejected',
      status: 'INVALID_FORMAT',
      error: 'Together rejected the file (INVALID_FORMAT): Line 2: bad',
      report: { valid: false, error: 'Line 2: bad' },
    });
    expect(settled).toEqual([
      ['b', 'rejected'],
      ['a', 'processed'],
    ]);
    // Settled files are not polled again.
    expect(api.calls).toEqual(['a', 'b', 'a', 'b', 'a']);
    expect(c.sleeps).toEqual([100, 500, 750]);
    expect(log.some((l) => l.startsWith('a.jsonl: processed (COMPLETED)'))).toBe(true);
  });

  it('marks files still pending at the deadline as timeout, with a last poll at the deadline', async () => {
    const c = clock();
    const api = scripted({ a: [{ processing_status: 'RUNNING' }] });
    const results = await waitForProcessing([{ id: 'a', label: 'a.jsonl' }], 5000, {
      retrieve: api.retrieve,
      now: c.now,
      sleep: c.sleep,
      log: () => undefined,
    });
    const result = results.get('a')!;
    expect(result.kind).toBe('timeout');
    expect(result.status).toBe('RUNNING');
    expect('error' in result && result.error).toMatch(/wait-timeout ran out \(last status RUNNING\)/);
    expect(c.sleeps).toEqual([100, 500, 750, 1125, 1688, 837]);
    expect(c.sleeps.reduce((a, b) => a + b)).toBe(5000);
  });

  it('waits for each file from when it joins, polling files that joined while others were waited for', async () => {
    const c = clock();
    const api = scripted({ a: [{ processing_status: 'COMPLETED' }], b: [{ processing_status: 'COMPLETED' }] });
    const joined: Record<string, number> = {};
    const seen: Record<string, number> = {};
    const waiter = new ProcessingWaiter(60_000, {
      retrieve: async (id) => {
        seen[id] = c.now();
        return api.retrieve(id);
      },
      now: c.now,
      sleep: c.sleep,
      log: () => undefined,
    });
    const running = waiter.run();
    joined.a = c.now();
    waiter.add({ id: 'a', label: 'a' });
    // b's upload takes a while: 2 s on the clock, after the waiter has had its turn with a.
    while (seen.a === undefined) await new Promise((resolve) => setImmediate(resolve));
    await c.sleep(2000);
    joined.b = c.now();
    waiter.add({ id: 'b', label: 'b' });
    waiter.close();
    await running;
    expect(seen.a - joined.a).toBe(100);
    expect(seen.b! - joined.b).toBe(100);
  });

  it('keeps polling through passing errors and fails a file that no longer exists', async () => {
    const c = clock();
    const api = scripted({
      a: [new Error('socket hang up'), { processing_status: 'COMPLETED' }],
      b: [new NotFoundError({ operation: 'GET /files/b', status: 404, detail: 'File b not found', code: 'not_found' })],
    });
    const log: string[] = [];
    const results = await waitForProcessing(
      [
        { id: 'a', label: 'a.jsonl' },
        { id: 'b', label: 'b.jsonl' },
      ],
      60_000,
      { retrieve: api.retrieve, now: c.now, sleep: c.sleep, log: (m) => log.push(m) },
    );
    expect(results.get('a')!.kind).toBe('processed');
    expect(results.get('b')).toMatchObject({
      kind: 'failed',
      error: expect.stringMatching(/HTTP 404.*File b not found/),
    });
    expect(log).toContain('a.jsonl: polling failed, will try again (socket hang up)');
  });

  it('names the last poll error when the deadline passes while polls fail', async () => {
    const c = clock();
    const api = scripted({ a: [new Error('connect ECONNREFUSED')] });
    const results = await waitForProcessing([{ id: 'a', label: 'a' }], 3000, {
      retrieve: api.retrieve,
      now: c.now,
      sleep: c.sleep,
      log: () => undefined,
    });
    expect(results.get('a')).toMatchObject({
      kind: 'timeout',
      error: expect.stringContaining('last poll error: connect ECONNREFUSED'),
    });
  });

  it('settles files on the older API when Processed turns true', async () => {
    const c = clock();
    const api = scripted({ a: [{ Processed: false }, { Processed: true }] });
    const results = await waitForProcessing([{ id: 'a', label: 'a' }], 60_000, {
      retrieve: api.retrieve,
      now: c.now,
      sleep: c.sleep,
      log: () => undefined,
    });
    expect(results.get('a')).toEqual({ kind: 'processed', status: null, report: null });
  });
});
