/**
 * git for many files at once: a tree listed by one `git ls-tree`, blobs read through one `git cat-file --batch`,
 * and the work tree compared with HEAD by a few `git diff`. A pull request that touches 5,000 small datasets asked
 * git four to six times a file, and each start of git costs several milliseconds: 16,000 runs of git took two
 * minutes.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';

/**
 * Paths are taken as they are, never as patterns: a file named `*.jsonl` or `:(glob)x` is that file alone.
 * Set on every git this module runs.
 */
const LITERAL = { ...process.env, GIT_LITERAL_PATHSPECS: '1' };

/** A tree's regular files (modes 100644 and 100755; no links or submodules), by path from the repository root. */
export type TreeFiles = Map<string, string>;

/**
 * The regular files of `commit`'s tree that `keep` picks (it gets each path from the repository root), with their
 * blob IDs; undefined when git cannot list the tree. Names that are not valid UTF-8 are left out, as the head's
 * walk refuses them.
 */
export function listTree(
  cwd: string,
  commit: string,
  keep: (fromRoot: string) => boolean,
  only?: readonly string[],
): TreeFiles | undefined {
  const files: TreeFiles = new Map();
  // With `only` (paths from the root), git lists those alone, a few hundred a run: a monorepo's whole tree can be
  // millions of entries, and its listing is held in memory.
  const chunks = only ? Math.ceil(only.length / PATHS_PER_RUN) : 1;
  for (let chunk = 0; chunk < chunks; chunk += 1) {
    const paths = only ? ['--', ...only.slice(chunk * PATHS_PER_RUN, (chunk + 1) * PATHS_PER_RUN)] : [];
    let listing: Buffer;
    try {
      listing = execFileSync('git', ['ls-tree', '-r', '-z', '--full-tree', commit, ...paths], {
        cwd,
        env: LITERAL,
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 256 * 1024 * 1024,
      });
    } catch {
      return undefined;
    }
    addEntries(listing, keep, files);
  }
  return files;
}

function addEntries(listing: Buffer, keep: (fromRoot: string) => boolean, files: TreeFiles): void {
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
    if (keep(fromRoot)) files.set(fromRoot, blob);
  }
}

/** Paths per run of git: far below the argument limit (each at most 4,096 bytes, most far shorter). */
const PATHS_PER_RUN = 200;

/**
 * Of `paths` (from the repository root), those whose work-tree file differs from HEAD's, or undefined when git
 * cannot tell. git may re-hash a file to know (1.6 s for 400 MB when the index's timestamps are racy, as after a
 * checkout), so only the paths asked about are compared.
 */
export function changedFromHead(root: string, paths: readonly string[]): Set<string> | undefined {
  const changed = new Set<string>();
  for (let from = 0; from < paths.length; from += PATHS_PER_RUN) {
    let listing: Buffer;
    try {
      listing = execFileSync(
        'git',
        ['diff', '--name-only', '--no-renames', '-z', 'HEAD', '--', ...paths.slice(from, from + PATHS_PER_RUN)],
        { cwd: root, env: LITERAL, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 },
      );
    } catch {
      return undefined;
    }
    for (const name of listing.toString('utf8').split('\0')) if (name) changed.add(name);
  }
  return changed;
}

/**
 * The files of `head` (HEAD's listing) whose blob is the base's too (`baseBlob`, by path from the root) and whose
 * work-tree file is HEAD's: unchanged against the base, with nothing to read. One `git diff` for every 200 of them,
 * and none for the others (a changed file is read whatever its work tree holds).
 */
export function unchangedFiles(
  root: string,
  baseBlob: (fromRoot: string) => string | undefined,
  head: TreeFiles,
): Set<string> {
  const alike = [...head].filter(([name, blob]) => baseBlob(name) === blob).map(([name]) => name);
  const changed = changedFromHead(root, alike);
  return new Set(changed ? alike.filter((name) => !changed.has(name)) : []);
}

/** What BlobReader.write found: the blob written to the file (and its bytes when small), or why not. */
export type BlobRead =
  { kind: 'written'; size: number; small: Buffer | undefined } | { kind: 'missing' } | { kind: 'failed' };

