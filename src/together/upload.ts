/**
 * Uploads one file to Together: the redirect flow (`POST /files` -> 302 -> `PUT` -> `/preprocess`) or, above the
 * multipart threshold, the multipart flow (initiate -> part PUTs -> complete). The reservation carries the file's
 * SHA-256 as `checksum`; Together answers 409 with the ID of a file that already holds that content, which is then
 * used instead (after reading it). Retries live in the client; this module decides what a failure means for the
 * file: a fresh URL when one expired, a file that changed since it was checked refused, and no reserved ID left.
 */
import { messageOf } from '../error-text.js';
import { stat } from 'node:fs/promises';
import { mapLimit } from '../concurrency.js';
import { NAME_HASH_CHARS } from '../dedupe.js';
import type { FileType, Purpose } from '../domain.js';
import { progressReporter } from '../progress.js';
import { formatBytes, formatDuration, formatRate } from '../report/format.js';
import type { RequestOptions, TogetherClient } from './client.js';
import { CLEANUP_TIMEOUT_MS } from './limits.js';
import { ConflictError, StorageError } from './errors.js';
import { partRange, planParts, PART_CONCURRENCY, type MultipartSettings } from './multipart-plan.js';
import type { FileObject } from './types.js';

export interface UploadRequest {
  /** Workspace-relative, for log lines. */
  path: string;
  absolutePath: string;
  bytes: number;
  /** When it was last modified as found, if known: a file modified since is not sent. */
  modifiedMs?: number;
  /** The SHA-256 of its content as checked: sent as `checksum`, and what the bytes sent must hash to. */
  sha256: string;
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
  /** Together already held this content (409): nothing was uploaded, and `afterUpload` is that file. */
  existing: boolean;
}

