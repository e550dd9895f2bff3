/**
 * The review's arithmetic on thousands of samples (past the radix sort's small-input path), against plain
 * reference implementations written with Maps and comparator sorts.
 */
import { describe, expect, it } from 'vitest';
import { HAS_PROMPT, RECORD_WORDS, ReviewStore, type ReviewData } from '../../src/check/review-collector.js';
import { changeBetween, overlapBetween, withinFile } from '../../src/review/analysis.js';
import { sortKeys } from '../../src/review/radix-sort.js';
import { seededRandom as random } from '../../testkit/random.js';

/** Hashes drawn from a small pool (so there are many repeats), each word a full 32-bit value. */
function pool(size: number, next: () => number): Array<[number, number]> {
  return Array.from({ length: size }, () => [Math.floor(next() * 2 ** 32), Math.floor(next() * 2 ** 32)]);
}

interface Sample {
  sample: [number, number];
  prompt: [number, number] | null;
}

function data(samples: Sample[]): ReviewData {
  const records = new Uint32Array(samples.length * RECORD_WORDS);
  samples.forEach((s, i) => {
    records.set(
      [s.sample[0], s.sample[1], s.prompt?.[0] ?? 0, s.prompt?.[1] ?? 0, i + 1, s.prompt ? HAS_PROMPT : 0],
      i * RECORD_WORDS,
    );
  });
  // No counters or statistics: four zero counters, four empty distributions.
  return { format: 'conversation', samples: samples.length, records, stats: new Float64Array(8) };
}

function generate(count: number, seed: number, samples: Array<[number, number]>, prompts: Array<[number, number]>) {
  const next = random(seed);
  return Array.from({ length: count }, (): Sample => {
    const prompt = next() < 0.9 ? prompts[Math.floor(next() * prompts.length)]! : null;
    return { sample: samples[Math.floor(next() * samples.length)]!, prompt };
  });
}

const key = (pair: readonly [number, number] | null) => (pair ? `${pair[0]}:${pair[1]}` : null);

describe('sortKeys', () => {
  it.each([10, 255, 256, 5000])('sorts %i keys as an unsigned 64-bit number, stable', (n) => {
    const next = random(n);
    const keys = pool(Math.max(2, n >> 3), next);
    // Keys that differ only in the high bits of either word, where a signed comparison would go wrong.
    keys.push([0x80000000, 0], [0x7fffffff, 0xffffffff], [0, 0x80000000]);
    const hi = new Uint32Array(n);
    const lo = new Uint32Array(n);
    for (let k = 0; k < n; k += 1) [hi[k], lo[k]] = keys[Math.floor(next() * keys.length)]!;
    const expected = Array.from({ length: n }, (_, k) => k).sort((a, b) => hi[a]! - hi[b]! || lo[a]! - lo[b]! || a - b);
    expectSortedKeys(hi, lo, expected);
  });

  it('sorts crowded buckets too: keys repeated hundreds of times, and keys sharing their top 16 bits', () => {
    const n = 20_000;
    const next = random(3);
    const repeated = pool(40, next);
    const hi = new Uint32Array(n);
    const lo = new Uint32Array(n);
    for (let k = 0; k < n; k += 1) {
      if (k % 2 === 0) [hi[k], lo[k]] = repeated[Math.floor(next() * repeated.length)]!;
      else [hi[k], lo[k]] = [0xabcd0000 + Math.floor(next() * 0x10000), Math.floor(next() * 0x100000000)];
    }
    const expected = Array.from({ length: n }, (_, k) => k).sort((a, b) => hi[a]! - hi[b]! || lo[a]! - lo[b]! || a - b);
    expectSortedKeys(hi, lo, expected);
  });
});

/** The positions in key order (stable), each key beside its position; sortKeys takes copies of the keys. */
function expectSortedKeys(hi: Uint32Array, lo: Uint32Array, expected: number[]): void {
  const sorted = sortKeys(hi.slice(), lo.slice());
  expect([...sorted.order]).toEqual(expected);
  expect([...sorted.hi]).toEqual(expected.map((k) => hi[k]));
  expect([...sorted.lo]).toEqual(expected.map((k) => lo[k]));
}

