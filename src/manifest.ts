/**
 * The manifest: one JSON file with a record for every matched file (everything `files` holds, however many) and
 * the run that made them, so that a workflow can keep a record of which content became which Together file.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { lstat, mkdir, realpath, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { CheckLevel, Mode, Purpose } from './domain.js';
import type { FileResult } from './result.js';
import { excerpt } from './safe-text.js';
import type { RunInfo } from './settings.js';
import { isInside } from './walk.js';

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

/** Where the manifest may be written, and what it must never replace. */
export interface ManifestPlace {
  /** The workspace: a manifest path inside it may not lead out of it through a link a pull request wrote. */
  workspace: string;
  /** The real paths of the matched datasets: never overwritten. */
  datasets: ReadonlySet<string>;
}

/** Records written per write call: the file is written in pieces, never held as one string. */
const RECORDS_PER_WRITE = 50;

/**
 * Writes the manifest whole or not at all: a temporary file of its own (created exclusively, so no link of that
 * name is followed), written a slice of records at a time, then renamed into place. The text is exactly
 * `JSON.stringify(manifest, null, 2)`. A path inside the workspace is resolved like a dataset path: it may not
 * lead out of the workspace through a link, nor replace a matched dataset or a folder. Nothing is left behind
 * when it fails.
 */
export async function writeManifest(file: string, manifest: Manifest, place?: ManifestPlace): Promise<void> {
  if (place) await assertWritablePlace(file, place);
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  // Written synchronously, a slice of records at a time: each slice's text dies before the next is made, so
  // thousands of records never pile up as survivors that grow V8's young generation (awaited writes did).
  const fd = openSync(temporary, 'wx');
  try {
    try {
      const { files, ...run } = manifest;
      const head = JSON.stringify({ ...run, files: [] }, null, 2);
      if (files.length === 0) {
        writeSync(fd, `${head}\n`);
      } else {
        writeSync(fd, `${head.slice(0, head.lastIndexOf('[]'))}[\n`);
        for (let i = 0; i < files.length; i += RECORDS_PER_WRITE) {
          let text = '';
          const end = Math.min(files.length, i + RECORDS_PER_WRITE);
          for (let j = i; j < end; j += 1) {
            text += `    ${JSON.stringify(files[j], null, 2).replace(/\n/g, '\n    ')}${j + 1 < files.length ? ',\n' : '\n'}`;
          }
          writeSync(fd, text);
        }
        writeSync(fd, '  ]\n}\n');
      }
    } finally {
      closeSync(fd);
    }
    const existing = await lstat(file).catch(() => undefined);
    if (existing?.isDirectory()) throw new Error(`${file} is a folder; name a file for manifest-path`);
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** Refuses a manifest path that leads out of the workspace through a link, or names a matched dataset. */
async function assertWritablePlace(file: string, place: ManifestPlace): Promise<void> {
  const workspace = path.resolve(place.workspace);
  const realWorkspace = await realpath(workspace).catch(() => workspace);
  if (!isInside(file, workspace)) return; // a place the workflow chose outside the repository (RUNNER_TEMP)
  // The deepest part of the path that exists decides where the rest would be created.
  let existing = file;
  while (!(await lstat(existing).catch(() => undefined)) && path.dirname(existing) !== existing)
    existing = path.dirname(existing);
  const real = await realpath(existing).catch(() => existing);
  if (!isInside(real, realWorkspace) && !isInside(real, workspace)) {
    throw new Error(
      `manifest-path leads outside the workspace through a symbolic link (to ${excerpt(real)}); it is not written there. Name a path inside the workspace that no link leads out of, or leave manifest-path empty (RUNNER_TEMP).`,
    );
  }
  const target = existing === file ? real : path.join(real, path.relative(existing, file));
  if (place.datasets.has(target) || place.datasets.has(file)) {
    throw new Error(
      `manifest-path names ${excerpt(path.relative(workspace, file))}, a dataset this step matched; the manifest never replaces a dataset. Name another file.`,
    );
  }
}
