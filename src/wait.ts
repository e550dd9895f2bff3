/** Waits for Together to finish processing uploaded files: polls with backoff until each settles or a deadline. */
import { mapLimit } from './concurrency.js';
import { readProcessingState, type ProcessingState } from './processing.js';
import { AuthenticationError, NotFoundError, TogetherApiError } from './together/errors.js';
import type { FileObject } from './together/types.js';

export type WaitOutcome =
  | Exclude<ProcessingState, { kind: 'pending' }>
  | { kind: 'timeout'; status: string | null; error: string }
  | { kind: 'failed'; status: string | null; error: string }
  | { kind: 'cancelled'; status: string | null };

export interface WaitItem {
  id: string;
  /** How logs name the file (its path). */
  label: string;
  /** The status the caller last saw (from /preprocess), so only changes are logged. */
  status?: string | null;
}

export interface WaitDeps {
  /** One `GET /files/{id}`, ended by `deadline` (epoch ms) at the latest; not retried: the wait's loop polls again. */
  retrieve: (fileId: string, deadline: number) => Promise<FileObject>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  log: (message: string) => void;
  /** Called once per file, when its result is final. */
  onSettled?: (fileId: string, result: WaitOutcome) => void;
  /** Stops waiting: pending files come back `cancelled`. */
  signal?: AbortSignal;
  /** Polls in flight at once (default 8). */
  concurrency?: number;
}

/** How long past the deadline a poll may still take: the last poll starts right at the deadline. */
export const LAST_POLL_GRACE_MS = 5000;
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 10_000;
const GROWTH = 1.5;

/** The pause before poll round `round` (from 0): 1 s, growing by half each round, capped at 10 s. */
export function pollDelayMs(round: number): number {
  return Math.min(MAX_DELAY_MS, Math.round(FIRST_DELAY_MS * GROWTH ** round));
}

/**
 * Polls every pending file each round until all have settled or `deadline` (epoch ms) passes: the deadline bounds
 * every pause and every request. A poll that fails for a passing reason is tried again next round (no sooner than
 * a server's Retry-After); a file that no longer exists, or that the key may not read, fails. Files still pending
 * at the deadline come back as `timeout`.
 */
export async function waitForProcessing(
  items: WaitItem[],
  deadline: number,
  deps: WaitDeps,
): Promise<Map<string, WaitOutcome>> {
  const results = new Map<string, WaitOutcome>();
  const lastStatus = new Map(items.map((item) => [item.id, item.status ?? null]));
  const lastError = new Map<string, string>();
  const started = deps.now();
  let pending = items;
  /** The longest pause a server asked for in the last round (429 or 503 with Retry-After). */
  let askedPauseMs = 0;

  for (let round = 0; pending.length > 0; round += 1) {
    // Each round starts with a pause: the caller has just seen each file's status (from /preprocess).
    const remaining = deadline - deps.now();
    if (remaining <= 0) break;
    // Sleep at most until the deadline, so a last poll happens right at it.
    await deps.sleep(Math.min(Math.max(pollDelayMs(round), askedPauseMs), remaining));
    if (deps.signal?.aborted) break;
    askedPauseMs = 0;

    await mapLimit(pending, deps.concurrency ?? 8, async (item) => {
      const result = await pollOnce(
        item,
        deadline,
        deps,
        lastError,
        (ms) => (askedPauseMs = Math.max(askedPauseMs, ms)),
      );
      if (!result) return;
      if (result.kind !== 'pending') {
        results.set(item.id, result);
        deps.onSettled?.(item.id, result);
        deps.log(`${item.label}: ${describe(result)} after ${seconds(deps.now() - started)}`);
      } else if (lastStatus.get(item.id) !== result.status) {
        deps.log(`${item.label}: ${result.status ?? 'not processed yet'} (${seconds(deps.now() - started)})`);
      }
      lastStatus.set(item.id, result.status);
    });
    pending = pending.filter((item) => !results.has(item.id));
  }

  for (const item of pending) {
    if (deps.signal?.aborted) {
      const result: WaitOutcome = { kind: 'cancelled', status: lastStatus.get(item.id) ?? null };
      results.set(item.id, result);
      deps.onSettled?.(item.id, result);
      continue;
    }
    const status = lastStatus.get(item.id) ?? null;
    const cause = lastError.get(item.id);
    const result: WaitOutcome = {
      kind: 'timeout',
      status,
      error: `Together had not finished processing the file when the wait-timeout ran out (last status ${status ?? 'unknown'}${cause ? `; last poll error: ${cause}` : ''}). The file ID is kept: check it later, or raise wait-timeout.`,
    };
    results.set(item.id, result);
    deps.onSettled?.(item.id, result);
    deps.log(`${item.label}: still ${status ?? 'not processed'} at the deadline (${seconds(deps.now() - started)})`);
  }
  return results;
}

async function pollOnce(
  item: WaitItem,
  deadline: number,
  deps: WaitDeps,
  lastError: Map<string, string>,
  askPause: (ms: number) => void,
): Promise<ProcessingState | WaitOutcome | undefined> {
  try {
    return readProcessingState(await deps.retrieve(item.id, deadline + LAST_POLL_GRACE_MS));
  } catch (error) {
    if (deps.signal?.aborted) return undefined;
    if (error instanceof NotFoundError || error instanceof AuthenticationError) {
      return { kind: 'failed', status: null, error: `Could not check processing: ${error.message}` };
    }
    if (error instanceof TogetherApiError && error.retryAfterMs) askPause(error.retryAfterMs);
    const message = error instanceof Error ? error.message : String(error);
    lastError.set(item.id, message);
    deps.log(`${item.label}: polling failed, will try again (${message})`);
    return undefined;
  }
}

function describe(result: WaitOutcome): string {
  switch (result.kind) {
    case 'processed':
      return `processed${result.status ? ` (${result.status})` : ''}`;
    case 'rejected':
      return `rejected (${result.status})`;
    default:
      return result.kind;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
