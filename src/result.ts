/** The per-file result: the view of a file's record that outputs, the summary and the step's verdict are built from. */
import type { CheckReport } from './check/types.js';
import type { FileType, Purpose } from './domain.js';
import type { ValidationReport } from './together/types.js';
import type { FileReview } from './review/analysis.js';

/**
 * `processed`: Together finished and accepted it. `uploaded`: sent, not waited for. `checked`: passed its checks
 * in check mode. `rejected`: Together refused it (INVALID_FORMAT or FAILED). `failed`: it failed its checks or
 * could not be sent. `timeout`: still processing at the deadline. `skipped`: not sent because another file
 * failed its checks. `cancelled`: the run was cancelled before the file was done. `deleted`: a dataset the base
 * version had (the patterns select it there) and the head does not: listed for its review alone, never sent.
 */
export type FileStatus =
  'processed' | 'uploaded' | 'checked' | 'rejected' | 'failed' | 'timeout' | 'skipped' | 'cancelled' | 'deleted';

/** The per-file result, as the `files` output holds it. */
export interface FileResult {
  /** Relative to the workspace. */
  path: string;
  /** The name sent to Together: the basename (with `dedupe`, carrying a content hash). */
  filename: string;
  bytes: number;
  /** Hex SHA-256 of the bytes uploaded; null when the file was not read. */
  sha256: string | null;
  /** null when the type could not be determined. */
  file_type: FileType | null;
  purpose: Purpose;
  id: string | null;
  status: FileStatus;
  /** Together's `processing_status` as last seen (null on the older API or before any answer). */
  processing_status: string | null;
  error: string | null;
  /** From the start of the file's upload until it settled. */
  duration_ms: number | null;
  /** The dataset check's verdict; null when checks are off. */
  check: CheckReport | null;
  /** A file of the same content was already on Together and is used instead (dedupe, or Together's 409). */
  reused: boolean;
  /** Together's `validation_report` as it sent it (fine-tune files, once processed); null when it sent none. */
  validation_report: ValidationReport | null;
  /** With `estimate-model`: Together's estimate of training on this file, or why there is none; else null. */
  estimate: Estimate | null;
  /** The dataset review (JSONL and CSV files that passed their check, with `review` on); null otherwise. */
  review: FileReview | null;
}

/** Together's price estimate for a fine-tune job trained on the file (`POST /fine-tunes/estimate-price`). */
export type Estimate =
  | {
      train_tokens: number | null;
      eval_tokens: number | null;
      /** In US dollars. */
      total_price: number | null;
      /** Whether the account's limit allows the job. */
      allowed_to_proceed: boolean | null;
    }
  | { unavailable: string };

/** Statuses that fail the step. */
export const FAILED_STATUSES: ReadonlySet<FileStatus> = new Set([
  'rejected',
  'failed',
  'timeout',
  'skipped',
  'cancelled',
]);

/** The files the step handled (checked or uploaded): all but the deleted datasets its review lists. */
export function handledFiles(results: readonly FileResult[]): FileResult[] {
  return results.filter((r) => r.status !== 'deleted');
}

export function isFailure(result: Pick<FileResult, 'status'>): boolean {
  return FAILED_STATUSES.has(result.status);
}

/** The marker the review phase puts in the error of a file `fail-on` failed. */
export const FAIL_ON_MARK = '(fail-on: ';

/** Whether `fail-on` failed the file (its check passed; the review's findings were refused). */
export function failedByReview(result: Pick<FileResult, 'review' | 'error'>): boolean {
  return result.review !== null && (result.error?.includes(FAIL_ON_MARK) ?? false);
}

/** The result listing a dataset the head deleted: nothing handled, only its review. */
export function deletedResult(path: string, fileType: FileType, purpose: Purpose, review: FileReview): FileResult {
  return {
    path,
    filename: path.slice(path.lastIndexOf('/') + 1),
    bytes: 0,
    sha256: null,
    file_type: fileType,
    purpose,
    id: null,
    status: 'deleted',
    processing_status: null,
    error: null,
    duration_ms: null,
    check: null,
    reused: false,
    validation_report: null,
    estimate: null,
    review,
  };
}
