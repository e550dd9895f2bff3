/**
 * Records partitioned to disk past the review's bound: the spill gives back every record, each partition in file
 * order; the collector and the parallel check spill instead of letting hashes go; and the counts taken partition
 * by partition equal the counts in memory, examples included.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  PARTITIONS,
  partitionOf,
  readPartition,
  RecordSpill,
  removeSpilled,
  type SpilledRecords,
} from '../../src/check/record-spill.js';
import {
  HAS_PROMPT,
  isHashed,
  RECORD_WORDS,
  ReviewCollector,
  type ReviewData,
} from '../../src/check/review-collector.js';
import { checkJsonlFile } from '../../src/check/jsonl-file.js';
import { loadHasher } from '../../src/check/sample-hash.js';
import { changeBetween, overlapBetween, withinFile } from '../../src/review/analysis.js';
import { changeByPartition, overlapByPartition, withinFileByPartition } from '../../src/review/partitions.js';
import { seededRandom as random } from '../../testkit/random.js';
import { ROOT } from '../../testkit/run-action.js';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});
function tempRoot(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'review-spill-'));
  roots.push(root);
  return root;
}

/** Every record of a spill, back in line order (records carry their line). */
function allRecords(spilled: SpilledRecords): number[][] {
  const rows: number[][] = [];
  for (let p = 0; p < PARTITIONS; p += 1) {
    const words = readPartition(spilled, p);
    for (let at = 0; at < words.length; at += RECORD_WORDS) rows.push([...words.subarray(at, at + RECORD_WORDS)]);
  }
  return rows.sort((a, b) => a[4]! - b[4]!);
}

function rowsOf(records: Uint32Array): number[][] {
  const rows: number[][] = [];
  for (let at = 0; at < records.length; at += RECORD_WORDS) rows.push([...records.subarray(at, at + RECORD_WORDS)]);
  return rows;
}

/**
 * Samples as real files have them: a sample's prompt follows from the sample (equal samples, equal prompts), from
 * pools small enough to repeat; one sample in ten has no prompt.
 */
function consistentData(count: number, seed: number, pools: { samples: number; prompts: number }): ReviewData {
  const next = random(seed);
  const records = new Uint32Array(count * RECORD_WORDS);
  for (let i = 0; i < count; i += 1) {
    const s = Math.floor(next() * pools.samples);
    const hasPrompt = s % 10 !== 0;
    const p = (s * 7919) % pools.prompts;
    // Hashes spread over the full 32-bit range, the top bits included (they pick the partition).
    const hi = (Math.imul(s + 1, 0x9e3779b1) >>> 0) ^ 0x5bd1e995;
    records.set(
      [
        hi >>> 0,
        s,
        hasPrompt ? Math.imul(p + 1, 0x85ebca6b) >>> 0 : 0,
        hasPrompt ? p : 0,
        i + 1,
        hasPrompt ? HAS_PROMPT : 0,
      ],
      i * RECORD_WORDS,
    );
  }
  return { format: 'conversation', samples: count, records, stats: new Float64Array(8) };
}

/** The same data with its records on disk, as the check leaves a file past the bound. */
function spilledCopy(data: ReviewData, root: string): ReviewData {
  const spill = new RecordSpill(root);
  // In two appends, the second with its lines already absolute (offset 0), as ranges arrive.
  const half = Math.floor(data.samples / 2) * RECORD_WORDS;
  spill.append(data.records.subarray(0, half));
  spill.append(data.records.subarray(half));
  return { ...data, records: new Uint32Array(0), spilled: spill.finish() };
}

describe('RecordSpill', () => {
  it('gives back every record, each partition in file order, lines moved by the offset given', () => {
    const data = consistentData(20_000, 1, { samples: 9000, prompts: 4000 });
    const spill = new RecordSpill(tempRoot());
    spill.append(data.records.subarray(0, 6000 * RECORD_WORDS));
    // The rest as a range whose lines count from its own first line.
    const rest = data.records.slice(6000 * RECORD_WORDS);
    for (let at = 4; at < rest.length; at += RECORD_WORDS) rest[at] = rest[at]! - 6000;
    spill.append(rest, 6000);
    const spilled = spill.finish();
    expect(spilled.counts.reduce((a, b) => a + b, 0)).toBe(20_000);
    expect(spilled.counts.filter((n) => n > 0).length).toBeGreaterThan(PARTITIONS / 2);
    expect(allRecords(spilled)).toEqual(rowsOf(data.records));
    for (let p = 0; p < PARTITIONS; p += 1) {
      const words = readPartition(spilled, p);
      for (let at = 0; at < words.length; at += RECORD_WORDS) {
        expect(partitionOf(words, at)).toBe(p);
        if (at > 0) expect(words[at + 4]!).toBeGreaterThan(words[at - 2]!);
      }
    }
    removeSpilled(spilled);
    expect(existsSync(spilled.dir)).toBe(false);
  });
});

