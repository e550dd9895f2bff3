/**
 * Uploads one file to Together: the redirect flow (`POST /files` -> 302 -> `PUT` -> `/preprocess`) or, above the
 * multipart threshold, the multipart flow (initiate -> part PUTs -> complete). Every request survives passing
 * faults; nothing that cannot be safely repeated is blindly repeated, and no reserved ID is left behind.
 */
import { mapLimit } from './concurrency.js';
import type { FileType, Purpose } from './inputs.js';
import { progressReporter } from './progress.js';
import { formatBytes, formatDuration, formatRate } from './report/format.js';
import { isConnectionError, withRetries, type RetryOptions } from './retry.js';
import type { TogetherClient } from './together/client.js';
import { StorageError, TogetherApiError } from './together/errors.js';
import { partRange, planParts, PART_CONCURRENCY, type MultipartSettings } from './together/multipart-plan.js';
import { classifyFailure } from './together/retryable.js';
import { hashFile, putBytes, putFile } from './together/storage.js';
import type { FileObject } from './together/types.js';

export interface UploadRequest {
  path: string;
  absolutePath: string;
  bytes: number;
  filename: string;
  fileType: FileType;
  purpose: Purpose;
}

export interface UploadedFile {
  id: string;
  sha256: string;
  /** Together's answer after the upload (`/preprocess` or multipart `complete`); undefined if it gave none. */
  afterUpload: FileObject | undefined;
}

export interface UploadDeps {
  client: TogetherClient;
  now: () => number;
  /** The file's steps, for its log group. */
  log: (message: string) => void;
  /** Lines shown as they happen (progress, retries), outside any group. */
  live: (message: string) => void;
  /** The run's cancellation. */
  signal?: AbortSignal;
  stallTimeoutMs?: number;
  multipart: MultipartSettings;
}

/** How long cleanup (deleting an ID, aborting a multipart upload) may take, even after a cancel. */
export const CLEANUP_TIMEOUT_MS = 5000;
/** Fresh URLs fetched for an upload whose presigned URL expired, before giving up. */
const MAX_URL_REFRESHES = 2;

/** Uploads the file; on failure the reserved ID is deleted (or the multipart upload aborted) and the error rethrown. */
export async function uploadFile(file: UploadRequest, deps: UploadDeps): Promise<UploadedFile> {
  return file.bytes > deps.multipart.thresholdBytes ? uploadMultipart(file, deps) : uploadSingle(file, deps);
}

async function uploadSingle(file: UploadRequest, deps: UploadDeps): Promise<UploadedFile> {
  const { client, now, log } = deps;
  const retry = retryOptions(file, deps);
  const request = { purpose: file.purpose, fileName: file.filename, fileType: file.fileType };
  let started = now();
  let reserved = await reserve('POST /files', (signal) => client.createFile(request, { signal }), file, deps);
  log(`Reserved ${reserved.fileId} (${formatDuration(now() - started)})`);

  let sent: { sha256: string };
  try {
    for (let refreshes = 0; ; refreshes += 1) {
      try {
        started = now();
        const url = reserved.uploadUrl;
        sent = await withRetries(
          'PUT to storage',
          () =>
            putFile(url, file, {
              dispatcher: client.dispatcher,
              onProgress: progressReporter(file.bytes, (line) => deps.live(`${file.path}: ${line}`), now),
              signal: deps.signal,
              stallTimeoutMs: deps.stallTimeoutMs,
            }),
          classifyFailure,
          retry,
        );
        break;
      } catch (error) {
        if (!(error instanceof StorageError && error.expired) || refreshes >= MAX_URL_REFRESHES) throw error;
        // A presigned URL cannot be renewed: reserve again for a fresh one and give up the old ID.
        log('The upload URL expired; getting a fresh one');
        const expired = reserved;
        reserved = await reserve('POST /files', (signal) => client.createFile(request, { signal }), file, deps);
        log(`Reserved ${reserved.fileId} instead`);
        await deleteQuietly(client, expired.fileId, log);
      }
    }
  } catch (error) {
    await deleteQuietly(client, reserved.fileId, log);
    throw error;
  }
  const took = now() - started;
  log(
    `Uploaded ${formatBytes(file.bytes)} in ${formatDuration(took)} (${formatRate(file.bytes, took)}), sha256 ${sent.sha256}`,
  );

  // The bytes are stored: from here on the file is kept. Processing may start without /preprocess (the TS SDK
  // never calls it), so a failure here is reported and waiting goes on.
  started = now();
  let afterUpload: FileObject | undefined;
  try {
    afterUpload = await client.preprocess(reserved.fileId, { signal: deps.signal });
    log(
      afterUpload
        ? `Processing requested: ${afterUpload.processing_status ?? 'accepted'} (${formatDuration(now() - started)})`
        : 'The server has no /preprocess endpoint; processing starts on its own',
    );
  } catch (error) {
    if (deps.signal?.aborted) throw error;
    log(`Requesting processing failed (${messageOf(error)}); waiting anyway`);
  }
  return { id: reserved.fileId, sha256: sent.sha256, afterUpload };
}

