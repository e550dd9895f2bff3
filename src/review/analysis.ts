/**
 * The review's arithmetic on hashes alone: duplicates and conflicts within a file, overlap between the files of
 * the step, and the multiset change against the base version (added, removed, modified, unchanged). Pure.
 */
import {
  HAS_PROMPT,
  isHashed,
  RECORD_WORDS,
  reviewCounters,
  reviewDistribution,
  type ReviewData,
} from '../check/review-collector.js';
import type { Quantiles } from '../check/distribution.js';
import { sortKeys, type SortedKeys } from './radix-sort.js';
import { release } from '../check/release.js';

export interface ReviewStats {
  format: string | null;
  samples: number;
  characters: Quantiles | null;
  messages?: Quantiles | null;
  prompt_characters?: Quantiles | null;
  answer_characters?: Quantiles | null;
  without_system?: number;
  without_user?: number;
  with_tool_calls?: number;
  with_weights: number;
  /** Samples per log-2 bin of characters per sample: bin 0 holds 0 characters, bin k from 2^(k-1) to 2^k - 1. */
  histogram: number[];
}

export interface ReviewExample {
  line: number;
  excerpt: string;
}

export interface FileReview {
  samples: number;
  /** null when the file has more samples than the review hashes (TOGETHER_REVIEW_MAX_SAMPLES): not counted. */
  duplicates: number | null;
  conflicts: number | null;
  overlap: Record<string, { samples: number; prompts: number }>;
  stats: ReviewStats;
  base: { source: 'git' | 'api'; commit: string; samples: number; stats: ReviewStats } | null;
  base_note: string | null;
  added: number | null;
  removed: number | null;
  modified: number | null;
  unchanged: number | null;
  examples: { added: ReviewExample[]; removed: ReviewExample[]; modified: ReviewExample[] };
}

/** Where the warnings point: the first line concerned of each kind, null when none. */
export interface FirstLines {
  duplicate: { line: number; repeats: number } | null;
  conflict: number | null;
  overlap: number | null;
}

/** Other files named in a file's overlap at most (the first met); a step of 5,000 copies stays small. */
export const MAX_OVERLAP_FILES = 10;

/** Examples of each kind at most. */
export const MAX_EXAMPLES = 5;

export function statsOf(data: ReviewData): ReviewStats {
  const characters = reviewDistribution(data, 'characters');
  const counters = reviewCounters(data);
  const stats: ReviewStats = {
    format: data.format,
    samples: data.samples,
    characters: characters.summary(),
    with_weights: counters.with_weights,
    histogram: characters.histogram().map((bin) => bin.samples),
  };
  if (data.format === 'conversation') {
    stats.messages = reviewDistribution(data, 'messages').summary();
    stats.without_system = counters.without_system;
    stats.without_user = counters.without_user;
    stats.with_tool_calls = counters.with_tool_calls;
  }
  if (data.format === 'instruction' || data.format === 'preference_openai') {
    stats.prompt_characters = reviewDistribution(data, 'promptCharacters').summary();
    stats.answer_characters = reviewDistribution(data, 'answerCharacters').summary();
  }
  return stats;
}

/** Words of a record: sample hash at 0-1, prompt hash at 2-3. */
const SAMPLE = 0;
const PROMPT = 2;

function word(data: ReviewData, index: number, offset: number): number {
  return data.records[index * RECORD_WORDS + offset]!;
}

export function lineOf(data: ReviewData, index: number): number {
  return word(data, index, 4);
}

function hasPrompt(data: ReviewData, index: number): boolean {
  return (word(data, index, 5) & HAS_PROMPT) !== 0;
}

function compareKey(a: ReviewData, i: number, b: ReviewData, j: number, at: number): number {
  return word(a, i, at) - word(b, j, at) || word(a, i, at + 1) - word(b, j, at + 1);
}

