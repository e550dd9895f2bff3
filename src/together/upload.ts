/**
 * Uploads one file to Together: the redirect flow (`POST /files` -> 302 -> `PUT` -> `/preprocess`) or, above the
 * multipart threshold, the multipart flow (initiate -> part PUTs -> complete). Retries live in the client; this
 * module decides what a failure means for the file: a fresh URL when one expired, and no reserved ID left behind.
 */
import { mapLimit } from '../concurrency.js';
import type { FileType, Purpose } from '../domain.js';
import { progressReporter } from '../progress.js';
import { formatBytes, formatDuration, formatRate } from '../report/format.js';
import { CLEANUP_TIMEOUT_MS, type RequestOptions, type TogetherClient } from './client.js';
import { StorageError } from './errors.js';
import { partRange, planParts, PART_CONCURRENCY, type MultipartSettings } from './multipart-plan.js';
import { hashFile } from './storage.js';
import type { FileObject } from './types.js';

export interface UploadRequest {
  /** Workspace-relative, for log lines. */
  path: string;
  absolutePath: string;
  bytes: number;
  /** The name Together stores. */
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
  multipart: MultipartSettings;
  /** Called with the ID once it is reserved (the file's record holds it from then on). */
  onReserved?: (fileId: string) => void;
}

/** Fresh URLs fetched for an upload whose presigned URL expired, before giving up. */
const MAX_URL_REFRESHES = 2;

/** Uploads the file; on failure the reserved ID is deleted (or the multipart upload aborted) and the error rethrown. */
export async function uploadFile(file: UploadRequest, deps: UploadDeps): Promise<UploadedFile> {
  return file.bytes > deps.multipart.thresholdBytes ? uploadMultipart(file, deps) : uploadSingle(file, deps);
}

async function uploadSingle(file: UploadRequest, deps: UploadDeps): Promise<UploadedFile> {
  const { client, now, log } = deps;
  const options = requestOptions(file, deps);
  const request = { purpose: file.purpose, fileName: file.filename, fileType: file.fileType };
  let started = now();
  let reserved = await client.reserve(request, options);
  deps.onReserved?.(reserved.fileId);
  log(`Reserved ${reserved.fileId} (${formatDuration(now() - started)})`);

  let sent: { sha256: string };
  try {
    for (let refreshes = 0; ; refreshes += 1) {
      try {
        started = now();
        sent = await client.putFile(reserved.uploadUrl, file, {
          ...options,
          onProgress: progressReporter(file.bytes, (line) => deps.live(`${file.path}: ${line}`), now),
        });
        break;
      } catch (error) {
        if (!(error instanceof StorageError && error.expired) || refreshes >= MAX_URL_REFRESHES) throw error;
        // A presigned URL cannot be renewed: reserve again for a fresh one and give up the old ID.
        log('The upload URL expired; getting a fresh one');
        const expired = reserved;
        reserved = await client.reserve(request, options);
        deps.onReserved?.(reserved.fileId);
        log(`Reserved ${reserved.fileId} instead`);
        await client.deleteReservation(expired.fileId, log);
      }
    }
  } catch (error) {
    await client.deleteReservation(reserved.fileId, log);
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
    afterUpload = await client.preprocess(reserved.fileId, options);
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
  const upload = await client.initiateMultipart(
    {
      purpose: file.purpose,
      fileName: file.filename,
      fileType: file.fileType,
      fileSize: file.bytes,
      numParts: plan.numParts,
    },
    requestOptions(file, deps),
  );
  deps.onReserved?.(upload.fileId);
  log(
    `Reserved ${upload.fileId} for a multipart upload of ${plan.numParts} parts of ${formatBytes(plan.partBytes)} (${formatDuration(now() - started)})`,
  );

  // Parts go out of order, so the file's SHA-256 comes from a separate, sequential read alongside them.
  const stopHashing = new AbortController();
  const hashing = hashFile(file.absolutePath, file.bytes, AbortSignal.any(compact([deps.signal, stopHashing.signal])));
  hashing.catch(() => undefined);
  const partsFailed = new AbortController();
  const partOptions = {
    ...requestOptions(file, deps),
    signal: AbortSignal.any(compact([deps.signal, partsFailed.signal])),
  };
  const partSent = new Array<number>(plan.numParts).fill(0);
  const progress = progressReporter(file.bytes, (line) => deps.live(`${file.path}: ${line}`), now);
  try {
    started = now();
    const etags = await mapLimit(upload.parts, PART_CONCURRENCY, async (part, index) => {
      try {
        const result = await client.putPart(
          part,
          { absolutePath: file.absolutePath, ...partRange(plan, file.bytes, index) },
          plan.numParts,
          {
            ...partOptions,
            onProgress: (sent) => {
              partSent[index] = sent;
              progress(partSent.reduce((a, b) => a + b, 0));
            },
          },
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
      requestOptions(file, deps),
    );
    log(`Multipart upload completed: ${afterUpload.processing_status ?? 'accepted'}`);
    return { id: upload.fileId, sha256, afterUpload };
  } catch (error) {
    stopHashing.abort();
    try {
      await client.abortMultipart(upload, { signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS), log });
      log(`Aborted the multipart upload of ${upload.fileId}`);
    } catch (abortError) {
      log(`Could not abort the multipart upload of ${upload.fileId}: ${messageOf(abortError)}`);
    }
    throw error;
  }
}

/** The run's cancellation, with retries logged in the file's group and live. */
function requestOptions(file: UploadRequest, deps: UploadDeps): RequestOptions {
  return {
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
