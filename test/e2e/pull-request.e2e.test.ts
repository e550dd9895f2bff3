/** The pull-request features (comment, changed-only) through the bundled action, against local GitHub and Together. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileResult } from '../../src/result.js';
import { startGitHubServer, type GitHubServer, type PullRequestFile } from '../../testkit/github-server.js';
import { runAction, type ActionRun } from '../../testkit/run-action.js';
import { startTogetherServer } from '../../testkit/together-server.js';
import { CHAT_LINE, chatJsonl, makeWorkspace } from '../helpers/workspace.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const filesOf = (run: ActionRun) => JSON.parse(run.outputs.files ?? 'null') as FileResult[];
const BAD = `${CHAT_LINE}\n{"messages": [{"role": "user", "content": "hi"}, {"role": "bot", "content": "x"}]}\n`;

async function pullRequest(files: Record<string, string>, prFiles: PullRequestFile[] = [], event = 'pull_request') {
  const github = await startGitHubServer({ files: prFiles });
  const ws = await makeWorkspace(files);
  cleanups.push(
    () => github.close(),
    () => ws.cleanup(),
  );
  const eventPath = path.join(ws.root, '..', `event-${path.basename(ws.root)}.json`);
  await writeFile(eventPath, JSON.stringify({ action: 'synchronize', pull_request: { number: github.number } }));
  cleanups.push(() => import('node:fs/promises').then((fs) => fs.rm(eventPath, { force: true })));
  const env = {
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKFLOW: 'Datasets',
    GITHUB_JOB: 'check',
    GITHUB_ACTION: 'together',
    GITHUB_RUN_ID: '4242',
  };
  const run = (inputs: Record<string, string>) =>
    runAction({ workspace: ws.root, inputs: { 'github-token': 'gh-write', ...inputs }, env });
  return { github, ws, run };
}

const comment = (github: GitHubServer) => github.comments[0]?.body ?? '';

describe('comment', () => {
  it('creates one comment with the verdicts, then updates it in place on a re-run', async () => {
    const { github, ws, run } = await pullRequest({ 'data/good.jsonl': chatJsonl(3), 'data/bad.jsonl': BAD });
    const first = await run({ mode: 'check', path: 'data', comment: 'true' });
    expect(first.exitCode).toBe(1);
    expect(github.comments).toHaveLength(1);
    expect(comment(github)).toContain('<!-- together-upload-action:Datasets/check/together -->');
    expect(comment(github)).toContain('## Together dataset check: 1 of 2 files passed, 1 failed');
    expect(comment(github)).toContain('<td>❌ line 2</td>');
    expect(comment(github)).toContain('[this run](https://github.com/acme/datasets/actions/runs/4242)');
    expect(first.stdout).toContain('The comment on pull request #7 was created.');

    await writeFile(ws.file('data/bad.jsonl'), chatJsonl(2));
    const second = await run({ mode: 'check', path: 'data', comment: 'true' });
    expect(second.exitCode).toBe(0);
    expect(github.comments).toHaveLength(1);
    expect(comment(github)).toContain('## Together dataset check: 2 of 2 files passed');
    expect(second.stdout).toContain('The comment on pull request #7 was updated.');
    expect(github.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('in upload mode shows the file IDs, and never sends the Together key to GitHub', async () => {
    const together = await startTogetherServer({ pollsBeforeDone: 0, apiKey: 'together-secret-key' });
    cleanups.push(() => together.close());
    const { github, run } = await pullRequest({ 'a.jsonl': chatJsonl(2) });
    const result = await run({
      path: 'a.jsonl',
      comment: 'true',
      'api-key': together.apiKey,
      'base-url': together.baseUrl,
    });
    expect(result.exitCode).toBe(0);
    const id = filesOf(result)[0]!.id!;
    expect(comment(github)).toContain(`<code>${id}</code>`);
    for (const request of github.requests) {
      expect(JSON.stringify(request.headers)).not.toContain('together-secret-key');
      expect(request.body).not.toContain('together-secret-key');
    }
    expect(result.stdout).toContain('::add-mask::gh-write');
  });

  it('warns and carries on when the token may not write (a fork)', async () => {
    const { github, run } = await pullRequest({ 'a.jsonl': chatJsonl(2) });
    const result = await run({ mode: 'check', path: 'a.jsonl', comment: 'true', 'github-token': 'gh-read' });
    expect(result.exitCode).toBe(0);
    expect(github.comments).toHaveLength(0);
    expect(result.stdout).toMatch(
      /::warning::Could not comment on pull request #7: Resource not accessible by integration.*A pull request from a fork gets a read-only token/,
    );
  });

  it('does nothing on a push', async () => {
    const { github, run } = await pullRequest({ 'a.jsonl': chatJsonl(2) }, [], 'push');
    const result = await run({ mode: 'check', path: 'a.jsonl', comment: 'true', 'changed-only': 'true' });
    expect(result.exitCode).toBe(0);
    expect(github.requests).toHaveLength(0);
    expect(filesOf(result)).toHaveLength(1);
  });
});

describe('changed-only', () => {
  it('checks only the matched files the pull request changes, reading every page of its file list', async () => {
    const repoFiles: Record<string, string> = {};
    for (let i = 0; i < 5; i += 1) repoFiles[`datasets/set-${i}.jsonl`] = chatJsonl(2);
    const prFiles: PullRequestFile[] = Array.from({ length: 250 }, (_, i) => ({
      filename: `src/file-${i}.ts`,
      status: 'modified' as const,
    }));
    prFiles[120] = { filename: 'datasets/set-1.jsonl', status: 'modified' };
    prFiles[240] = { filename: 'datasets/set-3.jsonl', status: 'added' };
    prFiles[10] = { filename: 'datasets/set-4.jsonl', status: 'removed' };
    const { github, run } = await pullRequest(repoFiles, prFiles);
    const result = await run({ mode: 'check', path: 'datasets', 'changed-only': 'true' });
    expect(result.exitCode).toBe(0);
    expect(filesOf(result).map((f) => f.path)).toEqual(['datasets/set-1.jsonl', 'datasets/set-3.jsonl']);
    expect(github.requests.filter((r) => r.path.endsWith('/pulls/7/files'))).toHaveLength(3);
    expect(result.stdout).toContain('changed-only: 2 of 5 matched files are changed by pull request #7.');
  });

  it('succeeds with nothing to do when the pull request changes none of the matched files', async () => {
    const { run } = await pullRequest({ 'datasets/a.jsonl': BAD }, [{ filename: 'README.md', status: 'modified' }]);
    const result = await run({ mode: 'check', path: 'datasets', 'changed-only': 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('None of the 1 matched files is changed by pull request #7: nothing to do.');
  });
});
