/**
 * Resolves the `path` input (files, directories, globs, `!` excludes) into the sorted list of files to handle. What
 * a pull request can write is hostile here: every match is resolved to its real path, and a link out of the
 * workspace, a link to a hidden file, a FIFO or device, or a Git LFS pointer is refused by name, before anything
 * reads it as a dataset.
 */
import { closeSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { FileType } from './domain.js';
import { messageOf } from './error-text.js';
import { excerpt } from './safe-text.js';
import { fileSelector, globEscape, GlobPattern, isInside, walk, type WalkEntry } from './walk.js';

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
  /** Why the file is not read at all (a link out of the workspace, not a regular file, a Git LFS pointer). */
  refusal?: string;
}

export interface ResolveOptions {
  patterns: string[];
  workspace: string;
  includeHiddenFiles: boolean;
}

/**
 * Finds the files the patterns name. A file that a pattern names itself is always kept (so a wrong extension is
 * reported rather than silently skipped); files reached only because a directory matched are kept when they have a
 * dataset extension. Sorted by path, without duplicates. A path that cannot be inspected fails alone, by name.
 */
export async function resolveFiles(options: ResolveOptions): Promise<MatchedFile[]> {
  const rooted = options.patterns.map((p) => rootPattern(p, options.workspace));
  const roots = await allowedRoots(rooted, options.workspace);
  // Each entry is inspected as the walk yields it, so no list of walk entries is ever held: only the files found.
  // The inspection is synchronous, a few system calls with no promise between them: one file open at a time,
  // and nothing of a file's inspection lives on to be copied by the collector (20,000 files in flight through
  // promises kept V8's young generation growing).
  const found = new Map<string, MatchedFile | undefined>();
  const named = new Set<string>();
  for await (const entry of walk({
    patterns: rooted,
    excludeHiddenFiles: !options.includeHiddenFiles,
    roots,
    keepDescendant: (file) => datasetTypeOf(file) !== undefined,
  })) {
    // A path met twice (overlapping patterns) is inspected once; named wins, for the directory-like-dataset rule.
    if (found.has(entry.absolutePath) && (!entry.named || named.has(entry.absolutePath))) continue;
    if (entry.named) named.add(entry.absolutePath);
    let file: MatchedFile | undefined;
    try {
      file = inspect(entry, options, roots);
    } catch (error) {
      file = {
        path: relativePath(options.workspace, entry.absolutePath),
        absolutePath: entry.absolutePath,
        bytes: 0,
        refusal: `It cannot be read (${messageOf(error)}), so it is not checked or uploaded.`,
      };
    }
    found.set(entry.absolutePath, file);
  }
  const files = [...found.values()].filter((file): file is MatchedFile => file !== undefined);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The largest file Git LFS writes as a pointer (its spec); only files this small are read to tell. */
const MAX_LFS_POINTER_BYTES = 1024;
const LFS_POINTER_START = 'version https://git-lfs.github.com/spec/v1';

/**
 * Where matched files may really be: the workspace, and each place outside it that an include pattern names
 * itself (say, a file a previous step wrote to $RUNNER_TEMP: the workflow's author chose it), as real paths.
 */
async function allowedRoots(rooted: string[], workspace: string): Promise<string[]> {
  const absoluteWorkspace = path.resolve(workspace);
  const outside = rooted
    .map((p) => new GlobPattern(p))
    .filter((p) => !p.negate && !isInside(p.searchPath, absoluteWorkspace))
    .map((p) => p.searchPath);
  const roots = [absoluteWorkspace, ...outside];
  const real = await Promise.all(roots.map((root) => realpath(root).catch(() => root)));
  return [...new Set([...roots, ...real])];
}

/**
 * Whether a workspace-relative path (`/` separators) of a file that is not on disk would be selected by the
 * patterns: a dataset of the base version, to tell whether the head deleted it. The same rules as resolveFiles:
 * named, or under a matched directory with a dataset extension, and hidden names left out unless included.
 */
export function selectsMissingFile(options: ResolveOptions): (relative: string) => boolean {
  const selects = fileSelector(
    options.patterns.map((p) => rootPattern(p, options.workspace)),
    (file) => datasetTypeOf(file) !== undefined,
  );
  return (relative) =>
    (options.includeHiddenFiles || !hasHiddenPart(relative.split('/').join(path.sep))) &&
    selects(path.join(options.workspace, ...relative.split('/')));
}

/** A matched path as a MatchedFile: resolved, and refused by name when it must not be read; undefined to skip. */
function inspect(entry: WalkEntry, options: ResolveOptions, roots: string[]): MatchedFile | undefined {
  const { absolutePath } = entry;
  const shown = relativePath(options.workspace, absolutePath);
  const refuse = (refusal: string): MatchedFile => ({ path: shown, absolutePath, bytes: 0, refusal });
  if (entry.invalidName) {
    return refuse(
      'Its name is not valid UTF-8 (the bytes that are not are shown as \\xNN), so it is not read: Together and GitHub show names as UTF-8. Rename the file.',
    );
  }
  if (entry.outside !== undefined) return refuse(outsideRefusal(entry.outside));
  const resolved = realpathSync(absolutePath);
  // Usually the same path: keep one string, not two, for each of thousands of files.
  const real = resolved === absolutePath ? absolutePath : resolved;
  const root = roots.find((r) => isInside(real, r));
  if (root === undefined) return refuse(outsideRefusal(real));
  // @actions/glob applied the hidden-file rules to the path it matched; a link must not lead past them.
  const linkedIntoHidden =
    hasHiddenPart(path.relative(root, real)) && !hasHiddenPart(path.relative(options.workspace, absolutePath));
  if (!options.includeHiddenFiles && linkedIntoHidden) {
    return refuse(
      `It is a symbolic link to a hidden file or folder (${excerpt(path.relative(root, real))}), so it is not read; hidden files are left out unless include-hidden-files: true.`,
    );
  }
  const info = statSync(real);
  if (info.isDirectory()) {
    // A directory named like a dataset (`x.jsonl/`) that a pattern matched is reported rather than silently expanded.
    return datasetTypeOf(absolutePath) !== undefined
      ? { path: shown, absolutePath: real, bytes: 0, isDirectory: true }
      : undefined;
  }
  if (!info.isFile()) {
    return refuse(
      `It is not a regular file (${kindOf(info)}), so it is not read. A dataset must be a file in the repository.`,
    );
  }
  const file: MatchedFile = { path: shown, absolutePath: real, bytes: info.size, modifiedMs: info.mtimeMs };
  if (info.size <= MAX_LFS_POINTER_BYTES && startsWith(real, LFS_POINTER_START)) {
    file.refusal =
      'It is a Git LFS pointer, not the dataset: the repository keeps the file in Git LFS and the checkout did not fetch it. Add `lfs: true` to the actions/checkout step (or run `git lfs pull` before this step).';
  }
  return file;
}

function outsideRefusal(real: string): string {
  return `It is a symbolic link (or inside a linked folder) to ${excerpt(real)}, outside the workspace, so it is not read. A pull request must not point the action at files outside the repository; to upload a file a previous step wrote elsewhere, name that path itself in 'path'.`;
}

function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a file';
}