/**
 * Indices of `data` sorted by their key, with the keys in that order: the scans below compare neighbours in
 * these two arrays, one after the other, rather than reading each index's record across the whole table. `order`
 * holds indices of `data` (all, or those given, in file order); equal keys stay in file order (index order is line
 * order), so a run's first index is its first occurrence.
 */
function sortedBy(data: ReviewData, at: number, indices?: Uint32Array): SortedKeys {
  const n = indices ? indices.length : data.samples;
  const records = data.records;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let k = 0; k < n; k += 1) {
    const at0 = (indices ? indices[k]! : k) * RECORD_WORDS + at;
    hi[k] = records[at0]!;
    lo[k] = records[at0 + 1]!;
  }
  const sorted = sortKeys(hi, lo);
  if (indices) for (let k = 0; k < n; k += 1) sorted.order[k] = indices[sorted.order[k]!]!;
  return sorted;
}

function releaseSorted(...sorted: SortedKeys[]): void {
  for (const { order, hi, lo } of sorted) release(order, hi, lo);
}

/** The end of the run of equal keys that starts at `start`. */
function runEnd({ hi, lo }: SortedKeys, start: number): number {
  const h = hi[start]!;
  const l = lo[start]!;
  let end = start + 1;
  while (end < hi.length && hi[end] === h && lo[end] === l) end += 1;
  return end;
}

/** The order of key `i` of `a` and key `j` of `b`, as unsigned 64-bit numbers. */
function compareSorted(a: SortedKeys, i: number, b: SortedKeys, j: number): number {
  return a.hi[i]! - b.hi[j]! || a.lo[i]! - b.lo[j]!;
}

/** The indices of the samples that have a prompt, in file order (of those given, or of all). */
function withPrompt(data: ReviewData, indices?: Uint32Array): Uint32Array {
  const n = indices ? indices.length : data.samples;
  const kept = new Uint32Array(n);
  let count = 0;
  for (let k = 0; k < n; k += 1) {
    const index = indices ? indices[k]! : k;
    if (hasPrompt(data, index)) kept[count++] = index;
  }
  return kept.subarray(0, count);
}

function promptedCount(data: ReviewData): number {
  let count = 0;
  for (let k = 0; k < data.samples; k += 1) if (hasPrompt(data, k)) count += 1;
  return count;
}

export interface WithinFile {
  duplicates: number;
  conflicts: number;
  firstDuplicate: FirstLines['duplicate'];
  firstConflict: number | null;
}

/** Duplicates (samples equal to an earlier one) and conflicts (a prompt with two or more different samples). */
export function withinFile(data: ReviewData): WithinFile {
  let duplicates = 0;
  let firstDuplicate: FirstLines['duplicate'] = null;
  const bySample = sortedBy(data, SAMPLE);
  for (let start = 0, end; start < bySample.order.length; start = end) {
    end = runEnd(bySample, start);
    if (end - start < 2) continue;
    duplicates += end - start - 1;
    const line = lineOf(data, bySample.order[start + 1]!);
    if (!firstDuplicate || line < firstDuplicate.line)
      firstDuplicate = { line, repeats: lineOf(data, bySample.order[start]!) };
  }
  releaseSorted(bySample);
  let conflicts = 0;
  let firstConflict: number | null = null;
  const prompted = withPrompt(data);
  const byPrompt = sortedBy(data, PROMPT, prompted);
  for (let start = 0, end; start < byPrompt.order.length; start = end) {
    end = runEnd(byPrompt, start);
    const first = byPrompt.order[start]!;
    let other: number | null = null;
    for (let k = start + 1; k < end; k += 1) {
      const index = byPrompt.order[k]!;
      if (compareKey(data, index, data, first, SAMPLE) !== 0) {
        const line = lineOf(data, index);
        if (other === null || line < other) other = line;
      }
    }
    if (other === null) continue;
    conflicts += 1;
    if (firstConflict === null || other < firstConflict) firstConflict = other;
  }
  release(prompted);
  releaseSorted(byPrompt);
  return { duplicates, conflicts, firstDuplicate, firstConflict };
}

