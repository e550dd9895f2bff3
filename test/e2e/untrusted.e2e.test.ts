/**
 * What a pull request can write is hostile: file names, symlinks, dataset keys and values, and what a server
 * echoes. Through the bundled action, run as the runner runs it, against the embedded server and the GitHub
 * stand-in: nothing reaches the runner as a command, nothing outside the workspace is read, the summary and the
 * comment stay inert and inside GitHub's limits, and no credential is echoed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileResult } from '../../src/result.js';
import { startGitHubServer } from '../../testkit/github-server.js';
import { runAction, type ActionRun } from '../../testkit/run-action.js';
import type { TogetherServerOptions } from '../../testkit/together-server.js';
import { cleanupsAfterEach, serverAndWorkspace } from '../helpers/e2e.js';
import { CHAT_LINE, chatJsonl, makeWorkspace } from '../helpers/workspace.js';

const cleanups = cleanupsAfterEach();

const filesOf = (run: ActionRun) => JSON.parse(run.outputs.files ?? 'null') as FileResult[];

function setup(files: Record<string, string | Buffer>, serverOptions: TogetherServerOptions = {}) {
  return serverAndWorkspace(cleanups, files, serverOptions);
}

/** The workflow commands the action may print, and what may follow `::add-mask::` (the key only). */
const OWN_COMMANDS = new Set(['group', 'endgroup', 'error', 'warning', 'notice', 'debug', 'add-mask']);

/**
 * Every line of stdout that the runner would take for a command: each must be one the action means (`::name`
 * with a name from OWN_COMMANDS, a mask only of `masked`), and no line may hold the older `##[` form.
 */
function expectOnlyOwnCommands(stdout: string, masked: string[]) {
  const lines = stdout.split('\n');
  expect(lines.length).toBeGreaterThan(3);
  for (const line of lines) {
    expect(line, line).not.toContain('##[');
    const command = /^\s*::([^\s:]+)/.exec(line)?.[1];
    if (command === undefined) continue;
    const name = command.split(' ')[0]!;
    expect(OWN_COMMANDS.has(name), line).toBe(true);
    if (name === 'add-mask') expect(masked).toContain(line.slice(line.indexOf('::add-mask::') + 12));
  }
}

const HOSTILE_NAMES = [
  'a\n::warning::injected-by-a-file-name.jsonl',
  'b\r\n::add-mask::Paris.jsonl',
  '::stop-commands::resume.jsonl',
  '##[set-output name=x;]y.jsonl',
  'c\u2028::error::u2028.jsonl',
  ' ::notice::leading-space.jsonl',
];

describe('hostile file names', () => {
  it.each(['check', 'upload'] as const)(
    'in %s mode start no runner command and stay whole in outputs and summary',
    async (mode) => {
      const files = Object.fromEntries(HOSTILE_NAMES.map((name, i) => [`data/${name}`, chatJsonl(1 + i)]));
      const { server, run } = await setup(files);
      const result = await run({ mode, path: 'data' });
      expect(result.exitCode).toBe(0);
      expectOnlyOwnCommands(result.stdout, [server.apiKey, '***']);
      const outputs = filesOf(result);
      expect(outputs.map((f) => f.path).sort()).toEqual(HOSTILE_NAMES.map((n) => `data/${n}`).sort());
      expect(outputs.every((f) => f.status === (mode === 'check' ? 'checked' : 'processed'))).toBe(true);
      // A name's line break cannot break the table: it shows as ⏎, in one row.
      expect(result.summary).toContain('data/a ⏎ ::warning::injected-by-a-file-name.jsonl');
      expect(result.summary.split('</table>')[0]!.match(/<tr><td>/g)).toHaveLength(HOSTILE_NAMES.length);
      if (mode === 'upload') {
        expect([...server.files.values()].map((f) => f.filename).sort()).toEqual(HOSTILE_NAMES.map((n) => n).sort());
      }
    },
  );
});

