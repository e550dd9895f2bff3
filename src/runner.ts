/**
 * The runner, as the action talks to it: the only module that imports @actions/core. Everything printed goes
 * through the sanitiser here (safe-text.ts), so no file name, dataset value or server message can start a runner
 * command or break a line, whatever code prints it: new code cannot forget, because it has no other way to print.
 */
import { messageOf } from './error-text.js';
import * as core from '@actions/core';
import type { Log } from './log.js';
import type { Annotation } from './report/annotations.js';
import { safeCommandData, safeLogLine } from './safe-text.js';

/** Log lines, warnings and groups, each on one line that cannot read as a command. */
export const runnerLog: Log = {
  info: (message) => core.info(safeLogLine(message)),
  // A command's data is escaped by @actions/core (%0A for a line break); one line, without `##[`, is safer still.
  warning: (message) => core.warning(safeCommandData(message)),
  group: (title, body) => core.group(safeCommandData(title), body),
  printGroup: (title, lines) => {
    core.startGroup(safeCommandData(title));
    for (const line of lines) core.info(safeLogLine(line));
    core.endGroup();
  },
};

/** An input's value, as the runner passes it (trimmed, '' when unset). */
export function readInput(name: string): string {
  return core.getInput(name);
}

/** Masks a secret in everything printed from now on. */
export function maskSecret(secret: string): void {
  core.setSecret(secret);
}

/** Fails the step with this message (the step goes on; the exit code is 1). */
export function failStep(message: string): void {
  core.setFailed(safeCommandData(message));
}

/** Writes the step's outputs (the runner's delimiter format keeps any value whole). */
export function setOutputs(outputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
}

/** Appends the job summary; a failure to write it is a warning, never the step's failure. */
export async function writeSummary(markdown: string): Promise<void> {
  try {
    await core.summary.addRaw(markdown).write();
  } catch (error) {
    runnerLog.warning(`Could not write the job summary: ${messageOf(error)}`);
  }
}

/** An annotation on a file and line; title and file sanitised too (core escapes their `:` and `,`). */
export function annotate(annotation: Annotation): void {
  const properties = {
    title: safeCommandData(annotation.title),
    file: safeCommandData(annotation.file),
    startLine: annotation.line ?? undefined,
  };
  const message = safeCommandData(annotation.message);
  if (annotation.level === 'error') core.error(message, properties);
  else if (annotation.level === 'warning') core.warning(message, properties);
  else core.notice(message, properties);
}
