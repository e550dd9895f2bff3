/**
 * Checks a whole JSONL file, on several cores when it is large: the file is cut into byte ranges of about 16 MiB,
 * each just after a `\n`; the main thread and worker threads take ranges from one queue until none is left (so
 * they finish together, although the main thread started earlier and scans slower), and the results are merged
 * as if one scan had read the file from start to end.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { scanJsonl, type JsonlRules, type JsonlScanResult } from './jsonl.js';
import type { ByteRange, ReadOptions } from './lines.js';
import { MAX_WARNINGS } from './types.js';
import { DEFAULT_MAX_HASHED_SAMPLES, mergeReviewData, type ReviewData } from './review-collector.js';
import { RecordSpill, type SpilledRecords } from './record-spill.js';
import { release } from './release.js';
import { defaultWorkerScript, type RangeTask, type WorkerReply } from './worker-protocol.js';

export interface ParallelOptions {
  /** Ranges to scan at once (default: the machine's cores, at most 4). */
  threads?: number;
  /** Files smaller than this are scanned on the main thread alone (default 16 MiB). */
  minBytes?: number;
  /** The bundled worker script; without one (as when running from source) everything runs on the main thread. */
  workerScript?: string;
  /** A worker's old generation at most, MB (default WORKER_OLD_GENERATION_MB). */
  workerHeapMb?: number;
  /** Told of each range a worker gave back when it ran out of memory (the main thread then checks it). */
  onRangeGivenBack?: (range: ByteRange) => void;
}

const DEFAULT_MIN_BYTES = 16 * 1024 * 1024;
/** A file checked on one thread from this size on has its lines indexed for the review's quotes (a smaller one is read whole quickly). */
const INDEXED_LINES_MIN_BYTES = 4 * 1024 * 1024;
/** Small enough that the threads finish within a range's time of each other, large enough to cost nothing. */
const RANGE_BYTES = 4 * 1024 * 1024;
/**
 * A worker's young generation at most. Its garbage (each line's parsed value) dies within the line, so a small
 * one costs no throughput, and V8's default (up to 3 × 16 MiB) added about 16 MiB of peak RSS per worker.
 */
const WORKER_YOUNG_GENERATION_MB = 8;
/**
 * A worker's old generation at most. Long lines' strings are large objects, collected only by a full collection,
 * which V8 puts off while its heap is far from its limit: a bound brings it sooner (a 1 GiB file of 256 KiB lines
 * peaked about 35 MiB lower). A range a worker cannot check within it (a 16 MiB line parsing into millions of
 * values) is checked again on the main thread, whose heap is V8's default, so the bound never fails a file.
 */
const WORKER_OLD_GENERATION_MB = 128;
/** How far past a planned cut to look for a `\n` before giving up on that cut (a very long line). */
const CUT_SEARCH_BYTES = 16 * 1024 * 1024;

/**
 * Scans the file, in parallel where it pays, and returns whole-file results (lines counted from 1). With
 * `sha256`, the file's SHA-256 comes with them: on one thread it is computed on the check's own reads; on several,
 * the main thread hashes the file from start to end while the workers check their ranges, then joins them.
 */
