/**
 * The dataset review through dist/index.js, against real git repositories built as actions/checkout leaves them
 * on a pull request: a base commit, the pull request's head, and the test merge commit with both parents.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileResult } from '../../src/result.js';
import { startGitHubServer } from '../../testkit/github-server.js';
import { runAction } from '../../testkit/run-action.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const LONG = 'is long enough to be hashed by xxHash64 as well as by the short mix';
const chat = (q: string, a: string, spacing = false) =>
  JSON.stringify(
    {
      messages: [
        { role: 'user', content: q },
        { role: 'assistant', content: `${a} ${LONG}` },
      ],
    },
    null,
    spacing ? 0 : undefined,
  );
/** The same value written by another tool: other key order, spaces. */
const reserialised = (q: string, a: string) =>
  `{"messages": [{"content": ${JSON.stringify(q)}, "role": "user"}, {"content": ${JSON.stringify(`${a} ${LONG}`)}, "role": "assistant"}]}`;
const jsonl = (lines: string[]) => `${lines.join('\n')}\n`;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

/** A repository with `base` committed on main, `head` on a branch, and HEAD at the test merge commit. */
async function pullRequestRepo(base: Record<string, string>, head: Record<string, string | null>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'review-e2e-'));
  dirs.push(root);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'config', 'user.email', 'test@example.com');
  git(root, 'config', 'user.name', 'test');
  for (const [name, text] of Object.entries(base)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
  git(root, 'add', '.');
  git(root, 'commit', '-qm', 'base');
  git(root, 'checkout', '-qb', 'feature');
  for (const [name, text] of Object.entries(head)) {
    if (text === null) git(root, 'rm', '-q', name);
    else await writeFile(path.join(root, name), text);
  }
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'head');
  git(root, 'checkout', '-q', 'main');
  git(root, 'merge', '-q', '--no-ff', 'feature', '-m', 'Merge feature into main');
  return root;
}

/** A `fetch-depth: 1` clone of `repo`, as actions/checkout makes by default: HEAD alone, no base commit. */
async function shallowClone(repo: string): Promise<string> {
  const shallow = await mkdtemp(path.join(os.tmpdir(), 'review-shallow-'));
  dirs.push(shallow);
  git(shallow, 'clone', '-q', '--depth', '1', `file://${repo}`, '.');
  return shallow;
}

const prEnv = { GITHUB_EVENT_NAME: 'pull_request', PATH: process.env.PATH ?? '/usr/bin:/bin' };

function reviewOf(files: FileResult[], name: string) {
  const file = files.find((f) => f.path === name);
  expect(file, name).toBeDefined();
  return file!.review!;
}

const BASE = jsonl([chat('q1', 'a1'), chat('q2', 'a2'), chat('q3', 'a3'), chat('q4', 'a4'), chat('q5', 'a5')]);

