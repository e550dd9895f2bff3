/**
 * The review's arithmetic on hashes alone: duplicates and conflicts within a file, overlap between the files of
 * the step, and the multiset change against the base version (added, removed, modified, unchanged). Pure.
 */
import { HAS_PROMPT, RECORD_WORDS, type ReviewData } from '../check/review-collector.js';
import { Distribution, type Quantiles } from '../check/distribution.js';

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
  duplicates: number;
  conflicts: number;
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
  const characters = Distribution.fromPairs(data.characters);
  const stats: ReviewStats = {
    format: data.format,
    samples: data.samples,
    characters: characters.summary(),
    with_weights: data.counters.with_weights,
    histogram: characters.histogram().map((bin) => bin.samples),
  };
  if (data.format === 'conversation') {
    stats.messages = Distribution.fromPairs(data.messages).summary();
    stats.without_system = data.counters.without_system;
    stats.without_user = data.counters.without_user;
    stats.with_tool_calls = data.counters.with_tool_calls;
  }
  if (data.format === 'instruction' || data.format === 'preference_openai') {
    stats.prompt_characters = Distribution.fromPairs(data.promptCharacters).summary();
    stats.answer_characters = Distribution.fromPairs(data.answerCharacters).summary();
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

/** Indices sorted by the key at `at`, then by line (so a group's first index is its first occurrence). */
function sortedBy(data: ReviewData, at: number, keep: (index: number) => boolean = () => true): Uint32Array {
  const indices: number[] = [];
  for (let i = 0; i < data.samples; i += 1) if (keep(i)) indices.push(i);
  const sorted = Uint32Array.from(indices);
  sorted.sort((i, j) => compareKey(data, i, data, j, at) || lineOf(data, i) - lineOf(data, j));
  return sorted;
}

/** Runs of equal keys in a sorted index list. */
function* groups(data: ReviewData, sorted: Uint32Array, at: number): Generator<Uint32Array> {
  for (let start = 0; start < sorted.length;) {
    let end = start + 1;
    while (end < sorted.length && compareKey(data, sorted[start]!, data, sorted[end]!, at) === 0) end += 1;
    yield sorted.subarray(start, end);
    start = end;
  }
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
  for (const group of groups(data, sortedBy(data, SAMPLE), SAMPLE)) {
    if (group.length < 2) continue;
    duplicates += group.length - 1;
    const line = lineOf(data, group[1]!);
    if (!firstDuplicate || line < firstDuplicate.line) firstDuplicate = { line, repeats: lineOf(data, group[0]!) };
  }
  let conflicts = 0;
  let firstConflict: number | null = null;
  const prompted = sortedBy(data, PROMPT, (i) => hasPrompt(data, i));
  for (const group of groups(data, prompted, PROMPT)) {
    const first = group[0]!;
    let other: number | null = null;
    for (const index of group) {
      if (compareKey(data, index, data, first, SAMPLE) !== 0) {
        const line = lineOf(data, index);
        if (other === null || line < other) other = line;
      }
    }
    if (other === null) continue;
    conflicts += 1;
    if (firstConflict === null || other < firstConflict) firstConflict = other;
  }
  return { duplicates, conflicts, firstDuplicate, firstConflict };
}

export interface Change {
  added: number;
  removed: number;
  modified: number;
  unchanged: number;
  /** Indices (head, base, head) of the examples: the smallest sample hashes of each kind. */
  examples: { added: number[]; removed: number[]; modified: number[] };
}

/**
 * The multiset change from `base` to `head`: per sample hash, the smaller count is unchanged and the rest added or
 * removed; then an added and a removed sample sharing a prompt are one modified sample ("same question, new
 * answer").
 */
export function changeBetween(base: ReviewData, head: ReviewData): Change {
  const h = sortedBy(head, SAMPLE);
  const b = sortedBy(base, SAMPLE);
  let unchanged = 0;
  const added: number[] = [];
  const removed: number[] = [];
  let i = 0;
  let j = 0;
  while (i < h.length || j < b.length) {
    const order = i >= h.length ? 1 : j >= b.length ? -1 : compareKey(head, h[i]!, base, b[j]!, SAMPLE);
    let iEnd = i;
    let jEnd = j;
    if (order <= 0) while (iEnd < h.length && compareKey(head, h[iEnd]!, head, h[i]!, SAMPLE) === 0) iEnd += 1;
    if (order >= 0) while (jEnd < b.length && compareKey(base, b[jEnd]!, base, b[j]!, SAMPLE) === 0) jEnd += 1;
    const common = Math.min(iEnd - i, jEnd - j);
    unchanged += common;
    // The later occurrences are the ones that changed.
    for (let k = i + common; k < iEnd; k += 1) added.push(h[k]!);
    for (let k = j + common; k < jEnd; k += 1) removed.push(b[k]!);
    i = iEnd;
    j = jEnd;
  }
  // Pair added and removed samples by prompt (removed in file order, so the first removed is paired first).
  removed.sort((x, y) => lineOf(base, x) - lineOf(base, y));
  const promptKey = (data: ReviewData, index: number) =>
    `${word(data, index, PROMPT)}:${word(data, index, PROMPT + 1)}`;
  const removedByPrompt = new Map<string, number[]>();
  for (const index of removed) {
    if (!hasPrompt(base, index)) continue;
    const key = promptKey(base, index);
    const list = removedByPrompt.get(key);
    if (list) list.push(index);
    else removedByPrompt.set(key, [index]);
  }
  const modified: number[] = [];
  const pairedRemoved = new Set<number>();
  const stillAdded: number[] = [];
  // In file order: of two new answers to one removed sample's prompt, the first in the file is its modification.
  added.sort((x, y) => lineOf(head, x) - lineOf(head, y));
  for (const index of added) {
    const list = hasPrompt(head, index) ? removedByPrompt.get(promptKey(head, index)) : undefined;
    const partner = list?.shift();
    if (partner === undefined) stillAdded.push(index);
    else {
      modified.push(index);
      pairedRemoved.add(partner);
    }
  }
  const stillRemoved = removed.filter((index) => !pairedRemoved.has(index));
  const smallest = (data: ReviewData, list: number[]) =>
    [...list]
      .sort((x, y) => compareKey(data, x, data, y, SAMPLE) || lineOf(data, x) - lineOf(data, y))
      .slice(0, MAX_EXAMPLES);
  return {
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
}

/**
 * For every pair of files (A, B): how many samples of A appear whole in B, and how many samples of A have their
 * prompt in B; with the first line of A concerned. One sort over all files' hashes, not a pass per pair.
 */
export function overlapBetween(files: ReviewData[]): Array<{
  overlap: Map<number, { samples: number; prompts: number }>;
  firstLine: number | null;
}> {
  const result = files.map(() => ({
    overlap: new Map<number, { samples: number; prompts: number }>(),
    firstLine: null as number | null,
  }));
  const count = (at: number, field: 'samples' | 'prompts') => {
    const all: Array<[number, number]> = [];
    files.forEach((data, file) => {
      for (let i = 0; i < data.samples; i += 1) if (at === SAMPLE || hasPrompt(data, i)) all.push([file, i]);
    });
    const key = ([file, i]: [number, number], k: number) => word(files[file]!, i, at + k);
    all.sort((x, y) => key(x, 0) - key(y, 0) || key(x, 1) - key(y, 1) || x[0] - y[0]);
    for (let start = 0; start < all.length;) {
      let end = start + 1;
      while (end < all.length && key(all[end]!, 0) === key(all[start]!, 0) && key(all[end]!, 1) === key(all[start]!, 1))
        end += 1;
      const inGroup = new Set<number>();
      for (let k = start; k < end; k += 1) inGroup.add(all[k]![0]);
      if (inGroup.size > 1) {
        for (let k = start; k < end; k += 1) {
          const [file, index] = all[k]!;
          const entry = result[file]!;
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
  };
  count(SAMPLE, 'samples');
  count(PROMPT, 'prompts');
  return result;
}
