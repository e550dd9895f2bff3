import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ReadBufferBudget } from '../../src/together/read-buffers.js';

/** Budget for two full readers: chunks of 4 bytes, 2 buffers a reader. */
const budget = () => new ReadBufferBudget(16, 4, 2);

/** Whether the promise has settled after the pending callbacks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await tick();
  return done;
}

describe('ReadBufferBudget', () => {
  it('lets readers in up to the budget, then makes the next one wait until a reader releases', async () => {
    const buffers = budget();
    const first = await buffers.acquire(100);
    await buffers.acquire(100);
    expect(buffers.inUse).toBe(16);
    const third = buffers.acquire(100);
    expect(await settled(third)).toBe(false);
    buffers.release(first);
    expect(await settled(third)).toBe(true);
    expect(buffers.inUse).toBe(16);
  });

  it('hands released full-size buffers to the next reader', async () => {
    const buffers = budget();
    const first = await buffers.acquire(100);
    expect(first.map((b) => b.length)).toEqual([4, 4]);
    buffers.release(first);
    const second = await buffers.acquire(100);
    expect(new Set(second)).toEqual(new Set(first));
  });

  it('gives a small read buffers of its size, counts only those, and does not keep them', async () => {
    const buffers = budget();
    const small = await buffers.acquire(3);
    expect(small.map((b) => b.length)).toEqual([3, 3]);
    expect(buffers.inUse).toBe(6);
    buffers.release(small);
    expect(buffers.inUse).toBe(0);
    const full = await buffers.acquire(100);
    expect(full.some((b) => small.includes(b))).toBe(false);
  });

  it('always lets a reader in when nobody holds any buffer, even beyond the budget', async () => {
    const buffers = new ReadBufferBudget(5, 4, 2);
    expect((await buffers.acquire(100)).length).toBe(2);
    expect(await settled(buffers.acquire(100))).toBe(false);
  });

  it('stops waiting when the signal aborts, and takes nothing', async () => {
    const buffers = budget();
    const held = [await buffers.acquire(100), await buffers.acquire(100)];
    const controller = new AbortController();
    const waiting = buffers.acquire(100, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    for (const h of held) buffers.release(h);
    expect(buffers.inUse).toBe(0);
  });

  it('refuses at once when the signal has already aborted and the reader would have to wait', async () => {
    const buffers = budget();
    await buffers.acquire(100);
    await buffers.acquire(100);
    await expect(buffers.acquire(100, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect(buffers.inUse).toBe(16);
  });
});
