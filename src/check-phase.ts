/** The check phase: every record that can be a Together file is checked against Together's rules, in path order. */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { messageOf } from './error-text.js';
import { checkDataset } from './check/index.js';
import type { ParallelOptions } from './check/jsonl-file.js';
import type { ReviewStore } from './check/review-collector.js';
import type { ReviewBase } from './settings.js';
import type { CheckLevel, Mode, Purpose } from './domain.js';
import type { Log } from './log.js';
import { failedCheck, type FileRecord } from './record.js';
import { formatDuration } from './report/format.js';

export interface CheckDeps {
  log: Log;
  now: () => number;
  /** The run's cancellation: the check in progress stops, and files not checked are cancelled. */
  signal?: AbortSignal;
  /** How large JSONL files are spread over cores (defaults suit the bundled action). */
  parallel?: ParallelOptions;
  /** Where the review's data is kept, with `review` on. */
  reviews?: ReviewStore;
}

/**
 * Files from this size on have their lines hashed when there is a base version to compare with: its check then
 * parses only the lines the head does not have byte for byte (a smaller base's check takes milliseconds anyway).
 */
const HASHED_LINES_MIN_BYTES = 1024 * 1024;

/**
 * Checks each record not already failed (checks off: nothing to do). A file that fails is `failed` with the
 * check's message as its error; one that cannot be read fails alone, with the reason.
 */
export async function checkFiles(
  records: FileRecord[],
  settings: {
    check: CheckLevel;
    purpose: Purpose;
    mode: Mode;
    maxLineBytes?: number;
    review?: boolean;
    reviewMaxSamples?: number;
    /** Set when the review compares with a base version: large files' lines are hashed for its check to reuse. */
    reviewBase?: ReviewBase;
  },
  deps: CheckDeps,
): Promise<void> {
  if (settings.check === 'off') return;
  const level = settings.check;
  await deps.log.group(
    `Check ${records.length} file${records.length === 1 ? '' : 's'} (${level} rules, purpose ${settings.purpose})`,
    async () => {
      for (const record of records) {
        if (record.failed || record.fileType === null) continue;
        if (deps.signal?.aborted) {
          record.cancelled('check');
          continue;
        }
        const started = deps.now();
        try {
          // An upload sends the content's SHA-256 before the bytes: the check, which reads them all, computes it.
          const { report, sha256, review } = await checkDataset(
            { path: record.path, absolutePath: record.absolutePath, bytes: record.bytes, fileType: record.fileType },
            settings.purpose,
            level,
            deps.parallel,
            {
              sha256: settings.mode === 'upload',
              maxLineBytes: settings.maxLineBytes,
              signal: deps.signal,
              review: (settings.review ?? false) && deps.reviews !== undefined,
              reviewMaxSamples: settings.reviewMaxSamples,
              reviewSpillRoot: deps.reviews?.spillRoot,
              reviewHashLines: settings.reviewBase !== undefined && record.bytes >= HASHED_LINES_MIN_BYTES,
            },
          );
          record.checked(report, sha256, review && deps.reviews?.add(review));
        } catch (error) {
          if (deps.signal?.aborted) {
            record.cancelled('check');
            deps.log.info(`${record.path}: the check was cancelled`);
            continue;
          }
          const message = `${record.path}: could not read the file (${messageOf(error)}).`;
          record.checked(failedCheck(message));
        }
        const took = formatDuration(deps.now() - started);
        const report = record.check;
        if (report?.passed) {
          deps.log.info(
            `✓ ${record.path}: ${report.samples.toLocaleString('en-US')} sample${report.samples === 1 ? '' : 's'}, ${report.format} (${took})`,
          );
        } else {
          deps.log.info(`✗ ${record.error} (${took})`);
        }
        // Small files check without a pause: let a cancellation in between them.
        await yieldToEventLoop();
      }
    },
  );
}
