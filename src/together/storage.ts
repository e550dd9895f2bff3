/** The `PUT` of a file's bytes to a presigned storage URL, by S3's rules (protocol doc 5.1, step 3). */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { storageErrorFromResponse } from './errors.js';

/** Read size from disk: large enough that per-chunk costs vanish, small enough to keep memory flat. */
const READ_CHUNK_BYTES = 1024 * 1024;
/**
 * Read buffers in rotation. undici pulls the next chunk of an iterable body only once the socket has taken the
 * previous one (it awaits 'drain' whenever a write is not fully flushed), so a buffer is refilled two chunks after
 * it was sent, long after the socket let go of it. Reusing buffers keeps the upload from making garbage: with a
 * fresh buffer per chunk, V8 lets about 64 MB of them pile up before collecting.
 */
const POOL_SIZE = 4;

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
  const chunks = readChunks(file.absolutePath, file.bytes, (chunk) => {
    hash.update(chunk);
    sent += chunk.length;
    options.onProgress?.(sent);
  });

  const res = await request(url, {
    method: 'PUT',
    dispatcher: options.dispatcher,
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(file.bytes) },
    // undici accepts async iterables as bodies (documented; its typings list only Readable).
    body: file.bytes === 0 ? '' : (chunks as unknown as Readable),
    signal: options.signal,
  });
  const bodyText = await res.body.text();
  if (res.statusCode !== 200) throw storageErrorFromResponse(res.statusCode, bodyText);
  const etag = res.headers.etag;
  return { sha256: hash.digest('hex'), etag: (Array.isArray(etag) ? etag[0] : etag)?.replace(/"/g, '') };
}

/**
 * Yields exactly `bytes` bytes of the file in pooled buffers (see POOL_SIZE), calling `onChunk` on each before it
 * is yielded. The size was taken before the upload started: a file that shrinks since is an error, and bytes a
 * growing file gains are not sent.
 */
export async function* readChunks(
  absolutePath: string,
  bytes: number,
  onChunk: (chunk: Buffer) => void,
  start = 0,
): AsyncGenerator<Buffer> {
  const handle = await open(absolutePath, 'r');
  try {
    const pool = Array.from({ length: POOL_SIZE }, () => Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, Math.max(1, bytes))));
    const end = start + bytes;
    for (let offset = start, turn = 0; offset < end; turn += 1) {
      const buffer = pool[turn % POOL_SIZE]!;
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, end - offset), offset);
      if (bytesRead === 0) {
        throw new Error(`the file shrank while it was uploaded: ${offset - start} of ${bytes} bytes read`);
      }
      const chunk = buffer.subarray(0, bytesRead);
      onChunk(chunk);
      offset += bytesRead;
      yield chunk;
    }
  } finally {
    await handle.close();
  }
}
