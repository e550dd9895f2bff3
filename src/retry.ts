/**
 * The retry policy, explicit and pure: what is retried (connection errors, 408, 429, 5xx), and how long to wait
 * (the server's `retry-after-ms` or `Retry-After`, up to 60 s; else exponential backoff with jitter).
 */

/** The longest server-requested pause honoured. */
export const MAX_RETRY_AFTER_MS = 60_000;
const BASE_DELAY_MS = 1000;
const MAX_BACKOFF_MS = 10_000;

/** Statuses worth another try: a timeout, rate limiting, any server or gateway error. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** undici and Node errors that mean the connection failed or broke, not that the server refused. */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
]);

/** True for a connection that failed, was reset or timed out. */
export function isConnectionError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The server's requested pause from `retry-after-ms` or `Retry-After` (seconds or an HTTP date), capped at 60 s. */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, now: number): number | undefined {
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim();
  const ms = first(headers['retry-after-ms']);
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.min(Number(ms), MAX_RETRY_AFTER_MS);
  const after = first(headers['retry-after']);
  if (!after) return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Math.min(Number(after) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}

/** Backoff before retry `attempt` (1 for the first retry): 1 s, 2 s, 4 s… capped at 10 s, minus up to 25 % jitter. */
export function backoffMs(attempt: number, random: () => number): number {
  const base = Math.min(MAX_BACKOFF_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  return Math.round(base * (1 - 0.25 * random()));
}

export interface RetryOptions {
  /** Retries after the first attempt. */
  maxRetries: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  /** Logs each retry with its reason. */
  log: (message: string) => void;
  /** Stops retrying (the run was cancelled). */
  signal?: AbortSignal;
}

/** Why an attempt failed, as the caller classifies it: retry (after `delayMs` if the server asked) or give up. */
export type AttemptFailure = { retry: true; reason: string; delayMs?: number } | { retry: false };

/**
 * Runs `attempt` until it succeeds, it fails in a way `classify` says not to retry, or retries run out; then the
 * last error is thrown. `attempt` gets the attempt number (0 first).
 */
export async function withRetries<T>(
  what: string,
  attempt: (attemptNumber: number) => Promise<T>,
  classify: (error: unknown) => AttemptFailure,
  options: RetryOptions,
): Promise<T> {
  for (let number = 0; ; number += 1) {
    try {
      return await attempt(number);
    } catch (error) {
      const verdict = classify(error);
      if (!verdict.retry || number >= options.maxRetries || options.signal?.aborted) throw error;
      const delay = verdict.delayMs ?? backoffMs(number + 1, options.random);
      options.log(
        `${what}: ${verdict.reason}; retry ${number + 1} of ${options.maxRetries} in ${(delay / 1000).toFixed(1)} s`,
      );
      await options.sleep(delay);
      if (options.signal?.aborted) throw error;
    }
  }
}
