/**
 * Creating the job exactly once. `POST /fine-tunes` has no idempotency key, so a create that may have reached
 * Together (the connection broke, the answer was lost, a 5xx came back) is never retried blindly: the account's
 * jobs are listed first, and one with the same training file, model and suffix created since the step started is
 * taken as this one. With `reuse`, a running or completed job of the same request is taken instead of creating one.
 */
import { messageOf } from '../error-text.js';
import type { TogetherClient } from '../together/client.js';
import { DeadlineError, StallError, TogetherApiError } from '../together/errors.js';
import { backoffMs, isConnectionError } from '../together/retry.js';
import type { FineTuneJob } from '../together/types.js';

export interface CreateDeps {
  client: TogetherClient;
  log: (message: string) => void;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  signal?: AbortSignal;
}

export interface Created {
  job: FineTuneJob;
  /** How the job was had: made now, found after a lost answer, or reused (`reuse: true`). */
  how: 'created' | 'found after a lost answer' | 'reused';
}

/** Statuses of a job that will not train: never reused. */
const DEAD = new Set(['error', 'user_error', 'cancelled', 'cancel_requested']);
/** Together's clock and this machine's may differ: a job up to this much older than the step is still its own. */
const CLOCK_SKEW_MS = 120_000;

export async function createOnce(
  request: Record<string, unknown>,
  options: { reuse: boolean; maxRetries: number; startedAt: number },
  deps: CreateDeps,
): Promise<Created> {
  if (options.reuse) {
    const existing = (await deps.client.listFineTunes({ signal: deps.signal })).find(
      (job) => sameRequest(job, request) && !DEAD.has(job.status?.toLowerCase() ?? ''),
    );
    if (existing) {
      deps.log(
        `reuse: job ${existing.id} (${existing.status ?? 'status unknown'}) has the same request; following it instead of starting another.`,
      );
      return { job: existing, how: 'reused' };
    }
    deps.log('reuse: no running or completed job has the same request; creating one.');
  }
  for (let attempt = 0; ; attempt += 1) {
    try {
      return { job: await deps.client.createFineTune(request, { signal: deps.signal }), how: 'created' };
    } catch (error) {
      if (deps.signal?.aborted) throw error;
      const unsure = mayHaveCreated(error);
      if (!unsure && !refusedForNow(error)) throw error;
      if (unsure) {
        // Before another try: did the one that failed start a job after all?
        const since = options.startedAt - CLOCK_SKEW_MS;
        const found = (await deps.client.listFineTunes({ signal: deps.signal })).find(
          (job) => sameRequest(job, request) && createdAtMs(job) >= since,
        );
        if (found) {
          deps.log(
            `POST /fine-tunes failed (${messageOf(error)}), but it had started job ${found.id}: following that job, not starting another.`,
          );
          return { job: found, how: 'found after a lost answer' };
        }
      }
      if (attempt >= options.maxRetries) throw error;
      const delay =
        (error instanceof TogetherApiError && error.retryAfterMs) || backoffMs(attempt + 1, deps.random ?? Math.random);
      deps.log(
        `POST /fine-tunes failed (${messageOf(error)})${unsure ? '; no job of this request was started' : ''}; retry ${attempt + 1} of ${options.maxRetries} in ${(delay / 1000).toFixed(1)} s`,
      );
      await deps.sleep(delay);
    }
  }
}

/** The request may have reached Together and started a job: the answer was lost, or a server error came back. */
function mayHaveCreated(error: unknown): boolean {
  if (error instanceof TogetherApiError) return error.status >= 500 || error.status === 0;
  return isConnectionError(error) || error instanceof StallError || error instanceof DeadlineError;
}

/** Refused before anything was done, and worth another try (rate limited, timed out at the gateway). */
function refusedForNow(error: unknown): boolean {
  return error instanceof TogetherApiError && (error.status === 429 || error.status === 408);
}

/** The same training file, model (or checkpoint), validation file and suffix. */
export function sameRequest(job: FineTuneJob, request: Record<string, unknown>): boolean {
  const model = typeof request.model === 'string' ? request.model : request.from_checkpoint;
  const suffix = typeof request.suffix === 'string' ? request.suffix : undefined;
  return (
    job.training_file === request.training_file &&
    (job.model === model || job.model === request.from_checkpoint) &&
    (job.validation_file ?? undefined) === (request.validation_file ?? undefined) &&
    (job.suffix === undefined || (job.suffix ?? undefined) === suffix)
  );
}

function createdAtMs(job: FineTuneJob): number {
  const value = job.created_at;
  const ms = typeof value === 'number' ? value * 1000 : Date.parse(String(value ?? ''));
  return Number.isNaN(ms) ? 0 : ms;
}
