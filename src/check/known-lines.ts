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
import { hashBytesInto } from './sample-hash.js';

/** The table as it crosses threads: typed arrays on SharedArrayBuffers, shared rather than copied. */
export interface KnownLinesData {
  /** A power of two of slots, at least twice the samples. */
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
  const slots = 2 ** Math.ceil(Math.log2(Math.max(16, samples * 2)));
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
