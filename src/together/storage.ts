/** The `PUT` of a file's bytes to a presigned storage URL, by S3's rules (protocol doc 5.1, step 3). */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { storageErrorFromResponse } from './errors.js';

/** Read size from disk: large enough that per-chunk costs vanish, small enough to keep memory flat. */
const READ_CHUNK_BYTES = 1024 * 1024;

export interface PutFileOptions {
  dispatcher: Dispatcher;
  /** Called as bytes leave, with the running total. */
  onProgress?: (bytesSent: number) => void;
  signal?: AbortSignal;
}

export interface PutFileResult {
  /** Hex SHA-256 of exactly the bytes sent. */
  sha256: string;
  /** The storage's ETag, quotes stripped. */
  etag: string | undefined;
}

/**
 * Streams the file to the presigned URL: an explicit Content-Length (no chunked encoding), no Authorization header
 * (the URL carries the signature), and the SHA-256 computed on the same pass over the bytes.
 */
export async function putFile(
  url: string,
  file: { absolutePath: string; bytes: number },
  options: PutFileOptions,
): Promise<PutFileResult> {
  const hash = createHash('sha256');
  let sent = 0;

  async function* hashedChunks(): AsyncGenerator<Buffer> {
    const stream = createReadStream(file.absolutePath, { highWaterMark: READ_CHUNK_BYTES, end: Math.max(0, file.bytes - 1) });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      // The size was taken before the upload started; a file that grew must not send more than announced.
      const piece = sent + chunk.length > file.bytes ? chunk.subarray(0, file.bytes - sent) : chunk;
      hash.update(piece);
      sent += piece.length;
      options.onProgress?.(sent);
      yield piece;
    }
    if (sent !== file.bytes) {
      throw new Error(`the file changed while it was uploaded: ${sent} bytes read, ${file.bytes} expected`);
    }
  }

  const res = await request(url, {
    method: 'PUT',
    dispatcher: options.dispatcher,
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(file.bytes) },
    body: file.bytes === 0 ? '' : Readable.from(hashedChunks(), { objectMode: false }),
    signal: options.signal,
  });
  const bodyText = await res.body.text();
  if (res.statusCode !== 200) throw storageErrorFromResponse(res.statusCode, bodyText);
  const etag = res.headers.etag;
  return { sha256: hash.digest('hex'), etag: (Array.isArray(etag) ? etag[0] : etag)?.replace(/"/g, '') };
}
