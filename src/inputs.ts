/** The action's inputs, read once into a typed object and validated with errors that name the input. */
import { CHECK_LEVELS, type CheckLevel } from './check/types.js';

export const PURPOSES = [
  'fine-tune',
  'eval',
  'eval-sample',
  'eval-output',
  'eval-summary',
  'batch-generated',
  'batch-api',
] as const;
export type Purpose = (typeof PURPOSES)[number];

export const FILE_TYPES = ['jsonl', 'csv', 'parquet'] as const;
export type FileType = (typeof FILE_TYPES)[number];

export const IF_NO_FILES_FOUND = ['error', 'warn', 'ignore'] as const;
export type IfNoFilesFound = (typeof IF_NO_FILES_FOUND)[number];

export const MODES = ['upload', 'check'] as const;
export type Mode = (typeof MODES)[number];

export interface Inputs {
  /** `check` checks the files and uploads nothing: no key needed, no request sent. */
  mode: Mode;
  check: CheckLevel;
  /** Include and `!`-exclude patterns, in the order given. */
  patterns: string[];
  /** Empty when neither the input nor TOGETHER_API_KEY is set. */
  apiKey: string;
  purpose: Purpose;
  fileType: FileType | 'auto';
  wait: boolean;
  waitTimeoutSeconds: number;
  ifNoFilesFound: IfNoFilesFound;
  includeHiddenFiles: boolean;
  /** Without a trailing slash. */
  baseUrl: string;
  /** Files in flight at once. */
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
  /** Absolute directory that relative patterns and reported paths are relative to. */
  workspace: string;
}

/** An input value that cannot be used; the message names the input and what it accepts. */
export class InputError extends Error {
  override name = 'InputError';
}

/** Reads an input's raw value, as `core.getInput` does (trimmed, '' when unset). */
export type ReadInput = (name: string) => string;

const TRUE_VALUES = ['true', 'True', 'TRUE'];
const FALSE_VALUES = ['false', 'False', 'FALSE'];

/**
 * Reads and validates every input. `maskSecret` is called on the API key the moment it is read, before anything
 * else can print it.
 */
export function readInputs(
  read: ReadInput,
  env: Record<string, string | undefined>,
  maskSecret: (secret: string) => void,
  cwd: string = process.cwd(),
): Inputs {
  const apiKey = read('api-key') || (env.TOGETHER_API_KEY ?? '').trim();
  if (apiKey) maskSecret(apiKey);
  const githubToken = read('github-token');
  if (githubToken) maskSecret(githubToken);

  const patterns = read('path')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (patterns.length === 0) {
    throw new InputError("Input 'path' is required: give files, directories or glob patterns, one per line.");
  }
  if (patterns.every((p) => p.startsWith('!'))) {
    throw new InputError(
      "Input 'path' has only exclude patterns (lines starting with '!'): add at least one file or pattern to include.",
    );
  }

  return {
    mode: oneOf('mode', read('mode') || 'upload', MODES),
    check: oneOf('check', read('check') || 'full', CHECK_LEVELS),
    patterns,
    apiKey,
    purpose: oneOf('purpose', read('purpose') || 'fine-tune', PURPOSES),
    fileType: oneOf('file-type', read('file-type') || 'auto', ['auto', ...FILE_TYPES] as const),
    wait: bool('wait', read('wait') || 'true'),
    waitTimeoutSeconds: positiveSeconds('wait-timeout', read('wait-timeout') || '1800'),
    ifNoFilesFound: oneOf('if-no-files-found', read('if-no-files-found') || 'error', IF_NO_FILES_FOUND),
    includeHiddenFiles: bool('include-hidden-files', read('include-hidden-files') || 'false'),
    baseUrl: baseUrl(read('base-url') || 'https://api.together.ai/v1'),
    concurrency: wholeNumber('concurrency', read('concurrency') || '4', 1, 64),
    maxRetries: wholeNumber('max-retries', read('max-retries') || '5', 0, 20),
    dedupe: bool('dedupe', read('dedupe') || 'false'),
    comment: bool('comment', read('comment') || 'false'),
    changedOnly: bool('changed-only', read('changed-only') || 'false'),
    githubToken,
    workspace: env.GITHUB_WORKSPACE?.trim() || cwd,
  };
}

function oneOf<const T extends readonly string[]>(name: string, value: string, allowed: T): T[number] {
  if ((allowed as readonly string[]).includes(value)) return value;
  throw new InputError(`Input '${name}' is '${value}'; it must be one of: ${allowed.join(', ')}.`);
}

function bool(name: string, value: string): boolean {
  if (TRUE_VALUES.includes(value)) return true;
  if (FALSE_VALUES.includes(value)) return false;
  throw new InputError(`Input '${name}' is '${value}'; it must be 'true' or 'false'.`);
}

function positiveSeconds(name: string, value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(seconds) || seconds <= 0) {
    throw new InputError(`Input '${name}' is '${value}'; it must be a number of seconds greater than 0.`);
  }
  return seconds;
}

function wholeNumber(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new InputError(`Input '${name}' is '${value}'; it must be a whole number from ${min} to ${max}.`);
  }
  return n;
}

/** Plain http would send the key in clear, so it is allowed only to this machine. */
function baseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(
      `Input 'base-url' is '${value}', which is not a URL; the default is https://api.together.ai/v1.`,
    );
  }
  if (url.username || url.password) {
    throw new InputError("Input 'base-url' must not contain a user name or password; pass the key as 'api-key'.");
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new InputError(
      `Input 'base-url' uses plain http to ${url.hostname}; the API key would travel in clear. Use https (plain http is accepted only for localhost and 127.0.0.0/8).`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`Input 'base-url' must be an https URL; got '${url.protocol}'.`);
  }
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

/** True for localhost, 127.0.0.0/8 and [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
