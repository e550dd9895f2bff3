/**
 * One record per matched file: what was matched, and where the file is on its way through the run. It changes
 * only through named transitions (checked, skipped, reused, reserved, uploaded, processed, rejected, timed out,
 * failed, cancelled), each allowed only from the stages that can lead to it; outputs, the summary and the step's
 * verdict are all computed from its `toResult()` view.
 */
import type { CheckReport } from './check/types.js';
import type { CheckLevel, FileType, Purpose } from './domain.js';
import { datasetTypeOf, unusablePathReason, type MatchedFile } from './files.js';
import type { Estimate, FileResult, FileStatus } from './result.js';
import type { ValidationReport } from './together/types.js';
import type { FileReview, FirstLines } from './review/analysis.js';

/** Where a file is: the final statuses, and the stages on the way to them. */
type Stage = FileStatus | 'matched' | 'reserved';

const BEFORE_UPLOAD: readonly Stage[] = ['matched', 'checked'];
const NOT_FINAL: readonly Stage[] = ['matched', 'checked', 'reserved', 'uploaded'];

export class FileRecord {
  readonly path: string;
  readonly absolutePath: string;
  readonly bytes: number;
  /** When it was last modified, as found. */
  readonly modifiedMs: number | undefined;
  readonly fileType: FileType | null;
  readonly purpose: Purpose;
  private stage: Stage = 'matched';
  private name: string;
  private fileId: string | null = null;
  private hash: string | null = null;
  private processingStatus: string | null = null;
  private problem: string | null = null;
  private report: CheckReport | null = null;
  private startedAt: number | undefined;
  private durationMs: number | null = null;
  private wasReused = false;
  private validation: ValidationReport | null = null;
  private priceEstimate: Estimate | null = null;
  private slot: number | undefined;
  private reviewResult: FileReview | null = null;
  private reviewLines: FirstLines | undefined;

  /**
   * The record of a matched file: its type decided (from the extension unless `file-type` forces one), or the
   * file failed at once when it cannot be a Together file at all, checks on or off.
   */
  constructor(
    file: MatchedFile,
    settings: { purpose: Purpose; fileType: FileType | 'auto'; check?: CheckLevel },
    private readonly now: () => number,
  ) {
    this.path = file.path;
    this.absolutePath = file.absolutePath;
    this.bytes = file.bytes;
    this.modifiedMs = file.modifiedMs;
    this.purpose = settings.purpose;
    this.name = file.path.slice(file.path.lastIndexOf('/') + 1);
    this.fileType = settings.fileType === 'auto' ? (datasetTypeOf(file.path) ?? null) : settings.fileType;
    const unusable = unusablePathReason(file, this.fileType);
    if (!unusable) return;
    const message = `${file.path}: ${unusable}`;
    // With checks on, a file refused before its content is read has failed its check, as Together's checker
    // reports an empty file or a wrong extension: the verdict, the annotation and the outputs say so.
    if ((settings.check ?? 'full') !== 'off') this.checked(failedCheck(message, this.fileType));
    else this.fail('matched', message);
  }

  /** The name sent to Together. */
  get filename(): string {
    return this.name;
  }

  get id(): string | null {
    return this.fileId;
  }

  get sha256(): string | null {
    return this.hash;
  }

  /** Together's `processing_status` as last seen. */
  get lastProcessingStatus(): string | null {
    return this.processingStatus;
  }

  get error(): string | null {
    return this.problem;
  }

  get check(): CheckReport | null {
    return this.report;
  }

  get reused(): boolean {
    return this.wasReused;
  }

  /** Failed, before or after being sent: nothing more is done with it. */
  get failed(): boolean {
    return this.stage === 'failed';
  }

  /** Nothing more will happen to it. */
  get settled(): boolean {
    return !NOT_FINAL.includes(this.stage);
  }

  /** Sent and waiting for Together's verdict. */
  get awaitingProcessing(): boolean {
    return this.stage === 'uploaded';
  }

  /** Passed its checks (or checks are off) and has not been sent yet. */
  get readyToUpload(): boolean {
    return BEFORE_UPLOAD.includes(this.stage);
  }

