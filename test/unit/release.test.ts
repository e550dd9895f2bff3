/**
 * Typed arrays freed at once (release), and the review's arithmetic, which releases its own temporaries, leaving
 * what it is given whole.
 */
import { describe, expect, it } from 'vitest';
import { release } from '../../src/check/release.js';
import { HAS_PROMPT, RECORD_WORDS, ReviewCollector, type ReviewData } from '../../src/check/review-collector.js';
import { loadHasher } from '../../src/check/sample-hash.js';
import { changeBetween, overlapBetween, withinFile } from '../../src/review/analysis.js';
import { sortKeys } from '../../src/review/radix-sort.js';

describe('release', () => {
  it('frees the buffer: the array and every view of it read as empty', () => {
    const array = new Uint32Array(1000).fill(7);
    const view = array.subarray(10, 20);
    release(view);
    expect(array.length).toBe(0);
    expect(view.length).toBe(0);
    expect(array.buffer.detached).toBe(true);
  });

  it("leaves a small Buffer alone: it is a slice of Node's pool, which other Buffers share", () => {
    const small = Buffer.allocUnsafe(100).fill(1);
    const neighbour = Buffer.from('still here');
    expect(small.buffer).toBe(neighbour.buffer); // both from the pool
    release(small);
    expect(neighbour.toString()).toBe('still here');
    expect(Buffer.allocUnsafe(10).length).toBe(10);
    const whole = Buffer.allocUnsafeSlow(100);
    release(whole);
    expect(whole.buffer.detached).toBe(true);
  });

  it('passes over what it cannot or need not free: undefined, a released array, shared memory', () => {
    const array = new Float64Array(4);
    release(array);
    const shared = new Uint32Array(new SharedArrayBuffer(16)).fill(3);
    expect(() => release(undefined, array, shared)).not.toThrow();
    expect([...shared]).toEqual([3, 3, 3, 3]);
  });
});

/** `count` samples, `distinct` of them different, every third without a prompt, prompts shared by pairs. */
function data(count: number, distinct: number, offset: number): ReviewData {
  const records = new Uint32Array(count * RECORD_WORDS);
  for (let i = 0; i < count; i += 1) {
    const s = ((i * 7 + offset) % distinct) + 1;
    const prompted = s % 3 !== 0;
    records.set(
      [Math.imul(s, 0x9e3779b1) >>> 0, s, prompted ? s >>> 1 : 0, 1, i + 1, prompted ? HAS_PROMPT : 0],
      i * RECORD_WORDS,
    );
  }
  return { format: 'conversation', samples: count, records, stats: new Float64Array(8) };
}

describe("the review's arithmetic", () => {
  // Past the radix sort's threshold (256), where it works with buffers of its own.
  const head = data(5000, 3000, 0);
  const base = data(4000, 2500, 11);
  const copies = () => [head, base].map((d) => [...d.records]);

  it('leaves the records it is given whole, and gives the same answers twice', () => {
    const before = copies();
    const first = [withinFile(head), changeBetween(base, head), [...overlapBetween([head, base])]];
    expect(first[0]).toMatchObject({ duplicates: 2000 });
    expect(copies()).toEqual(before);
    expect([withinFile(head), changeBetween(base, head), [...overlapBetween([head, base])]]).toEqual(first);
  });

  it('sorts with its reused digit counts as if they were new each time', () => {
    const hi = Uint32Array.from({ length: 1000 }, (_, i) => (i * 2654435761) >>> 0);
    const lo = Uint32Array.from({ length: 1000 }, (_, i) => i);
    const expected = [...hi.keys()].sort((a, b) => hi[a]! - hi[b]!);
    // sortKeys takes its arrays over: each sort gets copies.
    expect([...sortKeys(hi.slice(), lo.slice()).order]).toEqual(expected);
    expect([...sortKeys(hi.slice(), lo.slice()).order]).toEqual(expected);
  });

  it("keeps a collector's records once its own buffer is let go", async () => {
    await loadHasher();
    const collector = new ReviewCollector();
    for (let i = 0; i < 100; i += 1) collector.add({ text: `sample ${i % 40}` }, 'general', i + 1);
    const collected = collector.data();
    expect(collected.records.length).toBe(100 * RECORD_WORDS);
    expect(withinFile(collected).duplicates).toBe(60);
  });
});
