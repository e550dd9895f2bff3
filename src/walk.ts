/**
 * Walks the file tree for the `path` patterns, with @actions/glob's pattern semantics (its matcher, minimatch, with
 * its options: include and `!`-exclude lines, last match wins; a trailing `/` for directories only; implicit
 * descendants; hidden names left out by basename) but in bounded memory and with what a pull request writes
 * treated as hostile:
 *
 * - directories are read as streams (`opendir`), so a folder of 100,000 entries is never held whole;
 * - one directory is open at a time, so the walk never runs into the open-files limit;
 * - a symbolic link is resolved before anything follows it: a link whose target is outside the allowed roots is
 *   reported (when a pattern could match it) and never walked or read;
 * - a name that is not valid UTF-8 is reported, escaped, instead of being dropped.
 */
import { isUtf8 } from 'node:buffer';
import type { Dirent, Stats } from 'node:fs';
import { lstat, opendir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { Minimatch } from 'minimatch';

/** @actions/glob's minimatch options (internal-pattern.js), so patterns mean exactly what they mean there. */
const MINIMATCH_OPTIONS = { dot: true, nobrace: true, nocomment: true, noext: true, nonegate: true } as const;

const MATCH_NONE = 0;
const MATCH_DIRECTORY = 1;
const MATCH_FILE = 2;
const MATCH_ALL = MATCH_DIRECTORY | MATCH_FILE;

/** One line of `path`, absolute, compiled as @actions/glob's Pattern compiles it. */
export class GlobPattern {
  readonly negate: boolean;
  /** The literal directory (or file) before the first glob segment: where the walk starts. */
  readonly searchPath: string;
  private readonly directoriesOnly: boolean;
  private readonly endsInGlobstar: boolean;
  private readonly matcher: Minimatch;

  /** `pattern` is absolute (rooted at the workspace); `implicit` marks the `pattern/**` added for descendants. */
  constructor(
    pattern: string,
    private readonly implicit = false,
  ) {
    let body = pattern.trim();
    let negate = false;
    while (body.startsWith('!')) {
      negate = !negate;
      body = body.slice(1).trim();
    }
    this.negate = negate;
    this.directoriesOnly = body.length > 1 && body.endsWith('/');
    const trimmed = this.directoriesOnly ? body.replace(/\/+$/, '') : body;
    const segments = trimmed.split('/');
    this.endsInGlobstar = segments.at(-1) === '**';
    const literal: string[] = [];
    for (const segment of segments) {
      const text = literalOf(segment);
      if (text === undefined) break;
      literal.push(text);
    }
    this.searchPath = literal.join('/') || '/';
    this.matcher = new Minimatch(trimmed, MINIMATCH_OPTIONS);
  }

  /** The same pattern with `/**` appended: what matches a matched directory's descendants. */
  descendants(): GlobPattern | undefined {
    if (this.endsInGlobstar && !this.directoriesOnly) return undefined;
    const base = this.matcher.pattern.replace(/\/+$/, '');
    return new GlobPattern(`${this.negate ? '!' : ''}${base}/**`, true);
  }

  /** How the pattern matches this absolute path: not, as a directory only, or as anything. */
  match(itemPath: string): number {
    // minimatch matches `/a/**` against `/a/` but not `/a`: the explicit pattern names the directory itself.
    const subject = this.endsInGlobstar && !this.implicit ? `${itemPath}/` : itemPath;
    if (!this.matcher.match(subject)) return MATCH_NONE;
    return this.directoriesOnly ? MATCH_DIRECTORY : MATCH_ALL;
  }

  /** Whether a descendant of this directory could match. */
  couldMatchBelow(itemPath: string): boolean {
    if (itemPath === '/') return true;
    const set = this.matcher.set[0];
    return set !== undefined && this.matcher.matchOne(itemPath.split('/'), set, true);
  }
}

/** A segment's literal text (escapes and one-character sets undone), or undefined when it holds a glob. */
function literalOf(segment: string): string | undefined {
  let literal = '';
  for (let i = 0; i < segment.length; i += 1) {
    const c = segment[i]!;
    if (c === '\\' && i + 1 < segment.length) {
      literal += segment[++i];
    } else if (c === '*' || c === '?') {
      return undefined;
    } else if (c === '[' && i + 1 < segment.length) {
      const close = segment.indexOf(']', i + 1);
      if (close < 0) {
        literal += c;
        continue;
      }
      const set = segment.slice(i + 1, close).replace(/\\(.)/g, '$1');
      if (set.length > 1) return undefined;
      if (set.length === 0) {
        literal += c;
        continue;
      }
      literal += set;
      i = close;
    } else {
      literal += c;
    }
  }
  return literal;
}

/** Escapes glob characters in a literal path (the workspace), as @actions/glob's globEscape does. */
export function globEscape(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/(\[)(?=[^/]+\])/g, '[[]')
    .replace(/\?/g, '[?]')
    .replace(/\*/g, '[*]');
}