  /**
   * The dataset check's verdict: a file that fails it is failed, with the check's message as its error. `sha256`
   * is the content's hash when the check computed it on its reads (upload mode), the checksum sent with the upload.
   */
  checked(report: CheckReport, sha256?: string, reviewSlot?: number): void {
    this.report = report;
    if (sha256) this.hash = sha256;
    if (reviewSlot !== undefined && report.passed) this.slot = reviewSlot;
    if (report.passed) this.move('checked', ['matched']);
    else this.fail('matched', report.message ?? `${this.path}: the dataset check failed.`);
  }

  /** Not sent, because of other files. */
  skipped(reason: string): void {
    this.move('skipped', BEFORE_UPLOAD);
    this.problem = reason;
  }

  /** Its content's SHA-256, read before it is sent (the checksum Together is told), when the check did not give it. */
  hashed(sha256: string): void {
    this.assertIn(BEFORE_UPLOAD, 'hashed');
    this.hash = sha256;
  }

  /** Named by its content, before it is sent (dedupe). */
  named(filename: string): void {
    this.assertIn(BEFORE_UPLOAD, 'named');
    this.name = filename;
  }

  /** A processed file of the same content is already on the account: it is used instead of an upload. */
  reusedExisting(file: { id: string; processing_status?: string }, report: ValidationReport | null): void {
    this.move('processed', BEFORE_UPLOAD);
    this.fileId = file.id;
    this.processingStatus = file.processing_status ?? null;
    this.wasReused = true;
    this.validation = report;
    this.durationMs = 0;
  }

  /** Its upload starts now (the file's time counts from here). */
  uploadStarted(): void {
    this.assertIn(BEFORE_UPLOAD, 'upload started');
    this.startedAt = this.now();
  }

  /** Together reserved an ID for it (again, when a presigned URL expired and a fresh one was needed). */
  reserved(fileId: string): void {
    this.move('reserved', [...BEFORE_UPLOAD, 'reserved']);
    this.fileId = fileId;
  }

  /** Its bytes are stored under its ID. */
  uploaded(upload: { sha256: string; processingStatus: string | null }): void {
    this.move('uploaded', ['reserved']);
    this.hash = upload.sha256;
    this.processingStatus = upload.processingStatus;
    this.stopClock();
  }

  /**
   * Together already holds this content (it answered the reservation with 409 and the file's ID): that file is used,
   * nothing is uploaded, and its processing is waited for like any other's.
   */
  foundOnTogether(file: { id: string; processing_status?: string }): void {
    this.move('uploaded', BEFORE_UPLOAD);
    this.fileId = file.id;
    this.processingStatus = file.processing_status ?? null;
    this.wasReused = true;
    this.stopClock();
  }

  /** It could not be sent; its reservation, if any, was deleted. */
  uploadFailed(message: string): void {
    this.fileId = null;
    this.fail(['matched', 'checked', 'reserved'], `${this.path}: upload failed: ${message}`);
    this.stopClock();
  }

  /** It could not be read at all (permissions, a file gone since it was found). */
  unreadable(message: string): void {
    this.fail(BEFORE_UPLOAD, `${this.path}: could not read the file (${message}).`);
  }

  /** Together finished and accepted it, with its validation report when it sent one. */
  processed(processingStatus: string | null, report: ValidationReport | null): void {
    this.settle('processed', processingStatus, null);
    this.validation = report;
  }

  /** Together refused it (INVALID_FORMAT or FAILED). */
  rejected(processingStatus: string, reason: string, report: ValidationReport | null): void {
    this.settle('rejected', processingStatus, `${this.path}: ${reason}`);
    this.validation = report;
  }

  /** Still processing when the wait's deadline passed; the ID is kept. */
  timedOut(processingStatus: string | null, reason: string): void {
    this.settle('timeout', processingStatus, `${this.path}: ${reason}`);
  }

  /** Waiting failed for good (the file is gone, or the key may no longer read it); the ID is kept. */
  waitFailed(reason: string): void {
    this.settle('failed', this.processingStatus, `${this.path}: ${reason}`);
  }

