/**
 * The fine-tune action: reads its settings once, checks everything it can before a job costs money (the files,
 * the model's limits, the rules between inputs, the price), creates the job exactly once, waits for it, and hands
 * on the model's name. It talks to the runner only through runner.ts, which sanitises all it prints.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { cancelOnSignals } from '../cancellation.js';
import { messageOf } from '../error-text.js';
import { readProcessingState } from '../processing.js';
import { failStep, maskSecret, readInput, runnerLog as log, setOutputs, writeSummary } from '../runner.js';
import { disableWasmTierUp } from '../runtime-tuning.js';
import { TogetherClient } from '../together/client.js';
import { CLEANUP_TIMEOUT_MS } from '../together/limits.js';
import { NotFoundError } from '../together/errors.js';
import { ProcessingWaiter } from '../wait.js';
import { createOnce } from './create.js';
import { preflightProblems } from './preflight.js';
import { fineTuneOutputs, renderFineTuneSummary, type FineTuneOutcome } from './report.js';
import { readFineTuneSettings, type FineTuneSettings } from './settings.js';
import { lastError, watchJob } from './watch.js';

export async function runFineTune(): Promise<void> {
  let settings: FineTuneSettings;
  try {
    settings = readFineTuneSettings({ read: readInput, env: process.env, maskSecret });
  } catch (error) {
    failStep(messageOf(error));
    return;
  }
  const cancel = cancelOnSignals(log, 'the job is cancelled too (cancel-on-cancel), and what finished is written');
  disableWasmTierUp();
  const started = Date.now();
  const client = new TogetherClient({
    apiKey: settings.apiKey,
    baseUrl: settings.baseUrl,
    maxRetries: settings.maxRetries,
    signal: cancel.signal,
    log: (m) => log.info(m),
    attemptDeadlineMs: settings.attemptDeadlineMs,
    rateLimitBudgetMs: settings.rateLimitBudgetMs,
  });
  const outcome: FineTuneOutcome = {
    status: 'not-started',
    job: undefined,
    request: settings.request,
    secrets: settings.secrets,
    stages: [],
    events: [],
    metrics: [],
    restartedFrom: [],
    notes: [],
  };
  try {
    const problems = await checkBeforeCreating(settings, client, outcome, cancel.signal);
    if (cancel.signal.aborted) {
      outcome.failure = 'The run was cancelled before the job was created; nothing was started.';
    } else if (problems.length > 0) {
      outcome.failure = `The job was not created (nothing was billed): ${problems.length} problem${problems.length === 1 ? '' : 's'}.`;
      for (const problem of problems) log.warning(problem);
      outcome.notes.push(...problems);
    } else {
      const created = await createOnce(
        settings.request,
        { reuse: settings.reuse, maxRetries: settings.maxRetries, startedAt: started },
        {
          client,
          log: (m) => log.info(m),
          now: Date.now,
          sleep: (ms) => sleep(ms, undefined, { signal: cancel.signal }).catch(() => undefined),
          signal: cancel.signal,
        },
      );
      outcome.job = created.job;
      outcome.status = (created.job.status ?? 'pending').toLowerCase();
      if (created.how !== 'created') outcome.notes.push(`Job ${created.job.id} was ${created.how}.`);
      log.info(`Fine-tune job ${created.job.id} ${created.how}: ${created.job.model_output_name ?? ''}`.trim());
      if (settings.wait) await waitForJob(settings, client, outcome, cancel.signal);
      else outcome.notes.push('Not waited for (wait: false): the job goes on on Together.');
    }
  } catch (error) {
    outcome.failure = messageOf(error);
  }
  if (cancel.signal.aborted && outcome.job && !isTerminal(outcome.status)) await cancelJob(settings, client, outcome);
  await client.close();
  setOutputs(fineTuneOutputs(outcome));
  await writeSummary(renderFineTuneSummary(outcome, Date.now()));
  if (outcome.failure) failStep(outcome.failure);
  else if (outcome.status !== 'completed' && settings.wait)
    failStep(`Job ${outcome.job?.id ?? ''} ended ${outcome.status}.`);
  cancel.dispose();
}

/** Every check that can be made before the job exists; the problems found, each with its fix. */
async function checkBeforeCreating(
  settings: FineTuneSettings,
  client: TogetherClient,
  outcome: FineTuneOutcome,
  signal: AbortSignal,
): Promise<string[]> {
  const problems: string[] = [];
  await log.group('Check the files, the model and the price before creating the job', async () => {
    for (const [input, id] of [
      ['training-file', settings.trainingFile],
      ['validation-file', settings.validationFile],
    ] as const) {
      if (!id) continue;
      const problem = await fileProblem(input, id, settings, client, signal);
      if (problem) problems.push(problem);
      else log.info(`${input} ${id}: processed, purpose fine-tune`);
    }
    let limits;
    if (settings.model) {
      try {
        limits = await client.modelLimits(settings.model, { signal });
        log.info(`${settings.model}: limits read`);
      } catch (error) {
        if (error instanceof NotFoundError) {
          problems.push(
            `Input 'model' is '${settings.model}', which Together does not fine-tune: ${error.detail}. See Together's list of fine-tunable models.`,
          );
        } else throw error;
      }
    } else {
      log.info(
        `from-checkpoint ${settings.fromCheckpoint}: the model's limits are the checkpoint's; Together checks them.`,
      );
    }
    problems.push(...preflightProblems(settings, limits));
    if (problems.length > 0 || !settings.model) {
      if (settings.maxPrice !== undefined && !settings.model)
        problems.push(
          "Input 'max-price' needs 'model' to ask Together for an estimate; with only from-checkpoint, it cannot be enforced.",
        );
      return;
    }
    const answer = await client.estimatePrice(
      {
        trainingFile: settings.trainingFile,
        model: settings.model,
        epochs: typeof settings.request.n_epochs === 'number' ? settings.request.n_epochs : 1,
        extra: pick(settings.request, ['validation_file', 'n_evals', 'training_method', 'training_type']),
      },
      { signal },
    );
    if (answer.estimation_available === false) {
      const reason = String(answer.unavailable_reason ?? 'unknown');
      log.warning(`Together gives no price estimate (${reason}).`);
      if (settings.maxPrice !== undefined)
        problems.push(
          `Input 'max-price' is ${settings.maxPrice}, but Together gives no estimate (${reason}), so the price cannot be held to it.`,
        );
      return;
    }
    const price = typeof answer.estimated_total_price === 'number' ? answer.estimated_total_price : null;
    const tokens = typeof answer.estimated_train_token_count === 'number' ? answer.estimated_train_token_count : null;
    outcome.estimate = { price, tokens };
    log.info(
      `Together estimates ${price === null ? 'an unknown price' : `$${price.toFixed(2)}`}${tokens === null ? '' : ` for ${tokens.toLocaleString('en-US')} training tokens`}.`,
    );
    if (answer.allowed_to_proceed === false) {
      problems.push(
        `Together says the account may not start this job (estimate $${price?.toFixed(2) ?? '?'}${typeof answer.user_limit === 'number' ? `, limit $${answer.user_limit}` : ''}): add credits or raise the limit under Settings -> Billing on api.together.ai.`,
      );
    }
    if (settings.maxPrice !== undefined && price !== null && price > settings.maxPrice) {
      problems.push(
        `Together estimates $${price.toFixed(2)}, over max-price $${settings.maxPrice.toFixed(2)}: raise max-price, or train on less (fewer epochs, a smaller file).`,
      );
    }
  });
  return problems;
}

