/** The `PUT` of a file's bytes to a presigned storage URL, by S3's rules (protocol doc 5.1, step 3). */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { StallError, StorageError } from './errors.js';
import { readBounded, tooLargeDetail } from './exchange.js';
import { DEFAULT_STALL_TIMEOUT_MS, MAX_STORAGE_ANSWER_BYTES } from './limits.js';
import { ReadBufferBudget } from './read-buffers.js';

/**
 * Read size from disk: large enough that per-chunk costs vanish (2 MiB sends 1 GiB about 4% faster than 1 MiB:
 * fewer hash updates, reads and socket writes), small enough to keep memory flat.
 */
export const READ_CHUNK_BYTES = 2 * 1024 * 1024;
/**
 * Read buffers in rotation. undici pulls the next chunk of an iterable body only once the socket has taken the
 * previous one (it awaits 'drain' whenever a write is not fully flushed). A buffer is refilled (by the read one
 * chunk ahead) when the chunk three after it is pulled, long after the socket let go of it. Reusing buffers keeps
 * the upload from making garbage: with a fresh buffer per chunk, V8 lets about 64 MB of them pile up.
 */
const POOL_SIZE = 4;
/**
 * What all readers together may hold: six readers of four 2 MiB buffers, e.g. six large files at once, or a
 * multipart upload's four parts and its SHA-256 read with room to spare. Beyond that, readers wait their turn.
 */
const READ_BUFFER_BUDGET_BYTES = 48 * 1024 * 1024;

/** The process's read buffers, shared by every upload (see ReadBufferBudget). */
export const readBuffers = new ReadBufferBudget(READ_BUFFER_BUDGET_BYTES, READ_CHUNK_BYTES, POOL_SIZE);

export interface PutOptions {
  dispatcher: Dispatcher;
  /** Extra headers the presigned URL was signed with (multipart parts carry some). */
  headers?: Record<string, string>;
  /** Called as bytes leave, with the running total of this request. */
  onProgress?: (bytesSent: number) => void;
  /** Called with each chunk as it is about to be sent (to hash the bytes on the same pass). */
  onChunk?: (chunk: Buffer) => void;
  /** Aborts the request (the run was cancelled). */
  signal?: AbortSignal;
  /** Abort and fail with StallError when no byte has moved for this long (default 60 s). */
  stallTimeoutMs?: number;
}

export interface PutResult {
  /** The storage's ETag, quotes stripped. */
  etag: string | undefined;
}

/**
 * Streams `length` bytes of the file from `start` to the presigned URL: an explicit Content-Length (no chunked
 * encoding), no Authorization header (the URL carries the signature). Each call reads the file afresh, so a retry
 * sends the same bytes again.
 */