describe('hostile dataset values', () => {
  it('quote a short excerpt, never the whole value, in annotations and outputs', async () => {
    const role = `${'r'.repeat(10_000)}\n::warning::from-a-value`;
    const key = `@everyone ${'k'.repeat(5_000)}`;
    const { run } = await setup({
      'role.jsonl': `${JSON.stringify({
        messages: [
          { role: 'user', content: 'q' },
          { role, content: 'a' },
        ],
      })}\n`,
      'key.jsonl': `${JSON.stringify({ [key]: 1 })}\n`,
    });
    const result = await run({ mode: 'check', path: '*.jsonl' });
    expect(result.exitCode).toBe(1);
    expectOnlyOwnCommands(result.stdout, ['test-key']);
    for (const file of filesOf(result)) {
      expect(file.error!.length).toBeLessThan(600);
      expect(file.error).toMatch(/… \(\d[\d,]* more characters\)/);
    }
    const annotations = result.stdout.split('\n').filter((l) => l.startsWith('::error title=Dataset check failed'));
    expect(annotations).toHaveLength(2);
    for (const line of annotations) expect(line.length).toBeLessThan(1200);
  });
});

describe('links and special files', () => {
  it('refuse a symlink out of the workspace by name, in check and upload mode, never reading or sending it', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'outside-'));
    cleanups.push(() => rm(outside, { recursive: true, force: true }));
    await writeFile(path.join(outside, 'secret.jsonl'), chatJsonl(2));
    const { server, ws, run } = await setup({ 'data/good.jsonl': chatJsonl(3) });
    await symlink('/etc/passwd', ws.file('data/passwd.jsonl'));
    await symlink(outside, ws.file('data/linked'));
    for (const [mode, check] of [
      ['check', 'full'],
      ['upload', 'off'],
    ]) {
      const result = await run({ mode: mode!, check: check!, path: 'data' });
      expect(result.exitCode).toBe(1);
      const byPath = Object.fromEntries(filesOf(result).map((f) => [f.path, f]));
      // The linked folder is refused as itself: it is never walked, so nothing inside it is even named.
      expect(Object.keys(byPath).sort()).toEqual(['data/good.jsonl', 'data/linked', 'data/passwd.jsonl']);
      for (const refused of ['data/passwd.jsonl', 'data/linked']) {
        expect(byPath[refused]).toMatchObject({ status: 'failed', sha256: null });
        // With checks on, a refused file has failed its check; with checks off there is no check.
        expect(byPath[refused]!.check?.passed ?? null).toBe(check === 'off' ? null : false);
        expect(byPath[refused]!.error).toContain('outside the workspace, so it is not read');
      }
      expect(result.stdout).not.toContain('root:x:0:0');
    }
    // Nothing was sent: in upload mode the refusals fail the batch before any request.
    expect(server.requests).toHaveLength(0);
  });

  it('still take a file outside the workspace that the workflow names itself', async () => {
    const temp = await mkdtemp(path.join(tmpdir(), 'runner-temp-'));
    cleanups.push(() => rm(temp, { recursive: true, force: true }));
    await writeFile(path.join(temp, 'generated.jsonl'), chatJsonl(2));
    const { server, run } = await setup({ 'keep.txt': 'x' });
    const result = await run({ path: path.join(temp, 'generated.jsonl') });
    expect(result.exitCode).toBe(0);
    expect(filesOf(result)[0]).toMatchObject({ status: 'processed' });
    expect([...server.files.values()].map((f) => f.filename)).toEqual(['generated.jsonl']);
  });

  it('refuse a link to a hidden file, a named pipe and an empty file by name, even with checks off', async () => {
    const { server, ws, run } = await setup({ '.secrets/token.jsonl': chatJsonl(1), 'data/empty.jsonl': '' });
    await symlink('../.secrets/token.jsonl', ws.file('data/token.jsonl'));
    execFileSync('mkfifo', [ws.file('data/pipe.jsonl')]);
    const result = await run({ check: 'off', path: 'data' });
    expect(result.exitCode).toBe(1);
    const byPath = Object.fromEntries(filesOf(result).map((f) => [f.path, f]));
    expect(byPath['data/token.jsonl']!.error).toContain(
      'a symbolic link to a hidden file or folder (.secrets/token.jsonl)',
    );
    expect(byPath['data/pipe.jsonl']!.error).toContain('not a regular file (a named pipe)');
    expect(byPath['data/empty.jsonl']!.error).toContain('The file is empty');
    expect(server.requests).toHaveLength(0);
  });

  it('refuse a Git LFS pointer before any check or upload, with the fix', async () => {
    const pointer =
      'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 123456789\n';
    const { server, run } = await setup({ 'data/train.jsonl': pointer, 'data/scores.csv': pointer });
    const runs: Array<Record<string, string>> = [
      { mode: 'check', path: 'data/train.jsonl' },
      { mode: 'check', path: 'data/scores.csv', purpose: 'eval' },
      { check: 'off', path: 'data/train.jsonl' },
    ];
    for (const inputs of runs) {
      const result = await run(inputs);
      expect(result.exitCode).toBe(1);
      const [file] = filesOf(result);
      expect(file!.error).toContain('It is a Git LFS pointer, not the dataset');
      expect(file!.error).toContain('`lfs: true`');
      // Refused before its content is read: a failed check with checks on, no check with them off.
      expect(file!.check?.passed ?? null).toBe(inputs.check === 'off' ? null : false);
      expect(file!.check?.message ?? file!.error).toBe(file!.error);
    }
    expect(server.requests).toHaveLength(0);
  });
});

