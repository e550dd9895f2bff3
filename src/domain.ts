/**
 * The action's shared vocabulary: purposes, file types, modes and check levels. It sits at the bottom of the
 * module graph and imports nothing, so every layer (settings, checks, the Together client, reports) can use it.
 */

/** The purposes Together's Files API accepts (2026: the SDKs' types keep these three). */
export const PURPOSES = ['fine-tune', 'eval', 'batch-api'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** Purposes Together removed in 2026 (together-py 2.12.0), named so that a workflow still using one is told why. */
export const REMOVED_PURPOSES = ['eval-sample', 'eval-output', 'eval-summary', 'batch-generated'] as const;

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
