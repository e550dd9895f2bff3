/** Uploads one file with Together's redirect flow: reserve an ID, PUT the bytes, ask for processing. */
import type { FileType, Purpose } from './inputs.js';
import type { TogetherClient } from './together/client.js';
import { putFile } from './together/storage.js';
import type { FileObject } from './together/types.js';
import { formatBytes, formatDuration, formatRate } from './report/format.js';

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
  /** The FileResponse `/preprocess` answered with; undefined where the server has no such endpoint. */
  afterPreprocess: FileObject | undefined;
}

export interface UploadDeps {
  client: TogetherClient;
  now: () => number;
  log: (message: string) => void;
}

/**
 * `POST /files` -> 302 -> `PUT` -> `POST /files/{id}/preprocess`. If the PUT fails, the reserved ID is deleted so
 * no empty file is left on the account, and the error is rethrown.
 */
export async function uploadFile(file: UploadRequest, deps: UploadDeps): Promise<UploadedFile> {
  const { client, now, log } = deps;
  let started = now();
  const reserved = await client.createFile({ purpose: file.purpose, fileName: file.filename, fileType: file.fileType });
  log(`Reserved ${reserved.fileId} (${formatDuration(now() - started)})`);

  let sent: { sha256: string };
  try {
    started = now();
    sent = await putFile(reserved.uploadUrl, file, { dispatcher: client.dispatcher });
  } catch (error) {
    await deleteQuietly(client, reserved.fileId, log);
    throw error;
  }
  const took = now() - started;
  log(`Uploaded ${formatBytes(file.bytes)} in ${formatDuration(took)} (${formatRate(file.bytes, took)}), sha256 ${sent.sha256}`);

  // The bytes are stored: from here on the file is kept. Processing may start without /preprocess (the TS SDK
  // never calls it), so a failure here is reported and waiting goes on.
  started = now();
  let afterPreprocess: FileObject | undefined;
  try {
    afterPreprocess = await client.preprocess(reserved.fileId);
    log(
      afterPreprocess
        ? `Processing requested: ${afterPreprocess.processing_status ?? 'accepted'} (${formatDuration(now() - started)})`
        : 'The server has no /preprocess endpoint; processing starts on its own',
    );
  } catch (error) {
    log(`Requesting processing failed (${error instanceof Error ? error.message : String(error)}); waiting anyway`);
  }
  return { id: reserved.fileId, sha256: sent.sha256, afterPreprocess };
}

async function deleteQuietly(client: TogetherClient, fileId: string, log: (message: string) => void): Promise<void> {
  try {
    await client.deleteFile(fileId);
    log(`Deleted the reserved ID ${fileId}, whose upload did not complete`);
  } catch (error) {
    log(`Could not delete the reserved ID ${fileId}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