/** An example of a change: its line (in the head, or the base for a removed sample) and its sample hash. */
export interface ExamplePick {
  line: number;
  hi: number;
  lo: number;
}

export interface Change {
  added: number;
  removed: number;
  modified: number;
  unchanged: number;
  /** The examples of each kind: the smallest sample hashes (then lines), at most MAX_EXAMPLES. */
  examples: { added: ExamplePick[]; removed: ExamplePick[]; modified: ExamplePick[] };
}

/**
 * The multiset change from `base` to `head`: per sample hash, the smaller count is unchanged and the rest added or
 * removed; then an added and a removed sample sharing a prompt are one modified sample ("same question, new
 * answer"), the first added with the first removed of that prompt, in file order.
 */
export function changeBetween(base: ReviewData, head: ReviewData): Change {
  const h = sortedBy(head, SAMPLE);
  const b = sortedBy(base, SAMPLE);
  let unchanged = 0;
  const addedAll = new Uint32Array(head.samples);
  const removedAll = new Uint32Array(base.samples);
  let addedCount = 0;
  let removedCount = 0;
  let i = 0;
  let j = 0;
  const headCount = h.order.length;
  const baseCount = b.order.length;
  while (i < headCount || j < baseCount) {
    const order = i >= headCount ? 1 : j >= baseCount ? -1 : compareSorted(h, i, b, j);
    const iEnd = order <= 0 ? runEnd(h, i) : i;
    const jEnd = order >= 0 ? runEnd(b, j) : j;
    const common = Math.min(iEnd - i, jEnd - j);
    unchanged += common;
    // The later occurrences are the ones that changed.
    for (let k = i + common; k < iEnd; k += 1) addedAll[addedCount++] = h.order[k]!;
    for (let k = j + common; k < jEnd; k += 1) removedAll[removedCount++] = b.order[k]!;
    i = iEnd;
    j = jEnd;
  }
  // In file order (index order is line order).
  const added = addedAll.subarray(0, addedCount).sort();
  const removed = removedAll.subarray(0, removedCount).sort();

  // Pair by prompt: both sides sorted by prompt, file order within a prompt; the k-th added of a prompt is the
  // modification of its k-th removed.
  const pairedAdded = new Uint8Array(head.samples);
  const pairedRemoved = new Uint8Array(base.samples);
  const addedPrompted = withPrompt(head, added);
  const removedPrompted = withPrompt(base, removed);
  const a = sortedBy(head, PROMPT, addedPrompted);
  const r = sortedBy(base, PROMPT, removedPrompted);
  release(addedPrompted, removedPrompted);
  releaseSorted(h, b);
  for (let x = 0, y = 0; x < a.order.length && y < r.order.length;) {
    const order = compareSorted(a, x, r, y);
    if (order < 0) x += 1;
    else if (order > 0) y += 1;
    else {
      pairedAdded[a.order[x++]!] = 1;
      pairedRemoved[r.order[y++]!] = 1;
    }
  }
  const modified = added.filter((index) => pairedAdded[index] === 1);
  const stillAdded = added.filter((index) => pairedAdded[index] === 0);
  const stillRemoved = removed.filter((index) => pairedRemoved[index] === 0);
  const change: Change = {
    added: stillAdded.length,
    removed: stillRemoved.length,
    modified: modified.length,
    unchanged,
    examples: {
      added: smallest(head, stillAdded),
      removed: smallest(base, stillRemoved),
      modified: smallest(head, modified),
    },
  };
  release(addedAll, removedAll, pairedAdded, pairedRemoved, modified, stillAdded, stillRemoved);
  releaseSorted(a, r);
  return change;
}