export async function checkJsonlFile(
  file: string,
  bytes: number,
  rules: JsonlRules,
  options: ParallelOptions = {},
  read: ReadOptions = {},
): Promise<JsonlScanResult> {
  const threads = Math.max(1, Math.min(options.threads ?? Math.min(availableParallelism(), 4), 16));
  const workerScript = options.workerScript ?? defaultWorkerScript();
  if (threads === 1 || !workerScript || bytes < (options.minBytes ?? DEFAULT_MIN_BYTES)) {
    const indexLines = read.review === true && bytes >= INDEXED_LINES_MIN_BYTES;
    const whole = await scanJsonl(file, { end: bytes }, rules, undefined, { ...read, indexLines });
    const { lineIndex, ...result } = whole;
    if (result.review && lineIndex) result.review.lineIndex = Float64Array.from(lineIndex);
    return result;
  }
  const rangeRead = {
    maxLineBytes: read.maxLineBytes,
    signal: read.signal,
    review: read.review,
    reviewMaxSamples: read.reviewMaxSamples,
    reviewHashLines: read.reviewHashLines,
    reviewKnownLines: read.reviewKnownLines,
  };
  // Start the workers first: their start-up overlaps finding the cuts and line 1.
  const workers = Array.from(
    { length: threads - 1 },
    () =>
      new Worker(workerScript, {
        resourceLimits: {
          maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB,
          maxOldGenerationSizeMb: options.workerHeapMb ?? WORKER_OLD_GENERATION_MB,
        },
      }),
  );
  try {
    const cuts = await findCuts(file, bytes, Math.max(threads * 2, Math.ceil(bytes / RANGE_BYTES)));
    // Every line must share line 1's format, so all ranges need it before they start.
    const firstLine = await scanJsonl(file, { end: await firstLineEnd(file, bytes) }, rules, undefined, rangeRead);
    const laterRules: JsonlRules = firstLine.problem || firstLine.utf8 ? 'utf8' : rules;
    const bounds = [0, ...cuts, bytes];
    const tasks: RangeTask[] = bounds.slice(0, -1).map((start, i) => ({
      path: file,
      range: { start, end: bounds[i + 1]! },
      // Once line 1 has failed, the file has failed at line 1; the rest is only read for a UTF-8 error, which
      // Together reports first (and a huge line 1 is then never read whole again).
      rules: i === 0 && laterRules === rules ? rules : laterRules,
      firstFormat: firstLine.firstFormat,
      maxLineBytes: read.maxLineBytes,
      review: read.review,
      reviewHashLines: read.reviewHashLines,
      reviewKnownLines: read.reviewKnownLines,
      // A range holds its own records whatever their number (a few MiB of lines); the bound is the whole file's.
      reviewMaxSamples: Infinity,
    }));
    const results = new Array<JsonlScanResult>(tasks.length);
    const maxHashed = read.reviewMaxSamples ?? DEFAULT_MAX_HASHED_SAMPLES;
    const sink = reviewSink(results, maxHashed, read.reviewSpillRoot);
    const keep = sink.keep;
    let next = 0;
    /** Ranges whose worker ran out of memory, for the main thread. */
    const returned: number[] = [];
    const take = () => {
      if (returned.length > 0) return returned.pop()!;
      if (next >= tasks.length) return -1;
      // Once the hashes are let go, the ranges still to scan hash nothing: no time spent on hashes.
      if (sink.unhashed()) tasks[next]!.reviewMaxSamples = 0;
      // Nor on line hashes once the records go to disk: only a file whose records stay in memory keeps them.
      if (sink.spilling()) tasks[next]!.reviewHashLines = false;
      return next++;
    };
    let sha256: string | undefined;
    const scanOnMainThread = async () => {
      for (let i = take(); i >= 0; i = take()) {
        read.signal?.throwIfAborted();
        const task = tasks[i]!;
        keep(
          i,
          await scanJsonl(file, task.range, task.rules, task.firstFormat, {
            ...rangeRead,
            reviewMaxSamples: task.reviewMaxSamples,
            reviewHashLines: task.reviewHashLines,
          }),
        );
        // Reads are synchronous: yield so the workers' results are taken in and they are sent more ranges.
        await yieldToEventLoop();
      }
    };
    const onMainThread = async () => {
      if (read.sha256) sha256 = await hashYielding(file, bytes, read.signal);
      await scanOnMainThread();
    };
    const giveBack = (index: number) => {
      returned.push(index);
      options.onRangeGivenBack?.(tasks[index]!.range);
    };
    // A cancel ends the check at once: the workers are terminated (below), not waited for.
    await Promise.race([
      Promise.all([onMainThread(), ...workers.map((worker) => feedWorker(worker, tasks, keep, take, giveBack))]),
      ...(read.signal ? [abortion(read.signal)] : []),
    ]);
    // What a worker gave back after the main thread had run out of ranges.
    await scanOnMainThread();
    const merged = mergeRangeResults(results, maxHashed, sink.finish());
    if (merged.review) merged.review.lineIndex = lineIndexOf(tasks, results);
    // The ranges' records are copied into the merged ones.
    for (const result of results) {
      release(result.review?.records);
      release(result.review?.lineFacts);
    }
    if (firstLine.problem && !merged.problem) {
      merged.problem = firstLine.problem;
      merged.samples = 0;
    }
    return sha256 === undefined ? merged : { ...merged, sha256 };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * Stores each range's result as it arrives. Once the ranges' samples pass the bound the review holds in memory,
 * the records go to a RecordSpill, in file order, as soon as every range before them has arrived (a 3 GiB file's
 * would otherwise all wait for the merge). Without a spill root, or when writing fails, the hashes are let go
 * instead, and the ranges still to scan hash nothing: statistics only.
 */
function reviewSink(
  results: JsonlScanResult[],
  maxHashed: number,
  spillRoot: string | undefined,
): {
  keep: (index: number, result: JsonlScanResult) => void;
  unhashed: () => boolean;
  /** Past the bound: the records go to disk, or are let go. */
  spilling: () => boolean;
  finish: () => SpilledRecords | undefined;
} {
  let samples = 0;
  let spill: RecordSpill | undefined;
  let unhashed = false;
  /** Ranges before this one are in the spill; `lines` counts their lines. */
  let spilledRanges = 0;
  let lines = 0;
  // A range's records are its own (made by its collector, or handed over by the worker): freed once on disk.
  const withoutRecords = (result: JsonlScanResult) => {
    if (!result.review || result.review.records.length === 0) return;
    const { lineFacts, ...review } = result.review;
    release(review.records);
    release(lineFacts);
    result.review = { ...review, records: new Uint32Array(0) };
  };
  const letGo = () => {
    spill?.remove();
    spill = undefined;
    unhashed = true;
    for (const stored of results) if (stored) withoutRecords(stored);
  };
  const drain = () => {
    for (; spilledRanges < results.length && results[spilledRanges]; spilledRanges += 1) {
      const result = results[spilledRanges]!;
      if (result.review && !spill!.tryAppend(result.review.records, lines)) return letGo();
      withoutRecords(result);
      lines += result.lines;
    }
  };
  return {
    keep(index, result) {
      results[index] = result;
      if (!result.review) return;
      if (unhashed) return withoutRecords(result);
      samples += result.review.samples;
      if (!spill && samples > maxHashed) {
        spill = RecordSpill.open(spillRoot);
        if (!spill) return letGo();
      }
      if (spill) drain();
    },
    unhashed: () => unhashed,
    spilling: () => spill !== undefined || unhashed,
    // Undefined when nothing was spilled or the spill gave up: the merge then finds the records gone (statistics only).
    finish() {
      if (spill) drain();
      return spill?.tryFinish();
    },
  };
}

/** Each range's first byte and the lines before it, in pairs (see ReviewData.lineIndex). */
function lineIndexOf(tasks: RangeTask[], results: JsonlScanResult[]): Float64Array {
  const index = new Float64Array(2 * tasks.length);
  let lines = 0;
  for (const [i, task] of tasks.entries()) {
    index[2 * i] = task.range.start ?? 0;
    index[2 * i + 1] = lines;
    lines += results[i]!.lines;
  }
  return index;
}

/** Joins per-range results in file order: line numbers made absolute, the earliest problems kept. */
export function mergeRangeResults(
  results: JsonlScanResult[],
  reviewMaxSamples?: number,
  spilled?: SpilledRecords,
): JsonlScanResult {
  const merged: JsonlScanResult = {
    lines: 0,
    samples: 0,
    problem: null,
    utf8: null,
    firstFormat: results[0]?.firstFormat,
    warnings: [],
    omittedWarnings: 0,
  };
  let firstProblem: JsonlScanResult['problem'] = null;
  let samplesToProblem = 0;
  const reviews: Array<{ data: ReviewData; lineOffset: number }> = [];
  for (const result of results) {
    if (result.review && !firstProblem) reviews.push({ data: result.review, lineOffset: merged.lines });
    if (!merged.utf8 && result.utf8) merged.utf8 = { ...result.utf8, line: merged.lines + result.utf8.line };
    if (!firstProblem) {
      // Warnings count up to the first problem, as one scan from the start would have seen them.
      for (const warning of result.warnings) {
        if (merged.warnings.length < MAX_WARNINGS)
          merged.warnings.push({ ...warning, line: merged.lines + warning.line });
        else merged.omittedWarnings += 1;
      }
      merged.omittedWarnings += result.omittedWarnings;
    }
    if (!firstProblem && result.problem) {
      firstProblem = { ...result.problem, line: merged.lines + result.problem.line };
      samplesToProblem = merged.samples + result.samples;
    }
    merged.lines += result.lines;
    merged.samples += result.samples;
    if (merged.utf8) break;
  }
  merged.problem = firstProblem;
  if (firstProblem) merged.samples = samplesToProblem;
  if (reviews.length > 0) merged.review = mergeReviewData(reviews, reviewMaxSamples, spilled);
  return merged;
}

/** Bytes hashed between two turns of the event loop, so the workers' results are taken in while hashing. */
const HASH_SLICE_BYTES = 8 * 1024 * 1024;

/** Rejects with the signal's reason once it aborts. */
function abortion(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

/** The file's SHA-256 from one sequential read, yielding to the event loop every slice. */
async function hashYielding(file: string, bytes: number, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const fd = openSync(file, 'r');
  try {
    for (let position = 0, sinceYield = 0; position < bytes;) {
      const bytesRead = readSync(fd, buffer, 0, Math.min(buffer.length, bytes - position), position);
      if (bytesRead === 0) throw new Error(`the file shrank while it was read: ${position} of ${bytes} bytes`);
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
      sinceYield += bytesRead;
      if (sinceYield >= HASH_SLICE_BYTES) {
        sinceYield = 0;
        await yieldToEventLoop();
        signal?.throwIfAborted();
      }
    }
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/** Cut points just after a `\n`, near equal fractions of the file; a cut with no `\n` nearby is dropped. */
async function findCuts(file: string, bytes: number, parts: number): Promise<number[]> {
  const handle = await open(file, 'r');
  try {
    const cuts: number[] = [];
    const window = Buffer.allocUnsafe(64 * 1024);
    for (let k = 1; k < parts; k += 1) {
      let from = Math.max(Math.floor((k * bytes) / parts), (cuts.at(-1) ?? 0) + 1);
      const limit = Math.min(bytes, from + CUT_SEARCH_BYTES);
      while (from < limit) {
        const { bytesRead } = await handle.read(window, 0, Math.min(window.length, limit - from), from);
        if (bytesRead === 0) break;
        const newline = window.subarray(0, bytesRead).indexOf(10);
        if (newline >= 0) {
          if (from + newline + 1 < bytes) cuts.push(from + newline + 1);
          break;
        }
        from += bytesRead;
      }
    }
    return cuts;
  } finally {
    await handle.close();
  }
}

/** The offset just past line 1's terminator (or the file's end). */
async function firstLineEnd(file: string, bytes: number): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const window = Buffer.allocUnsafe(64 * 1024);
    for (let from = 0; from < bytes;) {
      const { bytesRead } = await handle.read(window, 0, window.length, from);
      if (bytesRead === 0) break;
      const slice = window.subarray(0, bytesRead);
      const lf = slice.indexOf(10);
      const cr = slice.indexOf(13);
      const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (end >= 0) return from + end + 1;
      from += bytesRead;
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

/**
 * Keeps two ranges queued on the worker (so it never waits for the busy main thread) until none is left. A worker
 * that runs out of memory gives its ranges back (`giveBack`) and is done: the main thread checks them.
 */
function feedWorker(
  worker: Worker,
  tasks: RangeTask[],
  keep: (index: number, result: JsonlScanResult) => void,
  take: () => number,
  giveBack: (index: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const inFlight = new Set<number>();
    let outOfMemory = false;
    const send = () => {
      const index = take();
      if (index < 0) {
        if (inFlight.size === 0) resolve();
        return;
      }
      inFlight.add(index);
      worker.postMessage({ kind: 'scan', index, task: tasks[index]! });
    };
    worker.on('message', (message: WorkerReply) => {
      if (message.kind !== 'scan' || outOfMemory) return;
      inFlight.delete(message.index);
      if (!message.ok) {
        const { start, end } = tasks[message.index]!.range;
        reject(new Error(`checking bytes ${start}-${end} failed: ${message.error}`));
        return;
      }
      keep(message.index, message.result);
      send();
    });
    worker.once('error', (error: Error & { code?: string }) => {
      if (error.code !== 'ERR_WORKER_OUT_OF_MEMORY') return reject(error);
      outOfMemory = true;
      for (const index of inFlight) giveBack(index);
      inFlight.clear();
      resolve();
    });
    worker.once('exit', (code) => {
      if (inFlight.size > 0) reject(new Error(`the check worker stopped with exit code ${code}`));
    });
    send();
    send();
  });
}
