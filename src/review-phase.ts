/**
 * The review phase, after the checks: each reviewed file's base version (git), then the arithmetic across files
 * (duplicates, conflicts, overlap, the change), examples quoted from their lines, and `fail-on`.
 */
import { release } from './check/release.js';
import { quoteLines } from './review/quote.js';
import { buildKnownLines, knownShare, type KnownLinesData } from './check/known-lines.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { checkDataset } from './check/index.js';
import type { CheckLevel, Purpose } from './domain.js';
import { messageOf } from './error-text.js';
import type { Log } from './log.js';
import type { FileRecord } from './record.js';
import {
  statsOf,
  withinFile,
  type ExamplePick,
  type FileReview,
  type FirstLines,
  type ReviewExample,
  type WithinFile,
} from './review/analysis.js';
import { changeByPartition, overlapByPartition, withinFileByPartition } from './review/partitions.js';
import {
  dropLineFacts,
  emptyReviewData,
  isHashed,
  type ReviewData,
  type ReviewStore,
} from './check/review-collector.js';
import { MAX_PARTITION_RECORDS, removeSpilled } from './check/record-spill.js';
import {
  FETCH_HINT,
  findBaseCommit,
  GitBase,
  MAX_DELETED_FILES,
  prefetchBaseBlob,
  type BaseFile,
  type DeletedFile,
  type PrefetchedBlob,
} from './review/git-base.js';
import { apiTree, MAX_API_FILES, readBaseThroughApi, type ApiBase, type ContentsApi } from './review/api-base.js';
import { datasetTypeOf, selectsMissingFile } from './files.js';
import type { ReviewBase, ReviewGate } from './settings.js';
import { deletedResult, FAIL_ON_MARK, type FileResult } from './result.js';

export interface ReviewSettings {
  review: boolean;
  failOn: ReviewGate[];
  reviewBase: ReviewBase | undefined;
  workspace: string;
  /** The `path` input and its hidden-file rule: to tell which files of the base version were datasets. */
  patterns: string[];
  includeHiddenFiles: boolean;
  purpose: Purpose;
  check: CheckLevel;
  maxLineBytes?: number;
  /** The most samples of a file whose hashes the review holds in memory (TOGETHER_REVIEW_MAX_SAMPLES). */
  reviewMaxSamples: number;
  /** `owner/name` (GITHUB_REPOSITORY): where the GitHub API finds the base version. */
  run: { repository: string };
}

export interface ReviewDeps {
  log: Log;
  signal?: AbortSignal;
  tempRoot?: string;
  /** What the check collected, by each record's slot. */
  reviews?: ReviewStore;
  /** The GitHub API, made on first use; undefined without a token. */
  contents?: () => Promise<ContentsApi | undefined>;
  /** A base version written while the checks ran (prefetchBase). */
  prefetched?: PrefetchedBlob;
}

/** Removes a prefetched base version once git is done with it (the review may have removed it already). */
export async function discardPrefetched(prefetched: PrefetchedBlob | undefined): Promise<void> {
  if (!prefetched) return;
  await prefetched.written;
  rmSync(prefetched.file, { force: true });
}

/** Files from this size on have their base version read while the checks run (a smaller one's read is quick). */
const PREFETCH_MIN_BYTES = 1024 * 1024;

/**
 * Starts writing the base version of the largest dataset to review into `tempRoot` while the checks run, when it
 * is in the clone: git inflating a 400 MB blob takes about as long as parsing what changed in it. The caller
 * removes the file once the review is done (the review removes it when it reads it).
 */
export function prefetchBase(
  records: FileRecord[],
  settings: ReviewSettings,
  tempRoot: string,
  signal?: AbortSignal,
): PrefetchedBlob | undefined {
  if (!settings.review || settings.check === 'off') return undefined;
  let largest: FileRecord | undefined;
  for (const record of records) {
    if (record.failed || !reviewedType(record.path) || record.bytes < PREFETCH_MIN_BYTES) continue;
    if (!largest || record.bytes > largest.bytes) largest = record;
  }
  if (!largest) return undefined;
  const found = findBaseCommit(settings.workspace, settings.reviewBase);
  if (!found.inClone) return undefined;
  const file = path.join(tempRoot, `together-base-${process.pid}-${randomUUID()}${path.extname(largest.path)}`);
  return prefetchBaseBlob(settings.workspace, found.commit, largest.absolutePath, file, signal);
}