/** Why a file cannot be trained on, or undefined; a file still processing is waited for. */
async function fileProblem(
  input: string,
  id: string,
  settings: FineTuneSettings,
  client: TogetherClient,
  signal: AbortSignal,
): Promise<string | undefined> {
  let file;
  try {
    file = await client.retrieve(id, { signal });
  } catch (error) {
    if (error instanceof NotFoundError)
      return `Input '${input}' is ${id}, which Together does not have (404): upload it first, or check the ID.`;
    throw error;
  }
  if (file.purpose && file.purpose !== 'fine-tune')
    return `Input '${input}' is ${id}, a file of purpose ${file.purpose}: fine-tuning needs purpose fine-tune. Upload it with purpose: fine-tune.`;
  let state = readProcessingState(file);
  if (state.kind === 'pending') {
    log.info(`${input} ${id}: still processing (${state.status ?? 'not done'}); waiting for it`);
    let settled: ReturnType<typeof readProcessingState> | { kind: 'timeout' | 'failed' | 'cancelled' } | undefined;
    const waiter = new ProcessingWaiter(Math.min(settings.waitTimeoutSeconds, 3600) * 1000, {
      retrieve: (fileId, deadline) => client.retrieve(fileId, { signal, deadline, maxRetries: 0 }),
      now: Date.now,
      sleep: (ms, wake) => sleep(ms, undefined, { signal: AbortSignal.any([wake, signal]) }).catch(() => undefined),
      log: (m) => log.info(m),
      onSettled: (_, result) => (settled = result),
      signal,
    });
    const running = waiter.run();
    waiter.add({ id, label: input, status: state.status });
    waiter.close();
    await running;
    if (!settled || settled.kind !== 'processed') {
      if (settled?.kind === 'rejected') state = settled;
      else
        return `Input '${input}' is ${id}, which Together had not finished processing in time: run again once it is processed.`;
    } else state = settled;
  }
  if (state.kind === 'rejected') return `Input '${input}' is ${id}, which Together rejected: ${state.error}`;
  return undefined;
}