/** Blobs at most this large are also handed back in memory (a Git LFS pointer is well under it). */
const SMALL_BLOB = 1024;

interface Request {
  blob: string;
  fd: number;
  /** Bytes received after the header, before the body's end: the header, then the body as it comes. */
  header: Buffer[];
  size: number;
  written: number;
  small: Buffer[] | undefined;
  done: (read: BlobRead) => void;
}

/**
 * One `git cat-file --batch` for a run's blobs, read one at a time: each is streamed to a file as it comes
 * (never held whole in memory), with no git started per blob. Stopped by `signal` or close().
 */
export class BlobReader {
  private child: ChildProcess | undefined;
  private request: Request | undefined;
  private broken = false;

  constructor(
    private readonly cwd: string,
    private readonly signal?: AbortSignal,
  ) {}

  /**
   * Writes the blob's content to `file` (created; removed again unless written whole), or with no file, reads it
   * for its size and, when small, its bytes.
   */
  async write(blob: string, file: string | undefined): Promise<BlobRead> {
    if (this.request) throw new Error('BlobReader reads one blob at a time');
    const child = this.started();
    if (!child?.stdin || this.broken) return { kind: 'failed' };
    const fd = file === undefined ? -1 : openSync(file, 'wx', 0o600);
    try {
      const read = await new Promise<BlobRead>((resolve) => {
        this.request = { blob, fd, header: [], size: -1, written: 0, small: undefined, done: resolve };
        child.stdin!.write(`${blob}\n`);
      });
      if (read.kind !== 'written' && file !== undefined) rmSync(file, { force: true });
      return read;
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  }

  close(): void {
    this.child?.stdin?.end();
    this.child?.kill();
    this.child = undefined;
  }

  private started(): ChildProcess | undefined {
    if (this.child || this.broken) return this.child;
    const child = spawn('git', ['cat-file', '--batch'], {
      cwd: this.cwd,
      env: LITERAL,
      stdio: ['pipe', 'pipe', 'ignore'],
      ...(this.signal ? { signal: this.signal } : {}),
    });
    child.once('error', () => this.fail());
    child.once('close', () => this.fail());
    child.stdin.once('error', () => this.fail());
    child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child = child;
    return child;
  }

  /** git is gone, or its answer cannot be followed: this read and every later one fail. */
  private fail(): void {
    this.broken = true;
    this.child?.kill();
    this.finish({ kind: 'failed' });
  }

  private finish(read: BlobRead): void {
    const request = this.request;
    this.request = undefined;
    request?.done(read);
  }

  /** The answer to the one request in flight: `<oid> blob <size>\n<content>\n`, or `<oid> missing\n`. */
  private receive(chunk: Buffer): void {
    const request = this.request;
    if (!request) return this.fail();
    let rest = chunk;
    if (request.size < 0) {
      const newline = rest.indexOf(10);
      if (newline < 0) {
        request.header.push(rest);
        return;
      }
      const header = Buffer.concat([...request.header, rest.subarray(0, newline)]).toString('latin1');
      rest = rest.subarray(newline + 1);
      const [oid, type, size] = header.split(' ');
      if (type === 'missing' || oid !== request.blob) return this.finish({ kind: 'missing' });
      if (type !== 'blob' || !/^\d+$/.test(size ?? '')) return this.fail();
      request.size = Number(size);
      if (request.size <= SMALL_BLOB) request.small = [];
    }
    const body = rest.subarray(0, request.size - request.written);
    if (body.length > 0) {
      try {
        if (request.fd >= 0) writeSync(request.fd, body);
      } catch {
        // The disk is full, say: the blob's remaining bytes would still come, so this git is done with.
        return this.fail();
      }
      request.small?.push(Buffer.from(body));
      request.written += body.length;
    }
    // The content ends with a newline of git's own: the answer is complete once it has come.
    if (request.written === request.size && rest.length > body.length) {
      this.finish({
        kind: 'written',
        size: request.size,
        small: request.small && Buffer.concat(request.small),
      });
    }
  }
}
