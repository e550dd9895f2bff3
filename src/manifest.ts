/**
 * The manifest: one JSON file with a record for every matched file (everything `files` holds, however many) and
 * the run that made them, so that a workflow can keep a record of which content became which Together file.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CheckLevel, Mode, Purpose } from './domain.js';
import type { FileResult } from './result.js';
import type { RunInfo } from './settings.js';

export interface Manifest {
  /** The format of this file, for readers that must tell versions apart. */
  schema: 'together-upload-action/manifest/v1';
  generated_at: string;
  run: {
    repository: string;
    commit: string;
    ref: string;
    workflow: string;
    job: string;
    run_id: string;
    run_attempt: string;
    event: string;
  };
  mode: Mode;
  purpose: Purpose;
  check: CheckLevel;
  files: FileResult[];
}

export function buildManifest(
  results: FileResult[],
  settings: { mode: Mode; purpose: Purpose; check: CheckLevel; run: RunInfo },
  now: Date,
): Manifest {
  const run = settings.run;
  return {
    schema: 'together-upload-action/manifest/v1',
    generated_at: now.toISOString(),
    run: {
      repository: run.repository,
      commit: run.commit,
      ref: run.ref,
      workflow: run.workflow,
      job: run.job,
      run_id: run.runId,
      run_attempt: run.runAttempt,
      event: run.event,
    },
    mode: settings.mode,
    purpose: settings.purpose,
    check: settings.check,
    files: results,
  };
}

/** Writes the manifest whole or not at all (a temporary file renamed into place). */
export async function writeManifest(file: string, manifest: Manifest): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(temporary, file);
}