/**
 * Shared, frozen empty parts of reviews: every review is kept until the report, and 20,000 small files each holding
 * their own empty objects grew V8's young generation (survivors) by tens of MiB.
 */
const NO_OVERLAP: FileReview['overlap'] = Object.freeze({});
const NO_EXAMPLES: FileReview['examples'] = Object.freeze({
  added: Object.freeze([]) as unknown as ReviewExample[],
  removed: Object.freeze([]) as unknown as ReviewExample[],
  modified: Object.freeze([]) as unknown as ReviewExample[],
});
const NO_FIRST_LINES: FirstLines = Object.freeze({ duplicate: null, conflict: null, overlap: null });

/**
 * A file's review before any comparison with a base: `within` undefined when the file is past the review's bound
 * (duplicates and conflicts not counted).
 */
function reviewWithoutBase(
  data: ReviewData,
  within: WithinFile | undefined,
  overlap: FileReview['overlap'],
  baseNote: string | null,
): FileReview {
  return {
    samples: data.samples,
    duplicates: within?.duplicates ?? null,
    conflicts: within?.conflicts ?? null,
    overlap,
    stats: statsOf(data),
    base: null,
    base_note: baseNote,
    added: null,
    removed: null,
    modified: null,
    unchanged: null,
    examples: NO_EXAMPLES,
  };
}

/** Why a file's review has statistics only (its hashes could be neither held nor partitioned to disk). */
function unhashedNote(data: ReviewData, settings: ReviewSettings): string {
  return `statistics only: ${data.samples.toLocaleString('en-US')} samples, more than the ${settings.reviewMaxSamples.toLocaleString('en-US')} whose hashes the review holds in memory (TOGETHER_REVIEW_MAX_SAMPLES), and they could not be partitioned to RUNNER_TEMP in parts that fit in memory (the disk is full, or one prompt or sample repeats more than ${MAX_PARTITION_RECORDS.toLocaleString('en-US')} times), so duplicates, conflicts, overlap and the change against the base are not counted`;
}

/** Files whose review gets a log line of its own (the rest are in the summary and the outputs). */
const MAX_LOGGED_REVIEWS = 200;

/**
 * Whether to check a base version on the main thread alone. With most of its lines known from the head, its check
 * is mostly reading and hashing, which one thread does as fast as two once a worker's start is counted (0.37 to
 * 0.43 s against 0.40 to 0.59 s for 422 MB on 2 cores), and with no worker's memory on top of the head's (its peak
 * RSS varied by up to 30 MiB). A base mostly new to the head is parsed in parallel.
 */
async function mostlyKnown(file: string, bytes: number, known: KnownLinesData): Promise<boolean> {
  return (await knownShare(file, bytes, known)) >= MOSTLY_KNOWN_SHARE;
}

/** The share of a base's lines known from the head from which it is checked on one thread (see mostlyKnown). */
const MOSTLY_KNOWN_SHARE = 0.8;

/** Where the base version comes from for this run. */
type BaseSource = { kind: 'git'; commit: string } | ({ kind: 'api' } & ApiBase) | { kind: 'none'; note: string };

/**
 * Reviews the records that passed their checks, and returns the datasets the head deleted (files of the base
 * version the patterns select, gone from the work tree), each as a result of its own with `removed` equal to its
 * samples.
 */
export async function reviewFiles(
  records: FileRecord[],
  settings: ReviewSettings,
  deps: ReviewDeps,
): Promise<FileResult[]> {
  if (!settings.review || settings.check === 'off') return [];
  const reviewed = records.filter((r) => r.reviewSlot !== undefined);
  const base = await baseSource(settings, deps, reviewed.length > 0);
  if (base.kind === 'api')
    base.tree = apiTree(
      base,
      settings.workspace,
      reviewed.map((r) => r.absolutePath),
    );
  // Deleted datasets are found in the base commit's tree: with git only.
  const git =
    base.kind === 'git'
      ? GitBase.open(
          settings.workspace,
          base.commit,
          reviewed.map((r) => r.absolutePath),
          reviewable(selectsMissingFile(settings)),
          deps.signal,
        )
      : undefined;
  try {
    return await reviewWith(reviewed, base, git, settings, deps);
  } finally {
    git?.close();
  }
}

