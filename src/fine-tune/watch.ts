/**
 * Waiting for a job: polled with growing pauses (a minute at most between polls), each new event printed once
 * (events have no ID: they are told apart by time, type and message), a progress line when the status or the step
 * changes, statuses never seen before logged once and waited through, and a `job_restarted` event naming a new job
 * followed to that job. Ends at a terminal status, at the deadline, or when the run is cancelled.
 */
import { messageOf } from '../error-text.js';
import type { TogetherClient } from '../together/client.js';
import { AuthenticationError, NotFoundError } from '../together/errors.js';
import type { FineTuneEvent, FineTuneJob } from '../together/types.js';
import { isValidJobId } from '../together/wire.js';

export const TERMINAL_STATUSES = ['completed', 'error', 'user_error', 'cancelled'] as const;
const KNOWN_STATUSES = new Set([
  'pending',
  'queued',
  'running',
  'compressing',
  'uploading',
  'cancel_requested',
  ...TERMINAL_STATUSES,
]);

export interface Stage {
  status: string;
  /** When it was first seen, epoch ms. */
  at: number;
}

export interface WatchResult {
  job: FineTuneJob;
  /** The last status seen (lower case). */
  status: string;
  /** Why waiting stopped before a terminal status. */
  stopped?: 'deadline' | 'cancelled';
  stages: Stage[];
  /** Every event seen, in order, across restarts. */
  events: FineTuneEvent[];
  /** The jobs followed after restarts, in order (the last is `job`). */
  restartedFrom: string[];
}

export interface WatchDeps {
  client: TogetherClient;
  log: (message: string) => void;
  warn: (message: string) => void;
  now: () => number;
  /** Resolves after `ms`, or early when the run is cancelled. */
  sleep: (ms: number) => Promise<void>;
  signal?: AbortSignal;
  /** The longest pause between polls. */
  pollMaxMs: number;
  /** Epoch ms: waiting stops then. */
  deadline: number;
}

/** The pause before poll `round` (from 0): 1 s, growing by half each poll, capped. */
export function jobPollDelayMs(round: number, maxMs: number): number {
  return Math.min(maxMs, Math.round(1000 * 1.5 ** round));
}

export async function watchJob(first: FineTuneJob, deps: WatchDeps): Promise<WatchResult> {
  const seen = new Set<string>();
  const events: FineTuneEvent[] = [];
  const stages: Stage[] = [];
  const unknown = new Set<string>();
  const restartedFrom: string[] = [];
  let job = first;
  let progress = '';
  for (let round = 0; ; round += 1) {
    const status = (job.status ?? 'unknown').toLowerCase();
    if (stages.at(-1)?.status !== status) stages.push({ status, at: deps.now() });
    for (const event of job.events ?? []) {
      const key = `${String(event.created_at)}|${String(event.type)}|${String(event.message)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      events.push(event);
      const line = `[${String(event.created_at ?? '')}] ${String(event.type ?? 'event')}: ${String(event.message ?? '')}`;
      if (/^(error|warning)/i.test(String(event.level ?? ''))) deps.warn(`${job.id} ${line}`);
      else deps.log(line);
    }
    const successor = restartedTo(job, events);
    if (successor && !restartedFrom.includes(successor) && successor !== job.id) {
      deps.log(`Together restarted job ${job.id} as ${successor}; following ${successor}.`);
      restartedFrom.push(job.id);
      job = { id: successor, status: 'pending' };
      continue;
    }
    if (!KNOWN_STATUSES.has(status) && !unknown.has(status)) {
      unknown.add(status);
      deps.log(`Status '${status}' is new to this action; waiting on as for a running job.`);
    }
    const line = progressLine(job, status);
    if (line !== progress) {
      progress = line;
      deps.log(line);
    }
    if ((TERMINAL_STATUSES as readonly string[]).includes(status)) {
      return { job, status, stages, events, restartedFrom };
    }
    if (deps.signal?.aborted) return { job, status, stopped: 'cancelled', stages, events, restartedFrom };
    if (deps.now() >= deps.deadline) return { job, status, stopped: 'deadline', stages, events, restartedFrom };
    await deps.sleep(Math.min(jobPollDelayMs(round, deps.pollMaxMs), Math.max(0, deps.deadline - deps.now())));
    if (deps.signal?.aborted) return { job, status, stopped: 'cancelled', stages, events, restartedFrom };
    try {
      job = await deps.client.retrieveFineTune(job.id, { signal: deps.signal, maxRetries: 2 });
    } catch (error) {
      if (deps.signal?.aborted) return { job, status, stopped: 'cancelled', stages, events, restartedFrom };
      if (error instanceof NotFoundError || error instanceof AuthenticationError) throw error;
      deps.log(`Polling ${job.id} failed, will try again: ${messageOf(error)}`);
    }
  }
}

/** The job a `job_restarted` event of this job names (its `job_id`, or an ID in its message). */
function restartedTo(job: FineTuneJob, events: FineTuneEvent[]): string | undefined {
  for (const event of [...(job.events ?? []), ...events].reverse()) {
    if (String(event.type ?? '').toLowerCase() !== 'job_restarted') continue;
    const named = isValidJobId(event.job_id)
      ? event.job_id
      : /\bft-[A-Za-z0-9][\w-]*/.exec(String(event.message ?? ''))?.[0];
    if (named && named !== job.id && isValidJobId(named)) return named;
  }
  return undefined;
}

/** `running · step 2 of 4 · epoch 1 · about 1 min left`. */
function progressLine(job: FineTuneJob, status: string): string {
  const parts = [`${job.id}: ${status}`];
  const last = [...(job.events ?? [])].reverse().find((e) => typeof e.step === 'number');
  if (last) parts.push(`step ${last.step}${typeof last.total_steps === 'number' ? ` of ${last.total_steps}` : ''}`);
  if (typeof job.epochs_completed === 'number' && job.epochs_completed > 0)
    parts.push(`${job.epochs_completed} epoch${job.epochs_completed === 1 ? '' : 's'} done`);
  const left = job.progress?.estimate_available ? job.progress.seconds_remaining : undefined;
  if (typeof left === 'number')
    parts.push(`about ${left < 90 ? `${Math.round(left)} s` : `${Math.round(left / 60)} min`} left`);
  return parts.join(' · ');
}

/** The job's last error, as Together said it: its last error-level or job_error event. */
export function lastError(events: FineTuneEvent[]): string | undefined {
  const event = [...events]
    .reverse()
    .find((e) => /^error/i.test(String(e.level ?? '')) || String(e.type ?? '').toLowerCase() === 'job_error');
  return event?.message === undefined ? undefined : String(event.message);
}
