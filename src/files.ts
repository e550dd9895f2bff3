/** Resolves the `path` input (files, directories, globs, `!` excludes) into the sorted list of files to handle. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import * as glob from '@actions/glob';
import type { FileType } from './domain.js';

export const DATASET_EXTENSIONS: Record<string, FileType> = { '.jsonl': 'jsonl', '.csv': 'csv', '.parquet': 'parquet' };

export interface MatchedFile {
  /** Relative to the workspace, with `/` separators: what reports and annotations show. */
  path: string;
  absolutePath: string;
  bytes: number;
  /** When it was last modified, as found: a file that changes afterwards is not uploaded. */
  modifiedMs?: number;
  /** A pattern named a directory that looks like a dataset (`x.jsonl/`): reported, not expanded silently. */
  isDirectory?: boolean;
}

export interface ResolveOptions {
  patterns: string[];
  workspace: string;
  includeHiddenFiles: boolean;
}

/**
 * Finds the files the patterns name. A file that a pattern names itself is always kept (so a wrong extension is
 * reported rather than silently skipped); files reached only because a directory matched are kept when they have a
 * dataset extension. Sorted by path, without duplicates.
 */
export async function resolveFiles(options: ResolveOptions): Promise<MatchedFile[]> {
  const rooted = options.patterns.map((p) => rootPattern(p, options.workspace));
  const globOptions = { excludeHiddenFiles: !options.includeHiddenFiles, matchDirectories: false };

  const [everything, namedList] = await Promise.all([
    globAll(rooted, { ...globOptions, implicitDescendants: true }),
    globAll(rooted, { ...globOptions, implicitDescendants: false, matchDirectories: true }),
  ]);
  const named = new Set(namedList);
  const kept = everything.filter((file) => named.has(file) || datasetTypeOf(file) !== undefined);
  const keptSet = new Set(kept);
  const candidates = [...kept, ...namedList.filter((p) => !keptSet.has(p))];

  const infos = await Promise.all(candidates.map((absolutePath) => stat(absolutePath)));
  const files: MatchedFile[] = [];
  for (const [i, absolutePath] of candidates.entries()) {
    const info = infos[i]!;
    const path = relativePath(options.workspace, absolutePath);
    if (info.isFile()) files.push({ path, absolutePath, bytes: info.size, modifiedMs: info.mtimeMs });
    // A directory named like a dataset (`x.jsonl/`) that a pattern matched is reported rather than silently expanded.
    else if (info.isDirectory() && datasetTypeOf(absolutePath) !== undefined)
      files.push({ path, absolutePath, bytes: 0, isDirectory: true });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The dataset type an extension stands for (case-sensitive, as Together's checker is), or undefined. */
export function datasetTypeOf(filePath: string): FileType | undefined {
  return DATASET_EXTENSIONS[path.extname(filePath)];
}

/** 50.1 GiB, Together's limit per file (MAX_FILE_SIZE_GB in its SDKs). */
export const MAX_FILE_BYTES = Math.floor(50.1 * 2 ** 30);

/**
 * Why a matched path cannot be a Together file at all (a directory, an unknown extension, over 50.1 GiB), or
 * undefined. Decided before any request, whether checks are on or off.
 */
export function unusablePathReason(
  file: Pick<MatchedFile, 'path' | 'bytes' | 'isDirectory'>,
  fileType: FileType | null,
): string | undefined {
  if (file.isDirectory)
    return 'This is a directory, not a file. Name the dataset files inside it, or a glob such as dir/**/*.jsonl.';
  if (fileType === null) {
    return `Cannot tell the dataset type from the extension '${path.extname(file.path) || '(none)'}'. Rename the file to .jsonl, .csv or .parquet (lower case, as Together requires), or set the input file-type.`;
  }
  if (file.bytes > MAX_FILE_BYTES) {
    return `The file is ${(file.bytes / 2 ** 30).toFixed(3)} GiB; Together accepts at most 50.1 GiB per file. Split it into several files.`;
  }
  return undefined;
}

/** Makes a relative pattern relative to the workspace instead of the process's working directory. */
export function rootPattern(pattern: string, workspace: string): string {
  const negated = pattern.startsWith('!');
  const body = negated ? pattern.slice(1).trim() : pattern;
  const rooted = path.isAbsolute(body) ? body : path.join(workspace, body);
  // path.join drops a trailing separator, which glob reads as "directories only"; keep the user's meaning.
  const keepSlash = /[\\/]$/.test(body) && !rooted.endsWith(path.sep) ? path.sep : '';
  return `${negated ? '!' : ''}${rooted}${keepSlash}`;
}

/** Workspace-relative with forward slashes; files outside the workspace keep their `../` prefix. */
export function relativePath(workspace: string, absolutePath: string): string {
  return path.relative(workspace, absolutePath).split(path.sep).join('/');
}

async function globAll(patterns: string[], options: glob.GlobOptions): Promise<string[]> {
  const globber = await glob.create(patterns.join('\n'), options);
  return globber.glob();
}
