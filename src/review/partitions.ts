/**
 * The review's arithmetic on files of any size: a file whose records are in memory is counted at once; when a
 * file's records were partitioned to disk (RecordSpill), every count is taken one partition at a time, with the
 * in-memory files cut the same way, and summed. Equal samples and equal prompts share a partition, so the sums are
 * the counts one pass over everything would give.
 */
import { PARTITIONS, readPartition, recordsInPartition } from '../check/record-spill.js';
import { RECORD_WORDS, type ReviewData } from '../check/review-collector.js';
import { release } from '../check/release.js';
import {
  changeBetween,
  MAX_OVERLAP_FILES,
  overlapBetween,
  smallestPicks,
  withinFile,
  type Change,
  type FileOverlap,
  type WithinFile,
} from './analysis.js';

/**
 * Partition `p` of a file's records, as in-memory data (only its records: the statistics are the file's). Its
 * records are a new array, which the caller releases when done.
 */
function partition(data: ReviewData, p: number): ReviewData {
  const records = data.spilled ? readPartition(data.spilled, p) : recordsInPartition(data.records, p);
  return { format: data.format, samples: records.length / RECORD_WORDS, records, stats: data.stats };
}

const isSpilled = (data: ReviewData) => data.spilled !== undefined;

/** Duplicates and conflicts within a file. */
export function withinFileByPartition(data: ReviewData): WithinFile {
  if (!isSpilled(data)) return withinFile(data);
  const total: WithinFile = { duplicates: 0, conflicts: 0, firstDuplicate: null, firstConflict: null };
  for (let p = 0; p < PARTITIONS; p += 1) {
    const records = partition(data, p);
    const part = withinFile(records);
    release(records.records);
    total.duplicates += part.duplicates;
    total.conflicts += part.conflicts;
    if (part.firstDuplicate && (!total.firstDuplicate || part.firstDuplicate.line < total.firstDuplicate.line))
      total.firstDuplicate = part.firstDuplicate;
    if (part.firstConflict !== null && (total.firstConflict === null || part.firstConflict < total.firstConflict))
      total.firstConflict = part.firstConflict;
  }
  return total;
}

/** The multiset change from `base` to `head`. */
export function changeByPartition(base: ReviewData, head: ReviewData): Change {
  if (!isSpilled(base) && !isSpilled(head)) return changeBetween(base, head);
  const total: Change = {
    added: 0,
    removed: 0,
    modified: 0,
    unchanged: 0,
    examples: { added: [], removed: [], modified: [] },
  };
  for (let p = 0; p < PARTITIONS; p += 1) {
    const [baseRecords, headRecords] = [partition(base, p), partition(head, p)];
    const part = changeBetween(baseRecords, headRecords);
    release(baseRecords.records, headRecords.records);
    total.added += part.added;
    total.removed += part.removed;
    total.modified += part.modified;
    total.unchanged += part.unchanged;
    for (const kind of ['added', 'removed', 'modified'] as const)
      total.examples[kind] = smallestPicks([...total.examples[kind], ...part.examples[kind]]);
  }
  return total;
}

/** Overlap between the files of the step (see overlapBetween). */
export function overlapByPartition(files: ReviewData[]): Map<number, FileOverlap> {
  if (!files.some(isSpilled)) return overlapBetween(files);
  const total = new Map<number, FileOverlap>();
  for (let p = 0; p < PARTITIONS; p += 1) {
    const parts = files.map((data) => partition(data, p));
    const overlap = overlapBetween(parts);
    release(...parts.map((part) => part.records));
    for (const [file, part] of overlap) {
      let entry = total.get(file);
      if (!entry) total.set(file, (entry = { overlap: new Map(), firstLine: null }));
      for (const [other, counts] of part.overlap) {
        const sum = entry.overlap.get(other);
        if (sum) {
          sum.samples += counts.samples;
          sum.prompts += counts.prompts;
        } else if (entry.overlap.size < MAX_OVERLAP_FILES) entry.overlap.set(other, { ...counts });
      }
      if (part.firstLine !== null && (entry.firstLine === null || part.firstLine < entry.firstLine))
        entry.firstLine = part.firstLine;
    }
  }
  return total;
}