async function reviewWith(
  reviewed: FileRecord[],
  base: BaseSource,
  git: GitBase | undefined,
  settings: ReviewSettings,
  deps: ReviewDeps,
): Promise<FileResult[]> {
  const deleted = git?.deleted ?? { files: [], more: 0 };
  if (reviewed.length === 0 && deleted.files.length === 0) return [];
  const results: FileResult[] = [];
  const title = [
    reviewed.length ? `${reviewed.length} dataset${reviewed.length === 1 ? '' : 's'}` : '',
    deleted.files.length ? `${deleted.files.length} deleted` : '',
  ];
  await deps.log.group(`Review ${title.filter(Boolean).join(' and ')}`, async () => {
    const heads = reviewed.map((r) => deps.reviews!.get(r.reviewSlot!));
    let logged = 0;
    const overlaps = overlapByPartition(heads);
    const temp = mkdtempSync(path.join(deps.tempRoot ?? process.env.RUNNER_TEMP ?? os.tmpdir(), 'together-review-'));
    try {
      for (const [index, record] of reviewed.entries()) {
        if (deps.signal?.aborted) return;
        const head = heads[index]!;
        const hashed = isHashed(head);
        const within = hashed ? withinFileByPartition(head) : undefined;
        let overlap: FileReview['overlap'] = NO_OVERLAP;
        const overlapping = overlaps.get(index);
        for (const [other, counts] of [...(overlapping?.overlap ?? [])].sort((a, b) => a[0] - b[0])) {
          if (overlap === NO_OVERLAP) overlap = {};
          overlap[reviewed[other]!.path] = counts;
        }
        const note = !hashed ? unhashedNote(head, settings) : base.kind === 'none' ? base.note : null;
        const review = reviewWithoutBase(head, within, overlap, note);
        if (hashed && base.kind !== 'none')
          await compareWithBase(record, head, review, base, git, settings, temp, index, deps);
        // Reviewed: what the check partitioned to disk for this file is not needed again, nor its line hashes.
        if (head.spilled) removeSpilled(head.spilled);
        dropLineFacts(head);
        const firstLines = {
          duplicate: within?.firstDuplicate ?? null,
          conflict: within?.firstConflict ?? null,
          overlap: overlapping?.firstLine ?? null,
        };
        record.reviewed(review, Object.values(firstLines).every((line) => line === null) ? NO_FIRST_LINES : firstLines);
        if (logged < MAX_LOGGED_REVIEWS) {
          logged += 1;
          deps.log.info(`${record.path}: ${describeReview(review)}`);
        }
        const gated = gateMessage(review, settings.failOn);
        if (gated) record.failedReview(gated);
      }
      if (logged < reviewed.length)
        deps.log.info(
          `… and ${reviewed.length - logged} more reviewed files: every review is in the job summary's table and the files output.`,
        );
      for (const [index, file] of deleted.files.entries()) {
        if (deps.signal?.aborted) return;
        const result = await reviewDeleted(file, git!, settings, temp, index, deps.signal);
        deps.log.info(`${file.path}: deleted; ${describeReview(result.review!)}`);
        results.push(result);
      }
      if (deleted.more > 0)
        deps.log.info(`${deleted.more} more deleted datasets are not reviewed (at most ${MAX_DELETED_FILES}).`);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });
  return results;
}

/** The types the review reads (Parquet is token IDs, not samples to compare). */
type ReviewedType = 'jsonl' | 'csv';

function reviewedType(file: string): ReviewedType | undefined {
  const type = datasetTypeOf(file);
  return type === 'jsonl' || type === 'csv' ? type : undefined;
}

/** Deleted datasets of other types are left out. */
function reviewable(selects: (relative: string) => boolean): (relative: string) => boolean {
  return (relative) => reviewedType(relative) !== undefined && selects(relative);
}

/** The base commit and how to read it: git when the clone has it, else the GitHub API when there is one. */
async function baseSource(settings: ReviewSettings, deps: ReviewDeps, needed: boolean): Promise<BaseSource> {
  const found = findBaseCommit(settings.workspace, settings.reviewBase);
  if (found.note !== undefined) return { kind: 'none', note: found.note };
  if (found.inClone) return { kind: 'git', commit: found.commit };
  const missing = `no base version: the clone does not have the base commit ${found.commit.slice(0, 12)}`;
  const [owner, repo, ...rest] = settings.run.repository.split('/');
  if (!needed || !owner || !repo || rest.length > 0) return { kind: 'none', note: `${missing}; ${FETCH_HINT}` };
  let api: ContentsApi | undefined;
  try {
    api = await deps.contents?.();
  } catch (error) {
    deps.log.info(`The GitHub API is not available for the review's base version: ${messageOf(error)}`);
  }
  if (!api)
    return { kind: 'none', note: `${missing}, and there is no github-token to read it through the API; ${FETCH_HINT}` };
  return { kind: 'api', commit: found.commit, api, owner, repo, budget: { files: MAX_API_FILES } };
}

async function compareWithBase(
  record: FileRecord,
  head: ReviewData,
  review: FileReview,
  base: Exclude<BaseSource, { kind: 'none' }>,
  git: GitBase | undefined,
  settings: ReviewSettings,
  temp: string,
  index: number,
  { signal, prefetched }: Pick<ReviewDeps, 'signal' | 'prefetched'>,
): Promise<void> {
  const tempFile = path.join(temp, `base-${index}${path.extname(record.path)}`);
  const found: BaseFile =
    base.kind === 'api'
      ? await readBaseThroughApi(base, settings.workspace, record.absolutePath, tempFile)
      : git
        ? await git.read(record.absolutePath, tempFile, prefetched)
        : {
            kind: 'none',
            note: `no base version: git could not list the trees of ${base.commit.slice(0, 12)} and HEAD`,
          };
  const { commit } = base;
  if (found.kind === 'none') {
    review.base_note = found.note;
    return;
  }
  if (found.kind === 'new') {
    review.base_note = `new file: not in the base commit ${commit.slice(0, 12)}`;
    return;
  }
  review.base_note = null;
  if (found.kind === 'unchanged') {
    review.base = { source: base.kind, commit, samples: head.samples, stats: review.stats };
    Object.assign(review, { added: 0, removed: 0, modified: 0, unchanged: head.samples });
    return;
  }
  await compareWithFile(found.file, `${record.path} (base)`, { data: head, file: record.absolutePath }, review, {
    commit,
    source: base.kind,
    fileType: record.fileType === 'csv' ? 'csv' : 'jsonl',
    settings,
    spillRoot: temp,
    signal,
  });
}

/**
 * Checks the base version written to `baseFile` (then removes it, and what its check partitioned to disk under
 * `spillRoot`), and fills in the change from it to the head: counts, the base's statistics and the quoted
 * examples. A base that cannot be compared leaves a note.
 */
async function compareWithFile(
  baseFile: string,
  label: string,
  head: { data: ReviewData; file: string | undefined },
  review: FileReview,
  {
    commit,
    source,
    fileType,
    settings,
    spillRoot,
    signal,
  }: {
    commit: string;
    source: 'git' | 'api';
    fileType: ReviewedType;
    settings: ReviewSettings;
    spillRoot: string;
    signal: AbortSignal | undefined;
  },
): Promise<void> {
  let baseData: ReviewData | undefined;
  try {
    const { size } = await stat(baseFile);
    // The head's lines, byte for byte, need no parse in the base: their records and statistics are the head's.
    const known = head.data.lineFacts && buildKnownLines(head.data.records, head.data.lineFacts);
    // The base is only compared, never judged: parsing and hashing it is enough (the structural level skips the
    // format rules, and reads each sample's format from its keys, as the head's review does).
    const checked = await checkDataset(
      { path: label, absolutePath: baseFile, bytes: size, fileType },
      settings.purpose,
      'structural',
      known && (await mostlyKnown(baseFile, size, known)) ? { threads: 1 } : {},
      {
        review: true,
        reviewMaxSamples: settings.reviewMaxSamples,
        reviewSpillRoot: spillRoot,
        ...(known ? { reviewKnownLines: known } : {}),
        maxLineBytes: settings.maxLineBytes,
        signal,
      },
    );
    if (!checked.review) {
      review.base_note = `the base version is not compared: it fails the check (${checked.report.message ?? 'no samples'})`;
      return;
    }
    baseData = checked.review;
    if (!isHashed(baseData)) {
      review.base = { source, commit, samples: baseData.samples, stats: statsOf(baseData) };
      review.base_note = `the base version is not compared, ${unhashedNote(baseData, settings)}`;
      return;
    }
    const change = changeByPartition(baseData, head.data);
    review.base = { source, commit, samples: baseData.samples, stats: statsOf(baseData) };
    Object.assign(review, {
      added: change.added,
      removed: change.removed,
      modified: change.modified,
      unchanged: change.unchanged,
    });
    const lines = (picks: ExamplePick[]) => picks.map((pick) => pick.line);
    const headLines = head.file
      ? await quoteLines(
          head.file,
          [...lines(change.examples.added), ...lines(change.examples.modified)],
          head.data.lineIndex,
        )
      : new Map<number, string>();
    const baseLines = await quoteLines(baseFile, lines(change.examples.removed), baseData.lineIndex);
    const example =
      (quoted: Map<number, string>) =>
      ({ line }: ExamplePick): ReviewExample => ({ line, excerpt: quoted.get(line) ?? '' });
    review.examples = {
      added: change.examples.added.map(example(headLines)),
      removed: change.examples.removed.map(example(baseLines)),
      modified: change.examples.modified.map(example(headLines)),
    };
  } catch (error) {
    review.base_note = `the base version could not be read: ${messageOf(error)}`;
  } finally {
    rmSync(baseFile, { force: true });
    if (baseData?.spilled) removeSpilled(baseData.spilled);
    // Nothing else holds the base's records (up to 12 MB in memory).
    release(baseData?.records);
  }
}

/** A dataset the head deleted: its base version's samples, all removed (read into `temp`, a folder). */
async function reviewDeleted(
  file: DeletedFile,
  git: GitBase,
  settings: ReviewSettings,
  temp: string,
  index: number,
  signal: AbortSignal | undefined,
): Promise<FileResult> {
  const { commit } = git;
  const none = emptyReviewData();
  const fileType = reviewedType(file.path) ?? 'jsonl';
  const review = reviewWithoutBase(none, withinFile(none), NO_OVERLAP, null);
  const baseFile = path.join(temp, `deleted-${index}${path.extname(file.path)}`);
  const found = await git.readDeleted(file, baseFile);
  if (found.kind === 'read')
    await compareWithFile(found.file, `${file.path} (base)`, { data: none, file: undefined }, review, {
      commit,
      source: 'git',
      fileType,
      settings,
      spillRoot: temp,
      signal,
    });
  else review.base_note = found.kind === 'none' ? found.note : 'no base version';
  return deletedResult(file.path, fileType, settings.purpose, review);
}

function describeReview(review: FileReview): string {
  const change =
    review.base === null
      ? (review.base_note ?? 'no base version')
      : `${review.base.samples} -> ${review.samples} samples: ${review.added} added, ${review.removed} removed, ${review.modified} modified, ${review.unchanged} unchanged`;
  const overlapping = Object.keys(review.overlap).length;
  const within =
    review.duplicates === null || review.conflicts === null
      ? 'duplicates and conflicts not counted'
      : `${review.duplicates} duplicate${review.duplicates === 1 ? '' : 's'}, ${review.conflicts} conflicting prompt${review.conflicts === 1 ? '' : 's'}`;
  return `${change}; ${within}${overlapping ? `, overlaps ${overlapping} other file${overlapping === 1 ? '' : 's'}` : ''}`;
}

/** Why `fail-on` fails this file, or undefined. */
export function gateMessage(review: FileReview, failOn: readonly ReviewGate[]): string | undefined {
  const found: string[] = [];
  // A gate that could not be checked (the file is past the review's bound) fails closed, saying why.
  if (failOn.length > 0 && (review.duplicates === null || review.conflicts === null))
    found.push(
      `that it could not count what fail-on names: the file has ${review.samples.toLocaleString('en-US')} samples, more than the review hashes (TOGETHER_REVIEW_MAX_SAMPLES)`,
    );
  if (failOn.includes('duplicates') && review.duplicates !== null && review.duplicates > 0)
    found.push(`${review.duplicates} duplicate sample${review.duplicates === 1 ? '' : 's'}`);
  if (failOn.includes('conflicts') && review.conflicts !== null && review.conflicts > 0)
    found.push(`${review.conflicts} prompt${review.conflicts === 1 ? '' : 's'} with conflicting answers`);
  const shared = Object.values(review.overlap).reduce((sum, o) => sum + o.samples + o.prompts, 0);
  if (failOn.includes('overlap') && shared > 0)
    found.push(
      `samples or prompts shared with ${Object.keys(review.overlap).length} other file${Object.keys(review.overlap).length === 1 ? '' : 's'}`,
    );
  return found.length ? `the review found ${found.join(', ')} ${FAIL_ON_MARK}${failOn.join(', ')})` : undefined;
}
