/**
 * Everything the run is told, read once before any work: the inputs, the tuning environment variables and the
 * pull request the run belongs to. Every bad value is reported together, each message naming its input or
 * variable and what it accepts.
 */
import { DEFAULT_MAX_HASHED_SAMPLES } from './check/review-collector.js';
import { tmpdir } from 'node:os';
import { messageOf } from './error-text.js';
import {
  baseUrl,
  bool,
  bytesVariable,
  MAX_STRING_BYTES,
  oneOf,
  positiveSeconds,
  problemCollector,
  readApiKey,
  secondsVariable,
  SettingsError,
  wholeNumber,
} from './input-parsers.js';

export { SettingsError } from './input-parsers.js';
import path from 'node:path';
import {
  CHECK_LEVELS,
  FILE_TYPES,
  IF_NO_FILES_FOUND,
  MODES,
  PURPOSES,
  REMOVED_PURPOSES,
  type CheckLevel,
  type FileType,
  type IfNoFilesFound,
  type Mode,
  type Purpose,
} from './domain.js';
import { MAX_LINE_BYTES } from './check/lines.js';
import { GITHUB_REQUEST_DEADLINE_MS } from './github/api.js';
import { commentMarker, pullRequestOf, type GitHubContext, type PullRequestRef } from './github/pull-request.js';
import {
  DEFAULT_MULTIPART_THRESHOLD_BYTES,
  MIN_PART_BYTES,
  TARGET_PART_BYTES,
  type MultipartSettings,
} from './together/multipart-plan.js';
import { API_ATTEMPT_DEADLINE_MS, DEFAULT_STALL_TIMEOUT_MS, DEFAULT_RATE_LIMIT_BUDGET_MS } from './together/limits.js';

export interface Settings {
  mode: Mode;
  check: CheckLevel;
  /** Include and `!`-exclude patterns, in the order given. */
  patterns: string[];
  /** Empty when neither the input nor TOGETHER_API_KEY is set (allowed in check mode only). */
  apiKey: string;
  purpose: Purpose;
  fileType: FileType | 'auto';
  wait: boolean;
  waitTimeoutSeconds: number;
  ifNoFilesFound: IfNoFilesFound;
  includeHiddenFiles: boolean;
  /** Without a trailing slash. */
  baseUrl: string;
  /** Files in flight at once (reservations, uploads, polls). */
  concurrency: number;
  /** Retries per request after the first attempt. */
  maxRetries: number;
  /** Name uploads by content and reuse a processed file of the same content. */
  dedupe: boolean;
  /** On pull requests: keep one comment with the results. */
  comment: boolean;
  /** On pull requests: only the matched files the pull request changes. */
  changedOnly: boolean;
  /** For the comment and the changed files; empty when not given. */
  githubToken: string;
  /** The dataset review: statistics, duplicates, conflicts, overlap and the change against the base version. */
  review: boolean;
  /** What the review finds that fails the step (otherwise warnings). */
  failOn: ReviewGate[];
  /** The base the review compares with: the test merge commit's first parent, or a push's `before`. */
  reviewBase: ReviewBase | undefined;
  /** Absolute directory that relative patterns and reported paths are relative to. */
  workspace: string;
  /** TOGETHER_MULTIPART_THRESHOLD_BYTES and TOGETHER_MULTIPART_PART_BYTES. */
  multipart: MultipartSettings;
  /** TOGETHER_UPLOAD_STALL_SECONDS: how long an upload may move no byte before it is aborted and retried. */
  stallTimeoutMs: number;
  /** TOGETHER_API_DEADLINE_SECONDS: how long one API attempt may take, its answer's body included. */
  attemptDeadlineMs: number;
  /** TOGETHER_RATE_LIMIT_WAIT_SECONDS: how long, in all, the step may wait on Together's rate limit. */
  rateLimitBudgetMs: number;
  /** TOGETHER_GITHUB_DEADLINE_SECONDS: how long one GitHub request may take, its answer included. */
  githubDeadlineMs: number;
  /** TOGETHER_CHECK_MAX_LINE_BYTES: the longest line the check reads; a longer one fails the file. */
  maxLineBytes: number;
  /** TOGETHER_REVIEW_MAX_SAMPLES: the most samples of a file whose hashes the review holds in memory; past it, on disk. */
  reviewMaxSamples: number;
  /** RUNNER_TEMP (or the system's): where the review writes what it removes when the run ends. */
  tempRoot: string;
  /** The pull request, when the run is for one and `comment` or `changed-only` needs it. */
  pullRequest: PullRequestSettings | undefined;
  /** What could not be read but did not stop the run (a bad event payload), for the log. */
  notes: string[];
  /** Absolute path of the manifest written at the end (every matched file, and the run). */
  manifestPath: string;
  /** A Together base model to estimate each processed fine-tune file's training cost for; '' for none. */
  estimateModel: string;
  /** Epochs for the estimate. */
  estimateEpochs: number;
  /** Which run this is, for the manifest (from the runner's environment; empty outside a runner). */
  run: RunInfo;
}