describe('markdown and HTML', () => {
  it('are inert in the summary: no mention, link, image or markup from a name or a value', async () => {
    const name = '@octocat [click](https://evil.example) <img src=x onerror=alert(1)> #1.jsonl';
    // The name's "//" makes folders of it: the file sits a few levels down in data/.
    const { run } = await setup({
      [`data/${name}`]: `${JSON.stringify({ messages: [{ role: '@octocat https://evil.example', content: 'x' }] })}\n`,
    });
    const result = await run({ mode: 'check', path: 'data' });
    expect(result.exitCode).toBe(1);
    for (const text of [result.summary]) {
      expect(text).not.toMatch(/@octocat/);
      expect(text).toContain('@\u200boctocat');
      expect(text).not.toContain('<img');
      expect(text).not.toMatch(/https:\/\/evil/);
      expect(text).not.toMatch(/#1\b/);
      expect(text).not.toContain('](');
      // Untrusted text stands only inside the report's HTML (table rows, list items), where markdown is inert.
      for (const line of text.split('\n').filter((l) => l.includes('octocat')))
        expect(line, line).toMatch(/^<(tr|li)>/);
    }
  });
});

describe('the pull-request comment', () => {
  async function pullRequestRun(files: Record<string, string>, userTokens: Record<string, string> = {}) {
    const github = await startGitHubServer({ userTokens });
    const ws = await makeWorkspace(files);
    const eventPath = path.join(ws.root, '..', `event-${path.basename(ws.root)}.json`);
    await writeFile(eventPath, JSON.stringify({ pull_request: { number: github.number } }));
    cleanups.push(
      () => github.close(),
      () => ws.cleanup(),
      () => rm(eventPath, { force: true }),
    );
    const run = (token: string) =>
      runAction({
        workspace: ws.root,
        inputs: { mode: 'check', path: 'data', comment: 'true', 'github-token': token },
        env: {
          GITHUB_EVENT_NAME: 'pull_request',
          GITHUB_EVENT_PATH: eventPath,
          GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
          GITHUB_API_URL: github.url,
          GITHUB_WORKFLOW: 'Datasets',
          GITHUB_JOB: 'check',
          GITHUB_ACTION: 'together',
          GITHUB_RUN_ID: '4242',
        },
      });
    return { github, run };
  }

  it("never edits another user's comment that holds the marker: it writes its own", async () => {
    const { github, run } = await pullRequestRun({ 'data/a.jsonl': chatJsonl(2) });
    const marker = '<!-- together-upload-action:Datasets/check/together -->';
    github.addComment('mallory', `${marker}\nI copied the marker.`);
    const result = await run('gh-write');
    expect(result.exitCode).toBe(0);
    expect(github.comments).toHaveLength(2);
    expect(github.comments[0]).toMatchObject({ author: 'mallory', body: `${marker}\nI copied the marker.` });
    expect(github.comments[1]!.author).toBe('github-actions[bot]');
    expect(github.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    await run('gh-write');
    expect(github.comments).toHaveLength(2);
    expect(github.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it("finds a user token's own comment by its login", async () => {
    const { github, run } = await pullRequestRun({ 'data/a.jsonl': chatJsonl(2) }, { 'pat-ann': 'ann' });
    await run('pat-ann');
    await run('pat-ann');
    expect(github.comments.map((c) => c.author)).toEqual(['ann']);
    expect(github.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('stays inert and under its limits for 5,000 files with long hostile names', async () => {
    const files: Record<string, string> = {};
    const bad = `{"messages": [{"role": "@octocat", "content": "x"}]}\n`;
    for (let i = 0; i < 5000; i += 1)
      files[`data/${'n'.repeat(180)}-@octocat-${String(i).padStart(4, '0')}.jsonl`] = i % 3 ? CHAT_LINE : bad;
    const { github, run } = await pullRequestRun(files);
    const result = await run('gh-write');
    expect(result.exitCode).toBe(1);
    const [comment] = github.comments;
    expect(comment!.body.length).toBeLessThan(65_536);
    expect(comment!.body.match(/<table>/g)?.length).toBe(comment!.body.match(/<\/table>/g)?.length);
    expect(comment!.body.indexOf('</table>')).toBeGreaterThan(comment!.body.lastIndexOf('<tr><td>'));
    expect(comment!.body).toMatch(/… and \d[\d,]* more files not shown here/);
    expect(comment!.body).not.toMatch(/@octocat/);
    expect(Buffer.byteLength(result.summary)).toBeLessThan(1024 * 1024);
    expect(result.summary).toMatch(/… and \d+ more files not shown here/);
    // The outputs hold the first files that fit GitHub's 1 MB; the manifest has all of them.
    expect(filesOf(result).length).toBeGreaterThan(0);
    expect((result.manifest as { files: unknown[] }).files).toHaveLength(5000);
  });
});

describe('credentials a server echoes', () => {
  it('a storage error that echoes the presigned URL, or an API error that echoes the key, is redacted everywhere', async () => {
    const { server, run } = await setup(
      { 'a.jsonl': chatJsonl(2), 'b.jsonl': chatJsonl(3) },
      { apiKey: 'sk-echoed-key' },
    );
    const leaked = 'https://storage.example/bucket/a?X-Amz-Credential=AKIA1234&X-Amz-Signature=deadbeefcafe';
    server.addFault({
      method: 'PUT',
      path: '/storage/',
      fault: {
        kind: 'status',
        status: 403,
        headers: { 'content-type': 'application/xml' },
        body: `<Error><Code>AccessDenied</Code><Message>Denied for ${leaked}</Message></Error>`,
      },
    });
    server.addFault({
      method: 'POST',
      path: '/v1/files',
      fault: {
        kind: 'status',
        status: 400,
        body: '{"error":{"message":"bad request from sk-echoed-key at https://api.example/v1?token=abc"}}',
      },
    });
    const result = await run({ path: '*.jsonl', concurrency: '1' });
    expect(result.exitCode).toBe(1);
    // The one place the key appears is the command that masks it.
    const log = result.stdout
      .split('\n')
      .filter((line) => line !== '::add-mask::sk-echoed-key')
      .join('\n');
    for (const text of [log, result.summary, JSON.stringify(result.outputs)]) {
      expect(text).not.toContain('deadbeefcafe');
      expect(text).not.toContain('AKIA1234');
      expect(text).not.toContain('X-Amz-Signature');
      expect(text).not.toContain('sk-echoed-key');
      expect(text).not.toContain('token=abc');
    }
    const errors = filesOf(result).map((f) => f.error);
    expect(errors[0]).toContain('bad request from *** at <url>');
    expect(errors[1]).toContain('Storage upload failed with HTTP 403 (AccessDenied): Denied for <url>');
  });
});