async function uploadMultipart(file: UploadRequest, deps: UploadDeps): Promise<UploadedFile> {
  const { client, now, log } = deps;
  const plan = planParts(file.bytes, deps.multipart.partBytes);
  let started = now();
  const upload = await reserve(
    'POST /files/multipart/initiate',
    (signal) =>
      client.initiateMultipart(
        {
          purpose: file.purpose,
          fileName: file.filename,
          fileType: file.fileType,
          fileSize: file.bytes,
          numParts: plan.numParts,
        },
        { signal },
      ),
    file,
    deps,
  );
  log(
    `Reserved ${upload.fileId} for a multipart upload of ${plan.numParts} parts of ${formatBytes(plan.partBytes)} (${formatDuration(now() - started)})`,
  );

  // Parts go out of order, so the file's SHA-256 comes from a separate, sequential read alongside them.
  const stopHashing = new AbortController();
  const hashing = hashFile(file.absolutePath, file.bytes, AbortSignal.any(compact([deps.signal, stopHashing.signal])));
  hashing.catch(() => undefined);
  const partsFailed = new AbortController();
  const signal = AbortSignal.any(compact([deps.signal, partsFailed.signal]));
  const retry = { ...retryOptions(file, deps), signal };
  const partSent = new Array<number>(plan.numParts).fill(0);
  const progress = progressReporter(file.bytes, (line) => deps.live(`${file.path}: ${line}`), now);
  try {
    started = now();
    const etags = await mapLimit(upload.parts, PART_CONCURRENCY, async (part, index) => {
      const range = partRange(plan, file.bytes, index);
      try {
        const result = await withRetries(
          `PUT part ${part.partNumber} of ${plan.numParts}`,
          () =>
            putBytes(
              part.url,
              { absolutePath: file.absolutePath, ...range },
              {
                dispatcher: client.dispatcher,
                headers: part.headers,
                onProgress: (sent) => {
                  partSent[index] = sent;
                  progress(partSent.reduce((a, b) => a + b, 0));
                },
                signal,
                stallTimeoutMs: deps.stallTimeoutMs,
              },
            ),
          classifyFailure,
          retry,
        );
        if (!result.etag) throw new Error(`part ${part.partNumber}: the storage answered without an ETag`);
        return result.etag;
      } catch (error) {
        partsFailed.abort();
        throw error;
      }
    });
    const took = now() - started;
    const sha256 = await hashing;
    log(
      `Uploaded ${formatBytes(file.bytes)} in ${plan.numParts} parts in ${formatDuration(took)} (${formatRate(file.bytes, took)}), sha256 ${sha256}`,
    );
    const afterUpload = await client.completeMultipart(
      { uploadId: upload.uploadId, fileId: upload.fileId, etags },
      { signal: deps.signal },
    );
    log(`Multipart upload completed: ${afterUpload.processing_status ?? 'accepted'}`);
    return { id: upload.fileId, sha256, afterUpload };
  } catch (error) {
    stopHashing.abort();
    try {
      await client.abortMultipart(upload, { signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS) });
      log(`Aborted the multipart upload of ${upload.fileId}`);
    } catch (abortError) {
      log(`Could not abort the multipart upload of ${upload.fileId}: ${messageOf(abortError)}`);
    }
    throw error;
  }
}

/**
 * Reserves a file ID (`POST /files` or multipart initiate), retrying what is safe. Each call may reserve an ID,
 * so: an ID named by a failed answer is deleted at once; and when an answer was lost (the connection broke after
 * sending), the reservation it may have made is looked for among the account's files and deleted.
 */
async function reserve<T extends { fileId: string }>(
  operation: string,
  attempt: (signal: AbortSignal | undefined) => Promise<T>,
  file: UploadRequest,
  deps: UploadDeps,
): Promise<T> {
  let lostSince: number | undefined;
  let reserved: T | undefined;
  try {
    reserved = await withRetries(
      operation,
      async () => {
        try {
          return await attempt(deps.signal);
        } catch (error) {
          if (error instanceof TogetherApiError && error.fileId)
            await deleteQuietly(deps.client, error.fileId, deps.log);
          if (isConnectionError(error)) lostSince ??= deps.now();
          throw error;
        }
      },
      classifyFailure,
      retryOptions(file, deps),
    );
    return reserved;
  } finally {
    if (lostSince !== undefined) await deleteLostReservations(deps, file.filename, lostSince, reserved?.fileId);
  }
}

/** Deletes empty files of this name reserved since `since` (the answers that were lost), but `keep`. */
async function deleteLostReservations(
  deps: UploadDeps,
  filename: string,
  since: number,
  keep: string | undefined,
): Promise<void> {
  try {
    const files = await deps.client.listFiles({ signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS) });
    // Allow for clock skew between this machine and Together's; `created_at` is in seconds.
    const earliest = Math.floor((since - 60_000) / 1000);
    const lost = files.filter(
      (f) =>
        f.id !== keep &&
        f.filename === filename &&
        !f.bytes &&
        (f.created_at ?? 0) >= earliest &&
        f.processing_status !== 'COMPLETED',
    );
    for (const f of lost) await deleteQuietly(deps.client, f.id, deps.log);
  } catch (error) {
    deps.log(`Could not look for reservations left by lost answers: ${messageOf(error)}`);
  }
}

async function deleteQuietly(client: TogetherClient, fileId: string, log: (message: string) => void): Promise<void> {
  try {
    await client.deleteFile(fileId, { signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS) });
    log(`Deleted the reserved ID ${fileId}, which holds no upload`);
  } catch (error) {
    log(`Could not delete the reserved ID ${fileId}: ${messageOf(error)}`);
  }
}

/** The client's retry policy, with retries logged in the file's group and live. */
function retryOptions(file: UploadRequest, deps: UploadDeps): RetryOptions {
  return {
    ...deps.client.retry,
    signal: deps.signal,
    log: (message) => {
      deps.log(message);
      deps.live(`${file.path}: ${message}`);
    },
  };
}

function compact(signals: Array<AbortSignal | undefined>): AbortSignal[] {
  return signals.filter((s): s is AbortSignal => s !== undefined);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