function startsWith(file: string, text: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(text.length);
    const bytesRead = readSync(fd, buffer, 0, buffer.length, 0);
    return bytesRead === text.length && buffer.toString('latin1') === text;
  } finally {
    closeSync(fd);
  }
}

function hasHiddenPart(relative: string): boolean {
  return relative.split(path.sep).some((part) => part.startsWith('.') && part !== '.' && part !== '..');
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
  file: Pick<MatchedFile, 'path' | 'bytes' | 'isDirectory' | 'refusal'>,
  fileType: FileType | null,
): string | undefined {
  if (file.refusal) return file.refusal;
  if (file.isDirectory)
    return 'This is a directory, not a file. Name the dataset files inside it, or a glob such as dir/**/*.jsonl.';
  if (fileType === null) {
    return `Cannot tell the dataset type from the extension '${path.extname(file.path) || '(none)'}'. Rename the file to .jsonl, .csv or .parquet (lower case, as Together requires), or set the input file-type.`;
  }
  if (file.bytes > MAX_FILE_BYTES) {
    return `The file is ${(file.bytes / 2 ** 30).toFixed(3)} GiB; Together's SDKs accept at most 50.1 GiB per file. Split it into several files.`;
  }
  if (file.bytes === 0) return 'The file is empty; it needs at least one sample.';
  return undefined;
}

/** Makes a relative pattern relative to the workspace instead of the process's working directory. */
export function rootPattern(pattern: string, workspace: string): string {
  const negated = pattern.startsWith('!');
  const body = negated ? pattern.slice(1).trim() : pattern;
  // The workspace is a literal path: glob characters in it (`[`, `*`) must not act as globs.
  const rooted = path.isAbsolute(body) ? body : path.join(globEscape(workspace), body);
  // path.join drops a trailing separator, which glob reads as "directories only"; keep the user's meaning.
  const keepSlash = /[\\/]$/.test(body) && !rooted.endsWith(path.sep) ? path.sep : '';
  return `${negated ? '!' : ''}${rooted}${keepSlash}`;
}

/** Workspace-relative with forward slashes; files outside the workspace keep their `../` prefix. */
export function relativePath(workspace: string, absolutePath: string): string {
  return path.relative(workspace, absolutePath).split(path.sep).join('/');
}
