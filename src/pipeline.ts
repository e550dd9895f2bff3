/** From matched files to one result per file: plan, upload each, then wait for Together's verdicts. */
import path from 'node:path';
import { datasetTypeOf, type MatchedFile } from './files.js';
import type { FileType, Purpose } from './inputs.js';
import type { Log } from './log.js';
import { formatBytes } from './report/format.js';
import type { FileResult } from './results.js';
import type { TogetherClient } from './together/client.js';
import { uploadFile } from './upload.js';
import { readProcessingState } from './processing.js';
import type { FileObject } from './together/types.js';
import { waitForProcessing, type WaitResult } from './wait.js';

export interface PipelineSettings {
  purpose: Purpose;
  fileType: FileType | 'auto';
  wait: boolean;
  waitTimeoutSeconds: number;
}

export interface PipelineDeps {
  client: TogetherClient;
  log: Log;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** A result for every matched file, before anything is sent: the file type is decided or the file fails. */
export function planResults(files: MatchedFile[], settings: Pick<PipelineSettings, 'purpose' | 'fileType'>): FileResult[] {
  return files.map((file) => {
    const fileType = settings.fileType === 'auto' ? (datasetTypeOf(file.path) ?? null) : settings.fileType;
    return {
      path: file.path,
      filename: path.posix.basename(file.path),
      bytes: file.bytes,
      sha256: null,
      file_type: fileType,
      purpose: settings.purpose,
      id: null,
      status: fileType ? 'uploaded' : 'failed',
      processing_status: null,
      error: fileType
        ? null
        : `${file.path}: cannot tell the dataset type from the extension '${path.posix.extname(file.path) || '(none)'}'. Rename it to .jsonl, .csv or .parquet (lower case), set the input file-type, or leave it out of 'path'.`,
      duration_ms: null,
    };
  });
}

/**
 * Uploads every planned file and, when `wait` is set, waits for Together to process them. If any file failed
 * planning, nothing is uploaded (the others become `skipped`). One file's failure never stops the others. The
 * returned results are in the order of `files`.
 */
export async function uploadAll(
  files: MatchedFile[],
  settings: PipelineSettings,
  deps: PipelineDeps,
): Promise<FileResult[]> {
  const results = planResults(files, settings);
  if (results.some((r) => r.status === 'failed')) {
    for (const r of results) {
      if (r.status !== 'failed') {
        r.status = 'skipped';
        r.error = 'Not uploaded: another file failed before uploads started (see its error).';
      }
    }
    return results;
  }

  const startedAt = new Map<FileResult, number>();
  const preprocessAnswers = new Map<FileResult, FileObject>();
  const settle = (result: FileResult, outcome: WaitResult) => {
    result.status = outcome.kind;
    result.processing_status = outcome.status ?? result.processing_status;
    result.error = 'error' in outcome ? `${result.path}: ${outcome.error}` : null;
    result.duration_ms = deps.now() - startedAt.get(result)!;
  };
  for (const [index, result] of results.entries()) {
    const file = files[index]!;
    await deps.log.group(`Upload ${result.path} (${formatBytes(result.bytes)})`, async () => {
      startedAt.set(result, deps.now());
      try {
        const uploaded = await uploadFile(
          { ...file, filename: result.filename, fileType: result.file_type!, purpose: result.purpose },
          { client: deps.client, now: deps.now, log: (m) => deps.log.info(m) },
        );
        result.id = uploaded.id;
        result.sha256 = uploaded.sha256;
        result.processing_status = uploaded.afterPreprocess?.processing_status ?? null;
        result.status = 'uploaded';
        if (uploaded.afterPreprocess) preprocessAnswers.set(result, uploaded.afterPreprocess);
      } catch (error) {
        result.status = 'failed';
        result.error = `${result.path}: upload failed: ${error instanceof Error ? error.message : String(error)}`;
        deps.log.warning(result.error);
      }
      result.duration_ms = deps.now() - startedAt.get(result)!;
    });
  }

  if (!settings.wait) return results;
  // A file that /preprocess already reported as final needs no polling.
  for (const [result, answer] of preprocessAnswers) {
    const state = readProcessingState(answer);
    if (state.kind !== 'pending') settle(result, state);
  }
  const uploaded = results.filter((r) => r.status === 'uploaded');
  if (uploaded.length === 0) return results;

  await deps.log.group(`Wait for Together to process ${uploaded.length} file${uploaded.length === 1 ? '' : 's'}`, async () => {
    const byId = new Map(uploaded.map((r) => [r.id!, r]));
    await waitForProcessing(
      uploaded.map((r) => ({ id: r.id!, label: r.path, status: r.processing_status })),
      deps.now() + settings.waitTimeoutSeconds * 1000,
      {
        retrieve: (id) => deps.client.retrieve(id),
        now: deps.now,
        sleep: deps.sleep,
        log: (m) => deps.log.info(m),
        onSettled: (id, outcome) => settle(byId.get(id)!, outcome),
      },
    );
  });
  return results;
}
