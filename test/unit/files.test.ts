import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { datasetTypeOf, relativePath, resolveFiles, rootPattern } from '../../src/files.js';

let workspace: string;

async function tree(files: Record<string, string>) {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(workspace, name)), { recursive: true });
    await writeFile(path.join(workspace, name), content);
  }
}

async function resolve(patterns: string[], includeHiddenFiles = false) {
  const files = await resolveFiles({ patterns, workspace, includeHiddenFiles });
  return files.map((f) => f.path);
}

beforeEach(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), 'files-test-'));
  await tree({
    'data/train.jsonl': '{"text":"a"}\n',
    'data/valid.jsonl': '{"text":"b"}\n',
    'data/README.md': '# notes',
    'data/eval/scores.csv': 'a,b\n1,2\n',
    'data/eval/tokens.parquet': 'PAR1',
    'data/.cache/stale.jsonl': '{}\n',
    'data/.hidden.jsonl': '{}\n',
    'other/notes.txt': 'x',
    'top.jsonl': '{}\n',
  });
});

afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe('resolveFiles', () => {
  it('expands a directory to the dataset files under it, sorted, leaving hidden ones out', async () => {
    expect(await resolve(['data'])).toEqual([
      'data/eval/scores.csv',
      'data/eval/tokens.parquet',
      'data/train.jsonl',
      'data/valid.jsonl',
    ]);
  });

  it('includes hidden files and folders when asked', async () => {
    expect(await resolve(['data'], true)).toEqual([
      'data/.cache/stale.jsonl',
      'data/.hidden.jsonl',
      'data/eval/scores.csv',
      'data/eval/tokens.parquet',
      'data/train.jsonl',
      'data/valid.jsonl',
    ]);
  });

  it('keeps a file that a pattern names even with another extension, so it can be reported', async () => {
    expect(await resolve(['other/notes.txt', 'top.jsonl'])).toEqual(['other/notes.txt', 'top.jsonl']);
    expect(await resolve(['**/*.md'])).toEqual(['data/README.md']);
  });

  it('applies excludes, also to the files under an excluded directory', async () => {
    expect(await resolve(['data', '!data/valid.jsonl'])).toEqual([
      'data/eval/scores.csv',
      'data/eval/tokens.parquet',
      'data/train.jsonl',
    ]);
    expect(await resolve(['data', '!data/eval'])).toEqual(['data/train.jsonl', 'data/valid.jsonl']);
  });

  it('removes duplicates when patterns overlap', async () => {
    expect(await resolve(['data/*.jsonl', 'data/train.jsonl', 'data'])).toEqual([
      'data/eval/scores.csv',
      'data/eval/tokens.parquet',
      'data/train.jsonl',
      'data/valid.jsonl',
    ]);
  });

  it('resolves relative to the workspace, not the working directory, and reports sizes', async () => {
    const files = await resolveFiles({ patterns: ['top.jsonl'], workspace, includeHiddenFiles: false });
    expect(files).toEqual([
      { path: 'top.jsonl', absolutePath: path.join(workspace, 'top.jsonl'), bytes: 3, modifiedMs: expect.any(Number) },
    ]);
  });

  it('accepts absolute patterns', async () => {
    expect(await resolve([path.join(workspace, 'data', '*.jsonl')])).toEqual(['data/train.jsonl', 'data/valid.jsonl']);
  });

  it('finds nothing for a pattern that matches nothing', async () => {
    expect(await resolve(['missing/**/*.jsonl'])).toEqual([]);
  });

  it('names a file whose name is not valid UTF-8 (escaped) and refuses it, instead of dropping it', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      Buffer.concat([
        Buffer.from(path.join(workspace, 'data') + '/bad-'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('.jsonl'),
      ]),
      '{}\n',
    );
    const files = await resolveFiles({ patterns: ['data/*.jsonl'], workspace, includeHiddenFiles: false });
    const bad = files.find((f) => f.path.startsWith('data/bad-'));
    expect(bad).toMatchObject({ path: 'data/bad-\\xff\\xfe.jsonl', bytes: 0 });
    expect(bad!.refusal).toMatch(/not valid UTF-8/);
  });

  it('refuses a link to a folder outside the workspace as itself, without walking it', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'files-outside-'));
    try {
      await writeFile(path.join(outside, 'secret.jsonl'), '{}\n');
      await symlink(outside, path.join(workspace, 'data', 'linked'));
      const files = await resolveFiles({ patterns: ['data'], workspace, includeHiddenFiles: false });
      expect(files.map((f) => f.path)).toContain('data/linked');
      expect(files.some((f) => f.path.includes('secret'))).toBe(false);
      expect(files.find((f) => f.path === 'data/linked')!.refusal).toMatch(/outside the workspace, so it is not read/);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('walks a link to a folder inside the workspace, and stops at a link cycle', async () => {
    await symlink(path.join(workspace, 'data', 'eval'), path.join(workspace, 'other', 'eval-link'));
    await symlink(path.join(workspace, 'other'), path.join(workspace, 'other', 'loop'));
    expect(await resolve(['other'])).toEqual(['other/eval-link/scores.csv', 'other/eval-link/tokens.parquet']);
  });

  it('treats glob characters in the workspace path literally', async () => {
    const odd = await mkdtemp(path.join(tmpdir(), 'ws-[a]*-'));
    try {
      await writeFile(path.join(odd, 'x.jsonl'), '{}\n');
      const files = await resolveFiles({ patterns: ['*.jsonl'], workspace: odd, includeHiddenFiles: false });
      expect(files.map((f) => f.path)).toEqual(['x.jsonl']);
    } finally {
      await rm(odd, { recursive: true, force: true });
    }
  });

  it('follows symbolic links to files', async () => {
    await symlink(path.join(workspace, 'top.jsonl'), path.join(workspace, 'data', 'link.jsonl'));
    expect(await resolve(['data/*.jsonl'])).toEqual(['data/link.jsonl', 'data/train.jsonl', 'data/valid.jsonl']);
  });
});

describe('helpers', () => {
  it('datasetTypeOf is case-sensitive, as Together is', () => {
    expect(datasetTypeOf('a/b.jsonl')).toBe('jsonl');
    expect(datasetTypeOf('b.csv')).toBe('csv');
    expect(datasetTypeOf('b.parquet')).toBe('parquet');
    expect(datasetTypeOf('b.JSONL')).toBeUndefined();
    expect(datasetTypeOf('b.json')).toBeUndefined();
  });

  it('rootPattern anchors relative patterns and keeps excludes and trailing slashes', () => {
    expect(rootPattern('data/*.jsonl', '/ws')).toBe('/ws/data/*.jsonl');
    expect(rootPattern('!data/old', '/ws')).toBe('!/ws/data/old');
    expect(rootPattern('./data/', '/ws')).toBe('/ws/data/');
    expect(rootPattern('/abs/x.jsonl', '/ws')).toBe('/abs/x.jsonl');
  });

  it('relativePath uses forward slashes', () => {
    expect(relativePath('/ws', '/ws/a/b.jsonl')).toBe('a/b.jsonl');
    expect(relativePath('/ws', '/elsewhere/c.jsonl')).toBe('../elsewhere/c.jsonl');
  });
});
