/**
 * A file's review records past what the review holds in memory, partitioned to files on disk (under RUNNER_TEMP)
 * by the top bits of each record's key: its prompt hash, or its sample hash when it has no prompt. Equal samples
 * have equal prompts, so equal samples and equal prompts always share a partition, in one file as across files:
 * every count of the review is the sum of its counts over the partitions, and one partition at a time is all the
 * review needs in memory.
 */
import { appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import path from 'node:path';
import { release } from './release.js';
import { FLAGS, HAS_PROMPT, LINE, PROMPT_HASH, RECORD_WORDS, SAMPLE_HASH } from './review-record.js';

/** Partitions of a spilled file (a power of two): 4 million samples make partitions of 1.5 MB each. */
export const PARTITIONS = 64;
const PARTITION_SHIFT = 32 - Math.log2(PARTITIONS);

/**
 * The most records a partition may hold: the review reads a partition whole, at about 44 bytes a record with its
 * sort, so 1,000,000 take about 44 MB. Partitions fill evenly unless one prompt or sample repeats: it would take
 * 64 million distinct samples to reach this otherwise.
 */
export const MAX_PARTITION_RECORDS = 1_000_000;

/** Records buffered per partition before they are appended to its file (64 KiB). */
const BUFFER_RECORDS = 2730;

/** Where a spilled file's records are (plain data: it crosses worker threads). */
export interface SpilledRecords {
  dir: string;
  /** Records in each partition. */
  counts: number[];
}

/** The partition of the record at word `at` of `records`. */
export function partitionOf(records: Uint32Array, at: number): number {
  const key = (records[at + FLAGS]! & HAS_PROMPT) !== 0 ? records[at + PROMPT_HASH]! : records[at + SAMPLE_HASH]!;
  return key >>> PARTITION_SHIFT;
}

/** Writes records to a new directory under `root`, one file per partition, in the order they are appended. */
export class RecordSpill {
  private readonly dir: string;
  private readonly buffers = Array.from({ length: PARTITIONS }, () => new Uint32Array(BUFFER_RECORDS * RECORD_WORDS));
  private readonly used = new Array<number>(PARTITIONS).fill(0);
  private readonly counts = new Array<number>(PARTITIONS).fill(0);

  constructor(
    root: string,
    private readonly maxPartitionRecords = MAX_PARTITION_RECORDS,
  ) {
    mkdirSync(root, { recursive: true });
    this.dir = mkdtempSync(path.join(root, 'records-'));
  }

  /**
   * Appends records (in file order), their lines moved by `lineOffset`. Throws when writing fails or a partition
   * passes its bound (then `remove` what was written).
   */
  append(records: Uint32Array, lineOffset = 0): void {
    for (let at = 0; at < records.length; at += RECORD_WORDS) {
      const p = partitionOf(records, at);
      const buffer = this.buffers[p]!;
      const to = this.used[p]!;
      buffer.set(records.subarray(at, at + RECORD_WORDS), to);
      buffer[to + LINE] = records[at + LINE]! + lineOffset;
      this.used[p] = to + RECORD_WORDS;
      if (this.used[p] === buffer.length) this.flush(p);
    }
  }

  /** Writes what is buffered; the records' whereabouts. */
  finish(): SpilledRecords {
    for (let p = 0; p < PARTITIONS; p += 1) this.flush(p);
    release(...this.buffers);
    return { dir: this.dir, counts: [...this.counts] };
  }

  /** Removes what was written (a spill given up on). */
  remove(): void {
    release(...this.buffers);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * The ways to use a spill that give up rather than throw: a spill that cannot be made, written or finished (or
   * whose partition passed its bound) is removed, and the caller keeps statistics only.
   */
  static open(root: string | undefined): RecordSpill | undefined {
    if (root === undefined) return undefined;
    try {
      return new RecordSpill(root);
    } catch {
      return undefined;
    }
  }

  /** `append`, or false (and the spill removed) when it fails. */
  tryAppend(records: Uint32Array, lineOffset = 0): boolean {
    try {
      this.append(records, lineOffset);
      return true;
    } catch {
      this.remove();
      return false;
    }
  }

  /** `finish`, or undefined (and the spill removed) when it fails. */
  tryFinish(): SpilledRecords | undefined {
    try {
      return this.finish();
    } catch {
      this.remove();
      return undefined;
    }
  }

  private flush(p: number): void {
    const words = this.used[p]!;
    if (words === 0) return;
    const buffer = this.buffers[p]!;
    appendFileSync(partitionFile(this.dir, p), new Uint8Array(buffer.buffer, 0, words * 4));
    this.counts[p]! += words / RECORD_WORDS;
    this.used[p] = 0;
    if (this.counts[p]! > this.maxPartitionRecords)
      throw new Error(
        `more than ${this.maxPartitionRecords.toLocaleString('en-US')} records share one partition (one prompt or sample repeats that often)`,
      );
  }
}

/** The records of one partition, in file order (read straight into the typed array: no copy of the file). */
export function readPartition(spilled: SpilledRecords, p: number): Uint32Array {
  const words = new Uint32Array(spilled.counts[p]! * RECORD_WORDS);
  if (words.length === 0) return words;
  const bytes = new Uint8Array(words.buffer);
  const fd = openSync(partitionFile(spilled.dir, p), 'r');
  try {
    for (let at = 0; at < bytes.length;) {
      const read = readSync(fd, bytes, at, bytes.length - at, at);
      if (read === 0)
        throw new Error(`the review's records on disk are shorter than written (${partitionFile(spilled.dir, p)})`);
      at += read;
    }
  } finally {
    closeSync(fd);
  }
  return words;
}

/** The records of `records` in partition `p`, in their order. */
export function recordsInPartition(records: Uint32Array, p: number): Uint32Array {
  let count = 0;
  for (let at = 0; at < records.length; at += RECORD_WORDS) if (partitionOf(records, at) === p) count += 1;
  const kept = new Uint32Array(count * RECORD_WORDS);
  for (let at = 0, to = 0; at < records.length; at += RECORD_WORDS) {
    if (partitionOf(records, at) !== p) continue;
    kept.set(records.subarray(at, at + RECORD_WORDS), to);
    to += RECORD_WORDS;
  }
  return kept;
}

export function removeSpilled(spilled: SpilledRecords): void {
  rmSync(spilled.dir, { recursive: true, force: true });
}

function partitionFile(dir: string, p: number): string {
  return path.join(dir, `${p.toString().padStart(2, '0')}.bin`);
}
