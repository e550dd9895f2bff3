/** The edge: reads inputs through @actions/core, runs the pipeline, writes outputs, summary, annotations, verdict. */
import * as core from '@actions/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { resolveFiles, type MatchedFile } from './files.js';
import { createGitHubApi, type GitHubApi } from './github/api.js';
import { commentMarker, pullRequestOf, type PullRequestRef } from './github/pull-request.js';
import { InputError, readInputs, type Inputs } from './inputs.js';
import type { Log } from './log.js';
import { checkAll, uploadAll } from './pipeline.js';
import { selectAnnotations } from './report/annotations.js';
import { renderComment } from './report/comment.js';
import { buildOutputs } from './report/outputs.js';
import { renderSummary } from './report/summary.js';
import { failureMessage } from './report/verdict.js';
import type { FileResult } from './results.js';
import { TogetherClient } from './together/client.js';
import { multipartSettingsFromEnv } from './together/multipart-plan.js';
import { disableWasmTierUp } from './runtime-tuning.js';

const coreLog: Log = {
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  group: (title, body) => core.group(title, body),
  printGroup: (title, lines) => {
    core.startGroup(title);
    for (const line of lines) core.info(line);
    core.endGroup();
  },
};

/** Runs the action. Never throws: every error ends as `core.setFailed`, after what is known has been reported. */
export async function run(): Promise<void> {
  let inputs: Inputs;
  try {
    inputs = readInputs(
      (name) => core.getInput(name),
      process.env,
      (secret) => core.setSecret(secret),
    );
    validateForMode(inputs);
  } catch (error) {
    core.setFailed(messageOf(error));
    return;
  }

  let results: FileResult[] = [];
  const cancel = cancelOnSignals();
  let client: TogetherClient | undefined;
  const pr = pullRequestOf(process.env.GITHUB_EVENT_NAME, process.env.GITHUB_REPOSITORY, readEventPayload());
  const github = await connectToGitHub(inputs, pr);
  try {
    let files = await resolveFiles(inputs);
    const matched = files.length;
    if (inputs.changedOnly && pr && github) files = await keepChanged(files, pr, github);
    if (matched > 0 && files.length === 0) {
      core.info(`None of the ${matched} matched files is changed by pull request #${pr?.number}: nothing to do.`);
    } else if (files.length === 0) {
      reportNoFiles(inputs);
    } else if (inputs.mode === 'upload') {
      // Check mode sends nothing to Together, so only upload mode has a client.
      client = new TogetherClient({
        apiKey: inputs.apiKey,
        baseUrl: inputs.baseUrl,
        retry: { maxRetries: inputs.maxRetries, signal: cancel.signal, log: (m) => core.info(m) },
      });
      core.info(`Found ${files.length} file${files.length === 1 ? '' : 's'} to upload as ${inputs.purpose}.`);
      results = await uploadAll(files, inputs, {
        client,
        log: coreLog,
        now: Date.now,
        sleep: (ms) => sleep(ms, undefined, { signal: cancel.signal }).catch(() => undefined),
        signal: cancel.signal,
        multipart: multipartSettingsFromEnv(process.env),
        stallTimeoutMs: stallTimeoutFromEnv(process.env),
        // Only now: tuning V8 slows down whatever starts Node code afterwards (the checks' worker thread).
        beforeRequests: disableWasmTierUp,
      });
    } else {
      core.info(`Found ${files.length} file${files.length === 1 ? '' : 's'} to check for purpose ${inputs.purpose}.`);
      results = await checkAll(files, inputs, { log: coreLog, now: Date.now });
    }
  } catch (error) {
    core.setFailed(messageOf(error));
  } finally {
    await client?.dispatcher.close().catch(() => undefined);
  }
  await report(results, inputs);
  if (inputs.comment && pr && github) {
    disableWasmTierUp(); // the GitHub API answers go through undici's parser too; no worker thread starts after this
    await comment(results, inputs, pr, github);
  }
  if (cancel.signal.aborted)
    core.setFailed(
      `The run was cancelled (${String(cancel.signal.reason)}); the outputs and the summary show what was done.`,
    );
  cancel.dispose();
}

/**
 * The runner cancels a step with SIGINT, then SIGTERM, then kills it. The first signal aborts what is in flight
 * (cleanup then runs with its own short deadlines, and the outputs are still written); a second one exits at once.
 */
function cancelOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(1);
    core.warning(`Received ${signal}: cancelling; cleaning up uploads in flight and writing what finished.`);
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** TOGETHER_UPLOAD_STALL_SECONDS: how long an upload may move no byte before it is aborted and retried (default 60). */
function stallTimeoutFromEnv(env: Record<string, string | undefined>): number | undefined {
  const raw = env.TOGETHER_UPLOAD_STALL_SECONDS?.trim();
  if (!raw) return undefined;
  if (!/^\d+(\.\d+)?$/.test(raw) || Number(raw) <= 0) {
    throw new Error(
      `The environment variable TOGETHER_UPLOAD_STALL_SECONDS is '${raw}'; it must be a number of seconds above 0.`,
    );
  }
  return Number(raw) * 1000;
}

/** The event payload the runner wrote (GITHUB_EVENT_PATH), or undefined. */
function readEventPayload(): unknown {
  const file = process.env.GITHUB_EVENT_PATH;
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** A GitHub client, only on a pull request that needs one (`comment` or `changed-only`). */
async function connectToGitHub(inputs: Inputs, pr: PullRequestRef | undefined): Promise<GitHubApi | undefined> {
  if (!pr || !(inputs.comment || inputs.changedOnly)) return undefined;
  if (!inputs.githubToken) {
    core.warning(
      "comment and changed-only need the input 'github-token' (its default is the job's GITHUB_TOKEN); going on without them.",
    );
    return undefined;
  }
  return createGitHubApi(inputs.githubToken);
}

/** changed-only: the matched files the pull request adds or changes; all of them if the list cannot be had. */
async function keepChanged(files: MatchedFile[], pr: PullRequestRef, github: GitHubApi): Promise<MatchedFile[]> {
  try {
    const changed = await github.changedFiles(pr);
    const kept = files.filter((f) => changed.has(f.path));
    core.info(
      `changed-only: ${kept.length} of ${files.length} matched files are changed by pull request #${pr.number}.`,
    );
    return kept;
  } catch (error) {
    core.warning(
      `Could not list the files of pull request #${pr.number} (${messageOf(error)}); taking every matched file.`,
    );
    return files;
  }
}

/** Keeps one comment on the pull request up to date. Never fails the step: a fork's token may not write. */
async function comment(results: FileResult[], inputs: Inputs, pr: PullRequestRef, github: GitHubApi): Promise<void> {
  const env = process.env;
  const runUrl = env.GITHUB_RUN_ID
    ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
    : undefined;
  const marker = commentMarker(env);
  try {
    const how = await github.upsertComment(pr, marker, renderComment(results, inputs, marker, runUrl));
    core.info(`The comment on pull request #${pr.number} was ${how}.`);
  } catch (error) {
    core.warning(
      `Could not comment on pull request #${pr.number}: ${messageOf(error)}. A pull request from a fork gets a read-only token; the results are in the job summary.`,
    );
  }
}

function validateForMode(inputs: Inputs): void {
  if (inputs.mode === 'check' && inputs.check === 'off') {
    throw new InputError(
      "Input 'mode' is 'check' but 'check' is 'off', so there is nothing to do: use check: full or check: structural.",
    );
  }
  if (inputs.mode === 'upload' && !inputs.apiKey) {
    throw new InputError(
      "No Together API key: set the input 'api-key' (for example `api-key: ${{ secrets.TOGETHER_API_KEY }}`) or the environment variable TOGETHER_API_KEY. To check files without uploading, set mode: check.",
    );
  }
}

function reportNoFiles(inputs: Inputs): void {
  const action = inputs.mode === 'check' ? 'checked' : 'uploaded';
  const message = `No files were found with the provided path: ${inputs.patterns.join(', ')}. No files were ${action}.`;
  if (inputs.ifNoFilesFound === 'error') core.setFailed(message);
  else if (inputs.ifNoFilesFound === 'warn') core.warning(message);
  else core.info(message);
}

async function report(results: FileResult[], inputs: Inputs): Promise<void> {
  for (const [name, value] of Object.entries(buildOutputs(results))) core.setOutput(name, value);
  try {
    await core.summary.addRaw(renderSummary(results, inputs)).write();
  } catch (error) {
    core.warning(`Could not write the job summary: ${messageOf(error)}`);
  }
  const { annotations, notShown } = selectAnnotations(results);
  for (const a of annotations) {
    const properties = { title: a.title, file: a.file, startLine: a.line ?? undefined };
    if (a.level === 'error') core.error(a.message, properties);
    else core.notice(a.message, properties);
  }
  if (notShown > 0)
    core.info(
      `${notShown} more problem${notShown === 1 ? ' is' : 's are'} listed in the job summary (GitHub shows 10 annotations of a kind per step).`,
    );
  const failure = failureMessage(results);
  if (failure) core.setFailed(failure);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