/** The MAX_EXAMPLES samples with the smallest sample hashes (then lines), in that order: one pass, no sort. */
function smallest(data: ReviewData, indices: Uint32Array): ExamplePick[] {
  const best: number[] = [];
  const before = (x: number, y: number) => (compareKey(data, x, data, y, SAMPLE) || x - y) < 0;
  for (const index of indices) {
    if (best.length === MAX_EXAMPLES && !before(index, best[MAX_EXAMPLES - 1]!)) continue;
    let at = best.length === MAX_EXAMPLES ? MAX_EXAMPLES - 1 : best.length;
    best[at] = index;
    for (; at > 0 && before(best[at]!, best[at - 1]!); at -= 1) [best[at], best[at - 1]] = [best[at - 1]!, best[at]!];
  }
  return best.map((index) => ({
    line: lineOf(data, index),
    hi: word(data, index, SAMPLE),
    lo: word(data, index, SAMPLE + 1),
  }));
}

/** The MAX_EXAMPLES picks with the smallest sample hashes, then lines (the same order `smallest` keeps). */
export function smallestPicks(picks: ExamplePick[]): ExamplePick[] {
  return [...picks].sort((a, b) => a.hi - b.hi || a.lo - b.lo || a.line - b.line).slice(0, MAX_EXAMPLES);
}

export interface FileOverlap {
  /** By the other file's index. */
  overlap: Map<number, { samples: number; prompts: number }>;
  firstLine: number | null;
}

/**
 * For every pair of files (A, B): how many samples of A appear whole in B, and how many samples of A have their
 * prompt in B; with the first line of A concerned. One sort over all files' hashes, not a pass per pair. Only the
 * files that overlap another have an entry (by index): nothing is held for the others.
 */
export function overlapBetween(files: ReviewData[]): Map<number, FileOverlap> {
  const result = new Map<number, FileOverlap>();
  if (files.length < 2) return result;
  const entryOf = (file: number) => {
    let entry = result.get(file);
    if (!entry) result.set(file, (entry = { overlap: new Map(), firstLine: null }));
    return entry;
  };
  const count = (at: number, field: 'samples' | 'prompts') => {
    // Every file's keys in one list, in file order then line order, sorted once (stable).
    // A file past the review's bound (no hashes) overlaps nothing that can be counted.
    let total = 0;
    for (const data of files) if (isHashed(data)) total += at === SAMPLE ? data.samples : promptedCount(data);
    const hi = new Uint32Array(total);
    const lo = new Uint32Array(total);
    const fileOf = new Uint32Array(total);
    const indexOf = new Uint32Array(total);
    let n = 0;
    files.forEach((data, file) => {
      if (!isHashed(data)) return;
      for (let i = 0; i < data.samples; i += 1) {
        if (at !== SAMPLE && !hasPrompt(data, i)) continue;
        hi[n] = word(data, i, at);
        lo[n] = word(data, i, at + 1);
        fileOf[n] = file;
        indexOf[n++] = i;
      }
    });
    const sorted = sortKeys(hi, lo);
    for (let start = 0; start < sorted.order.length;) {
      const end = runEnd(sorted, start);
      const inGroup = new Set<number>();
      if (end - start > 1) for (let k = start; k < end; k += 1) inGroup.add(fileOf[sorted.order[k]!]!);
      if (inGroup.size > 1) {
        for (let k = start; k < end; k += 1) {
          const file = fileOf[sorted.order[k]!]!;
          const index = indexOf[sorted.order[k]!]!;
          const entry = entryOf(file);
          let named = 0;
          for (const other of inGroup) {
            if (other === file) continue;
            if (++named > MAX_OVERLAP_FILES) break;
            let counts = entry.overlap.get(other);
            if (!counts) {
              if (entry.overlap.size >= MAX_OVERLAP_FILES) continue;
              counts = { samples: 0, prompts: 0 };
              entry.overlap.set(other, counts);
            }
            counts[field] += 1;
          }
          const line = lineOf(files[file]!, index);
          if (entry.firstLine === null || line < entry.firstLine) entry.firstLine = line;
        }
      }
      start = end;
    }
    release(fileOf, indexOf);
    releaseSorted(sorted);
  };
  count(SAMPLE, 'samples');
  count(PROMPT, 'prompts');
  return result;
}
