/**
 * Every GitHub call of the action goes through this fetch: it wraps the one @actions/github configures (which
 * honours the runner's proxy) so that an answer that never comes, or never ends, or is huge, cannot hold the step:
 * each request has a deadline for its whole answer, the run's cancellation aborts it, and no more than
 * `maxBytes` of a body is read.
 */
import { open } from 'node:fs/promises';

export interface BoundedFetchOptions {
  /** The whole exchange, body included, ends by then (ms from its start). */
  deadlineMs: number;
  /** The most of a body read. */
  maxBytes: number;
  /** The run's cancellation. */
  signal?: AbortSignal;
  /**
   * Write a successful answer's body to this file (created, never overwritten) instead of holding it: the answer
   * handed on then has no body. Answers that are not 2xx are read as usual, for their error.
   */
  saveTo?: string;
}

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Statuses whose answers have no body: a Response with one cannot be made. */
const NO_BODY = new Set([101, 204, 205, 304]);

/** A GitHub answer that broke a bound: too slow, or too large. Never retried. */
export class GitHubAnswerError extends Error {
  override name = 'GitHubAnswerError';
}

export function boundedFetch(inner: Fetch, options: BoundedFetchOptions): Fetch {
  return async (input, init = {}) => {
    const deadline = AbortSignal.timeout(options.deadlineMs);
    const signals = [init.signal ?? undefined, options.signal, deadline].filter((s): s is AbortSignal => !!s);
    const signal = AbortSignal.any(signals);
    const what = `${init.method ?? 'GET'} ${describe(input)}`;
    try {
      const res = await inner(input, { ...init, signal });
      if (options.saveTo !== undefined && res.ok) {
        await saveAtMost(res, options.saveTo, options.maxBytes, what);
        return new Response(null, { status: res.status, statusText: res.statusText, headers: res.headers });
      }
      const body = NO_BODY.has(res.status) ? null : await readAtMost(res, options.maxBytes, what);
      return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    } catch (error) {
      if (deadline.aborted && !options.signal?.aborted) {
        throw new GitHubAnswerError(`GitHub did not answer ${what} within ${Math.round(options.deadlineMs / 1000)} s`, {
          cause: error,
        });
      }
      throw error;
    }
  };
}

async function readAtMost(res: Response, maxBytes: number, what: string): Promise<Uint8Array | null> {
  if (!res.body) return null;
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = (await reader.read()) as { done: boolean; value?: Uint8Array };
    if (next.done || !next.value) break;
    const value = next.value;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new GitHubAnswerError(
        `GitHub's answer to ${what} was larger than ${Math.round(maxBytes / (1024 * 1024))} MiB, so it was not read`,
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

async function saveAtMost(res: Response, file: string, maxBytes: number, what: string): Promise<void> {
  const out = await open(file, 'wx', 0o600);
  try {
    if (!res.body) return;
    let size = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > maxBytes)
        throw new GitHubAnswerError(
          `GitHub's answer to ${what} was larger than ${Math.round(maxBytes / (1024 * 1024))} MiB, so it was not read`,
        );
      await out.write(chunk);
    }
  } finally {
    await out.close();
  }
}

/** The request's path, never its query (which may carry a token on some servers). */
function describe(input: string | URL | Request): string {
  try {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return url.pathname;
  } catch {
    return 'a request';
  }
}