export const REVIEW_GATES = ['duplicates', 'conflicts', 'overlap'] as const;
export type ReviewGate = (typeof REVIEW_GATES)[number];

export type ReviewBase = { event: 'pull_request' } | { event: 'push'; before: string };

export interface RunInfo {
  repository: string;
  commit: string;
  ref: string;
  workflow: string;
  job: string;
  runId: string;
  runAttempt: string;
  event: string;
}

export interface PullRequestSettings extends PullRequestRef {
  /** The hidden marker that finds this step's comment again. */
  commentMarker: string;
  /** A link to this run, for the comment; undefined outside a real run. */
  runUrl: string | undefined;
}

/** Reads an input's raw value, as `core.getInput` does (trimmed, '' when unset). */
export type ReadInput = (name: string) => string;

export interface SettingsSource {
  read: ReadInput;
  env: Record<string, string | undefined>;
  /** Called on each secret the moment it is read, before anything else can print it. */
  maskSecret: (secret: string) => void;
  /** The run's GitHub context (`@actions/github`'s), loaded only when a pull request needs it. */
  loadGitHubContext: () => Promise<GitHubContext>;
  /** The workspace when GITHUB_WORKSPACE is unset. */
  cwd?: string;
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);

/** Reads and validates every setting; throws one SettingsError that lists every problem. */
export async function readSettings(source: SettingsSource): Promise<Settings> {
  const { read, env } = source;
  const apiKey = readApiKey(source);
  const githubToken = read('github-token');
  if (githubToken) source.maskSecret(githubToken);

  const { problems, field } = problemCollector();

  const mode = field(() => oneOf('mode', read('mode') || 'upload', MODES), 'upload');
  const check = field(() => oneOf('check', read('check') || 'full', CHECK_LEVELS), 'full');
  const comment = field(() => bool('comment', read('comment') || 'false'), false);
  const changedOnly = field(() => bool('changed-only', read('changed-only') || 'false'), false);
  const settings: Omit<Settings, 'pullRequest' | 'notes' | 'reviewBase'> = {
    mode,
    check,
    patterns: field(() => patterns(read('path')), []),
    apiKey,
    purpose: field(() => purpose(read('purpose') || 'fine-tune'), 'fine-tune'),
    fileType: field(() => oneOf('file-type', read('file-type') || 'auto', ['auto', ...FILE_TYPES] as const), 'auto'),
    wait: field(() => bool('wait', read('wait') || 'true'), true),
    waitTimeoutSeconds: field(() => positiveSeconds("Input 'wait-timeout'", read('wait-timeout') || '1800'), 1800),
    ifNoFilesFound: field(
      () => oneOf('if-no-files-found', read('if-no-files-found') || 'error', IF_NO_FILES_FOUND),
      'error',
    ),
    includeHiddenFiles: field(() => bool('include-hidden-files', read('include-hidden-files') || 'false'), false),
    baseUrl: field(() => baseUrl(read('base-url') || 'https://api.together.ai/v1'), ''),
    concurrency: field(() => wholeNumber('concurrency', read('concurrency') || '4', 1, 64), 4),
    maxRetries: field(() => wholeNumber('max-retries', read('max-retries') || '5', 0, 20), 5),
    dedupe: field(() => bool('dedupe', read('dedupe') || 'false'), false),
    comment,
    changedOnly,
    githubToken,
    review: field(() => bool('review', read('review') || 'true'), true),
    failOn: field(() => failOn(read('fail-on')), []),
    workspace: env.GITHUB_WORKSPACE?.trim() || (source.cwd ?? process.cwd()),
    multipart: {
      thresholdBytes: field(
        () => bytesVariable(env, 'TOGETHER_MULTIPART_THRESHOLD_BYTES', DEFAULT_MULTIPART_THRESHOLD_BYTES, 1),
        DEFAULT_MULTIPART_THRESHOLD_BYTES,
      ),
      partBytes: field(
        () => bytesVariable(env, 'TOGETHER_MULTIPART_PART_BYTES', TARGET_PART_BYTES, MIN_PART_BYTES),
        TARGET_PART_BYTES,
      ),
    },
    stallTimeoutMs: field(
      () => secondsVariable(env, 'TOGETHER_UPLOAD_STALL_SECONDS', DEFAULT_STALL_TIMEOUT_MS),
      DEFAULT_STALL_TIMEOUT_MS,
    ),
    attemptDeadlineMs: field(
      () => secondsVariable(env, 'TOGETHER_API_DEADLINE_SECONDS', API_ATTEMPT_DEADLINE_MS),
      API_ATTEMPT_DEADLINE_MS,
    ),
    githubDeadlineMs: field(
      () => secondsVariable(env, 'TOGETHER_GITHUB_DEADLINE_SECONDS', GITHUB_REQUEST_DEADLINE_MS),
      GITHUB_REQUEST_DEADLINE_MS,
    ),
    maxLineBytes: field(
      () => bytesVariable(env, 'TOGETHER_CHECK_MAX_LINE_BYTES', MAX_LINE_BYTES, 1024, MAX_STRING_BYTES),
      MAX_LINE_BYTES,
    ),
    reviewMaxSamples: field(
      () => bytesVariable(env, 'TOGETHER_REVIEW_MAX_SAMPLES', DEFAULT_MAX_HASHED_SAMPLES, 1, 100_000_000, 'samples'),
      DEFAULT_MAX_HASHED_SAMPLES,
    ),
    rateLimitBudgetMs: field(
      () => secondsVariable(env, 'TOGETHER_RATE_LIMIT_WAIT_SECONDS', DEFAULT_RATE_LIMIT_BUDGET_MS),
      DEFAULT_RATE_LIMIT_BUDGET_MS,
    ),
    manifestPath: manifestPath(read('manifest-path'), env, source.cwd ?? process.cwd()),
    tempRoot: env.RUNNER_TEMP?.trim() || tmpdir(),
    estimateModel: read('estimate-model'),
    estimateEpochs: field(() => wholeNumber('estimate-epochs', read('estimate-epochs') || '1', 1, 100), 1),
    run: {
      repository: env.GITHUB_REPOSITORY ?? '',
      commit: env.GITHUB_SHA ?? '',
      ref: env.GITHUB_REF ?? '',
      workflow: env.GITHUB_WORKFLOW ?? '',
      job: env.GITHUB_JOB ?? '',
      runId: env.GITHUB_RUN_ID ?? '',
      runAttempt: env.GITHUB_RUN_ATTEMPT ?? '',
      event: env.GITHUB_EVENT_NAME ?? '',
    },
  };
  if (mode === 'check' && check === 'off') {
    problems.push(
      "Input 'mode' is 'check' but 'check' is 'off', so there is nothing to do: use check: full or check: structural.",
    );
  }
  if (mode === 'upload' && !apiKey) {
    problems.push(
      "No Together API key: set the input 'api-key' (for example `api-key: ${{ secrets.TOGETHER_API_KEY }}`) or the environment variable TOGETHER_API_KEY. To check files without uploading, set mode: check.",
    );
  }
  if (problems.length > 0) throw new SettingsError(problems.join('\n'));

  const event = env.GITHUB_EVENT_NAME ?? '';
  const needsPullRequest = (comment || changedOnly) && PULL_REQUEST_EVENTS.has(event);
  const notes: string[] = [];
  let pullRequest: PullRequestSettings | undefined;
  let reviewBase: ReviewBase | undefined;
  if (settings.review && PULL_REQUEST_EVENTS.has(event)) reviewBase = { event: 'pull_request' };
  if (settings.review && event === 'push') {
    try {
      const before = (await source.loadGitHubContext()).payload.before;
      // All zeros: the push created the branch, so there is no previous tip.
      if (typeof before === 'string' && /^[0-9a-f]{40}$/.test(before) && !/^0+$/.test(before))
        reviewBase = { event: 'push', before };
    } catch (error) {
      notes.push(
        `The event payload (GITHUB_EVENT_PATH) could not be read (${messageOf(error)}), so the review has no base version.`,
      );
    }
  }
  if (needsPullRequest) {
    // The event payload is a file the runner wrote, but what is in it came from outside: it may not parse.
    let context: GitHubContext | undefined;
    try {
      context = await source.loadGitHubContext();
    } catch (error) {
      notes.push(
        `The event payload (GITHUB_EVENT_PATH) could not be read (${messageOf(error)}), so the run goes on without its pull request: no comment, and changed-only takes every matched file.`,
      );
    }
    if (context) {
      const { ref, problem } = pullRequestOf(context);
      if (problem) notes.push(problem);
      pullRequest = ref && pullRequestSettings(context, ref);
    }
  }
  return { ...settings, pullRequest, notes, reviewBase };
}

