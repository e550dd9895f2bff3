/**
 * The action's shared vocabulary: purposes, file types, modes and check levels. It sits at the bottom of the
 * module graph and imports nothing, so every layer (settings, checks, the Together client, reports) can use it.
 */

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

export const MODES = ['upload', 'check'] as const;
/** `check` checks the files and uploads nothing: no key needed, no request sent. */
export type Mode = (typeof MODES)[number];

/** `full`: Together's reference checker. `structural`: what Together's current client checks. */
export const CHECK_LEVELS = ['full', 'structural', 'off'] as const;
export type CheckLevel = (typeof CHECK_LEVELS)[number];

export const IF_NO_FILES_FOUND = ['error', 'warn', 'ignore'] as const;
export type IfNoFilesFound = (typeof IF_NO_FILES_FOUND)[number];
