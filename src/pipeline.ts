/** From matched files to one result per file: plan, check, upload each, then wait for Together's verdicts. */
import path from 'node:path';
import { checkDataset } from './check/index.js';
import type { ParallelOptions } from './check/jsonl-file.js';
import type { CheckLevel, CheckReport } from './check/types.js';
import { mapLimit } from './concurrency.js';
import { datasetTypeOf, unusablePathReason, type MatchedFile } from './files.js';
import type { FileType, Mode, Purpose } from './inputs.js';
import type { Log } from './log.js';
import { readProcessingState } from './processing.js';
import { formatBytes, formatDuration } from './report/format.js';
import { contentAddressedName, findReusable } from './dedupe.js';
import type { FileResult } from './results.js';
import type { TogetherClient } from './together/client.js';
import type { MultipartSettings } from './together/multipart-plan.js';
import { hashFile } from './together/storage.js';
import type { FileObject } from './together/types.js';
import { uploadFile } from './upload.js';
import { waitForProcessing, type WaitResult } from './wait.js';

export interface PipelineSettings {
  mode: Mode;
  check: CheckLevel;
  purpose: Purpose;
  fileType: FileType | 'auto';
  wait: boolean;
  waitTimeoutSeconds: number;
  /** Files in flight at once. */
  concurrency: number;
  /** Name uploads by content, and reuse a processed file already on the account. */
  dedupe: boolean;
}

export interface CheckDeps {
  log: Log;
  now: () => number;
  /** How large JSONL files are spread over cores (defaults suit the bundled action). */
  parallel?: ParallelOptions;
}

export interface PipelineDeps extends CheckDeps {
  client: TogetherClient;
  /** Resolves early when `signal` aborts. */
  sleep: (ms: number) => Promise<void>;
  /** The run's cancellation (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  multipart: MultipartSettings;
  stallTimeoutMs?: number;
  /** Called once, when every file has passed its checks and the first request to Together is about to go. */
  beforeRequests?: () => void;
}

/** A result for every matched file, before anything is sent: the file type is decided or the file fails. */
export function planResults(
  files: MatchedFile[],
  settings: Pick<PipelineSettings, 'purpose' | 'fileType'>,
): FileResult[] {
  return files.map((file) => {
    const fileType = settings.fileType === 'auto' ? (datasetTypeOf(file.path) ?? null) : settings.fileType;
    const unusable = unusablePathReason(file, fileType);
    return {
      path: file.path,
      filename: path.posix.basename(file.path),
      bytes: file.bytes,
      sha256: null,
      file_type: fileType,
      purpose: settings.purpose,
      id: null,
      status: unusable ? 'failed' : 'checked',
      processing_status: null,
      error: unusable ? `${file.path}: ${unusable}` : null,
      duration_ms: null,
      check: null,
      reused: false,
    };
  });
}

/**
 * Plans every file and checks it against Together's rules (unless checks are off). A file that fails is `failed`
 * with the check's message as its error; in check mode a file that passes is `checked`.
 */
export async function checkAll(
  files: MatchedFile[],
  settings: Pick<PipelineSettings, 'mode' | 'check' | 'purpose' | 'fileType'>,
  deps: CheckDeps,
): Promise<FileResult[]> {
  const results = planResults(files, settings);
  if (settings.check === 'off') return results;
  const level = settings.check;
  await deps.log.group(
    `Check ${results.length} file${results.length === 1 ? '' : 's'} (${level} rules, purpose ${settings.purpose})`,
    async () => {
      for (const [index, result] of results.entries()) {
        const file = files[index]!;
        const started = deps.now();
        const report = await checkDataset(
          {
            path: result.path,
            absolutePath: file.absolutePath,
            bytes: file.bytes,
            fileType: result.file_type,
            isDirectory: file.isDirectory,
          },
          settings.purpose,
          level,
          deps.parallel,
        ).catch((error: unknown) => unreadable(result.path, error));
        result.check = report;
        const took = formatDuration(deps.now() - started);
        if (report.passed) {
          if (settings.mode === 'check') result.status = 'checked';
          deps.log.info(
            `✓ ${result.path}: ${report.samples.toLocaleString('en-US')} sample${report.samples === 1 ? '' : 's'}, ${report.format} (${took})`,
          );
        } else {
          result.status = 'failed';
          result.error = report.message;
          deps.log.info(`✗ ${report.message} (${took})`);
        }
      }
    },
  );
  return results;
}

/**
 * Checks every file, then uploads each and, when `wait` is set, waits for Together to process them. If any file
 * fails its checks, nothing is uploaded (the others become `skipped`). Once uploads start, one file's failure
 * never stops the others. The returned results are in the order of `files`.
 */