/** What the walk found: a path a pattern selects, with what is known of it before it is inspected. */
export interface WalkEntry {
  absolutePath: string;
  /** A pattern names it itself (not only as a descendant of a matched directory). */
  named: boolean;
  kind: 'file' | 'directory' | 'other';
  /** A symbolic link (or one on the way) leads here, to this real path outside the allowed roots: never read. */
  outside?: string;
  /** The name's bytes are not valid UTF-8: shown escaped in `absolutePath`, never read. */
  invalidName?: boolean;
}

export interface WalkOptions {
  /** Include and exclude lines, absolute. */
  patterns: string[];
  /** Leave out names starting with `.` (and everything under such a folder). */
  excludeHiddenFiles: boolean;
  /** Real paths a link may lead into: the workspace, and places outside it that a pattern names itself. */
  roots: readonly string[];
  /** Decides which files a matched directory contributes (the dataset extensions); named files are always kept. */
  keepDescendant: (absolutePath: string) => boolean;
}

/**
 * Every path the patterns select, as the walk meets it: files a pattern names or that sit under a matched
 * directory (and pass `keepDescendant`), directories a pattern names itself, and refused links and names.
 */
export async function* walk(options: WalkOptions): AsyncGenerator<WalkEntry> {
  const { includes, matchAll, matchNamed } = compilePatterns(options.patterns);
  const couldMatchBelow = (itemPath: string) => includes.some((p) => p.couldMatchBelow(itemPath));
  const hidden = (itemPath: string) => options.excludeHiddenFiles && path.basename(itemPath).startsWith('.');

  /** Classifies a path the walk reached; a directory to walk goes on `pending`, with the chain that led to it. */
  async function* visit(
    itemPath: string,
    chain: Chain | undefined,
    pending: Pending[],
    /** The type the directory listing gave, when it gave one: a regular file needs no stat to be skipped. */
    listed?: Dirent<Buffer>,
  ): AsyncGenerator<WalkEntry> {
    if (hidden(itemPath)) return;
    if (listed?.isFile()) {
      // Most entries of a wide folder end here, with no system call and no glob match past the cheapest test.
      const named = matchNamed(itemPath) & MATCH_FILE;
      if (!named && !options.keepDescendant(itemPath)) return;
      if (named || matchAll(itemPath) & MATCH_FILE) yield { absolutePath: itemPath, named: named !== 0, kind: 'file' };
      return;
    }
    const matched = matchAll(itemPath);
    const below = matched !== MATCH_NONE || couldMatchBelow(itemPath);
    if (!below) return;
    const named = matchNamed(itemPath);
    let info: Stats | undefined = await lstat(itemPath).catch(() => undefined);
    if (!info) return;
    if (info.isSymbolicLink()) {
      const real = await realpath(itemPath).catch(() => undefined);
      if (real === undefined) return; // a broken link: @actions/glob leaves it out too
      if (!options.roots.some((root) => isInside(real, root))) {
        // Never walked, never read. A folder is reported whenever a pattern could select something in it; a file
        // where a pattern would select it.
        const folder = (await stat(real).catch(() => undefined))?.isDirectory() ?? false;
        const selected = matched & MATCH_FILE && (named !== MATCH_NONE || options.keepDescendant(itemPath));
        if (folder || selected)
          yield { absolutePath: itemPath, named: named !== MATCH_NONE, kind: 'other', outside: real };
        return;
      }
      info = await stat(itemPath).catch(() => undefined);
      if (!info) return;
    }
    if (info.isDirectory()) {
      if (named & MATCH_DIRECTORY) yield { absolutePath: itemPath, named: true, kind: 'directory' };
      const real = await realpath(itemPath).catch(() => itemPath);
      // A link back to a folder on the way here is a cycle (@actions/glob's rule: only the chain counts).
      for (let link = chain; link; link = link.parent) if (link.real === real) return;
      pending.push({ directory: itemPath, chain: { real, parent: chain } });
      return;
    }
    if (!(matched & MATCH_FILE)) return;
    if (named & MATCH_FILE || options.keepDescendant(itemPath))
      yield { absolutePath: itemPath, named: (named & MATCH_FILE) !== 0, kind: info.isFile() ? 'file' : 'other' };
  }

  for (const searchPath of searchPaths(includes)) {
    const pending: Pending[] = [];
    yield* visit(searchPath, undefined, pending);
    // Depth first, one open directory at a time; only directories wait on the stack, never their files.
    while (pending.length > 0) {
      const { directory, chain } = pending.pop()!;
      const subdirectories: Pending[] = [];
      const handle = await opendir(directory, { encoding: 'buffer' as BufferEncoding, bufferSize: 64 }).catch(
        () => undefined,
      );
      if (!handle) continue;
      for await (const entry of handle) {
        const raw = entry.name as unknown as Buffer;
        if (!isUtf8(raw)) {
          const shown = path.join(directory, escapeInvalidUtf8(raw));
          if (matchAll(path.join(directory, raw.toString('utf8'))) & MATCH_FILE)
            yield { absolutePath: shown, named: false, kind: 'other', invalidName: true };
          continue;
        }
        yield* visit(
          path.join(directory, raw.toString('utf8')),
          chain,
          subdirectories,
          entry as unknown as Dirent<Buffer>,
        );
      }
      // Reverse, so the stack pops them in the order they were read.
      pending.push(...subdirectories.reverse());
    }
  }
}

