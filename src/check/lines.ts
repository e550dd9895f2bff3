/**
 * Reads a file (or a byte range of it, starting at 0 or just after a `\n`) line by line, as Python reads text
 * files: lines end at `\n`, `\r\n` or a bare `\r` (universal newlines). Validates UTF-8 on the way; the first
 * undecodable byte ends the read, since Together's reference refuses such a file before looking at any line.
 * One reused buffer, grown only for a line longer than it.
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { findUtf8Problem, type Utf8Problem } from './utf8.js';
import type { KnownLinesData } from './known-lines.js';

export interface LineVisitor {
  /** Called for each line `data[start, end)` (without its terminator); `line` counts from 1 in the range. */
  line(data: Buffer, start: number, end: number, line: number): void;
  /** False once the visitor needs no more lines: the read goes on only to count lines and validate UTF-8. */
  readonly wantsLines: boolean;
}

export interface LineReadResult {
  /** Physical lines in the range (up to the UTF-8 problem, if any). */
  lines: number;
  /** The first undecodable byte, with the line it is on. */
  utf8: (Utf8Problem & { line: number }) | null;
  /** A line longer than `maxLineBytes` ends the read here (its number, counted in the range); never read whole. */
  overlong?: { line: number; limit: number };
  /** With `sha256: true` and the whole range read: the hex SHA-256 of its bytes, computed on the same reads. */
  sha256?: string;
  /**
   * With `indexLines`: a line start in each read (about 1 MiB apart) and the lines before it, in pairs (offsets
   * in the file), so a line can later be read from near where it is.
   */
  lineIndex?: number[];
}

export interface ReadOptions {
  /** Hash the bytes as they are read (the upload's checksum, without a read of its own). */
  sha256?: boolean;
  /** The longest line read (default MAX_LINE_BYTES): a longer one is refused, never held in memory. */
  maxLineBytes?: number;
  /** Index the lines as they are read (LineReadResult.lineIndex). */
  indexLines?: boolean;
  /** Stops the read (between 16 MiB slices) with an AbortError: the run was cancelled. */
  signal?: AbortSignal;
  /** JSONL: collect each passing sample's hashes and statistics for the dataset review. */
  review?: boolean;
  /** The most samples of a file whose hashes the review holds in memory (DEFAULT_MAX_HASHED_SAMPLES). */
  reviewMaxSamples?: number;
  /** Where hashes past reviewMaxSamples are partitioned to disk; without it, such a file gets statistics only. */
  reviewSpillRoot?: string;
  /** JSONL, with `review`: hash each sample's line too (ReviewData.lineFacts), for the base version's check. */
  reviewHashLines?: boolean;
  /** JSONL, with `review`: what the head's check found for its lines, taken for byte-identical lines unparsed. */
  reviewKnownLines?: KnownLinesData;
}

/**
 * The longest line read by default, 16 MiB: no trainable sample comes near it (Together's longest contexts are
 * about 128k tokens, half a megabyte of text), and a line this long still checks within the memory target. A
 * longer line is refused with its number instead of being read whole (a 600 MB line took 2 GiB and ended in
 * "Cannot create a string longer than 0x1fffffe8 characters").
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Bytes read between two turns of the event loop, where a cancellation can be seen. */
const YIELD_BYTES = 16 * 1024 * 1024;

export interface ByteRange {
  start?: number;
  end: number;
}

const READ_BYTES = 1024 * 1024;
/** A read buffer grown past this (for a very long line) is not kept for the next read. */
const MAX_KEPT_BUFFER_BYTES = 8 * READ_BYTES;
/**
 * This thread's read buffer between reads. A read takes it while it runs (another read meanwhile allocates its
 * own), so two never share it; keeping it spares each range of a large file a fresh 2 MiB that V8 would otherwise let pile
 * up as external memory before collecting it.
 */
let spareBuffer: Buffer | undefined;
const LF = 10;
const CR = 13;

export async function readLines(
  path: string,
  range: ByteRange,
  visitor: LineVisitor,
  options: ReadOptions = {},
): Promise<LineReadResult> {
  // Synchronous reads: checking is CPU-bound, and an async read per 1 MiB left the thread idle for each round
  // trip through libuv's pool (about 60 ms a thread on a 400 MiB file).
  const fd = openSync(path, 'r');
  const state: LineReadResult = { lines: 0, utf8: null, ...(options.indexLines ? { lineIndex: [] } : {}) };
  const hash = options.sha256 ? createHash('sha256') : undefined;
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  try {
    let buffer = spareBuffer ?? Buffer.allocUnsafe(READ_BYTES * 2);
    spareBuffer = undefined;
    let carry = 0; // bytes at the start of `buffer` left over from the previous read
    let position = range.start ?? 0;
    let dataOffset = position; // file offset of buffer[0]
    let sinceYield = 0;
    for (;;) {
      if (carry > maxLineBytes) {
        // The line being read is already longer than any line may be: it is refused, not read on.
        state.overlong = { line: state.lines + 1, limit: maxLineBytes };
        break;
      }
      if (buffer.length - carry < READ_BYTES) {
        // Doubling, but never much past the longest line allowed: the buffer is bounded by the limit.
        const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxLineBytes + 2 * READ_BYTES));
        buffer.copy(bigger, 0, 0, carry);
        buffer = bigger;
      }
      const want = Math.min(buffer.length - carry, range.end - position);
      const bytesRead = want > 0 ? readSync(fd, buffer, carry, want, position) : 0;
      hash?.update(buffer.subarray(carry, carry + bytesRead));
      position += bytesRead;
      const length = carry + bytesRead;
      const atEof = position >= range.end || bytesRead === 0;
      const consumed = feed(buffer, length, dataOffset, atEof, state, visitor, maxLineBytes);
      if (state.utf8 || state.overlong) break;
      if (atEof) {
        if (hash) state.sha256 = hash.digest('hex');
        break;
      }
      buffer.copy(buffer, 0, consumed, length);
      carry = length - consumed;
      dataOffset += consumed;
      sinceYield += bytesRead;
      if (sinceYield >= YIELD_BYTES) {
        // Let a cancellation (SIGINT, SIGTERM) in: the handler runs only between turns of the event loop.
        sinceYield = 0;
        await yieldToEventLoop();
        options.signal?.throwIfAborted();
      }
    }
    if (buffer.length <= MAX_KEPT_BUFFER_BYTES) spareBuffer = buffer;
    return state;
  } finally {
    closeSync(fd);
  }
}

