/** The edge: reads inputs through @actions/core, runs the pipeline, writes outputs, summary and verdict. */
import * as core from '@actions/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveFiles } from './files.js';
import { InputError, readInputs, type Inputs } from './inputs.js';
import type { Log } from './log.js';
import { uploadAll } from './pipeline.js';
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
    if (!inputs.apiKey) {
      throw new InputError(
        "No Together API key: set the input 'api-key' (for example `api-key: ${{ secrets.TOGETHER_API_KEY }}`) or the environment variable TOGETHER_API_KEY.",
      );
    }
  } catch (error) {
    core.setFailed(messageOf(error));
    return;
  }

  let results: FileResult[] = [];
  const client = new TogetherClient({ apiKey: inputs.apiKey, baseUrl: inputs.baseUrl });
  try {
    const files = await resolveFiles(inputs);
    if (files.length === 0) {
      reportNoFiles(inputs);
    } else {
      core.info(`Found ${files.length} file${files.length === 1 ? '' : 's'} to upload as ${inputs.purpose}.`);
      results = await uploadAll(files, inputs, { client, log: coreLog, now: Date.now, sleep: (ms) => sleep(ms) });
    }
  } catch (error) {
    core.setFailed(messageOf(error));
  } finally {
    await client.dispatcher.close().catch(() => undefined);
  }
  await report(results, inputs);
}

function reportNoFiles(inputs: Inputs): void {
  const message = `No files were found with the provided path: ${inputs.patterns.join(', ')}. No files were uploaded.`;
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
  for (const result of results) {
    if (!result.error) continue;
    const annotate = result.status === 'skipped' ? core.notice : core.error;
    annotate(result.error, { title: `${result.status}: ${result.path}`, file: result.path });
  }
  const failure = failureMessage(results);
  if (failure) core.setFailed(failure);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