/** The patterns, as lines (`explicit`) and with each one's implicit descendants (`all`), with their matchers. */
function compilePatterns(patterns: readonly string[]) {
  const explicit = patterns.map((p) => new GlobPattern(p));
  const all = explicit.flatMap((p) => [p, ...compact([p.descendants()])]);
  return {
    includes: all.filter((p) => !p.negate),
    matchAll: (itemPath: string) => matchOf(all, itemPath),
    matchNamed: (itemPath: string) => matchOf(explicit, itemPath),
  };
}

/**
 * Whether the patterns select a file at this absolute path, as the walk would select a regular file found there
 * (named by a pattern, or under a matched directory and kept by `keepDescendant`). For paths that are not on disk,
 * such as the datasets of the base version that the head deleted; the caller applies the hidden-file rule.
 */
export function fileSelector(
  patterns: readonly string[],
  keepDescendant: (absolutePath: string) => boolean,
): (absolutePath: string) => boolean {
  const { matchAll, matchNamed } = compilePatterns(patterns);
  return (itemPath) =>
    (matchNamed(itemPath) & MATCH_FILE) !== 0 || ((matchAll(itemPath) & MATCH_FILE) !== 0 && keepDescendant(itemPath));
}

/** The real paths of the folders that led to a directory, innermost first. */
interface Chain {
  real: string;
  parent: Chain | undefined;
}

interface Pending {
  directory: string;
  chain: Chain;
}

function matchOf(patterns: readonly GlobPattern[], itemPath: string): number {
  let result = MATCH_NONE;
  for (const pattern of patterns) {
    if (pattern.negate) result &= ~pattern.match(itemPath);
    else result |= pattern.match(itemPath);
  }
  return result;
}

/** Where to start: each include's search path, leaving out those under another's (@actions/glob's rule). */
function searchPaths(includes: readonly GlobPattern[]): string[] {
  const all = [...new Set(includes.map((p) => p.searchPath))];
  return all.filter((candidate) => !all.some((other) => other !== candidate && isInside(candidate, other)));
}

/** A name's bytes as text, each byte that is not part of valid UTF-8 shown as `\xNN`. */
export function escapeInvalidUtf8(raw: Buffer): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < raw.length;) {
    const length = utf8SequenceLength(raw, i);
    if (length > 0) {
      i += length;
      continue;
    }
    out += raw.toString('utf8', start, i) + `\\x${raw[i]!.toString(16).padStart(2, '0')}`;
    i += 1;
    start = i;
  }
  return out + raw.toString('utf8', start);
}

/** The length of the valid UTF-8 sequence at `i`, or 0 when the byte there does not start one. */
function utf8SequenceLength(raw: Buffer, i: number): number {
  const b = raw[i]!;
  const length =
    b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  if (length <= 1) return length;
  return i + length <= raw.length && isUtf8(raw.subarray(i, i + length)) ? length : 0;
}

export function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

function compact<T>(items: Array<T | undefined>): T[] {
  return items.filter((item): item is T => item !== undefined);
}