export async function uploadAll(
  files: MatchedFile[],
  settings: PipelineSettings,
  deps: PipelineDeps,
): Promise<FileResult[]> {
  const results = await checkAll(files, settings, deps);
  const failed = results.filter((r) => r.status === 'failed').length;
  if (failed > 0) {
    for (const r of results) {
      if (r.status !== 'failed') {
        r.status = 'skipped';
        const what = settings.check === 'off' ? 'before uploads started' : failed === 1 ? 'its checks' : 'their checks';
        r.error = `Not uploaded: ${failed} file${failed === 1 ? '' : 's'} failed ${what}, so nothing was uploaded.`;
      }
    }
    return results;
  }

  deps.beforeRequests?.();
  if (settings.dedupe) await markReusable(results, files, deps);

  const startedAt = new Map<FileResult, number>();
  const afterUpload = new Map<FileResult, FileObject>();
  const settle = (result: FileResult, outcome: WaitResult) => {
    if (outcome.kind === 'cancelled') {
      result.error = `${result.path}: the run was cancelled while Together processed the file; it is uploaded and its ID kept.`;
      return;
    }
    result.status = outcome.kind;
    result.processing_status = outcome.status ?? result.processing_status;
    result.error = 'error' in outcome ? `${result.path}: ${outcome.error}` : null;
    result.duration_ms = deps.now() - startedAt.get(result)!;
  };

  // Each file's steps are gathered and printed as one group when it is done: groups of files in flight at the
  // same time cannot be open at once. Progress and retries are printed as they happen.
  await mapLimit(results, settings.concurrency, async (result, index) => {
    if (result.reused || result.status === 'failed') return;
    if (deps.signal?.aborted) {
      result.status = 'cancelled';
      result.error = `${result.path}: the run was cancelled before the file was uploaded.`;
      return;
    }
    const started = deps.now();
    startedAt.set(result, started);
    const steps: string[] = [];
    const step = (message: string) => steps.push(`[${formatDuration(deps.now() - started).padStart(8)}] ${message}`);
    try {
      const uploaded = await uploadFile(
        { ...files[index]!, filename: result.filename, fileType: result.file_type!, purpose: result.purpose },
        {
          client: deps.client,
          now: deps.now,
          log: step,
          live: (line) => deps.log.info(line),
          signal: deps.signal,
          stallTimeoutMs: deps.stallTimeoutMs,
          multipart: deps.multipart,
        },
      );
      result.id = uploaded.id;
      result.sha256 = uploaded.sha256;
      result.processing_status = uploaded.afterUpload?.processing_status ?? null;
      result.status = 'uploaded';
      if (uploaded.afterUpload) afterUpload.set(result, uploaded.afterUpload);
    } catch (error) {
      if (deps.signal?.aborted) {
        result.status = 'cancelled';
        result.error = `${result.path}: the run was cancelled during the upload; nothing of it was left on the account.`;
      } else {
        result.status = 'failed';
        result.error = `${result.path}: upload failed: ${error instanceof Error ? error.message : String(error)}`;
      }
      step(result.error);
    }
    result.duration_ms = deps.now() - started;
    deps.log.printGroup(
      `${result.status === 'uploaded' ? 'Uploaded' : 'Upload failed:'} ${result.path} (${formatBytes(result.bytes)}, ${formatDuration(result.duration_ms)})`,
      steps,
    );
    if (result.status === 'failed') deps.log.warning(result.error!);
  });

  if (!settings.wait || deps.signal?.aborted) return results;
  // A file that Together already reported as final needs no polling.
  for (const [result, answer] of afterUpload) {
    const state = readProcessingState(answer);
    if (state.kind !== 'pending') settle(result, state);
  }
  const uploaded = results.filter((r) => r.status === 'uploaded');
  if (uploaded.length === 0) return results;

  await deps.log.group(
    `Wait for Together to process ${uploaded.length} file${uploaded.length === 1 ? '' : 's'}`,
    async () => {
      const byId = new Map(uploaded.map((r) => [r.id!, r]));
      await waitForProcessing(
        uploaded.map((r) => ({ id: r.id!, label: r.path, status: r.processing_status })),
        deps.now() + settings.waitTimeoutSeconds * 1000,
        {
          retrieve: (id) => deps.client.retrieve(id, { signal: deps.signal }),
          now: deps.now,
          sleep: deps.sleep,
          log: (m) => deps.log.info(m),
          onSettled: (id, outcome) => settle(byId.get(id)!, outcome),
          signal: deps.signal,
          concurrency: Math.max(settings.concurrency, 4),
        },
      );
    },
  );
  return results;
}

/** A file that could not be read at all (permissions, a file gone since it was found): its check fails. */
function unreadable(filePath: string, error: unknown): CheckReport {
  const message = `${filePath}: could not read the file (${error instanceof Error ? error.message : String(error)}).`;
  return { passed: false, format: null, samples: 0, line: null, message };
}

/**
 * Hashes every file, names it by its content, and marks as reused each one whose content Together already has
 * processed (one `GET /files` for all). A failure to list is not fatal: the files are then simply uploaded.
 */
async function markReusable(results: FileResult[], files: MatchedFile[], deps: PipelineDeps): Promise<void> {
  await deps.log.group('Look for files Together already has (dedupe)', async () => {
    await mapLimit(results, 4, async (result, index) => {
      try {
        result.sha256 = await hashFile(files[index]!.absolutePath, result.bytes, deps.signal);
        result.filename = contentAddressedName(result.filename, result.sha256);
      } catch (error) {
        // A cancel leaves the file to the upload loop, which marks it cancelled; a read error fails this file only.
        if (deps.signal?.aborted) return;
        result.status = 'failed';
        result.error = unreadable(result.path, error).message;
      }
    });
    let account: FileObject[];
    try {
      account = await deps.client.listFiles({ signal: deps.signal });
    } catch (error) {
      deps.log.warning(
        `Could not list the account's files to reuse them, so all will be uploaded: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    }
    for (const result of results) {
      if (result.status === 'failed') continue;
      const existing = findReusable(account, result);
      if (!existing) {
        deps.log.info(`${result.path}: not on the account yet as ${result.filename}`);
        continue;
      }
      result.id = existing.id;
      result.status = 'processed';
      result.processing_status = existing.processing_status ?? null;
      result.reused = true;
      result.duration_ms = 0;
      deps.log.info(`${result.path}: reusing ${existing.id} (${result.filename}, same content, already processed)`);
    }
  });
}
