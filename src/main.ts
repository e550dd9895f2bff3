/** The edge: reads inputs through @actions/core, runs the pipeline, writes outputs, summary, annotations, verdict. */
import * as core from '@actions/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveFiles } from './files.js';
import { InputError, readInputs, type Inputs } from './inputs.js';
import type { Log } from './log.js';
import { checkAll, uploadAll } from './pipeline.js';
import { selectAnnotations } from './report/annotations.js';
import { buildOutputs } from './report/outputs.js';
import { renderSummary } from './report/summary.js';
import { failureMessage } from './report/verdict.js';
import type { FileResult } from './results.js';
import { TogetherClient } from './together/client.js';

const coreLog: Log = {
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  group: (title, body) => core.group(title, body),
};

/** Runs the action. Never throws: every error ends as `core.setFailed`, after what is known has been reported. */
export async function run(): Promise<void> {
  let inputs: Inputs;
  try {
    inputs = readInputs((name) => core.getInput(name), process.env, (secret) => core.setSecret(secret));
    validateForMode(inputs);
  } catch (error) {
    core.setFailed(messageOf(error));
    return;
  }

  let results: FileResult[] = [];
  // Check mode sends nothing to Together, so it has no client at all.
  const client = inputs.mode === 'upload' ? new TogetherClient({ apiKey: inputs.apiKey, baseUrl: inputs.baseUrl }) : undefined;
  try {
    const files = await resolveFiles(inputs);
    if (files.length === 0) {
      reportNoFiles(inputs);
    } else if (client) {
      core.info(`Found ${files.length} file${files.length === 1 ? '' : 's'} to upload as ${inputs.purpose}.`);
      results = await uploadAll(files, inputs, { client, log: coreLog, now: Date.now, sleep: (ms) => sleep(ms) });
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
}

function validateForMode(inputs: Inputs): void {
  if (inputs.mode === 'check' && inputs.check === 'off') {
    throw new InputError("Input 'mode' is 'check' but 'check' is 'off', so there is nothing to do: use check: full or check: structural.");
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
  if (notShown > 0) core.info(`${notShown} more problem${notShown === 1 ? ' is' : 's are'} listed in the job summary (GitHub shows 10 annotations of a kind per step).`);
  const failure = failureMessage(results);
  if (failure) core.setFailed(failure);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
