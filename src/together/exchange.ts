/**
 * One HTTP exchange with a bounded answer: every request the action makes to Together and its storage goes
 * through here, so no server can hold the step or its memory, however it answers. The answer is read whole, but
 * never more than `maxBytes` of it (the rest is not read: `tooLarge`), and never past the attempt's deadline (a
 * body that trickles a byte a second ends as a StallError, retried like a broken connection).
 */
import { request, type Dispatcher } from 'undici';
import { StallError } from './errors.js';

export interface BoundedAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text (UTF-8), up to `maxBytes`; empty when it was too large. */
  text: string;
  /** The body went past `maxBytes`: it was not read further, and `text` is empty. */
  tooLarge: boolean;
  /** The limit the body was read to. */
  maxBytes: number;
}

export interface ExchangeLimits {
  /** The most of the body read. */
  maxBytes: number;
  /** The attempt ends by then (ms from now): connect, headers and the whole body. Undefined: no deadline here. */
  deadlineMs?: number;
  /** What the deadline message calls the exchange. */
  label: string;
}

/** Sends the request and reads its answer within the limits. */
export async function exchange(
  url: string,
  options: Omit<Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Dispatcher; signal?: AbortSignal },
  limits: ExchangeLimits,
): Promise<BoundedAnswer> {
  const deadline = limits.deadlineMs === undefined ? undefined : AbortSignal.timeout(limits.deadlineMs);
  const signals = [options.signal, deadline].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  try {
    const res = await request(url, { ...options, signal });
    const { text, tooLarge } = await readBounded(res.body, limits.maxBytes);
    return { statusCode: res.statusCode, headers: res.headers, text, tooLarge, maxBytes: limits.maxBytes };
  } catch (error) {
    if (deadline?.aborted && !options.signal?.aborted) {
      throw new StallError(`${limits.label}: no complete answer within ${Math.round(limits.deadlineMs! / 1000)} s`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** Reads a body up to `maxBytes`; past that it is destroyed unread (the connection goes with it). */
export async function readBounded(
  body: AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => unknown },
  maxBytes: number,
): Promise<{ text: string; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      body.destroy?.();
      return { text: '', tooLarge: true };
    }
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return { text: Buffer.concat(chunks, size).toString('utf8'), tooLarge: false };
}

/** How a body that was too large is described where its text would be. */
export function tooLargeDetail(maxBytes: number): string {
  return `the answer's body was larger than ${formatLimit(maxBytes)}, so it was not read`;
}

function formatLimit(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