async function waitForJob(
  settings: FineTuneSettings,
  client: TogetherClient,
  outcome: FineTuneOutcome,
  signal: AbortSignal,
): Promise<void> {
  const watched = await watchJob(outcome.job!, {
    client,
    log: (m) => log.info(m),
    warn: (m) => log.warning(m),
    now: Date.now,
    sleep: (ms) => sleep(ms, undefined, { signal }).catch(() => undefined),
    signal,
    pollMaxMs: settings.pollMaxMs,
    deadline: Date.now() + settings.waitTimeoutSeconds * 1000,
  });
  outcome.job = watched.job;
  outcome.status = watched.status;
  outcome.stages = watched.stages;
  outcome.events = watched.events;
  outcome.restartedFrom = watched.restartedFrom;
  if (watched.stopped === 'deadline') {
    outcome.failure = `Job ${watched.job.id} was still ${watched.status} when wait-timeout (${settings.waitTimeoutSeconds} s) ran out; it goes on on Together (not cancelled). Raise wait-timeout, or follow it there.`;
    return;
  }
  if (watched.stopped === 'cancelled') return;
  if (watched.status !== 'completed') {
    const reason = lastError(watched.events);
    outcome.failure = `Job ${watched.job.id} ended ${watched.status}${reason ? `: ${reason}` : ''}.`;
  }
  try {
    outcome.metrics = await client.fineTuneMetrics(watched.job.id, { signal });
  } catch (error) {
    log.warning(`Could not read the job's metrics (the loss): ${messageOf(error)}`);
  }
}

/** A cancelled workflow cancels the job (cancel-on-cancel), saying that what already ran is billed. */
async function cancelJob(settings: FineTuneSettings, client: TogetherClient, outcome: FineTuneOutcome): Promise<void> {
  const id = outcome.job!.id;
  if (!settings.cancelOnCancel) {
    outcome.notes.push(`The run was cancelled; job ${id} goes on on Together (cancel-on-cancel: false).`);
    outcome.failure ??= 'The run was cancelled while the job ran.';
    return;
  }
  try {
    const job = await client.cancelFineTune(id, { signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS * 2) });
    outcome.status = (job.status ?? 'cancel_requested').toLowerCase();
    outcome.notes.push(
      `The run was cancelled, so job ${id} was cancelled on Together (${outcome.status}); the steps it already ran are billed.`,
    );
  } catch (error) {
    outcome.notes.push(
      `The run was cancelled, but cancelling job ${id} failed (${messageOf(error)}): cancel it on Together (together fine-tuning cancel ${id}).`,
    );
  }
  log.warning(outcome.notes.at(-1)!);
  outcome.failure ??= 'The run was cancelled.';
}

function isTerminal(status: string): boolean {
  return ['completed', 'error', 'user_error', 'cancelled'].includes(status);
}

function pick(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
}