describe('a partition past its bound', () => {
  it('stops the spill: one sample repeated more often than a partition holds', () => {
    const one = consistentData(1, 5, { samples: 10, prompts: 10 }).records;
    const repeated = new Uint32Array(one.length * 10);
    for (let i = 0; i < 10; i += 1) repeated.set(one, i * RECORD_WORDS);
    const spill = new RecordSpill(tempRoot(), 9);
    spill.append(repeated);
    expect(() => spill.finish()).toThrow(/more than 9 records share one partition/);
    const fits = new RecordSpill(tempRoot(), 10);
    fits.append(repeated);
    expect(fits.finish().counts.reduce((a, b) => a + b, 0)).toBe(10);
  });
});

describe('the counts partition by partition', () => {
  const root = tempRoot();
  const pools = { samples: 3000, prompts: 1200 };
  const head = consistentData(8000, 2, pools);
  const base = consistentData(7000, 3, pools);
  const other = consistentData(2500, 4, pools);

  it('equal the counts in memory: duplicates, conflicts and the first lines', () => {
    const inMemory = withinFile(head);
    expect(inMemory.duplicates).toBeGreaterThan(0);
    expect(inMemory.conflicts).toBeGreaterThan(0);
    expect(withinFileByPartition(spilledCopy(head, root))).toEqual(inMemory);
  });

  it('equal the change in memory, its examples included, with either side on disk', () => {
    const inMemory = changeBetween(base, head);
    expect(inMemory.modified).toBeGreaterThan(0);
    expect(inMemory.examples.added).toHaveLength(5);
    expect(changeByPartition(spilledCopy(base, root), spilledCopy(head, root))).toEqual(inMemory);
    expect(changeByPartition(base, spilledCopy(head, root))).toEqual(inMemory);
  });

  it('equal the overlap in memory, in-memory files cut the same way as the one on disk', () => {
    const inMemory = overlapBetween([head, other, base]);
    expect(inMemory.get(0)!.overlap.get(1)!.samples).toBeGreaterThan(0);
    expect(overlapByPartition([spilledCopy(head, root), other, base])).toEqual(inMemory);
  });
});

describe('past the bound, the check spills instead of letting the hashes go', () => {
  const lines = Array.from({ length: 30_000 }, (_, i) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: `question ${i % 9000}` },
        { role: 'assistant', content: `answer ${i % 7000}` },
      ],
    }),
  );
  const dir = tempRoot();
  const file = path.join(dir, 'chat.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const bytes = Buffer.byteLength(`${lines.join('\n')}\n`);
  const parallel = { threads: 2, minBytes: 0, workerScript: path.join(ROOT, 'dist/worker/index.js') };

  it.each([
    ['on one thread (the collector)', { threads: 1 }],
    ['on two threads (ranges spilled in file order)', parallel],
  ])('%s: every record on disk, as the unbounded check holds them', async (_, threads) => {
    await loadHasher();
    const whole = await checkJsonlFile(file, bytes, 'full', threads, { review: true });
    expect(whole.review!.spilled).toBeUndefined();
    const spillRoot = path.join(dir, 'spill');
    // Lines hashed for a base version's check too: they go with the records, not kept beside the spill.
    const bounded = await checkJsonlFile(file, bytes, 'full', threads, {
      review: true,
      reviewMaxSamples: 1000,
      reviewSpillRoot: spillRoot,
      reviewHashLines: true,
    });
    const review = bounded.review!;
    expect(review.records).toHaveLength(0);
    expect(review.lineFacts).toBeUndefined();
    expect(isHashed(review)).toBe(true);
    expect(review.samples).toBe(30_000);
    expect([...review.stats]).toEqual([...whole.review!.stats]);
    expect(allRecords(review.spilled!)).toEqual(rowsOf(whole.review!.records));
    removeSpilled(review.spilled!);
    expect(readdirSync(spillRoot)).toEqual([]);
  });

  it('keeps statistics only where it cannot write (no root, or a root that is a file)', async () => {
    const notADirectory = path.join(dir, 'a-file');
    writeFileSync(notADirectory, '');
    for (const reviewSpillRoot of [undefined, notADirectory]) {
      for (const threads of [{ threads: 1 }, parallel]) {
        const result = await checkJsonlFile(file, bytes, 'full', threads, {
          review: true,
          reviewMaxSamples: 1000,
          reviewSpillRoot,
        });
        expect(result.review!.samples).toBe(30_000);
        expect(isHashed(result.review!)).toBe(false);
        expect(result.review!.spilled).toBeUndefined();
      }
    }
  });

  it('the collector alone: a spill that fails part way leaves statistics only and nothing on disk', async () => {
    await loadHasher();
    const spillRoot = path.join(dir, 'collector');
    const collector = new ReviewCollector(10, spillRoot);
    const sample = (i: number) => ({ messages: [{ role: 'user', content: `q${i}` }] });
    for (let i = 0; i < 11; i += 1) collector.add(sample(i), 'conversation', i + 1);
    const [records] = readdirSync(spillRoot);
    // Writing the rest fails: the spill's folder is gone and a file is in its place.
    rmSync(path.join(spillRoot, records!), { recursive: true });
    writeFileSync(path.join(spillRoot, records!), '');
    for (let i = 11; i < 20_000; i += 1) collector.add(sample(i), 'conversation', i + 1);
    const data = collector.data();
    expect(data.samples).toBe(20_000);
    expect(isHashed(data)).toBe(false);
  });
});
