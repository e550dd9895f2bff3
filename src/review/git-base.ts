/**
 * The base version of a dataset, read from the clone with git: the test merge commit's first parent on a pull
 * request (`actions/checkout` with `fetch-depth: 2` has it), the event's `before` on a push. Equal blob IDs (or
 * equal Git LFS object IDs) mean unchanged, and nothing is read. git runs without a shell; paths are arguments.
 */
import { execFileSync, spawn } from 'node:child_process';
import { isUtf8 } from 'node:buffer';
import { closeSync, lstatSync, openSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ReviewBase } from '../settings.js';

/**
 * The commit to compare with: in the clone (read with git), or known but not fetched (read through the GitHub
 * API, when there is one); or why there is none.
 */
export type BaseCommit =
  { commit: string; inClone: boolean; note?: undefined } | { commit?: undefined; inClone?: undefined; note: string };

export type BaseFile =
  /** Same content as the head: nothing to read. */
  | { kind: 'unchanged'; commit: string }
  /** Written to `file` (the caller deletes it). */
  | { kind: 'read'; commit: string; file: string }
  /** Not in the base commit: a new file. */
  | { kind: 'new'; commit: string }
  | { kind: 'none'; note: string };

export const FETCH_HINT = 'check out with `fetch-depth: 2` (actions/checkout) to compare with the base version';

function git(cwd: string, args: string[], input?: string): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'ignore'],
      maxBuffer: 1024 * 1024,
      ...(input === undefined ? {} : { input }),
    }).trim();
  } catch {
    return undefined;
  }
}

const roots = new Map<string, string | undefined>();

/** The clone's root of a workspace (asked of git once a run: each file's base asks again), or undefined. */
function repositoryRoot(workspace: string): string | undefined {
  if (!roots.has(workspace)) roots.set(workspace, git(workspace, ['rev-parse', '--show-toplevel']));
  return roots.get(workspace);
}

/** The commit to compare with, or why there is none. */
export function findBaseCommit(workspace: string, base: ReviewBase | undefined): BaseCommit {
  if (!base) return { note: 'no base version: the run is not for a pull request or a push' };
  if (repositoryRoot(workspace) === undefined)
    return { note: `no base version: the workspace is not a git clone; ${FETCH_HINT}` };
  let commit: string | undefined;
  if (base.event === 'pull_request') {
    // The test merge commit names its parents even in a shallow clone, where their objects are missing.
    const parents = (git(workspace, ['cat-file', '-p', 'HEAD']) ?? '')
      .split('\n')
      .flatMap((line) => /^parent ([0-9a-f]{40,64})$/.exec(line)?.slice(1) ?? []);
    if (parents.length !== 2)
      return { note: "no base version: HEAD is not the pull request's test merge commit (two parents)" };
    commit = parents[0]!;
  } else commit = base.before;
  return { commit, inClone: git(workspace, ['cat-file', '-e', `${commit}^{commit}`]) !== undefined };
}

/** The path of a work-tree file from the repository's root (`/` separators), or undefined outside a clone. */
export function repositoryPath(workspace: string, absolutePath: string): string | undefined {
  const root = repositoryRoot(workspace);
  return root === undefined ? undefined : path.relative(root, absolutePath).split(path.sep).join('/');
}

/** The git blob ID of a work-tree file as it is now (git hashes it). */
export function workTreeBlob(workspace: string, absolutePath: string): string | undefined {
  return git(workspace, ['hash-object', '--', absolutePath]);
}

/** A Git LFS pointer's object ID, when the text is one. */
export function lfsPointerOid(text: string): string | undefined {
  return LFS_POINTER.exec(text.endsWith('\n') ? text : `${text}\n`)?.[1];
}

const LFS_POINTER = /^version https:\/\/git-lfs\.github\.com\/spec\/v1\n(?:.*\n)*?oid sha256:([0-9a-f]{64})\n/;

/**
 * The base version of one file (absolute path in the workspace), written to `file` when it must be read. The
 * long-running git (the blob's content, `git lfs smudge`) runs asynchronously and stops with `signal`.
 */