export async function putBytes(
  url: string,
  source: { absolutePath: string; start?: number; length: number },
  options: PutOptions,
): Promise<PutResult> {
  const buffers = await readBuffers.acquire(source.length, options.signal);
  let sent = 0;
  const stall = new AbortController();
  const stallMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const watchdog = setTimeout(() => stall.abort(), stallMs);
  const chunks = readChunks(
    source.absolutePath,
    source.length,
    (chunk) => {
      options.onChunk?.(chunk);
      sent += chunk.length;
      watchdog.refresh();
      options.onProgress?.(sent);
    },
    source.start ?? 0,
    buffers,
  );
  try {
    const res = await request(url, {
      method: 'PUT',
      dispatcher: options.dispatcher,
      headers: {
        ...options.headers,
        'content-type': 'application/octet-stream',
        'content-length': String(source.length),
      },
      // undici accepts async iterables as bodies (documented; its typings list only Readable).
      body: source.length === 0 ? '' : (chunks as unknown as Readable),
      signal: options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal,
    });
    // The answer is bounded like every other (exchange.ts); the stall watchdog, no longer refreshed once the
    // bytes are sent, bounds how long it may take.
    const answer = await readBounded(res.body, MAX_STORAGE_ANSWER_BYTES);
    if (res.statusCode !== 200) {
      const tooLarge = answer.tooLarge ? tooLargeDetail(MAX_STORAGE_ANSWER_BYTES) : undefined;
      throw StorageError.fromResponse(res.statusCode, answer.text, res.headers, tooLarge);
    }
    const etag = res.headers.etag;
    return { etag: (Array.isArray(etag) ? etag[0] : etag)?.replace(/"/g, '') };
  } catch (error) {
    if (stall.signal.aborted && !options.signal?.aborted) {
      throw new StallError(`no bytes moved for ${Math.round(stallMs / 1000)} s (${sent} of ${source.length} sent)`);
    }
    throw error;
  } finally {
    clearTimeout(watchdog);
    // The request has settled; closing the reader waits for a read still filling a buffer. Only then may the
    // buffers go to another reader. (A failure to close the file must not keep them, nor hide the request's error.)
    await chunks.return(undefined).catch(() => undefined);
    readBuffers.release(buffers);
  }
}

/**
 * The whole file in one PUT, with the SHA-256 of exactly the bytes sent, computed on the same pass. (Multipart parts
 * are sent with putBytes alone: their file's SHA-256 comes from one sequential read, not from each part.)
 */
export async function putFile(
  url: string,
  file: { absolutePath: string; bytes: number },
  options: PutOptions,
): Promise<PutResult & { sha256: string }> {
  const hash = createHash('sha256');
  const result = await putBytes(
    url,
    { absolutePath: file.absolutePath, length: file.bytes },
    { ...options, onChunk: (chunk) => hash.update(chunk) },
  );
  return { ...result, sha256: hash.digest('hex') };
}

/** SHA-256 of the file, read with the same pooled buffers (for multipart, whose parts go out of order). */
export async function hashFile(absolutePath: string, bytes: number, signal?: AbortSignal): Promise<string> {
  const buffers = await readBuffers.acquire(bytes, signal);
  try {
    const hash = createHash('sha256');
    for await (const chunk of readChunks(absolutePath, bytes, (c) => hash.update(c), 0, buffers)) {
      void chunk;
      signal?.throwIfAborted();
    }
    return hash.digest('hex');
  } finally {
    readBuffers.release(buffers);
  }
}

/**
 * Yields exactly `bytes` bytes of the file in pooled buffers (see POOL_SIZE; `pool` when given, at least three
 * buffers), calling `onChunk` on each before it is yielded. The size was taken before the upload started: a file
 * that shrinks since is an error, and bytes a growing file gains are not sent.
 */
export async function* readChunks(
  absolutePath: string,
  bytes: number,
  onChunk: (chunk: Buffer) => void,
  start = 0,
  pool: Buffer[] = Array.from({ length: POOL_SIZE }, () =>
    Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, Math.max(1, bytes))),
  ),
): AsyncGenerator<Buffer> {
  const handle = await open(absolutePath, 'r');
  try {
    const end = start + bytes;
    const read = (turn: number, offset: number) => {
      const buffer = pool[turn % pool.length]!;
      return handle
        .read(buffer, 0, Math.min(buffer.length, end - offset), offset)
        .then(({ bytesRead }) => buffer.subarray(0, bytesRead));
    };
    // One read ahead: the next chunk comes from disk while this one is hashed and sent. Its buffer last held
    // the chunk sent three turns ago, long since taken by the socket.
    let next = start < end ? read(0, start) : undefined;
    for (let offset = start, turn = 0; next; turn += 1) {
      const chunk = await next;
      if (chunk.length === 0) {
        throw new Error(`the file shrank while it was uploaded: ${offset - start} of ${bytes} bytes read`);
      }
      offset += chunk.length;
      next = offset < end ? read(turn + 1, offset) : undefined;
      onChunk(chunk);
      yield chunk;
    }
  } finally {
    await handle.close();
  }
}
