/**
 * The base version of a dataset, read from the clone with git: the test merge commit's first parent on a pull
 * request (`actions/checkout` with `fetch-depth: 2` has it), the event's `before` on a push. Equal blob IDs (or
 * equal Git LFS object IDs) mean unchanged, and nothing is read. git runs without a shell; paths are arguments.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, lstatSync, openSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ReviewBase } from '../settings.js';
import { BlobReader, changedFromHead, listTree, unchangedFiles, type TreeFiles } from './git-batch.js';

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
export function repositoryRoot(workspace: string): string | undefined {
  if (!roots.has(workspace)) roots.set(workspace, git(workspace, ['rev-parse', '--show-toplevel']));
  return roots.get(workspace);
}

const baseCommits = new Map<string, BaseCommit>();

/** The commit to compare with, or why there is none (asked of git once a run: the prefetch asks first). */
export function findBaseCommit(workspace: string, base: ReviewBase | undefined): BaseCommit {
  const key = JSON.stringify([workspace, base]);
  let found = baseCommits.get(key);
  if (!found) baseCommits.set(key, (found = baseCommitOf(workspace, base)));
  return found;
}

function baseCommitOf(workspace: string, base: ReviewBase | undefined): BaseCommit {
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
 * The base versions of a run's datasets, read from the clone with as few runs of git as the work allows: the base
 * commit's tree and HEAD's listed once each, the work tree compared with HEAD for all unchanged-looking files at
 * once, and every blob read through one `git cat-file --batch`. close() when done.
 */
export class GitBase {
  /** Datasets of the base commit that the head deleted (see `open`). */
  readonly deleted: { files: DeletedFile[]; more: number };
  private readonly blobs: BlobReader;
  private clean: Set<string> | undefined;

  private constructor(
    private readonly workspace: string,
    private readonly root: string,
    readonly commit: string,
    private readonly base: TreeFiles,
    private readonly head: TreeFiles,
    /** The workspace's folder from the repository root ('' at the root). */
    private readonly prefix: string,
    deleted: { files: DeletedFile[]; more: number },
    private readonly signal: AbortSignal | undefined,
  ) {
    this.deleted = deleted;
    this.blobs = new BlobReader(root, signal);
  }

  /**
   * For the work-tree files `reviewed` (absolute paths) and the files of the base commit that `selects` picks
   * (workspace-relative paths: the datasets, listed when gone from the work tree, at most `limit` in the tree's
   * order; `more` counts the rest). Undefined when git cannot list the trees.
   */
  static open(
    workspace: string,
    commit: string,
    reviewed: readonly string[],
    selects: (relative: string) => boolean,
    signal?: AbortSignal,
    limit = MAX_DELETED_FILES,
  ): GitBase | undefined {
    const root = repositoryRoot(workspace);
    if (root === undefined) return undefined;
    const wanted = new Set<string>();
    for (const file of reviewed) {
      const fromRoot = repositoryPath(workspace, file);
      if (fromRoot !== undefined) wanted.add(fromRoot);
    }
    const prefix = path.relative(root, realpathSync(workspace)).split(path.sep).join('/');
    const inWorkspace = (fromRoot: string) =>
      !prefix ? fromRoot : fromRoot.startsWith(`${prefix}/`) ? fromRoot.slice(prefix.length + 1) : undefined;
    const selected = (fromRoot: string) => {
      const relative = inWorkspace(fromRoot);
      return relative !== undefined && selects(relative);
    };
    const base = listTree(root, commit, (fromRoot) => wanted.has(fromRoot) || selected(fromRoot));
    const head = base && listTree(root, 'HEAD', (fromRoot) => wanted.has(fromRoot), [...wanted]);
    if (!base || !head) return undefined;
    const deleted = { files: [] as DeletedFile[], more: 0 };
    for (const [fromRoot, blob] of base) {
      const relative = inWorkspace(fromRoot);
      if (wanted.has(fromRoot) || relative === undefined || !selects(relative)) continue;
      if (existsOnDisk(path.join(workspace, ...relative.split('/')))) continue;
      if (deleted.files.length < limit) deleted.files.push({ path: relative, blob });
      else deleted.more += 1;
    }
    return new GitBase(workspace, root, commit, base, head, prefix, deleted, signal);
  }

  /** The base version of a work-tree file (absolute path), written to `file` when it must be read. */
  async read(absolutePath: string, file: string, prefetched?: PrefetchedBlob): Promise<BaseFile> {
    const { commit } = this;
    const fromRoot = repositoryPath(this.workspace, absolutePath);
    if (fromRoot === undefined) return { kind: 'none', note: `no base version: the workspace is not a git clone` };
    const baseBlob = this.base.get(fromRoot);
    if (baseBlob === undefined) return { kind: 'new', commit };
    const headBlob = this.head.get(fromRoot);
    if (headBlob === baseBlob && this.isClean(fromRoot)) return { kind: 'unchanged', commit };
    // Written while the head was checked (never a Git LFS pointer: those are too small to be prefetched).
    if (prefetched?.blob === baseBlob && prefetched.absolutePath === absolutePath && (await prefetched.written))
      return { kind: 'read', commit, file: prefetched.file };
    const extracted = await this.extract(baseBlob, fromRoot, file);
    if (extracted.kind !== 'lfs') return extracted;
    const headPointer = headBlob === undefined ? undefined : await this.blobs.write(headBlob, undefined);
    const headOid =
      headPointer?.kind === 'written'
        ? headPointer.small && lfsPointerOid(headPointer.small.toString('latin1'))
        : undefined;
    if (headOid === extracted.oid && workTreeIsHead(this.root, fromRoot)) return { kind: 'unchanged', commit };
    return extracted.read();
  }

  /** A deleted dataset's base content, written to `file`. */
  async readDeleted(deleted: DeletedFile, file: string): Promise<BaseFile> {
    const fromRoot = this.prefix ? `${this.prefix}/${deleted.path}` : deleted.path;
    const extracted = await this.extract(deleted.blob, fromRoot, file);
    return extracted.kind === 'lfs' ? extracted.read() : extracted;
  }

  close(): void {
    this.blobs.close();
  }

  /**
   * Whether the file is the base's: the same blob in both commits, and a work-tree file that is HEAD's (no step
   * changed it). Asked of git once, for every file whose blob is the same in both commits.
   */
  private isClean(fromRoot: string): boolean {
    this.clean ??= unchangedFiles(this.root, (name) => this.base.get(name), this.head);
    return this.clean.has(fromRoot);
  }

  /**
   * A blob's content written to `file`; a Git LFS pointer is reported first (`lfs`, with its object ID), so the
   * caller can compare object IDs before `read()` fetches the content with `git lfs smudge`.
   */
  private async extract(
    blob: string,
    fromRoot: string,
    file: string,
  ): Promise<
    | Exclude<BaseFile, { kind: 'unchanged' } | { kind: 'new' }>
    | { kind: 'lfs'; oid: string; read: () => Promise<BaseFile> }
  > {
    const { commit } = this;
    const found = await this.blobs.write(blob, file);
    if (found.kind !== 'written')
      return { kind: 'none', note: 'no base version: git could not read it from the clone' };
    const pointer = found.small && `${found.small.toString('latin1')}\n`;
    const oid = pointer && lfsPointerOid(pointer);
    if (!pointer || !oid) return { kind: 'read', commit, file };
    rmSync(file, { force: true });
    return {
      kind: 'lfs',
      oid,
      read: async () =>
        (await writeFrom(this.root, ['lfs', 'smudge', '--', fromRoot], file, this.signal, pointer))
          ? { kind: 'read', commit, file }
          : {
              kind: 'none',
              note: `no base version: it is in Git LFS (oid sha256:${oid.slice(0, 12)}…) and git lfs could not fetch it; run \`git lfs fetch origin ${commit} -I <path>\` before this step`,
            },
    };
  }
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

/** Deleted datasets read at most (each is read whole from git). */
export const MAX_DELETED_FILES = 1000;

export interface DeletedFile {
  /** Relative to the workspace, `/` separators. */
  path: string;
  blob: string;
}

/** Whether one work-tree file is HEAD's (its pointer, for a Git LFS file whose pointers differ only in text). */
function workTreeIsHead(root: string, fromRoot: string): boolean {
  return changedFromHead(root, [fromRoot])?.has(fromRoot) === false;
}

function existsOnDisk(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
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