export async function readBaseFile(
  workspace: string,
  commit: string,
  absolutePath: string,
  file: string,
  signal?: AbortSignal,
  prefetched?: PrefetchedBlob,
): Promise<BaseFile> {
  const relative = repositoryPath(workspace, absolutePath);
  if (relative === undefined) return { kind: 'none', note: `no base version: the workspace is not a git clone` };
  const baseBlob = git(workspace, ['rev-parse', '-q', '--verify', `${commit}:${relative}`]);
  if (baseBlob === undefined) return { kind: 'new', commit };
  const headBlob = git(workspace, ['rev-parse', '-q', '--verify', `HEAD:${relative}`]);
  // Whether the file checked is HEAD's (no step changed it). Asked only where it decides something: git may
  // re-hash the whole file to tell (1.6 s for 400 MB when the index's timestamps are racy, as after a checkout).
  const clean = () => git(workspace, ['diff', '--quiet', 'HEAD', '--', relative]) !== undefined;
  if (headBlob === baseBlob && clean()) return { kind: 'unchanged', commit };
  // Written while the head was checked (never a Git LFS pointer: those are too small to be prefetched).
  if (prefetched?.blob === baseBlob && prefetched.absolutePath === absolutePath && (await prefetched.written))
    return { kind: 'read', commit, file: prefetched.file };

  const extracted = await extractBlob(workspace, commit, baseBlob, relative, file, signal);
  if (extracted.kind !== 'lfs') return extracted;
  const headPointer = headBlob && git(workspace, ['cat-file', 'blob', headBlob]);
  if (headPointer && lfsPointerOid(headPointer) === extracted.oid && clean()) return { kind: 'unchanged', commit };
  return extracted.read();
}

/** A base version's content being written to `file` while the head is checked (see prefetchBaseBlob). */
export interface PrefetchedBlob {
  /** The work-tree file it is the base version of. */
  absolutePath: string;
  blob: string;
  file: string;
  /** Whether git wrote it all (false: failed or stopped, and `file` is removed). */
  written: Promise<boolean>;
}

/**
 * Starts writing the base version of a work-tree file to `file` ahead of its review, when there will be one to
 * read: in the base commit, with another blob than HEAD's, and too large to be a Git LFS pointer (those are read
 * when reviewed). Git takes about 0.4 s to write a 400 MB blob: done while the head is checked, it costs no wait.
 */
export function prefetchBaseBlob(
  workspace: string,
  commit: string,
  absolutePath: string,
  file: string,
  signal?: AbortSignal,
): PrefetchedBlob | undefined {
  const relative = repositoryPath(workspace, absolutePath);
  if (relative === undefined) return undefined;
  const blob = git(workspace, ['rev-parse', '-q', '--verify', `${commit}:${relative}`]);
  if (blob === undefined || blob === git(workspace, ['rev-parse', '-q', '--verify', `HEAD:${relative}`]))
    return undefined;
  if (Number(git(workspace, ['cat-file', '-s', blob]) ?? '0') < 1024) return undefined;
  const written = writeFrom(workspace, ['cat-file', 'blob', blob], file, signal).catch(() => false);
  return { absolutePath, blob, file, written };
}

/**
 * A blob's content written to `file`; a Git LFS pointer is reported first (`lfs`, with its object ID), so the
 * caller can compare object IDs before `read()` fetches the content with `git lfs smudge`.
 */
async function extractBlob(
  workspace: string,
  commit: string,
  blob: string,
  relative: string,
  file: string,
  signal: AbortSignal | undefined,
): Promise<
  | Exclude<BaseFile, { kind: 'unchanged' } | { kind: 'new' }>
  | { kind: 'lfs'; oid: string; read: () => Promise<BaseFile> }
> {
  const size = Number(git(workspace, ['cat-file', '-s', blob]) ?? '0');
  // A pointer is small: read it once, to compare its object ID and to hand it to git lfs.
  const pointer = size < 1024 ? `${git(workspace, ['cat-file', 'blob', blob]) ?? ''}\n` : '';
  const oid = lfsPointerOid(pointer);
  if (oid) {
    return {
      kind: 'lfs',
      oid,
      read: async () =>
        (await writeFrom(workspace, ['lfs', 'smudge', '--', relative], file, signal, pointer))
          ? { kind: 'read', commit, file }
          : {
              kind: 'none',
              note: `no base version: it is in Git LFS (oid sha256:${oid.slice(0, 12)}…) and git lfs could not fetch it; run \`git lfs fetch origin ${commit} -I <path>\` before this step`,
            },
    };
  }
  if (!(await writeFrom(workspace, ['cat-file', 'blob', blob], file, signal))) {
    return { kind: 'none', note: 'no base version: git could not read it from the clone' };
  }
  return { kind: 'read', commit, file };
}

