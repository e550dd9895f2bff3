/** The base version's reads from git: what a cancelled run does to the long-running git. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prefetchBaseBlob, readBaseFile } from '../../src/review/git-base.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function repoWithChange(baseText = '{"text": "base"}\n'): { repo: string; base: string; temp: string } {
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
  return { repo, base, temp };
}

describe('readBaseFile', () => {
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

  it('writes the base version ahead, and readBaseFile then hands that file over without reading again', async () => {
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