describe('the dataset review on a pull request', () => {
  it('counts added, removed, modified and unchanged as multisets, re-serialised and reordered lines unchanged', async () => {
    const head = jsonl([
      chat('q6 @octocat <img src=x> #1', 'new'), // added, hostile text
      reserialised('q5', 'a5'), // unchanged: another key order and spacing
      chat('q3', 'a3'), // unchanged, moved
      chat('q2', 'a2, now revised'), // modified: same prompt, new answer
      chat('q1', 'a1'), // unchanged
      chat('q1', 'a1'), // a second copy: added, and a duplicate
      chat('q2', 'another answer'), // added; q2 now has two answers
      // q4 removed
    ]);
    const repo = await pullRequestRepo(
      { 'train.jsonl': BASE, 'valid.jsonl': jsonl([chat('q9', 'a9')]) },
      { 'train.jsonl': head, 'valid.jsonl': jsonl([chat('q9', 'a9'), chat('q3', 'a3'), chat('q1', 'other')]) },
    );
    const run = await runAction({ workspace: repo, inputs: { mode: 'check', path: '*.jsonl' }, env: prEnv });
    expect(run.exitCode, run.stdout).toBe(0);
    const files = JSON.parse(run.outputs.files!) as FileResult[];
    const train = reviewOf(files, 'train.jsonl');
    expect(train).toMatchObject({
      samples: 7,
      duplicates: 1,
      conflicts: 1,
      added: 3,
      removed: 1,
      modified: 1,
      unchanged: 3,
      base_note: null,
      overlap: { 'valid.jsonl': { samples: 1, prompts: 3 } }, // q3 whole; q3, q1 and its copy by prompt
    });
    expect(train.base).toMatchObject({ source: 'git', commit: git(repo, 'rev-parse', 'HEAD^1'), samples: 5 });
    expect(Object.keys(train)).toEqual([
      'samples',
      'duplicates',
      'conflicts',
      'overlap',
      'stats',
      'base',
      'base_note',
      'added',
      'removed',
      'modified',
      'unchanged',
      'examples',
    ]);
    expect(train.examples.removed).toEqual([{ line: 4, excerpt: expect.stringContaining('q4') as string }]);
    expect(train.examples.modified).toEqual([{ line: 4, excerpt: expect.stringContaining('now revised') as string }]);
    expect(train.examples.added.map((e) => e.line).sort()).toEqual([1, 6, 7]);

    // The summary: the table, the examples escaped, a chart; warnings on the first lines concerned.
    expect(run.summary).toContain('### Dataset review');
    expect(run.summary).toContain('<td>5 → 7 (+2)</td><td>3</td><td>1</td><td>1</td><td>1</td><td>1</td>');
    expect(run.summary).toContain('```mermaid\nxychart-beta');
    expect(run.summary).not.toMatch(/@octocat|<img/);
    expect(run.stdout).toMatch(/::warning title=1 duplicate sample,file=train\.jsonl,line=6::/);
    expect(run.stdout).toMatch(/::warning title=1 prompt with conflicting answers,file=train\.jsonl,line=\d+::/);
    expect(run.stdout).toMatch(/::warning title=Samples shared with 1 other file,file=valid\.jsonl,line=2::/);

    // Two runs, the same report byte for byte.
    const again = await runAction({ workspace: repo, inputs: { mode: 'check', path: '*.jsonl' }, env: prEnv });
    expect(again.summary).toBe(run.summary);
  });

  it("reviews a base of over 1 MiB, whose lines the head has byte for byte taken from the head's check, exactly", async () => {
    // 6,000 conversations (about 1.2 MB): a system message in every third, a weight in every fourth.
    const sample = (i: number, answer = `a${i}`) => ({
      messages: [
        ...(i % 3 === 0 ? [{ role: 'system', content: `Be brief ${i % 7}.` }] : []),
        { role: 'user', content: `q${i} ${'x'.repeat(i % 50)}` },
        { role: 'assistant', content: `${answer} ${LONG}`, ...(i % 4 === 0 ? { weight: 1 } : {}) },
      ],
    });
    const ids = Array.from({ length: 6000 }, (_, i) => i);
    const base = jsonl(ids.map((i) => JSON.stringify(sample(i))));
    const head = jsonl([
      ...ids
        .filter((i) => i % 10 !== 2) // 600 removed
        .map((i) =>
          i % 10 === 1
            ? JSON.stringify(sample(i, 'revised')) // 600 modified
            : i % 10 === 3
              ? JSON.stringify(sample(i), null, 1).replace(/\n/g, '') // re-serialised: unchanged, other bytes
              : JSON.stringify(sample(i)),
        )
        .reverse(),
      ...Array.from({ length: 300 }, (_, k) => JSON.stringify(sample(10_000 + k))), // 300 added
    ]);
    expect(Buffer.byteLength(base)).toBeGreaterThan(1024 * 1024);
    const repo = await pullRequestRepo({ 'train.jsonl': base }, { 'train.jsonl': head });
    const inputs = { mode: 'check', path: 'train.jsonl' };
    // The base version is read while the head is checked, into RUNNER_TEMP, and removed once compared.
    const runnerTemp = await mkdtemp(path.join(os.tmpdir(), 'review-runner-temp-'));
    dirs.push(runnerTemp);
    const run = await runAction({ workspace: repo, inputs, env: { ...prEnv, RUNNER_TEMP: runnerTemp } });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(await readdir(runnerTemp)).toEqual([expect.stringMatching(/^together-upload-manifest-.*\.json$/)]);
    const review = reviewOf(JSON.parse(run.outputs.files!) as FileResult[], 'train.jsonl');
    expect(review).toMatchObject({ samples: 5700, added: 300, removed: 600, modified: 600, unchanged: 4800 });
    // The base's statistics are those of the base checked on its own, as a head with nothing to compare.
    const alone = await mkdtemp(path.join(os.tmpdir(), 'review-e2e-alone-'));
    dirs.push(alone);
    await writeFile(path.join(alone, 'train.jsonl'), base);
    const baseAlone = await runAction({ workspace: alone, inputs, env: { PATH: prEnv.PATH } });
    const expected = reviewOf(JSON.parse(baseAlone.outputs.files!) as FileResult[], 'train.jsonl');
    expect(review.base).toMatchObject({ samples: 6000 });
    expect(review.base!.stats).toEqual(expected.stats);
    expect(expected.stats).toMatchObject({ without_system: 4000, with_weights: 1500 });
  });

  it('removes the base version read ahead when the head fails its check and is not reviewed', async () => {
    const base = jsonl(Array.from({ length: 12_000 }, (_, i) => chat(`q${i}`, `a${i}`)));
    const repo = await pullRequestRepo({ 'train.jsonl': base }, { 'train.jsonl': `${base}{"messages": [}\n` });
    const runnerTemp = await mkdtemp(path.join(os.tmpdir(), 'review-runner-temp-'));
    dirs.push(runnerTemp);
    const run = await runAction({
      workspace: repo,
      inputs: { mode: 'check', path: 'train.jsonl' },
      env: { ...prEnv, RUNNER_TEMP: runnerTemp },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/train\.jsonl, line 12001: The line is not valid JSON/);
    expect(await readdir(runnerTemp)).toEqual([expect.stringMatching(/^together-upload-manifest-.*\.json$/)]);
  });

  it('lists a deleted dataset with all its samples removed, and only the datasets the patterns select', async () => {
    const old = jsonl([chat('o1', 'gone'), chat('o2', 'gone too'), chat('o1', 'gone')]);
    const repo = await pullRequestRepo(
      {
        'train.jsonl': BASE,
        'data/old.jsonl': old,
        'data/notes.md': 'not a dataset',
        'other/elsewhere.jsonl': old, // the patterns do not select it
        'data/.hidden.jsonl': old, // hidden: left out unless include-hidden-files
      },
      { 'data/old.jsonl': null, 'data/notes.md': null, 'other/elsewhere.jsonl': null, 'data/.hidden.jsonl': null },
    );
    const run = await runAction({
      workspace: repo,
      inputs: { mode: 'check', path: 'train.jsonl\ndata/' },
      env: prEnv,
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const files = JSON.parse(run.outputs.files!) as FileResult[];
    expect(files.map((f) => [f.path, f.status])).toEqual([
      ['train.jsonl', 'checked'],
      ['data/old.jsonl', 'deleted'],
    ]);
    const deleted = reviewOf(files, 'data/old.jsonl');
    expect(deleted).toMatchObject({ samples: 0, added: 0, removed: 3, modified: 0, unchanged: 0, base_note: null });
    expect(deleted.base).toMatchObject({ source: 'git', samples: 3 });
    expect(deleted.examples.removed.map((e) => e.line).sort()).toEqual([1, 2, 3]);
    // A deleted dataset has no ID to hand on, and the step's headline counts only the files it checked.
    expect(JSON.parse(run.outputs.ids!)).toEqual({ 'train.jsonl': null });
    expect(run.summary).toContain('1 of 1 file passed');
    expect(run.summary).toContain('<td>3 → 0 (deleted)</td>');
    expect(run.stdout).toContain('data/old.jsonl: deleted;');
  });

  it('reviews CSV rows by their header names: columns reordered are unchanged, a deleted CSV is listed', async () => {
    const repo = await pullRequestRepo(
      {
        'eval.csv': 'prompt,completion\nq1,a1\nq2,a2\n"q3, quoted","a3\non two lines"\nq4,a4\n',
        'old.csv': 'text\none\ntwo\n',
      },
      {
        // Columns swapped; q2 answered anew; q4 removed; q5 added; q1 twice.
        'eval.csv': 'completion,prompt\na1,q1\na2 revised,q2\n"a3\non two lines","q3, quoted"\na5,q5\na1,q1\n',
        'old.csv': null,
      },
    );
    const run = await runAction({
      workspace: repo,
      inputs: { mode: 'check', path: '*.csv', purpose: 'eval' },
      env: prEnv,
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const files = JSON.parse(run.outputs.files!) as FileResult[];
    expect(reviewOf(files, 'eval.csv')).toMatchObject({
      samples: 5,
      duplicates: 1,
      conflicts: 0,
      added: 2,
      removed: 1,
      modified: 1,
      unchanged: 2,
      stats: { format: 'instruction' },
    });
    expect(reviewOf(files, 'eval.csv').examples.modified).toEqual([
      { line: 3, excerpt: expect.stringContaining('a2 revised') as string },
    ]);
    expect(reviewOf(files, 'old.csv')).toMatchObject({
      removed: 2,
      base: { samples: 2, stats: { format: 'general' } },
    });
  });

  it('says unchanged without reading when the blobs are equal, and new for a file not in the base', async () => {
    const repo = await pullRequestRepo({ 'train.jsonl': BASE }, { 'extra.jsonl': jsonl([chat('x', 'y')]) });
    const run = await runAction({ workspace: repo, inputs: { mode: 'check', path: '*.jsonl' }, env: prEnv });
    expect(run.exitCode).toBe(0);
    const files = JSON.parse(run.outputs.files!) as FileResult[];
    expect(reviewOf(files, 'train.jsonl')).toMatchObject({ added: 0, removed: 0, modified: 0, unchanged: 5 });
    expect(reviewOf(files, 'extra.jsonl')).toMatchObject({
      base: null,
      added: null,
      removed: null,
      base_note: expect.stringMatching(/^new file/) as string,
    });
  });

  it('reviews a pull request touching hundreds of files with a few runs of git, not several a file', async () => {
    const name = (i: number) => `data/part-${String(i).padStart(3, '0')}.jsonl`;
    const part = (i: number, answer: string) =>
      jsonl([chat(`q${i}`, answer), chat('shared', 'by all'), chat(`r${i}`, 'b')]);
    const base: Record<string, string> = {};
    const head: Record<string, string> = {};
    for (let i = 0; i < 300; i += 1) {
      base[name(i)] = part(i, 'a');
      if (i % 10 === 0) head[name(i)] = part(i, 'a, revised');
    }
    const repo = await pullRequestRepo(base, head);
    const trace = path.join(await mkdtemp(path.join(os.tmpdir(), 'review-trace-')), 'git.trace');
    dirs.push(path.dirname(trace));
    const run = await runAction({
      workspace: repo,
      inputs: { mode: 'check', path: 'data' },
      env: { ...prEnv, GIT_TRACE: trace },
    });
    expect(run.exitCode).toBe(0);
    const files = JSON.parse(run.outputs.files!) as FileResult[];
    for (let i = 0; i < 300; i += 1) {
      const changed = i % 10 === 0;
      expect(reviewOf(files, name(i)), name(i)).toMatchObject({
        added: 0,
        removed: 0,
        modified: changed ? 1 : 0,
        unchanged: changed ? 2 : 3,
      });
    }
    // The runs of git this action started (GIT_TRACE logs each one's command line), 300 files or 3.
    const runs = (await readFile(trace, 'utf8')).split('\n').filter((line) => /trace: built-in: git /.test(line));
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.length).toBeLessThan(15);
  });

  it('has no base in a shallow clone, and says how to get one', async () => {
    const repo = await pullRequestRepo({ 'train.jsonl': BASE }, { 'train.jsonl': jsonl([chat('q1', 'a1')]) });
    const shallow = await shallowClone(repo);
    const run = await runAction({ workspace: shallow, inputs: { mode: 'check', path: '*.jsonl' }, env: prEnv });
    expect(run.exitCode).toBe(0);
    const review = reviewOf(JSON.parse(run.outputs.files!) as FileResult[], 'train.jsonl');
    expect(review).toMatchObject({ base: null, added: null, unchanged: null });
    expect(review.base_note).toMatch(/fetch-depth: 2/);
  });

  it('reads the base through the GitHub contents API when the clone does not have it, with a read-only token', async () => {
    const same = jsonl([chat('s1', 'kept')]);
    const repo = await pullRequestRepo(
      { 'train.jsonl': BASE, 'same.jsonl': same },
      { 'train.jsonl': jsonl([chat('q1', 'a1'), chat('q2', 'a2, revised'), chat('q7', 'a7')]), 'new.jsonl': same },
    );
    const baseCommit = git(repo, 'rev-parse', 'HEAD^1');
    const shallow = await shallowClone(repo);
    const github = await startGitHubServer({
      contents: { [baseCommit]: { 'train.jsonl': BASE, 'same.jsonl': same } },
      readTokens: ['gh-fork'],
    });
    try {
      const run = await runAction({
        workspace: shallow,
        inputs: { mode: 'check', path: '*.jsonl', 'github-token': 'gh-fork', comment: 'false' },
        env: { ...prEnv, GITHUB_REPOSITORY: `${github.owner}/${github.repo}`, GITHUB_API_URL: github.url },
      });
      expect(run.exitCode, run.stdout).toBe(0);
      const files = JSON.parse(run.outputs.files!) as FileResult[];
      const train = reviewOf(files, 'train.jsonl');
      expect(train).toMatchObject({ added: 1, removed: 3, modified: 1, unchanged: 1, base_note: null });
      expect(train.base).toMatchObject({ source: 'api', commit: baseCommit, samples: 5 });
      expect(train.examples.removed.map((e) => e.line).sort()).toEqual([3, 4, 5]);
      // Equal blob IDs: unchanged, and never downloaded.
      expect(reviewOf(files, 'same.jsonl')).toMatchObject({ unchanged: 1, added: 0, base: { source: 'api' } });
      expect(reviewOf(files, 'new.jsonl').base_note).toMatch(/^new file/);
      // One listing of the base commit's tree; then the bytes of the changed file alone (same.jsonl has the same
      // blob as HEAD's, new.jsonl is not in the listing).
      const asked = github.requests.filter((r) => r.path.includes('/contents/') || r.path.includes('/git/trees/'));
      expect(asked.map((r) => decodeURIComponent(r.path.replace(/\?.*/, '')))).toEqual([
        `/repos/acme/datasets/git/trees/${baseCommit}`,
        '/repos/acme/datasets/contents/train.jsonl',
      ]);
      expect(asked[1]!.headers.accept).toBe('application/vnd.github.raw');
      expect(asked.every((r) => r.headers.authorization === 'token gh-fork')).toBe(true);
    } finally {
      await github.close();
    }
  });

  it.each([
    ['listed in one request', false, 300],
    ['asked about one by one (a tree GitHub lists only in part)', true, 600],
  ] as const)(
    'compares at most 300 files through the GitHub API, its tree %s, leaving the rate limit to the comment',
    async (_, truncatedTrees, requests) => {
      const name = (i: number) => `data/part-${String(i).padStart(3, '0')}.jsonl`;
      const base: Record<string, string> = {};
      const head: Record<string, string> = {};
      for (let i = 0; i < 303; i += 1) {
        base[name(i)] = jsonl([chat(`q${i}`, 'a')]);
        head[name(i)] = jsonl([chat(`q${i}`, 'a, revised')]);
      }
      const repo = await pullRequestRepo(base, head);
      const baseCommit = git(repo, 'rev-parse', 'HEAD^1');
      const shallow = await shallowClone(repo);
      const github = await startGitHubServer({
        contents: { [baseCommit]: base },
        readTokens: ['gh-fork'],
        faults: { truncatedTrees },
      });
      try {
        const run = await runAction({
          workspace: shallow,
          inputs: { mode: 'check', path: 'data', 'github-token': 'gh-fork', comment: 'false' },
          env: { ...prEnv, GITHUB_REPOSITORY: `${github.owner}/${github.repo}`, GITHUB_API_URL: github.url },
        });
        expect(run.exitCode, run.stdout).toBe(0);
        const reviews = (JSON.parse(run.outputs.files!) as FileResult[]).map((f) => f.review!);
        const compared = reviews.filter((r) => r.base?.source === 'api');
        expect(compared).toHaveLength(300);
        expect(compared.every((r) => r.modified === 1)).toBe(true);
        const left = reviews.filter((r) => r.base === null);
        expect(left).toHaveLength(3);
        for (const review of left) expect(review.base_note).toMatch(/300 files were already compared.*fetch-depth: 2/);
        // A request a file compared (two without the listing: its metadata, then its bytes), none for the rest.
        expect(github.requests.filter((r) => r.path.includes('/contents/'))).toHaveLength(requests);
      } finally {
        await github.close();
      }
    },
  );

  it('compares Git LFS pointers by object ID: equal is unchanged, different without git lfs is a note', async () => {
    const pointer = (oid: string) => `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize 123\n`;
    const repo = await pullRequestRepo(
      { 'a.jsonl': pointer('a'.repeat(64)), 'b.jsonl': pointer('b'.repeat(64)) },
      {
        'b.jsonl': pointer('c'.repeat(64)),
      },
    );
    // The checkout fetched the head's LFS content into the working tree.
    await writeFile(path.join(repo, 'a.jsonl'), BASE);
    await writeFile(path.join(repo, 'b.jsonl'), BASE);
    git(repo, 'update-index', '--assume-unchanged', 'a.jsonl', 'b.jsonl');
    const run = await runAction({
      workspace: repo,
      inputs: { mode: 'check', path: '*.jsonl' },
      env: { ...prEnv, PATH: '/usr/bin:/bin' },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const files = JSON.parse(run.outputs.files!) as FileResult[];
    expect(reviewOf(files, 'a.jsonl')).toMatchObject({ unchanged: 5, added: 0 });
    expect(reviewOf(files, 'b.jsonl').base_note).toMatch(/Git LFS .*git lfs fetch origin/);
  });

  it('fails the step on what fail-on names, and says so in the verdict', async () => {
    const repo = await pullRequestRepo(
      { 'train.jsonl': BASE },
      { 'train.jsonl': jsonl([chat('q1', 'a1'), chat('q1', 'a1')]) },
    );
    const run = await runAction({
      workspace: repo,
      inputs: { mode: 'check', path: '*.jsonl', 'fail-on': 'duplicates' },
      env: prEnv,
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/::error::1 of 1 file failed the dataset check: train\.jsonl \(fail-on\)/);
    const off = await runAction({
      workspace: repo,
      inputs: { mode: 'check', path: '*.jsonl', review: 'false' },
      env: prEnv,
    });
    expect(off.exitCode).toBe(0);
    expect((JSON.parse(off.outputs.files!) as FileResult[])[0]!.review).toBeNull();
  });

  it('partitions hashes past TOGETHER_REVIEW_MAX_SAMPLES to RUNNER_TEMP: the same review as in memory, nothing left there', async () => {
    const head = jsonl([
      chat('q6', 'new'),
      reserialised('q5', 'a5'),
      chat('q3', 'a3'),
      chat('q2', 'a2, now revised'),
      chat('q1', 'a1'),
      chat('q1', 'a1'),
      chat('q2', 'another answer'),
    ]);
    const repo = await pullRequestRepo(
      { 'train.jsonl': BASE, 'valid.jsonl': jsonl([chat('q9', 'a9')]) },
      { 'train.jsonl': head, 'valid.jsonl': jsonl([chat('q9', 'a9'), chat('q3', 'a3'), chat('q1', 'other')]) },
    );
    const inputs = { mode: 'check', path: '*.jsonl' };
    const inMemory = await runAction({ workspace: repo, inputs, env: prEnv });
    const runnerTemp = await mkdtemp(path.join(os.tmpdir(), 'review-runner-temp-'));
    dirs.push(runnerTemp);
    // Both versions of train.jsonl (7 and 5 samples) and nothing of valid.jsonl (3) pass the bound of 4.
    const partitioned = await runAction({
      workspace: repo,
      inputs,
      env: { ...prEnv, TOGETHER_REVIEW_MAX_SAMPLES: '4', RUNNER_TEMP: runnerTemp },
    });
    expect(partitioned.exitCode, partitioned.stdout).toBe(0);
    const files = JSON.parse(partitioned.outputs.files!) as FileResult[];
    expect(reviewOf(files, 'train.jsonl')).toMatchObject({ duplicates: 1, conflicts: 1, added: 3, modified: 1 });
    expect(files.map((f) => f.review)).toEqual(
      (JSON.parse(inMemory.outputs.files!) as FileResult[]).map((f) => f.review),
    );
    expect(partitioned.summary).toBe(inMemory.summary);
    // Only the manifest is left: the review's folders are removed.
    expect(await readdir(runnerTemp)).toEqual([expect.stringMatching(/^together-upload-manifest-.*\.json$/)]);
  });
});