/** Deleted datasets read at most (each is read whole from git). */
export const MAX_DELETED_FILES = 1000;

export interface DeletedFile {
  /** Relative to the workspace, `/` separators. */
  path: string;
  blob: string;
}

/**
 * The files of the base commit that `selects` picks (workspace-relative paths) and that are not in the work tree:
 * datasets the head deleted. Regular files only (no links or submodules); names that are not valid UTF-8 are left
 * out, as the head's walk refuses them. At most `limit`, in the tree's order; `more` counts the rest.
 */
export function listDeletedFiles(
  workspace: string,
  commit: string,
  selects: (relative: string) => boolean,
  limit = MAX_DELETED_FILES,
): { files: DeletedFile[]; more: number } {
  const files: DeletedFile[] = [];
  let more = 0;
  const root = repositoryRoot(workspace);
  if (root === undefined) return { files, more };
  let listing: Buffer;
  try {
    listing = execFileSync('git', ['ls-tree', '-r', '-z', '--full-tree', commit], {
      cwd: workspace,
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 256 * 1024 * 1024,
    });
  } catch {
    return { files, more };
  }
  const prefix = path.relative(root, realpathSync(workspace)).split(path.sep).join('/');
  for (let start = 0; start < listing.length;) {
    let end = listing.indexOf(0, start);
    if (end < 0) end = listing.length;
    const entry = listing.subarray(start, end);
    start = end + 1;
    // "<mode> <type> <object>\t<path>"
    const tab = entry.indexOf(9);
    if (tab < 0) continue;
    const [mode, type, blob] = entry.toString('latin1', 0, tab).split(' ');
    if (type !== 'blob' || (mode !== '100644' && mode !== '100755') || !blob) continue;
    const name = entry.subarray(tab + 1);
    if (!isUtf8(name)) continue;
    const fromRoot = name.toString('utf8');
    if (prefix && !fromRoot.startsWith(`${prefix}/`)) continue;
    const relative = prefix ? fromRoot.slice(prefix.length + 1) : fromRoot;
    if (!selects(relative) || existsOnDisk(path.join(workspace, ...relative.split('/')))) continue;
    if (files.length < limit) files.push({ path: relative, blob });
    else more += 1;
  }
  return { files, more };
}

function existsOnDisk(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** A deleted dataset's base content, written to `file`. */
export async function readDeletedFile(
  workspace: string,
  commit: string,
  deleted: DeletedFile,
  file: string,
  signal?: AbortSignal,
): Promise<BaseFile> {
  const extracted = await extractBlob(workspace, commit, deleted.blob, deleted.path, file, signal);
  return extracted.kind === 'lfs' ? extracted.read() : extracted;
}

/**
 * Runs git with its output streamed into `file` (never held in memory), asynchronously: a cancelled run kills it
 * rather than waiting for a large blob to be written. True when git succeeded.
 */
async function writeFrom(
  cwd: string,
  args: string[],
  file: string,
  signal: AbortSignal | undefined,
  input?: string,
): Promise<boolean> {
  const fd = openSync(file, 'wx', 0o600);
  let done = false;
  try {
    done = await new Promise<boolean>((resolve) => {
      const child = spawn('git', args, {
        cwd,
        stdio: [input === undefined ? 'ignore' : 'pipe', fd, 'ignore'],
        ...(signal ? { signal } : {}),
      });
      child.once('error', () => resolve(false));
      child.once('close', (code) => resolve(code === 0 && !signal?.aborted));
      // git may exit before it reads its input (git lfs missing): a broken pipe then is its answer, not a crash.
      child.stdin?.once('error', () => undefined);
      child.stdin?.end(input);
    });
    return done;
  } finally {
    closeSync(fd);
    // What git wrote before it failed or was stopped is not the base version.
    if (!done) rmSync(file, { force: true });
  }
}
