/**
 * Wires the run: reads the settings once, then files -> records -> check phase -> upload phase -> outputs, summary,
 * annotations, comment and verdict. It talks to the runner only through runner.ts, which sanitises all it prints.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { messageOf } from './error-text.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkFiles } from './check-phase.js';
import { discardPrefetched, prefetchBase, reviewFiles } from './review-phase.js';
import type { PrefetchedBlob } from './review/git-base.js';
import { ReviewStore } from './check/review-collector.js';
import { resolveFiles } from './files.js';
import { createGitHubApi, type GitHubApi } from './github/api.js';
import { commentOnPullRequest, keepChangedFiles } from './github/steps.js';
import { buildManifest, writeManifest } from './manifest.js';
import { FileRecord } from './record.js';
import type { FileResult } from './result.js';
import { selectAnnotations } from './report/annotations.js';
import type { FirstLines } from './review/analysis.js';
import { buildOutputs } from './report/outputs.js';
import { renderSummary } from './report/summary.js';
import { failureMessage } from './report/verdict.js';
import { annotate, failStep, maskSecret, readInput, runnerLog as log, setOutputs, writeSummary } from './runner.js';
import { cancelOnSignals } from './cancellation.js';
import { disableWasmTierUp } from './runtime-tuning.js';
import { readSettings, type Settings } from './settings.js';
import type { TogetherClient } from './together/client.js';

/** Runs the action. Never throws: every error ends as a failed step, after what is known has been reported. */
export async function run(): Promise<void> {
  let settings: Settings;
  try {
    settings = await readSettings({
      read: readInput,
      env: process.env,
      maskSecret,
      loadGitHubContext: async () => (await import('@actions/github')).context,
    });
  } catch (error) {
    failStep(messageOf(error));
    return;
  }

  for (const note of settings.notes) log.warning(note);
  const cancel = cancelOnSignals(log, 'cleaning up uploads in flight and writing what finished');
  const github = await connectToGitHub(settings, cancel.signal);
  let records: FileRecord[] = [];
  let deleted: FileResult[] = [];
  let reviewApi: Promise<GitHubApi> | undefined;
  let prefetched: PrefetchedBlob | undefined;
  // Large files' review hashes are partitioned to disk here, and removed when the run ends.
  const reviews = new ReviewStore(path.join(settings.tempRoot, `together-review-${process.pid}-${randomUUID()}`));
  let client: TogetherClient | undefined;
  try {
    let files = await resolveFiles(settings);
    const matched = files.length;
    if (settings.changedOnly && github) files = await keepChangedFiles(files, settings.pullRequest!, github, log);
    records = files.map((file) => new FileRecord(file, settings, Date.now));
    const count = `${files.length} file${files.length === 1 ? '' : 's'}`;
    if (matched > 0 && files.length === 0) {
      log.info(
        `None of the ${matched} matched files is changed by pull request #${settings.pullRequest?.number}: nothing to do.`,
      );
    } else if (files.length === 0) {
      reportNoFiles(settings);
    } else {
      const todo =
        settings.mode === 'check' ? `check for purpose ${settings.purpose}` : `upload as ${settings.purpose}`;
      log.info(`Found ${count} to ${todo}.`);
      prefetched = prefetchBase(records, settings, settings.tempRoot, cancel.signal);
      await checkFiles(records, settings, { log, now: Date.now, signal: cancel.signal, reviews });
    }
    // Also with no files found: a pull request that deletes the datasets gets them listed.
    deleted = await reviewFiles(records, settings, {
      log,
      tempRoot: settings.tempRoot,
      signal: cancel.signal,
      reviews,
      contents: settings.githubToken
        ? () => (reviewApi ??= github ? Promise.resolve(github) : gitHubClient(settings, cancel.signal))
        : undefined,
      prefetched,
    });
    await discardPrefetched(prefetched);
    if (settings.mode === 'upload' && cancel.signal.aborted) {
      // Cancelled during the checks: nothing is sent, and every file not failed says it was cancelled.
      for (const record of records) if (!record.settled) record.cancelled();
    } else if (settings.mode === 'upload' && records.length > 0) {
      // Check mode sends nothing to Together, so only upload mode has a client, and only it loads the HTTP code.
      const [{ TogetherClient }, { uploadFiles }] = await Promise.all([
        import('./together/client.js'),
        import('./upload-phase.js'),
      ]);
      client = new TogetherClient({
        apiKey: settings.apiKey,
        baseUrl: settings.baseUrl,
        maxRetries: settings.maxRetries,
        signal: cancel.signal,
        log: (m) => log.info(m),
        stallTimeoutMs: settings.stallTimeoutMs,
        attemptDeadlineMs: settings.attemptDeadlineMs,
        rateLimitBudgetMs: settings.rateLimitBudgetMs,
      });
      await uploadFiles(records, settings, {
        client,
        log,
        now: Date.now,
        sleep: (ms, wake) =>
          sleep(ms, undefined, { signal: AbortSignal.any([wake, cancel.signal]) }).catch(() => undefined),
        signal: cancel.signal,
        // Only now: tuning V8 slows down whatever starts Node code afterwards (the checks' worker thread).
        beforeRequests: disableWasmTierUp,
      });
    }
  } catch (error) {
    const message = messageOf(error);
    for (const record of records) record.interrupted(message);
    failStep(message);
  } finally {
    await discardPrefetched(prefetched);
    reviews.dispose();
    await client?.close();
  }
  const datasets = new Set(records.map((record) => record.absolutePath));
  const results = [...records.map((record) => record.toResult()), ...deleted];
  const reviewLines = new Map(
    records.flatMap((r) => (r.reviewFirstLines ? [[r.path, r.reviewFirstLines] as const] : [])),
  );
  await report(results, settings, datasets, reviewLines);
  if (settings.comment && settings.pullRequest && github) {
    disableWasmTierUp(); // the GitHub API answers go through undici's parser too; no worker thread starts after this
    await commentOnPullRequest(results, settings, settings.pullRequest, github, log);
  }
  if (cancel.signal.aborted)
    failStep(
      `The run was cancelled (${String(cancel.signal.reason)}); the outputs and the summary show what was done.`,
    );
  cancel.dispose();
}

