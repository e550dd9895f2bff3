/**
 * The upload phase, after the checks: nothing is sent if any file failed; otherwise each file is uploaded (at
 * most `concurrency` at once, one file's failure never stopping the others) and, with `wait`, Together's verdict
 * is waited for. With `dedupe`, files whose content Together already processed are reused instead.
 */
import { messageOf } from './error-text.js';
import { mapLimit } from './concurrency.js';
import type { CheckLevel, Purpose } from './domain.js';
import { contentAddressedName, findReusable } from './dedupe.js';
import type { Log } from './log.js';
import { readProcessingState, validationReportOf } from './processing.js';
import type { FileRecord } from './record.js';
import type { Estimate } from './result.js';
import { describeEstimate } from './report/format.js';
import { formatBytes, formatDuration } from './report/format.js';
import type { TogetherClient } from './together/client.js';
import type { MultipartSettings } from './together/multipart-plan.js';
import { hashFile } from './together/storage.js';
import type { EstimatePriceAnswer, FileObject } from './together/types.js';
import { uploadFile } from './together/upload.js';
import { ProcessingWaiter, type WaitOutcome } from './wait.js';

export interface UploadSettings {
  check: CheckLevel;
  wait: boolean;
  waitTimeoutSeconds: number;
  /** Files in flight at once. */
  concurrency: number;
  dedupe: boolean;
  multipart: MultipartSettings;
  purpose: Purpose;
  /** With a model, Together's price estimate for each processed fine-tune file. */
  estimateModel: string;
  estimateEpochs: number;
}

export interface UploadDeps {
  client: TogetherClient;
  log: Log;
  now: () => number;
  /** Resolves after `ms`, or early when `wake` or the run's `signal` aborts. */
  sleep: (ms: number, wake: AbortSignal) => Promise<void>;
  /** The run's cancellation (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Called once, when every file has passed its checks and the first request to Together is about to go. */
  beforeRequests?: () => void;
}

/**
 * Uploads the records and, with `wait`, settles each with Together's verdict; then, with `estimate-model`, asks
 * Together what training on each processed fine-tune file would cost.
 */
export async function uploadFiles(records: FileRecord[], settings: UploadSettings, deps: UploadDeps): Promise<void> {
  await uploadAndWait(records, settings, deps);
  if (settings.estimateModel && settings.purpose === 'fine-tune' && !deps.signal?.aborted) {
    await estimatePrices(records, settings, deps);
  }
}

async function uploadAndWait(records: FileRecord[], settings: UploadSettings, deps: UploadDeps): Promise<void> {
  const failed = records.filter((r) => r.failed).length;
  if (failed > 0) {
    const what = settings.check === 'off' ? 'before uploads started' : failed === 1 ? 'its checks' : 'their checks';
    const reason = `Not uploaded: ${failed} file${failed === 1 ? '' : 's'} failed ${what}, so nothing was uploaded.`;
    for (const record of records) if (!record.failed) record.skipped(reason);
    return;
  }

  deps.beforeRequests?.();
  if (settings.dedupe) await reuseProcessed(records, deps);

  // With `wait`, each file is waited for as soon as its upload ends, while the others still upload.
  const byId = new Map<string, FileRecord>();
  const waiter = settings.wait
    ? new ProcessingWaiter(settings.waitTimeoutSeconds * 1000, {
        // One attempt per poll: the wait's own schedule is the only retry, and its deadline bounds the request.
        retrieve: (id, deadline) => deps.client.retrieve(id, { signal: deps.signal, deadline, maxRetries: 0 }),
        now: deps.now,
        sleep: deps.sleep,
        log: (m) => deps.log.info(m),
        onSettled: (id, outcome) => settle(byId.get(id)!, outcome),
        signal: deps.signal,
        concurrency: Math.max(settings.concurrency, 4),
      })
    : undefined;
  const waiting = waiter?.run();
  try {
    await mapLimit(records, settings.concurrency, async (record) => {
      if (!record.readyToUpload) return;
      if (deps.signal?.aborted) return record.cancelled();
      const answer = await uploadOne(record, settings, deps);
      if (!waiter || !record.awaitingProcessing) return;
      // A file that Together already reported as final needs no polling.
      const state = answer ? readProcessingState(answer) : undefined;
      if (state && state.kind !== 'pending') return settle(record, state);
      byId.set(record.id!, record);
      waiter.add({ id: record.id!, label: record.path, status: record.lastProcessingStatus });
    });
  } finally {
    waiter?.close();
    await waiting;
  }
}

/**
 * Uploads one file and records how it went. Its steps are gathered and printed as one group when it is done:
 * groups of files in flight at the same time cannot be open at once. Progress and retries print as they happen.
 */