describe('the arithmetic on 6,000 samples against a plain reference', () => {
  const next = random(7);
  const samplePool = pool(2500, next);
  const promptPool = pool(1500, next);
  const head = generate(6000, 1, samplePool, promptPool);
  const base = generate(5500, 2, samplePool, promptPool);

  it('counts duplicates and conflicts as a Map does', () => {
    const seen = new Map<string, number>();
    let duplicates = 0;
    for (const s of head) {
      const k = key(s.sample)!;
      if (seen.has(k)) duplicates += 1;
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    const answers = new Map<string, Set<string>>();
    for (const s of head) {
      if (!s.prompt) continue;
      const set = answers.get(key(s.prompt)!) ?? new Set<string>();
      set.add(key(s.sample)!);
      answers.set(key(s.prompt)!, set);
    }
    const conflicts = [...answers.values()].filter((set) => set.size > 1).length;
    const within = withinFile(data(head));
    expect(within.duplicates).toBe(duplicates);
    expect(within.duplicates).toBeGreaterThan(0);
    expect(within.conflicts).toBe(conflicts);
    expect(within.conflicts).toBeGreaterThan(0);
  });

  it('counts the multiset change and pairs by prompt in file order as a Map does', () => {
    // Reference: later occurrences beyond the base's count are added, and the reverse removed.
    const baseCount = new Map<string, number>();
    for (const s of base) baseCount.set(key(s.sample)!, (baseCount.get(key(s.sample)!) ?? 0) + 1);
    const headCount = new Map<string, number>();
    for (const s of head) headCount.set(key(s.sample)!, (headCount.get(key(s.sample)!) ?? 0) + 1);
    const surplus = (samples: Sample[], mine: Map<string, number>, theirs: Map<string, number>) => {
      const met = new Map<string, number>();
      return samples.flatMap((s, i) => {
        const k = key(s.sample)!;
        met.set(k, (met.get(k) ?? 0) + 1);
        return met.get(k)! > (theirs.get(k) ?? 0) ? [i] : [];
      });
    };
    const added = surplus(head, headCount, baseCount);
    const removed = surplus(base, baseCount, headCount);
    const unchanged = head.length - added.length;
    const waiting = new Map<string, number[]>();
    for (const i of removed) {
      const k = key(base[i]!.prompt);
      if (k) waiting.set(k, [...(waiting.get(k) ?? []), i]);
    }
    let modified = 0;
    for (const i of added) {
      const k = key(head[i]!.prompt);
      if (k && waiting.get(k)?.length) {
        waiting.get(k)!.shift();
        modified += 1;
      }
    }
    const change = changeBetween(data(base), data(head));
    expect(change.unchanged).toBe(unchanged);
    expect(change.modified).toBe(modified);
    expect(change.modified).toBeGreaterThan(0);
    expect(change.added).toBe(added.length - modified);
    expect(change.removed).toBe(removed.length - modified);
    expect(change.examples.added).toHaveLength(5);
  });

  it('counts overlap between files as a Set does', () => {
    const other = generate(3000, 3, samplePool, promptPool);
    const inOther = new Set(other.map((s) => key(s.sample)));
    const promptsInOther = new Set(other.flatMap((s) => (s.prompt ? [key(s.prompt)] : [])));
    const mine = overlapBetween([data(head), data(other)]).get(0);
    expect(mine!.overlap.get(1)).toEqual({
      samples: head.filter((s) => inOther.has(key(s.sample))).length,
      prompts: head.filter((s) => s.prompt && promptsInOther.has(key(s.prompt))).length,
    });
    expect(overlapBetween([data(head)]).size).toBe(0);
  });
});

describe('ReviewStore', () => {
  it('gives back each file’s data, small ones from the shared arrays and large ones as they were', () => {
    const store = new ReviewStore();
    const next = random(11);
    const files = [3, 0, 700, 1, 5000].map((n, k) => data(generate(n, k + 20, pool(50, next), pool(20, next))));
    files.forEach((file, k) => (file.stats = Float64Array.from({ length: 8 + k }, (_, i) => i * (k + 1))));
    const slots = files.map((file) => store.add(file));
    files.forEach((file, k) => {
      const back = store.get(slots[k]!);
      expect(back.samples).toBe(file.samples);
      expect(back.format).toBe(file.format);
      expect([...back.records]).toEqual([...file.records]);
      expect([...back.stats]).toEqual([...file.stats]);
    });
  });
});