/** The file on disk is not the one that was checked and hashed: it changed since, or while it was sent. */
export class FileChangedError extends Error {
  override name = 'FileChangedError';
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

/** The content hash dedupe puts in a name, before the extension (dedupe.ts). */
const CONTENT_TAG = new RegExp(`\\.([0-9a-f]{${NAME_HASH_CHARS}})\\.[^.]+$`);

/** Fresh URLs fetched for an upload whose presigned URL expired, before giving up. */
const MAX_URL_REFRESHES = 2;

/**
 * Uploads the file, or finds that Together already holds its content. On failure the reserved ID is deleted (or the
 * multipart upload aborted) and the error rethrown.
 */
export async function uploadFile(file: UploadRequest, deps: UploadDeps): Promise<UploadedFile> {
  await assertUnchanged(file);
  try {
    return file.bytes > deps.multipart.thresholdBytes
      ? await uploadMultipart(file, deps)
      : await uploadSingle(file, deps);
  } catch (error) {
    if (!(error instanceof ConflictError && error.fileId)) throw error;
    return useExisting(error.fileId, file, deps);
  }
}

/**
 * Together answered the reservation with 409: a file of this content is already there. It is read before it is
 * used (the 2026 API does not say whether its purpose may differ): one of another purpose cannot stand in.
 */
async function useExisting(fileId: string, file: UploadRequest, deps: UploadDeps): Promise<UploadedFile> {
  deps.log(`Together already holds this content as ${fileId} (409); reading it instead of uploading`);
  const existing = await deps.client.retrieve(fileId, requestOptions(file, deps));
  // A 409 is the server's word that it holds this content; what it says of that file must agree before it stands
  // in for this one (a wrong or hostile answer would hand a later step someone else's data).
  if (typeof existing.bytes === 'number' && existing.bytes !== file.bytes) {
    throw new Error(
      `Together answered 409, naming ${fileId} as already holding this content, but that file is ${existing.bytes.toLocaleString('en-US')} bytes and this one ${file.bytes.toLocaleString('en-US')}: it is not this content, so it is not used. Run again; if it persists, report it to Together with the request above.`,
    );
  }
  // A name that dedupe gave (`train.3f9a2c1b0d4e.jsonl`) states its content's hash: it must be this one's. Other
  // names say nothing (the same content may have been uploaded under any name).
  const tag = typeof existing.filename === 'string' ? CONTENT_TAG.exec(existing.filename)?.[1] : undefined;
  if (tag !== undefined && tag !== file.sha256.slice(0, tag.length)) {
    throw new Error(
      `Together answered 409, naming ${fileId} as already holding this content, but that file's name (${JSON.stringify(existing.filename).slice(0, 200)}) carries the hash of other content: it is not used. Run again; if it persists, report it to Together.`,
    );
  }
  if (existing.purpose && existing.purpose !== file.purpose) {
    throw new Error(
      `Together already holds this content as ${fileId} with purpose ${existing.purpose}, and refuses a second copy; use that file with purpose ${existing.purpose}, or delete it (together files delete ${fileId}) and run again.`,
    );
  }
  deps.log(
    `Using ${fileId} (${existing.filename ?? 'same content'}, ${existing.processing_status ?? 'status unknown'})`,
  );
  return { id: fileId, sha256: file.sha256, afterUpload: existing, existing: true };
}

/**
 * Fails when the file's size or modification time is no longer what was found (and checked): before anything is
 * sent, and again once the bytes are stored (a file that grew during its PUT had only its first bytes sent).
 */
async function assertUnchanged(file: UploadRequest, when: 'before' | 'after' = 'before'): Promise<void> {
  const now = await stat(file.absolutePath);
  if (now.size !== file.bytes || (file.modifiedMs !== undefined && now.mtimeMs !== file.modifiedMs)) {
    const how = now.size === file.bytes ? 'modified' : `${file.bytes} bytes then, ${now.size} now`;
    throw new FileChangedError(
      when === 'before'
        ? `the file changed after it was checked (${how}); nothing was sent. Run again once it is no longer being written.`
        : `the file changed while it was sent (${how}): what reached Together is no longer the file in the workspace, so the upload was deleted. Run again once it is no longer being written.`,
    );
  }
}

async function uploadSingle(file: UploadRequest, deps: UploadDeps): Promise<UploadedFile> {
  const { client, now, log } = deps;
  const options = requestOptions(file, deps);
  const request = { purpose: file.purpose, fileName: file.filename, fileType: file.fileType, checksum: file.sha256 };
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
    if (sent.sha256 !== file.sha256) {
      throw new FileChangedError(
        `the file changed while it was sent: its bytes hash to ${sent.sha256}, not to the ${file.sha256} that was checked; the upload was deleted. Run again once it is no longer being written.`,
      );
    }
    await assertUnchanged(file, 'after');
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
  return { id: reserved.fileId, sha256: sent.sha256, afterUpload, existing: false };
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
      checksum: file.sha256,
    },
    requestOptions(file, deps),
  );
  deps.onReserved?.(upload.fileId);
  log(
    `Reserved ${upload.fileId} for a multipart upload of ${plan.numParts} parts of ${formatBytes(plan.partBytes)} (${formatDuration(now() - started)})`,
  );

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
    // Parts go out of order, so their bytes are not hashed; a file rewritten while they were sent shows in its
    // size or modification time, and the upload is then given up rather than completed.
    await assertUnchanged(file, 'after');
    log(
      `Uploaded ${formatBytes(file.bytes)} in ${plan.numParts} parts in ${formatDuration(took)} (${formatRate(file.bytes, took)}), sha256 ${file.sha256}`,
    );
    const afterUpload = await client.completeMultipart(
      { uploadId: upload.uploadId, fileId: upload.fileId, etags },
      requestOptions(file, deps),
    );
    log(`Multipart upload completed: ${afterUpload.processing_status ?? 'accepted'}`);
    return { id: upload.fileId, sha256: file.sha256, afterUpload, existing: false };
  } catch (error) {
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