/** `fail-on`: a list of duplicates, conflicts and overlap (commas or new lines between them). */
function failOn(value: string): ReviewGate[] {
  const items = value.split(/[\s,]+/).filter(Boolean);
  const wrong = items.filter((item) => !(REVIEW_GATES as readonly string[]).includes(item));
  if (wrong.length > 0)
    throw new Error(
      `Input 'fail-on' takes ${REVIEW_GATES.join(', ')} (a list); found ${wrong.map((w) => JSON.stringify(w.slice(0, 40))).join(', ')}.`,
    );
  return [...new Set(items)] as ReviewGate[];
}

function pullRequestSettings(context: GitHubContext, pr: PullRequestRef): PullRequestSettings {
  const runUrl = context.runId
    ? `${context.serverUrl}/${pr.owner}/${pr.repo}/actions/runs/${context.runId}`
    : undefined;
  return { ...pr, commentMarker: commentMarker(context), runUrl };
}

/**
 * The manifest's path: the input (relative to the workspace), or by default a file under RUNNER_TEMP named after
 * the step, so that two steps of a job keep a manifest each.
 */
function manifestPath(value: string, env: Record<string, string | undefined>, cwd: string): string {
  const workspace = env.GITHUB_WORKSPACE?.trim() || cwd;
  if (value) return path.resolve(workspace, value);
  const step = (env.GITHUB_ACTION || 'step').replace(/[^\w.-]+/g, '_');
  return path.join(env.RUNNER_TEMP?.trim() || tmpdir(), `together-upload-manifest-${step}.json`);
}

function purpose(value: string): (typeof PURPOSES)[number] {
  if ((REMOVED_PURPOSES as readonly string[]).includes(value)) {
    throw new SettingsError(
      `Input 'purpose' is '${value}', a purpose Together no longer accepts (it removed ${REMOVED_PURPOSES.join(', ')} in 2026); it must be one of: ${PURPOSES.join(', ')}.`,
    );
  }
  return oneOf('purpose', value, PURPOSES);
}

function patterns(value: string): string[] {
  const lines = value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (lines.length === 0) {
    throw new SettingsError("Input 'path' is required: give files, directories or glob patterns, one per line.");
  }
  if (lines.every((p) => p.startsWith('!'))) {
    throw new SettingsError(
      "Input 'path' has only exclude patterns (lines starting with '!'): add at least one file or pattern to include.",
    );
  }
  return lines;
}
