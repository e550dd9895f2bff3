/**
 * Waits for Together to finish processing uploaded files. Each file is waited for from the moment its upload ends
 * (while the others still upload), polled on its own schedule, soon at first (a small file is often processed
 * within a second), then less and less often, until it settles or its deadline passes.
 */
import { messageOf } from './error-text.js';
import { mapLimit } from './concurrency.js';
import { readProcessingState, type ProcessingState } from './processing.js';
import { AuthenticationError, NotFoundError, TogetherApiError } from './together/errors.js';
import { MAX_TIMER_MS } from './together/limits.js';
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
  /** Resolves after `ms`, or early when `wake` is called (a file joined) or the run is cancelled. */
  sleep: (ms: number, wake: AbortSignal) => Promise<void>;
  log: (message: string) => void;
  /** Called once per file, when its result is final. */
  onSettled?: (fileId: string, result: WaitOutcome) => void;
  /** Stops waiting: pending files come back `cancelled`. */
  signal?: AbortSignal;
  /** Polls in flight at once (default 8). */
  concurrency?: number;
}

/** How long past its deadline a file's last poll may still take: the last poll starts right at the deadline. */
export const LAST_POLL_GRACE_MS = 5000;
const FIRST_DELAY_MS = 100;
const SECOND_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;
const GROWTH = 1.5;

/** The pause before a file's poll `round` (from 0): 100 ms, then 500 ms growing by half each poll, capped at 10 s. */
export function pollDelayMs(round: number): number {
  if (round === 0) return FIRST_DELAY_MS;
  return Math.min(MAX_DELAY_MS, Math.round(SECOND_DELAY_MS * GROWTH ** (round - 1)));
}

interface Waiting extends WaitItem {
  since: number;
  deadline: number;
  round: number;
  nextPollAt: number;
  lastError?: string;
}

/** Files join as their uploads end; `run` polls them until each settles, and ends once `close` was called. */
export class ProcessingWaiter {
  private readonly pending = new Map<string, Waiting>();
  private closed = false;
  private wake = new AbortController();

  constructor(
    /** How long each file is waited for, from the moment it joins. */
    private readonly timeoutMs: number,
    private readonly deps: WaitDeps,
  ) {}

  /** Starts waiting for this file now. */
  add(item: WaitItem): void {
    const now = this.deps.now();
    this.pending.set(item.id, {
      ...item,
      since: now,
      deadline: now + this.timeoutMs,
      round: 0,
      nextPollAt: now + pollDelayMs(0),
    });
    this.wake.abort();
  }

  /** No more files will join. */
  close(): void {
    this.closed = true;
    this.wake.abort();
  }

  async run(): Promise<void> {
    const { deps } = this;
    while (!(this.closed && this.pending.size === 0)) {
      if (deps.signal?.aborted) break;
      const now = deps.now();
      const due = [...this.pending.values()].filter((w) => Math.min(w.nextPollAt, w.deadline) <= now);
      if (due.length > 0) {
        await mapLimit(due, deps.concurrency ?? 8, (w) => this.poll(w));
        continue;
      }
      if (this.wake.signal.aborted) this.wake = new AbortController();
      if (this.pending.size === 0) {
        // Nothing to poll yet: wait for a file to join (or for the last one to have joined).
        await untilAborted(this.wake.signal, deps.signal);
        continue;
      }
      // Sleep until the next poll is due, or until a file joins.
      const next = Math.min(...[...this.pending.values()].map((w) => Math.min(w.nextPollAt, w.deadline)));
      await deps.sleep(Math.min(Math.max(0, next - now), MAX_TIMER_MS), this.wake.signal);
    }
    for (const w of this.pending.values()) this.settle(w, { kind: 'cancelled', status: w.status ?? null });
  }

  private async poll(w: Waiting): Promise<void> {
    const { deps } = this;
    const atDeadline = deps.now() >= w.deadline;
    const state = await this.pollOnce(w);
    if (deps.signal?.aborted || !this.pending.has(w.id)) return;
    if (state && state.kind !== 'pending') {
      this.settle(w, state);
      deps.log(`${w.label}: ${describe(state)} after ${seconds(deps.now() - w.since)}`);
      return;
    }
    if (state && w.status !== state.status) {
      deps.log(`${w.label}: ${state.status ?? 'not processed yet'} (${seconds(deps.now() - w.since)})`);
      w.status = state.status;
    }
    if (atDeadline) {
      const status = w.status ?? null;
      this.settle(w, {
        kind: 'timeout',
        status,
        error: `Together had not finished processing the file when the wait-timeout ran out (last status ${status ?? 'unknown'}${w.lastError ? `; last poll error: ${w.lastError}` : ''}). The file ID is kept: check it later, or raise wait-timeout.`,
      });
      deps.log(`${w.label}: still ${status ?? 'not processed'} at the deadline (${seconds(deps.now() - w.since)})`);
      return;
    }
    w.round += 1;
    w.nextPollAt = Math.max(w.nextPollAt, deps.now() + pollDelayMs(w.round));
  }

  /** One poll: the file's state; a final outcome when it cannot be polled any more; undefined when it failed for now. */
  private async pollOnce(w: Waiting): Promise<ProcessingState | WaitOutcome | undefined> {
    const { deps } = this;
    try {
      return readProcessingState(await deps.retrieve(w.id, w.deadline + LAST_POLL_GRACE_MS));
    } catch (error) {
      if (deps.signal?.aborted) return undefined;
      if (error instanceof NotFoundError || error instanceof AuthenticationError) {
        return { kind: 'failed', status: null, error: `Could not check processing: ${error.message}` };
      }
      // A server that asks for a pause gets it: the next poll is no sooner.
      if (error instanceof TogetherApiError && error.retryAfterMs) w.nextPollAt = deps.now() + error.retryAfterMs;
      w.lastError = messageOf(error);
      deps.log(`${w.label}: polling failed, will try again (${w.lastError})`);
      return undefined;
    }
  }

  private settle(w: Waiting, outcome: WaitOutcome): void {
    this.pending.delete(w.id);
    this.deps.onSettled?.(w.id, outcome);
  }
}

/** Resolves once either signal aborts. */
function untilAborted(signal: AbortSignal, also: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const signals = also ? [signal, also] : [signal];
    if (signals.some((s) => s.aborted)) return resolve();
    for (const s of signals) s.addEventListener('abort', () => resolve(), { once: true });
  });
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