/**
 * Visits the complete lines in `data[0, length)` and returns how many bytes were consumed; the rest is carried
 * into the next call. At EOF everything is consumed, the last line needing no terminator.
 */
function feed(
  data: Buffer,
  length: number,
  dataOffset: number,
  atEof: boolean,
  state: LineReadResult,
  visitor: LineVisitor,
  maxLineBytes: number,
): number {
  // A `\r` at the very end may be the first half of `\r\n`: the line it ends waits for the next read, which tells
  // (visited now, that line's `\n` would have started an empty line of its own).
  const last = data[length - 1] === CR ? length - 2 : length - 1;
  const end = atEof ? length : last < 0 ? 0 : Math.max(data.lastIndexOf(LF, last), data.lastIndexOf(CR, last)) + 1;
  if (end <= 0 && !visitor.wantsLines) return consumePartialLine(data, length, dataOffset, state);
  if (end <= 0) return 0;

  // The region starts where a line starts: after the last line of the previous read (whole lines are consumed).
  const index = state.lineIndex;
  if (index && visitor.wantsLines && index.at(-2) !== dataOffset) index.push(dataOffset, state.lines);
  const region = data.subarray(0, end);
  const valid = isUtf8(region);
  const hasCR = region.indexOf(CR) >= 0;
  if (valid && !hasCR && !visitor.wantsLines) {
    // Fast path once the visitor is done: only count lines.
    for (let i = region.indexOf(LF); i >= 0; i = region.indexOf(LF, i + 1)) state.lines += 1;
    if (atEof && region[end - 1] !== LF) state.lines += 1;
    return end;
  }
  let lineStart = 0;
  let lf = region.indexOf(LF);
  let cr = hasCR ? region.indexOf(CR) : -1;
  while (lineStart < end) {
    if (lf >= 0 && lf < lineStart) lf = region.indexOf(LF, lineStart);
    if (cr >= 0 && cr < lineStart) cr = region.indexOf(CR, lineStart);
    let terminator = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
    if (terminator < 0) terminator = end; // only at EOF: the region otherwise ends after a terminator
    state.lines += 1;
    if (!valid) {
      const bad = findUtf8Problem(region, lineStart, terminator);
      if (bad) {
        state.utf8 = { ...bad, offset: dataOffset + bad.offset, line: state.lines };
        return end;
      }
    }
    if (terminator - lineStart > maxLineBytes) {
      // Complete in the buffer, yet longer than any line may be: refused like one that never ends.
      state.overlong = { line: state.lines, limit: maxLineBytes };
      return end;
    }
    if (visitor.wantsLines) visitor.line(region, lineStart, terminator, state.lines);
    lineStart = terminator + (region[terminator] === CR && region[terminator + 1] === LF ? 2 : 1);
  }
  return end;
}

/**
 * A long line with no end in the buffer, when no visitor needs it whole (only its encoding is checked): its
 * bytes up to the last whole character are validated and let go, so the buffer never grows for it, whatever its
 * length. Returns the bytes consumed.
 */
function consumePartialLine(data: Buffer, length: number, dataOffset: number, state: LineReadResult): number {
  let cut = length;
  // Back up to the start of a character that may be cut off (a UTF-8 sequence is at most 4 bytes).
  for (let i = length - 1; i >= Math.max(0, length - 3); i -= 1) {
    const byte = data[i]!;
    if (byte < 0x80) break;
    if (byte >= 0xc0) {
      cut = i;
      break;
    }
  }
  if (!isUtf8(data.subarray(0, cut))) {
    const bad = findUtf8Problem(data, 0, cut);
    if (bad) {
      state.utf8 = { ...bad, offset: dataOffset + bad.offset, line: state.lines + 1 };
      return length;
    }
  }
  return cut;
}

/** What a line over the limit is told (see MAX_LINE_BYTES). */
export function overlongLineMessage(limit: number): string {
  return `The line is longer than ${Math.round(limit / (1024 * 1024))} MiB, the longest the check reads, so it was not read whole; no trainable sample comes near that (Together's longest contexts are about 128k tokens, half a megabyte of text). Split the sample, or remove what inflates it (inline images, repeated text). To check such lines anyway, raise TOGETHER_CHECK_MAX_LINE_BYTES.`;
}