/** A GitHub client with the run's token, cancellation and deadline (also for the review's base, on any event). */
function gitHubClient(settings: Settings, signal: AbortSignal): Promise<GitHubApi> {
  return createGitHubApi(settings.githubToken, { signal, requestDeadlineMs: settings.githubDeadlineMs });
}

/** A GitHub client, only on a pull request that needs one (`comment` or `changed-only`). */
async function connectToGitHub(settings: Settings, signal: AbortSignal): Promise<GitHubApi | undefined> {
  if (!settings.pullRequest) return undefined;
  if (!settings.githubToken) {
    log.warning(
      "comment and changed-only need the input 'github-token' (its default is the job's GITHUB_TOKEN); going on without them.",
    );
    return undefined;
  }
  return gitHubClient(settings, signal);
}

function reportNoFiles(settings: Settings): void {
  const action = settings.mode === 'check' ? 'checked' : 'uploaded';
  const message = `No files were found with the provided path: ${settings.patterns.join(', ')}. No files were ${action}.`;
  if (settings.ifNoFilesFound === 'error') failStep(message);
  else if (settings.ifNoFilesFound === 'warn') log.warning(message);
  else log.info(message);
}

/** The manifest, the outputs, the job summary, annotations and the verdict, all from the results. */
async function report(
  results: FileResult[],
  settings: Settings,
  datasets: ReadonlySet<string>,
  reviewLines: ReadonlyMap<string, FirstLines>,
): Promise<void> {
  let manifestPath = settings.manifestPath;
  try {
    await writeManifest(manifestPath, buildManifest(results, settings, new Date()), {
      workspace: settings.workspace,
      datasets,
    });
    log.info(`The manifest of all ${results.length} file${results.length === 1 ? '' : 's'} is at ${manifestPath}.`);
  } catch (error) {
    log.warning(`Could not write the manifest to ${manifestPath}: ${messageOf(error)}`);
    manifestPath = '';
  }
  const { outputs, listed } = buildOutputs(results, manifestPath);
  setOutputs(outputs);
  const cut = listed.files < listed.total || listed.ids < listed.handled;
  if (cut) {
    log.warning(
      `The outputs list the first ${listed.files} of ${listed.total} files in 'files' (and ${listed.ids} in 'ids'): GitHub keeps at most 1 MB of a job's outputs. The manifest (${manifestPath}) has every file.`,
    );
  }
  await writeSummary(
    renderSummary(results, { ...settings, outputsCut: cut ? { ...listed, manifestPath } : undefined }),
  );
  const { annotations, notShown } = selectAnnotations(results, reviewLines);
  for (const annotation of annotations) annotate(annotation);
  if (notShown > 0)
    log.info(
      `${notShown} more problem${notShown === 1 ? ' is' : 's are'} listed in the job summary (GitHub shows 10 annotations of a kind per step).`,
    );
  const failure = failureMessage(results, settings.mode);
  if (failure) failStep(failure);
}
