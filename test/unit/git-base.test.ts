/** The base version's reads from git: trees listed once, blobs through one git, and what a cancelled run does. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GitBase, prefetchBaseBlob } from '../../src/review/git-base.js';
import { BlobReader, changedFromHead, listTree } from '../../src/review/git-batch.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function repoWithChange(baseText = '{"text": "base"}\n'): {
  repo: string;
  base: string;
  temp: string;
  git: (...args: string[]) => string;
} {
  const repo = mkdtempSync(path.join(os.tmpdir(), 'git-base-'));
  const temp = mkdtempSync(path.join(os.tmpdir(), 'git-base-temp-'));
  dirs.push(repo, temp);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'test');
  writeFileSync(path.join(repo, 'train.jsonl'), baseText);
  writeFileSync(path.join(repo, 'same.jsonl'), baseText);
  git('add', '.');
  git('commit', '-qm', 'base');
  const base = git('rev-parse', 'HEAD');
  writeFileSync(path.join(repo, 'train.jsonl'), '{"text": "head"}\n');
  git('commit', '-qam', 'head');
  return { repo, base, temp, git };
}

const everything = () => true;

function readBaseFile(
  repo: string,
  base: string,
  file: string,
  to: string,
  signal?: AbortSignal,
  prefetched?: Parameters<GitBase['read']>[2],
) {
  const git = GitBase.open(repo, base, [file], everything, signal)!;
  return git.read(file, to, prefetched).finally(() => git.close());
}

describe('GitBase.read', () => {
  it('writes the base version to the temp folder', async () => {
    const { repo, base, temp } = repoWithChange();
    const found = await readBaseFile(repo, base, path.join(repo, 'train.jsonl'), path.join(temp, 'base.jsonl'));
    expect(found).toEqual({ kind: 'read', commit: base, file: path.join(temp, 'base.jsonl') });
    expect(execFileSync('cat', [path.join(temp, 'base.jsonl')], { encoding: 'utf8' })).toBe('{"text": "base"}\n');
  });

  it('gives no base when the run is cancelled, instead of waiting for git', async () => {
    const { repo, base, temp } = repoWithChange();
    const cancelled = AbortSignal.abort(new Error('cancelled'));
    const found = await readBaseFile(
      repo,
      base,
      path.join(repo, 'train.jsonl'),
      path.join(temp, 'base.jsonl'),
      cancelled,
    );
    expect(found.kind).toBe('none');
    expect(existsSync(path.join(temp, 'base.jsonl'))).toBe(false); // nothing half-written is left behind
  });
});

describe('prefetchBaseBlob', () => {
  const large = `${'{"text": "base"}\n'.repeat(100)}`;

  it('writes the base version ahead, and GitBase.read then hands that file over without reading again', async () => {
    const { repo, base, temp } = repoWithChange(large);
    const ahead = path.join(temp, 'ahead.jsonl');
    const prefetched = prefetchBaseBlob(repo, base, path.join(repo, 'train.jsonl'), ahead);
    expect(prefetched).toMatchObject({ absolutePath: path.join(repo, 'train.jsonl'), file: ahead });
    expect(await prefetched!.written).toBe(true);
    expect(execFileSync('cat', [ahead], { encoding: 'utf8' })).toBe(large);
    const unused = path.join(temp, 'unused.jsonl');
    const found = await readBaseFile(repo, base, path.join(repo, 'train.jsonl'), unused, undefined, prefetched);
    expect(found).toEqual({ kind: 'read', commit: base, file: ahead });
    expect(existsSync(unused)).toBe(false);
  });

  it('starts nothing for an unchanged blob, a new file, or a blob small enough to be a Git LFS pointer', () => {
    const { repo, base, temp } = repoWithChange(large);
    const ahead = path.join(temp, 'ahead.jsonl');
    expect(prefetchBaseBlob(repo, base, path.join(repo, 'same.jsonl'), ahead)).toBeUndefined();
    expect(prefetchBaseBlob(repo, base, path.join(repo, 'new.jsonl'), ahead)).toBeUndefined();
    const small = repoWithChange();
    expect(prefetchBaseBlob(small.repo, small.base, path.join(small.repo, 'train.jsonl'), ahead)).toBeUndefined();
    expect(existsSync(ahead)).toBe(false);
  });
});

describe('GitBase', () => {
  it('tells unchanged, changed in the work tree, new and deleted files apart, from two listings', async () => {
    const { repo, temp, git } = repoWithChange();
    writeFileSync(path.join(repo, 'gone.jsonl'), '{"text": "gone"}\n');
    git('add', '.');
    git('commit', '-qm', 'gone, for the base');
    const withGone = git('rev-parse', 'HEAD');
    git('rm', '-q', 'gone.jsonl');
    writeFileSync(path.join(repo, 'new.jsonl'), '{"text": "new"}\n');
    git('add', '.');
    git('commit', '-qm', 'head');
    writeFileSync(path.join(repo, 'edited.jsonl'), '{"text": "edited"}\n');
    const files = ['same.jsonl', 'new.jsonl', 'train.jsonl'].map((name) => path.join(repo, name));
    const reader = GitBase.open(repo, withGone, files, (name) => name.endsWith('.jsonl'))!;
    try {
      expect(reader.deleted).toMatchObject({ files: [{ path: 'gone.jsonl' }], more: 0 });
      expect(await reader.read(files[0]!, path.join(temp, 'a'))).toEqual({ kind: 'unchanged', commit: withGone });
      expect(await reader.read(files[1]!, path.join(temp, 'b'))).toEqual({ kind: 'new', commit: withGone });
      // train.jsonl is the same blob in both commits here, but a step changed the work tree's copy.
      writeFileSync(files[2]!, '{"text": "changed by a step"}\n');
    } finally {
      reader.close();
    }
    const changed = GitBase.open(repo, withGone, files, (name) => name.endsWith('.jsonl'))!;
    try {
      expect(await changed.read(files[2]!, path.join(temp, 'c'))).toMatchObject({ kind: 'read' });
      expect(readFileSync(path.join(temp, 'c'), 'utf8')).toBe('{"text": "head"}\n');
      expect(await changed.readDeleted(changed.deleted.files[0]!, path.join(temp, 'd'))).toMatchObject({
        kind: 'read',
      });
      expect(readFileSync(path.join(temp, 'd'), 'utf8')).toBe('{"text": "gone"}\n');
    } finally {
      changed.close();
    }
  });
});

describe('git for many files at once', () => {
  it('reads blobs one after another through one git: large, small (also in memory) and missing', async () => {
    const { repo, temp, git } = repoWithChange();
    const large = `${'{"text": "a line long enough"}\n'.repeat(40_000)}`; // over a megabyte: many pipe chunks
    writeFileSync(path.join(repo, 'large.jsonl'), large);
    const largeBlob = git('hash-object', '-w', 'large.jsonl');
    const smallBlob = git('rev-parse', 'HEAD:train.jsonl');
    const reader = new BlobReader(repo);
    try {
      for (let round = 0; round < 2; round += 1) {
        const a = path.join(temp, `large-${round}`);
        expect(await reader.write(largeBlob, a)).toEqual({ kind: 'written', size: large.length, small: undefined });
        expect(readFileSync(a, 'utf8')).toBe(large);
        const b = path.join(temp, `small-${round}`);
        const small = await reader.write(smallBlob, b);
        expect(small).toMatchObject({ kind: 'written', size: 17 });
        expect(small.kind === 'written' && small.small?.toString()).toBe('{"text": "head"}\n');
        expect(readFileSync(b, 'utf8')).toBe('{"text": "head"}\n');
        const c = path.join(temp, `missing-${round}`);
        expect(await reader.write('0'.repeat(40), c)).toEqual({ kind: 'missing' });
        expect(existsSync(c)).toBe(false);
      }
    } finally {
      reader.close();
    }
  });

  it('fails a read of a cancelled run and leaves no file behind', async () => {
    const { repo, temp, git } = repoWithChange();
    const reader = new BlobReader(repo, AbortSignal.abort(new Error('cancelled')));
    const file = path.join(temp, 'x');
    expect(await reader.write(git('rev-parse', 'HEAD:train.jsonl'), file)).toEqual({ kind: 'failed' });
    expect(existsSync(file)).toBe(false);
    reader.close();
  });

  it('lists regular files only, and takes paths as they are, not as patterns', () => {
    const { repo, git } = repoWithChange();
    writeFileSync(path.join(repo, '*.jsonl'), '{"text": "star"}\n');
    writeFileSync(path.join(repo, 'a.jsonl'), '{"text": "a"}\n');
    symlinkSync('train.jsonl', path.join(repo, 'link.jsonl'));
    git('add', '.');
    git('commit', '-qm', 'names');
    const tree = listTree(repo, 'HEAD', (name) => name !== 'same.jsonl')!;
    expect([...tree.keys()].sort()).toEqual(['*.jsonl', 'a.jsonl', 'train.jsonl']);
    expect(tree.get('a.jsonl')).toBe(git('rev-parse', 'HEAD:a.jsonl'));
    // Asked for some paths only: those, and "*.jsonl" is the file of that name, not a pattern.
    const some = listTree(repo, 'HEAD', () => true, ['*.jsonl', 'same.jsonl', 'missing.jsonl'])!;
    expect([...some.keys()].sort()).toEqual(['*.jsonl', 'same.jsonl']);
    writeFileSync(path.join(repo, 'a.jsonl'), '{"text": "a, edited"}\n');
    // "*.jsonl" names that one file: as a pattern it would match a.jsonl, which changed.
    expect([...changedFromHead(repo, ['*.jsonl', 'train.jsonl'])!]).toEqual([]);
    expect([...changedFromHead(repo, ['*.jsonl', 'a.jsonl'])!]).toEqual(['a.jsonl']);
  });
});
