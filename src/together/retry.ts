/**
 * The retry policy, explicit and pure: what is retried (connection errors, stalls, 408, 429, 5xx; never a 409 or an
 * expired presigned URL), how long to wait (the server's `retry-after-ms` or `Retry-After`, up to 60 s; else
 * exponential backoff with jitter), and the one loop every request of the client runs in, bounded by its deadline.
 */
import { MAX_TIMER_MS } from './limits.js';
import { DeadlineError, RateLimitedError, StallError, StorageError, TogetherApiError } from './errors.js';

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

/** Backoff before retry `attempt` (1 for the first retry): 1 s, 2 s, 4 s… capped at 10 s, minus up to 25 % jitter. */
export function backoffMs(attempt: number, random: () => number): number {
  const base = Math.min(MAX_BACKOFF_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  return Math.round(base * (1 - 0.25 * random()));
}

/** Why an attempt failed: retry (after `delayMs` if the server asked), or give up. */
export type AttemptFailure = { retry: true; reason: string; delayMs?: number } | { retry: false };

/** Classifies a failed request. An expired presigned URL is not retried: it needs a fresh URL. */
export function classifyFailure(error: unknown): AttemptFailure {
  if (error instanceof StorageError) {
    if (error.expired || !isRetryableStatus(error.status)) return { retry: false };
    return {
      retry: true,
      reason: `storage answered HTTP ${error.status}${error.code ? ` ${error.code}` : ''}`,
      delayMs: error.retryAfterMs,
    };
  }
  if (error instanceof TogetherApiError) {
    if (!isRetryableStatus(error.status)) return { retry: false };
    return { retry: true, reason: `HTTP ${error.status} (${error.detail})`, delayMs: error.retryAfterMs };
  }
  if (error instanceof StallError) return { retry: true, reason: error.message };
  if (isConnectionError(error)) {
    const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
    return { retry: true, reason: `connection failed (${code ?? 'reset'})` };
  }
  return { retry: false };
}

/**
 * One account, one rate limit: when any request is answered 429, every request of the step waits out the pause
 * (not each file on its own, which multiplied the wait by the files in flight), and the time the step spends
 * shut out is bounded: past `budgetMs` in all, requests fail at once with RateLimitedError.
 */
export class RateLimitGate {
  private openAt = 0;
  private closedMs = 0;

  constructor(
    /** How long, in all, the step may wait on rate limits. */
    readonly budgetMs: number,
    private readonly now: () => number,
  ) {}

  /** A 429 asked for a pause of `delayMs`: the gate shuts until then (time already shut is not counted twice). */
  hold(delayMs: number): void {
    const now = this.now();
    const from = Math.max(this.openAt, now);
    const until = now + delayMs;
    if (until <= from) return;
    this.closedMs += until - from;
    this.openAt = until;
  }

  /** The step has waited on rate limits past its budget. */
  get exhausted(): boolean {
    return this.closedMs > this.budgetMs;
  }

  /** How long the gate is still shut, in ms (0 when open). */
  remainingMs(): number {
    return Math.max(0, this.openAt - this.now());
  }

  /** Seconds spent shut so far. */
  get waitedSeconds(): number {
    return Math.round(this.closedMs / 1000);
  }
}

export interface RetryLoop {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  now: () => number;
  /** Logs each retry with its reason. */
  log: (message: string) => void;
  /** Stops retrying and aborts the attempt in flight (the run was cancelled). */
  signal?: AbortSignal;
  /** Epoch ms: an attempt in flight is aborted at it (DeadlineError), and no retry waits past it. */
  deadline?: number;
  /** Sees every failed attempt before it is classified (to clean up what a failed reservation left). */
  onFailure?: (error: unknown) => Promise<void>;
  /** The step's shared rate limit: waited on before every attempt, shut by every 429. */
  gate?: RateLimitGate;
}

/**
 * Runs `attempt` until it succeeds, fails in a way not worth retrying, runs out of retries, or would have to wait
 * past the deadline; then its last error is thrown. `attempt` gets the signal to pass to its request: the run's
 * cancellation and the deadline in one.
 */
export async function runWithRetries<T>(
  operation: string,
  attempt: (signal: AbortSignal | undefined) => Promise<T>,
  loop: RetryLoop,
): Promise<T> {
  for (let retry = 0; ; retry += 1) {
    if (loop.gate) await passGate(operation, loop.gate, loop);
    const remaining = loop.deadline === undefined ? undefined : loop.deadline - loop.now();
    if (remaining !== undefined && remaining <= 0) throw new DeadlineError(operation);
    // Clamped: a timer of more than 2^31 - 1 ms fires at once (Node warns and uses 1 ms).
    const timeout = remaining === undefined ? undefined : AbortSignal.timeout(Math.min(remaining, MAX_TIMER_MS));
    const signals = [loop.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
    try {
      return await attempt(signals.length > 1 ? AbortSignal.any(signals) : signals[0]);
    } catch (raw) {
      const error = timeout?.aborted && !loop.signal?.aborted ? new DeadlineError(operation) : raw;
      await loop.onFailure?.(error);
      const verdict = classifyFailure(error);
      if (!verdict.retry || retry >= loop.maxRetries || loop.signal?.aborted) throw error;
      const delay = verdict.delayMs ?? backoffMs(retry + 1, loop.random);
      if (loop.deadline !== undefined && loop.now() + delay >= loop.deadline) throw error;
      loop.log(
        `${operation}: ${verdict.reason}; retry ${retry + 1} of ${loop.maxRetries} in ${(delay / 1000).toFixed(1)} s${isRateLimited(error) && loop.gate ? " (every request waits: the rate limit is the account's)" : ''}`,
      );
      // A 429 shuts the gate for every request; the retry then waits there, with the others.
      if (isRateLimited(error) && loop.gate) loop.gate.hold(delay);
      else await loop.sleep(delay, loop.signal);
      if (loop.signal?.aborted) throw error;
    }
  }
}

function isRateLimited(error: unknown): boolean {
  return error instanceof TogetherApiError && error.status === 429;
}

/**
 * Waits while the rate-limit gate is shut; a request that would have to wait once the step's budget for such waits
 * is spent fails instead (one that finds the gate open goes through: the budget bounds waiting, not requests).
 */
async function passGate(operation: string, gate: RateLimitGate, loop: RetryLoop): Promise<void> {
  for (let wait = gate.remainingMs(); wait > 0; wait = gate.remainingMs()) {
    if (gate.exhausted) throw new RateLimitedError(operation, gate.waitedSeconds);
    if (loop.deadline !== undefined && loop.now() + wait >= loop.deadline) throw new DeadlineError(operation);
    await loop.sleep(Math.min(wait, MAX_TIMER_MS), loop.signal);
    if (loop.signal?.aborted) throw new Error(`${operation}: cancelled while waiting on the rate limit`);
  }
}