async function uploadOne(
  record: FileRecord,
  settings: UploadSettings,
  deps: UploadDeps,
): Promise<FileObject | undefined> {
  const started = deps.now();
  record.uploadStarted();
  const steps: string[] = [];
  const step = (message: string) => steps.push(`[${formatDuration(deps.now() - started).padStart(8)}] ${message}`);
  let answer: FileObject | undefined;
  try {
    // The checksum goes with the reservation. The check computed it on its reads; otherwise (checks off, Parquet,
    // whose check reads only the footer) the file is read for it here.
    if (!record.sha256) {
      record.hashed(await hashFile(record.absolutePath, record.bytes, deps.signal));
      step(`Hashed for the checksum (${formatDuration(deps.now() - started)})`);
    }
    const uploaded = await uploadFile(
      {
        path: record.path,
        absolutePath: record.absolutePath,
        bytes: record.bytes,
        modifiedMs: record.modifiedMs,
        sha256: record.sha256!,
        filename: record.filename,
        fileType: record.fileType!,
        purpose: record.purpose,
      },
      {
        client: deps.client,
        now: deps.now,
        log: step,
        live: (line) => deps.log.info(line),
        signal: deps.signal,
        multipart: settings.multipart,
        onReserved: (id) => record.reserved(id),
      },
    );
    if (uploaded.existing) record.foundOnTogether(uploaded.afterUpload!);
    else
      record.uploaded({ sha256: uploaded.sha256, processingStatus: uploaded.afterUpload?.processing_status ?? null });
    answer = uploaded.afterUpload;
  } catch (error) {
    if (deps.signal?.aborted) record.cancelled();
    else record.uploadFailed(messageOf(error));
    step(record.error!);
  }
  const outcome = !record.awaitingProcessing ? 'Upload failed:' : record.reused ? 'Already on Together:' : 'Uploaded';
  deps.log.printGroup(
    `${outcome} ${record.path} (${formatBytes(record.bytes)}, ${formatDuration(deps.now() - started)})`,
    steps,
  );
  if (record.failed) deps.log.warning(record.error!);
  return answer;
}

/**
 * Together's estimate for each processed file, at most four requests at once. An estimate that fails is recorded
 * as unavailable, with the reason, and never fails the file.
 */
async function estimatePrices(records: FileRecord[], settings: UploadSettings, deps: UploadDeps): Promise<void> {
  const processed = records.filter((r) => r.processedOnTogether && r.id);
  if (processed.length === 0) {
    deps.log.info(`No processed file to estimate a fine-tune job for${settings.wait ? '' : ' (wait is off)'}.`);
    return;
  }
  await deps.log.group(
    `Estimate training ${settings.estimateModel} for ${settings.estimateEpochs} epoch${settings.estimateEpochs === 1 ? '' : 's'}`,
    async () => {
      await mapLimit(processed, 4, async (record) => {
        try {
          const answer = await deps.client.estimatePrice(
            { trainingFile: record.id!, model: settings.estimateModel, epochs: settings.estimateEpochs },
            { signal: deps.signal },
          );
          const estimate = readEstimate(answer);
          record.estimated(estimate);
          deps.log.info(`${record.path}: ${describeEstimate(estimate)}`);
        } catch (error) {
          const reason = `the estimate request failed: ${messageOf(error)}`;
          record.estimated({ unavailable: reason });
          deps.log.warning(`${record.path}: no price estimate (${reason}); the upload is not affected.`);
        }
      });
    },
  );
}

/** Together's answer as the `estimate` of a file: its figures, or why it has none. */
export function readEstimate(answer: EstimatePriceAnswer): Estimate {
  if (answer.estimation_available === false) {
    return { unavailable: typeof answer.unavailable_reason === 'string' ? answer.unavailable_reason : 'unknown' };
  }
  const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  return {
    train_tokens: number(answer.estimated_train_token_count),
    eval_tokens: number(answer.estimated_eval_token_count),
    total_price: number(answer.estimated_total_price),
    allowed_to_proceed: typeof answer.allowed_to_proceed === 'boolean' ? answer.allowed_to_proceed : null,
  };
}

function settle(record: FileRecord, outcome: WaitOutcome): void {
  switch (outcome.kind) {
    case 'processed':
      return record.processed(outcome.status, outcome.report);
    case 'rejected':
      return record.rejected(outcome.status, outcome.error, outcome.report);
    case 'timeout':
      return record.timedOut(outcome.status, outcome.error);
    case 'failed':
      return record.waitFailed(outcome.error);
    case 'cancelled':
      return record.cancelled();
  }
}

/**
 * Hashes every file, names it by its content, and marks as reused each one whose content Together already has
 * processed (one `GET /files` for all). A failure to list is not fatal: the files are then simply uploaded.
 */
async function reuseProcessed(records: FileRecord[], deps: UploadDeps): Promise<void> {
  await deps.log.group('Look for files Together already has (dedupe)', async () => {
    await mapLimit(records, 4, async (record) => {
      try {
        if (!record.sha256) record.hashed(await hashFile(record.absolutePath, record.bytes, deps.signal));
        record.named(contentAddressedName(record.filename, record.sha256!));
      } catch (error) {
        // A cancel leaves the file to the upload loop, which marks it cancelled; a read error fails this file only.
        if (deps.signal?.aborted) return;
        record.unreadable(messageOf(error));
      }
    });
    let account: FileObject[];
    try {
      account = await deps.client.listFiles({ signal: deps.signal });
    } catch (error) {
      deps.log.warning(
        `Could not list the account's files to reuse them, so all will be uploaded: ${messageOf(error)}`,
      );
      return;
    }
    for (const record of records) {
      if (!record.readyToUpload) continue;
      const existing = findReusable(account, record);
      if (!existing) {
        deps.log.info(`${record.path}: not on the account yet as ${record.filename}`);
        continue;
      }
      record.reusedExisting(existing, validationReportOf(existing));
      deps.log.info(`${record.path}: reusing ${existing.id} (${record.filename}, same content, already processed)`);
    }
  });
}