  /**
   * The run was cancelled before the file was done (`during: 'check'`: before or while it was checked). An uploaded
   * file keeps its ID; a reservation was deleted.
   */
  cancelled(during: 'check' | 'upload' = 'upload'): void {
    if (during === 'check') {
      this.move('cancelled', ['matched']);
      this.problem = `${this.path}: the run was cancelled before the file's check finished.`;
      return;
    }
    const stage = this.stage;
    if (stage !== 'uploaded') this.fileId = null;
    this.move('cancelled', NOT_FINAL);
    this.problem =
      stage === 'uploaded'
        ? `${this.path}: the run was cancelled while Together processed the file; it is uploaded and its ID kept.`
        : stage === 'reserved' || this.startedAt !== undefined
          ? `${this.path}: the run was cancelled during the upload; nothing of it was left on the account.`
          : `${this.path}: the run was cancelled before the file was uploaded.`;
    this.stopClock();
  }

  /** Together's estimate of a fine-tune job trained on it (or why there is none); only once it is processed. */
  estimated(estimate: Estimate): void {
    this.assertIn(['processed'], 'estimated');
    this.priceEstimate = estimate;
  }

  /** Processed: usable for a fine-tune job. */
  get processedOnTogether(): boolean {
    return this.stage === 'processed';
  }

  /** The run stopped on an unexpected error before this file was done. */
  interrupted(message: string): void {
    if (this.settled) return;
    this.fail(NOT_FINAL, `${this.path}: not finished, the run stopped: ${message}`);
  }

  /**
   * Where the ReviewStore keeps the hashes and statistics the check collected for the review (passing JSONL and
   * CSV files, review on): a number, not an object, so 20,000 records hold nothing more each.
   */
  get reviewSlot(): number | undefined {
    return this.slot;
  }

  /** The review, with the first lines its warnings point at; the hashes are let go. */
  reviewed(review: FileReview, firstLines: FirstLines): void {
    this.reviewResult = review;
    this.reviewLines = firstLines;
  }

  get review(): FileReview | null {
    return this.reviewResult;
  }

  get reviewFirstLines(): FirstLines | undefined {
    return this.reviewLines;
  }

  /** `fail-on` turned a review finding into a failure, before anything was sent. */
  failedReview(message: string): void {
    this.fail(['checked'], `${this.path}: ${message}`);
  }

  /** The view that outputs, the summary and the verdict are built from. */
  toResult(): FileResult {
    return {
      path: this.path,
      filename: this.name,
      bytes: this.bytes,
      sha256: this.hash,
      file_type: this.fileType,
      purpose: this.purpose,
      id: this.fileId,
      status: publicStatus(this.stage),
      processing_status: this.processingStatus,
      error: this.problem,
      duration_ms: this.durationMs,
      check: this.report,
      reused: this.wasReused,
      validation_report: this.validation,
      estimate: this.priceEstimate,
      review: this.reviewResult,
    };
  }

  private settle(to: 'processed' | 'rejected' | 'timeout' | 'failed', status: string | null, error: string | null) {
    this.move(to, ['uploaded']);
    this.processingStatus = status ?? this.processingStatus;
    this.problem = error;
    this.stopClock();
  }

  private fail(from: Stage | readonly Stage[], message: string): void {
    this.move('failed', typeof from === 'string' ? [from] : from);
    this.problem = message;
  }

  private move(to: Stage, from: readonly Stage[]): void {
    this.assertIn(from, to);
    this.stage = to;
  }

  private assertIn(allowed: readonly Stage[], transition: string): void {
    if (!allowed.includes(this.stage)) {
      throw new Error(`${this.path}: '${transition}' cannot follow '${this.stage}' (a bug in the action)`);
    }
  }

  private stopClock(): void {
    if (this.startedAt !== undefined) this.durationMs = this.now() - this.startedAt;
  }
}

/** The check report of a file refused before its content was read. */
export function failedCheck(message: string, format: string | null = null): CheckReport {
  return { passed: false, format, samples: 0, line: null, message, warnings: [], omitted_warnings: 0 };
}

/** A stage on the way (only seen if the run stops early) as the nearest public status. */
function publicStatus(stage: Stage): FileStatus {
  if (stage === 'matched') return 'skipped';
  if (stage === 'reserved') return 'failed';
  return stage;
}
