/**
 * What the head's check found for each of its lines, found by the xxHash64 of the line's bytes: the base
 * version's check takes a byte-identical line's record and statistics from here instead of parsing it. In a pull
 * request most of a dataset's lines are unchanged, and parsing is most of a check's time.
 *
 * The head's records and line facts themselves, on SharedArrayBuffers (the check's worker threads read them
 * without a copy), and an open-addressing index over them: per slot, a sample's index + 1 (0 for none), at most
 * one sample per distinct line.
 */
import { FACT_A, FACT_B, FACT_BITS, LINE, LINE_FACT_WORDS, LINE_HASH, RECORD_WORDS } from './review-record.js';
import { open } from 'node:fs/promises';
import { release } from './release.js';
import { hashBytesInto, loadHasher } from './sample-hash.js';

/** The table as it crosses threads: typed arrays on SharedArrayBuffers, shared rather than copied. */
export interface KnownLinesData {
  /** A power of two of slots, at least one and a half times the samples. */
  index: Uint32Array;
  records: Uint32Array;
  facts: Uint32Array;
}

/** An array on a SharedArrayBuffer: itself when it is on one, else a copy. */
function shared(array: Uint32Array): Uint32Array {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const copy = new Uint32Array(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

/** The table of a head's hashed samples: `records` (RECORD_WORDS each) and their `facts` (LINE_FACT_WORDS each). */
export function buildKnownLines(records: Uint32Array, facts: Uint32Array): KnownLinesData {
  const samples = Math.min(records.length / RECORD_WORDS, facts.length / LINE_FACT_WORDS);
  // At most two thirds full: a line is found within two probes on average (each probe a read of its facts).
  const slots = 2 ** Math.ceil(Math.log2(Math.max(16, samples * 1.5)));
  const index = new Uint32Array(new SharedArrayBuffer(4 * slots));
  const mask = slots - 1;
  for (let i = 0; i < samples; i += 1) {
    const lo = facts[i * LINE_FACT_WORDS + LINE_HASH]!;
    const hi = facts[i * LINE_FACT_WORDS + LINE_HASH + 1]!;
    let slot = lo & mask;
    while (index[slot] !== 0 && !sameLine(facts, index[slot]! - 1, lo, hi)) slot = (slot + 1) & mask;
    // A line that repeats is found at its first sample.
    if (index[slot] === 0) index[slot] = i + 1;
  }
  return { index, records: shared(records), facts: shared(facts) };
}

function sameLine(facts: Uint32Array, sample: number, lo: number, hi: number): boolean {
  const at = sample * LINE_FACT_WORDS + LINE_HASH;
  return facts[at] === lo && facts[at + 1] === hi;
}

/** Lookups in a table made by buildKnownLines (in any thread). */
export class KnownLines {
  private readonly index: Uint32Array;
  private readonly records: Uint32Array;
  private readonly facts: Uint32Array;
  private readonly mask: number;
  private readonly hash = new Uint32Array(2);

  constructor(data: KnownLinesData) {
    this.index = data.index;
    this.records = data.records;
    this.facts = data.facts;
    this.mask = data.index.length - 1;
  }

  /** The head's sample whose line has these bytes, or -1 (the hasher must be loaded). */
  find(line: Uint8Array): number {
    hashBytesInto(line, this.hash, 0);
    const lo = this.hash[0]!;
    const hi = this.hash[1]!;
    for (let slot = lo & this.mask; this.index[slot] !== 0; slot = (slot + 1) & this.mask) {
      const sample = this.index[slot]! - 1;
      if (sameLine(this.facts, sample, lo, hi)) return sample;
    }
    return -1;
  }

  /** Copies a sample's record to `out` at `at`, but its line: the hashes and the flags. */
  copyRecord(sample: number, out: Uint32Array, at: number): void {
    const from = sample * RECORD_WORDS;
    for (let word = 0; word < RECORD_WORDS; word += 1) if (word !== LINE) out[at + word] = this.records[from + word]!;
  }

  /** The sample's statistics: FACT_A, FACT_B, FACT_BITS. */
  fact(sample: number, which: typeof FACT_A | typeof FACT_B | typeof FACT_BITS): number {
    return this.facts[sample * LINE_FACT_WORDS + which]!;
  }
}

/** Windows of a file that knownShare reads, and their size. */
const SHARE_WINDOWS = 16;
const SHARE_WINDOW_BYTES = 64 * 1024;

/**
 * The share of a file's lines that the table knows, estimated from the whole lines of 16 windows of 64 KiB spread
 * over the file: 0 when they hold no whole line, as nothing is known then. Lines end at `\n`; a `\r` before it
 * is not part of the line, as the check reads them.
 */
export async function knownShare(file: string, bytes: number, data: KnownLinesData): Promise<number> {
  await loadHasher();
  const known = new KnownLines(data);
  // No larger than the file: a review of thousands of small files made as many 64 KiB buffers.
  const window = Buffer.allocUnsafeSlow(Math.min(SHARE_WINDOW_BYTES, bytes));
  let lines = 0;
  let found = 0;
  const handle = await open(file, 'r');
  try {
    for (let k = 0; k < SHARE_WINDOWS; k += 1) {
      const from = Math.floor((k * bytes) / SHARE_WINDOWS);
      const { bytesRead } = await handle.read(window, 0, window.length, from);
      const read = window.subarray(0, bytesRead);
      // Whole lines only: from the first line start in the window to its last `\n`.
      let start = from === 0 ? 0 : read.indexOf(10) + 1;
      if (start === 0 && from !== 0) continue;
      for (let end = read.indexOf(10, start); end >= 0; end = read.indexOf(10, start)) {
        const stop = end > start && read[end - 1] === 13 ? end - 1 : end;
        lines += 1;
        if (known.find(read.subarray(start, stop)) >= 0) found += 1;
        start = end + 1;
      }
    }
  } finally {
    await handle.close();
    release(window);
  }
  return lines === 0 ? 0 : found / lines;
}
