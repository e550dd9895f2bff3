/**
 * Hostile servers and hostile files, through the bundled action run as the runner runs it: answers that never
 * end, trickle or echo credentials, IDs of odd shapes, a 409 that lies, plain-http storage, rate limits on every
 * request, GitHub calls that hang or never stop paging, pull-request input built to hurt, and cancellation at
 * any moment. Each run is bounded (killed after RUN_BOUND_MS, which fails the test) and checked for what it
 * must never print or store.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileResult } from '../../src/result.js';
import { startGitHubServer, type GitHubServerOptions, type PullRequestFile } from '../../testkit/github-server.js';
import { runAction, type ActionRun } from '../../testkit/run-action.js';
import { CHAT_LINE, chatJsonl, makeWorkspace } from '../helpers/workspace.js';
import { cleanupsAfterEach, serverAndWorkspace } from '../helpers/e2e.js';

const cleanups = cleanupsAfterEach();
/** A run that takes longer has hung: the harness kills it and the test fails on its exit code. */
const RUN_BOUND_MS = 60_000;
const filesOf = (run: ActionRun) => JSON.parse(run.outputs.files ?? 'null') as FileResult[];
/** Everything a run printed or stored. */
const everything = (run: ActionRun) =>
  [
    // The mask command itself names the key: the runner takes it and hides the key from then on.
    run.stdout.replace(/^::add-mask::.*$/gm, ''),
    run.stderr,
    run.summary,
    JSON.stringify(run.outputs),
    JSON.stringify(run.manifest ?? null),
  ].join('\n');
const ONE_FILE = { 'a.jsonl': chatJsonl(3) };

describe('answers that never end or trickle', () => {
  it('an error body that never ends is read to 1 MiB, then the answer is the error it is', async () => {
    const { server, run } = await serverAndWorkspace(cleanups, ONE_FILE);
    server.addFault({ method: 'POST', path: '/v1/files', times: 10, fault: { kind: 'endless-body', status: 500 } });
    const result = await run({ path: 'a.jsonl', 'max-retries': '1' });
    expect(result.signal).toBeNull();
    expect(result.exitCode).toBe(1);
    expect(filesOf(result)[0]!.error).toMatch(
      /POST \/files failed with HTTP 500: the answer's body was larger than 1 MiB, so it was not read/,
    );
  });

  it('a body that trickles a byte a second ends at the attempt deadline, on the 302 and on /preprocess', async () => {
    const { server, run } = await serverAndWorkspace(cleanups, ONE_FILE);
    server.addFault({
      method: 'POST',
      path: '/v1/files',
      fault: { kind: 'endless-body', status: 302, intervalMs: 1000 },
    });
    const failed = await run({ path: 'a.jsonl', 'max-retries': '0' }, { TOGETHER_API_DEADLINE_SECONDS: '1' });
    expect(failed.signal).toBeNull();
    expect(filesOf(failed)[0]!.error).toMatch(/POST \/files: no complete answer within 1 s/);

    // Processing is asked for with /preprocess; a trickling answer there is given up, and the file still waited for.
    server.addFault({
      method: 'POST',
      path: /\/preprocess$/,
      fault: { kind: 'endless-body', status: 200, intervalMs: 1000 },
    });
    const waited = await run({ path: 'a.jsonl', 'max-retries': '0' }, { TOGETHER_API_DEADLINE_SECONDS: '1' });
    expect(waited.exitCode).toBe(0);
    expect(filesOf(waited)[0]!.status).toBe('processed');
    expect(waited.stdout).toMatch(/Requesting processing failed .*no complete answer within 1 s/);
  });
});

describe('credentials echoed back', () => {
  it('reach no log, output, summary or manifest: not from a request-ID header, not from a validation report', async () => {
    const { server, run } = await serverAndWorkspace(cleanups, { 'a.jsonl': chatJsonl(3), 'b.jsonl': chatJsonl(4) });
    const signed = `${server.url}/storage/x?X-Amz-Signature=deadbeefcafe&X-Amz-Credential=AKIA123`;
    server.addFault({
      method: 'POST',
      path: '/v1/files',
      fault: {
        kind: 'status',
        status: 400,
        headers: { 'x-request-id': `req-1 Bearer ${server.apiKey}` },
        body: JSON.stringify({ error: { message: `bad key ${server.apiKey} at ${signed}`, code: server.apiKey } }),
      },
    });
    server.addFault({
      method: 'GET',
      path: '/v1/files/',
      times: 20,
      fault: {
        kind: 'status',
        status: 200,
        body: JSON.stringify({
          id: 'file-0000aaaa-1111-2222-3333-444455556666',
          object: 'file',
          filename: 'b.jsonl',
          bytes: 999,
          purpose: 'fine-tune',
          processing_status: 'INVALID_FORMAT',
          validation_report: { valid: false, error: `see ${signed} with ${server.apiKey}`, [server.apiKey]: signed },
        }),
      },
    });
    const result = await run({ path: '*.jsonl', concurrency: '1', 'max-retries': '0' });
    expect(result.exitCode).toBe(1);
    const all = everything(result);
    expect(all).not.toContain(server.apiKey);
    expect(all).not.toContain('deadbeefcafe');
    expect(all).not.toContain('AKIA123');
    const [a, b] = filesOf(result);
    expect(a!.error).toMatch(/HTTP 400 \(\*\*\*\): bad key \*\*\* at <url> \[request id req-1 Bearer \*\*\*\]/);
    expect(b!.status).toBe('rejected');
    expect(b!.error).toBe('b.jsonl: Together rejected the file (INVALID_FORMAT): see <url> with ***');
    expect(b!.validation_report).toEqual({ valid: false, error: 'see <url> with ***', '***': '<url>' });
  });
});

describe('server answers used as data', () => {
  it("IDs not of Together's shape never reach a URL: no DELETE /v1/ or /v1/files/", async () => {
    const { server, run } = await serverAndWorkspace(cleanups, ONE_FILE);
    server.addFault({
      method: 'POST',
      path: '/v1/files',
      fault: {
        kind: 'status',
        status: 302,
        headers: { location: `${server.url}/storage/x`, 'x-together-file-id': '..' },
      },
    });
    const shaped = await run({ path: 'a.jsonl', 'max-retries': '0' });
    expect(filesOf(shaped)[0]!.error).toMatch(/the redirect lacks an X-Together-File-Id of Together's shape/);
    server.addFault({
      method: 'POST',
      path: '/v1/files',
      fault: { kind: 'status', status: 500, body: JSON.stringify({ error: { message: 'x' }, file_id: '.' }) },
    });
    await run({ path: 'a.jsonl', 'max-retries': '0' });
    const deletes = server.requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
    expect(deletes.filter((p) => !/^\/v1\/files\/file-[\w-]+$/.test(p))).toEqual([]);
    expect(server.requests.some((r) => r.method === 'PUT')).toBe(false);
  });

  it('a 409 naming a file of another size is not reused: the file fails by name', async () => {
    const { server, run } = await serverAndWorkspace(cleanups, {
      'a.jsonl': chatJsonl(3),
      'other.jsonl': chatJsonl(9),
    });
    const other = await run({ path: 'other.jsonl' });
    const otherId = filesOf(other)[0]!.id!;
    server.addFault({
      method: 'POST',
      path: '/v1/files',
      fault: {
        kind: 'status',
        status: 409,
        body: JSON.stringify({ error: { message: 'duplicate', code: 'duplicate_file' }, file_id: otherId }),
      },
    });
    const result = await run({ path: 'a.jsonl' });
    expect(result.exitCode).toBe(1);
    const [file] = filesOf(result);
    expect(file).toMatchObject({ status: 'failed', id: null, reused: false });
    expect(file!.error).toMatch(
      new RegExp(
        `Together answered 409, naming ${otherId} as already holding this content, but that file is [\\d,]+ bytes and this one [\\d,]+`,
      ),
    );
  });

  it('a presigned URL of plain http off this machine is refused: the dataset is never sent in clear', async () => {
    const { server, run } = await serverAndWorkspace(cleanups, ONE_FILE);
    // 0.0.0.0 is not loopback by name, yet connecting to it reaches this machine: a wrong PUT would show here.
    const port = new URL(server.url).port;
    server.addFault({
      method: 'POST',
      path: '/v1/files',
      fault: {
        kind: 'status',
        status: 302,
        headers: { location: `http://0.0.0.0:${port}/storage/x`, 'x-together-file-id': 'file-1234' },
      },
    });
    const result = await run({ path: 'a.jsonl', 'max-retries': '0' });
    expect(result.exitCode).toBe(1);
    expect(filesOf(result)[0]!.error).toMatch(
      /the upload URL is plain http to 0\.0\.0\.0, so the dataset would cross the network in clear/,
    );
    expect(server.requests.some((r) => r.method === 'PUT')).toBe(false);
    expect(server.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual(['/v1/files/file-1234']);
  });
});

describe('rate limits', () => {
  it('429 on every request: the files wait together, and the step stops at its budget for such waits', async () => {
    const files = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}.jsonl`, chatJsonl(i + 1)]));
    const { server, run } = await serverAndWorkspace(cleanups, files);
    server.addFault({
      method: 'POST',
      path: '/v1/files',
      times: 10_000,
      fault: {
        kind: 'status',
        status: 429,
        headers: { 'retry-after': '1' },
        body: '{"error":{"message":"slow down"}}',
      },
    });
    const result = await run({ path: '*.jsonl', concurrency: '4' }, { TOGETHER_RATE_LIMIT_WAIT_SECONDS: '3' });
    expect(result.signal).toBeNull();
    expect(result.exitCode).toBe(1);
    const results = filesOf(result);
    expect(results.every((f) => f.status === 'failed')).toBe(true);
    expect(
      results.some((f) => /the step has waited \d+ s in all for the account's rate limit/.test(f.error ?? '')),
    ).toBe(true);
    expect(result.stdout).toContain("(every request waits: the rate limit is the account's)");
    // Each shut window lets the waiting files through once: far fewer attempts than 8 files x 6 tries each.
    const posts = server.requests.filter((r) => r.method === 'POST' && r.path === '/v1/files').length;
    expect(posts).toBeLessThan(8 * 6);
  });
});

describe('waits no timer can hold', () => {
  it('refuses wait-timeout 5000000 and a stall of 3000000 s before any request, naming the range', async () => {
    const { server, run } = await serverAndWorkspace(cleanups, ONE_FILE);
    const result = await run(
      { path: 'a.jsonl', 'wait-timeout': '5000000' },
      { TOGETHER_UPLOAD_STALL_SECONDS: '3000000' },
    );
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      "Input 'wait-timeout' is '5000000'; it must be a number of seconds above 0 and at most 2,147,483",
    );
    expect(result.stdout).toContain('TOGETHER_UPLOAD_STALL_SECONDS is');
    expect(server.requests).toHaveLength(0);
  });
});

/** A pull request's run: GitHub stand-in, workspace, event file. */
async function pullRequest(
  files: Record<string, string>,
  options: GitHubServerOptions & { prFiles?: PullRequestFile[]; event?: string } = {},
) {
  const github = await startGitHubServer({ files: options.prFiles ?? [], ...options });
  const ws = await makeWorkspace(files);
  const eventPath = path.join(ws.root, '..', `event-${path.basename(ws.root)}.json`);
  await writeFile(eventPath, options.event ?? JSON.stringify({ pull_request: { number: github.number } }));
  cleanups.push(
    () => github.close(),
    () => ws.cleanup(),
    () => rm(eventPath, { force: true }),
  );
  const env = {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
    GITHUB_API_URL: github.url,
    TOGETHER_GITHUB_DEADLINE_SECONDS: '1',
  };
  const run = (
    inputs: Record<string, string>,
    extra: { env?: Record<string, string>; signalWhen?: { signal: NodeJS.Signals; when: Promise<unknown> } } = {},
  ) =>
    runAction({
      workspace: ws.root,
      inputs: { 'github-token': 'gh-write', mode: 'check', ...inputs },
      env: { ...env, ...extra.env },
      timeoutMs: RUN_BOUND_MS,
      signalWhen: extra.signalWhen,
    });
  return { github, ws, run };
}
const BAD = `${CHAT_LINE}\n{"messages": [{"role": "user", "content": "hi"}, {"role": "bot", "content": "x"}]}\n`;

describe('GitHub calls', () => {
  it("an answer that never comes ends at the deadline with GitHub's real error; changed-only then checks every file", async () => {
    const { github, run } = await pullRequest({ 'data/bad.jsonl': BAD }, { faults: { hang: /\/files$/ } });
    const result = await run({ path: 'data', 'changed-only': 'true' });
    expect(result.signal).toBeNull();
    expect(result.stdout).toMatch(
      /Could not list the files of pull request #7 \(GitHub did not answer GET \/repos\/acme\/datasets\/pulls\/7\/files within 1 s\); taking every matched file/,
    );
    expect(filesOf(result)[0]).toMatchObject({ path: 'data/bad.jsonl', status: 'failed' });
    expect(github.requests.filter((r) => r.path.endsWith('/files'))).toHaveLength(1);
  });

  it("pages that never end stop at GitHub's own 3,000 files, and then every matched file is checked", async () => {
    const { github, run } = await pullRequest({ 'data/bad.jsonl': BAD }, { faults: { endlessFiles: true } });
    const result = await run({ path: 'data', 'changed-only': 'true' });
    expect(github.requests.filter((r) => r.path.endsWith('/files'))).toHaveLength(30);
    expect(result.stdout).toContain(
      'changes more files than GitHub lists (3,000), so any matched file may be changed; taking all 1 matched files',
    );
    expect(result.exitCode).toBe(1);
    expect(filesOf(result)[0]!.status).toBe('failed');
  });

  it('more than 3,000 changed files: an invalid dataset past the list is still checked', async () => {
    const prFiles: PullRequestFile[] = Array.from({ length: 3100 }, (_, i) => ({
      filename: i === 3050 ? 'data/bad.jsonl' : `other/f${i}.txt`,
      status: 'added',
    }));
    const { run } = await pullRequest({ 'data/bad.jsonl': BAD, 'data/good.jsonl': chatJsonl(2) }, { prFiles });
    const result = await run({ path: 'data', 'changed-only': 'true' });
    expect(result.exitCode).toBe(1);
    expect(filesOf(result).map((f) => [f.path, f.status])).toEqual([
      ['data/bad.jsonl', 'failed'],
      ['data/good.jsonl', 'checked'],
    ]);
  });

  it('a page larger than 16 MiB is not read', async () => {
    const { run } = await pullRequest(
      { 'data/good.jsonl': chatJsonl(2) },
      { prFiles: [{ filename: 'data/good.jsonl', status: 'added' }], faults: { hugeFilesPageBytes: 17 * 1024 * 1024 } },
    );
    const result = await run({ path: 'data', 'changed-only': 'true' });
    expect(result.stdout).toMatch(
      /GitHub's answer to GET \/repos\/acme\/datasets\/pulls\/7\/files was larger than 16 MiB, so it was not read/,
    );
    expect(result.exitCode).toBe(0);
  });

  it('SIGINT during a GitHub call that never answers ends the step at once, with the summary and the manifest', async () => {
    let arrived: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => (arrived = resolve));
    const { run } = await pullRequest(
      { 'data/good.jsonl': chatJsonl(2) },
      { faults: { hang: /\/comments$/ }, onRequest: (r) => r.path.endsWith('/comments') && arrived() },
    );
    const result = await run(
      { path: 'data', comment: 'true' },
      { env: { TOGETHER_GITHUB_DEADLINE_SECONDS: '600' }, signalWhen: { signal: 'SIGINT', when: hung } },
    );
    expect(result.signal).toBeNull();
    expect(result.exitCode).toBe(1);
    expect(result.summary).toContain('data/good.jsonl');
    expect((result.manifest as { files: unknown[] }).files).toHaveLength(1);
    expect(result.stdout).toContain('Received SIGINT');
  });
});

describe('the event payload', () => {
  it('that is not JSON is reported, and the run goes on without the pull request', async () => {
    const { run } = await pullRequest({ 'data/good.jsonl': chatJsonl(2) }, { event: 'this is { not json' });
    const result = await run({ path: 'data', comment: 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/::warning::The event payload \(GITHUB_EVENT_PATH\) could not be read/);
    expect(result.summary).toContain('data/good.jsonl');
  });

  it('with the pull-request number as a string of digits is taken; anything else is reported', async () => {
    const digits = await pullRequest(
      { 'data/good.jsonl': chatJsonl(2) },
      { event: '{"pull_request": {"number": "7"}}' },
    );
    expect((await digits.run({ path: 'data', comment: 'true' })).exitCode).toBe(0);
    expect(digits.github.comments).toHaveLength(1);
    const odd = await pullRequest(
      { 'data/good.jsonl': chatJsonl(2) },
      { event: '{"pull_request": {"number": "seven"}}' },
    );
    const result = await odd.run({ path: 'data', comment: 'true' });
    expect(result.stdout).toContain('The event\'s pull_request.number is "seven", not a pull-request number');
    expect(odd.github.comments).toHaveLength(0);
  });
});

describe('cancel at any moment', () => {
  it('SIGINT during the check phase stops the check in progress; outputs, summary and manifest say what finished', async () => {
    const big = Buffer.from(`${CHAT_LINE}\n`.repeat(Math.ceil((200 * 1024 * 1024) / (CHAT_LINE.length + 1))));
    const { server, ws } = await serverAndWorkspace(cleanups, {
      'a.jsonl': chatJsonl(2),
      'c.jsonl': chatJsonl(2),
    });
    await writeFile(ws.file('b.jsonl'), big);
    let checkedA: () => void = () => undefined;
    const afterA = new Promise<void>((resolve) => (checkedA = resolve));
    const result = await runAction({
      workspace: ws.root,
      inputs: { 'api-key': server.apiKey, 'base-url': server.baseUrl, path: '*.jsonl' },
      timeoutMs: RUN_BOUND_MS,
      onOutput: (chunk) => chunk.includes('✓ a.jsonl') && checkedA(),
      signalWhen: { signal: 'SIGINT', when: afterA },
    });
    expect(result.signal).toBeNull();
    expect(result.exitCode).toBe(1);
    expect(filesOf(result).map((f) => [f.path, f.status])).toEqual([
      ['a.jsonl', 'cancelled'],
      ['b.jsonl', 'cancelled'],
      ['c.jsonl', 'cancelled'],
    ]);
    expect(filesOf(result)[0]!.check!.passed).toBe(true);
    expect(filesOf(result)[1]!.error).toBe("b.jsonl: the run was cancelled before the file's check finished.");
    expect((result.manifest as { files: unknown[] }).files).toHaveLength(3);
    expect(result.summary).toContain('cancelled');
    expect(server.requests).toHaveLength(0);
  });
});

describe("manifest-path from a pull request's tree", () => {
  it('is not written through a link out of the workspace, never replaces a dataset, and leaves no .tmp behind', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'manifest-outside-'));
    cleanups.push(() => rm(outside, { recursive: true, force: true }));
    const { ws } = await serverAndWorkspace(cleanups, { 'data/train.jsonl': chatJsonl(2) });
    await symlink(outside, ws.file('out'));
    await mkdir(ws.file('folder'));
    const check = (manifestPath: string) =>
      runAction({ workspace: ws.root, inputs: { mode: 'check', path: 'data', 'manifest-path': manifestPath } });

    const linked = await check('out/m.json');
    expect(linked.stdout).toMatch(
      /Could not write the manifest .*manifest-path leads outside the workspace through a symbolic link/,
    );
    expect(await readdir(outside)).toEqual([]);
    expect(linked.outputs.manifest).toBe('');

    const dataset = await check('data/train.jsonl');
    expect(dataset.stdout).toMatch(/manifest-path names data\/train\.jsonl, a dataset this step matched/);
    expect(await readFile(ws.file('data/train.jsonl'), 'utf8')).toBe(chatJsonl(2));

    const folder = await check('folder');
    expect(folder.stdout).toMatch(/Could not write the manifest .* is a folder; name a file for manifest-path/);
    expect((await readdir(ws.root, { recursive: true })).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('names and content built to hurt', () => {
  it('bidirectional controls in a name are escaped in the log and the summary', async () => {
    const name = 'evil\u202elmth.jsonl';
    const { run } = await serverAndWorkspace(cleanups, { [name]: chatJsonl(1) });
    const result = await run({ mode: 'check', path: '*.jsonl' });
    expect(result.stdout).not.toContain('\u202e');
    expect(result.summary).not.toContain('\u202e');
    expect(result.stdout).toContain('evil\\u202elmth.jsonl');
  });

  it('a non-UTF-8 name fails by name, escaped', async () => {
    const { ws, run } = await serverAndWorkspace(cleanups, { 'good.jsonl': chatJsonl(1) });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      Buffer.concat([Buffer.from(`${ws.root}/bad-`), Buffer.from([0xff]), Buffer.from('.jsonl')]),
      CHAT_LINE,
    );
    const result = await run({ mode: 'check', path: '*.jsonl' });
    expect(result.exitCode).toBe(1);
    expect(filesOf(result).map((f) => [f.path, f.status])).toEqual([
      ['bad-\\xff.jsonl', 'failed'],
      ['good.jsonl', 'checked'],
    ]);
    expect(filesOf(result)[0]!.error).toMatch(/Its name is not valid UTF-8/);
  });

  it('deep nesting, a line over the limit, a lying Parquet footer and NaN each get their verdict, at their line', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const lying = Buffer.alloc(64);
    lying.write('PAR1', 0, 'latin1');
    lying.writeUInt32LE(2_000_000_000, 56);
    lying.write('PAR1', 60, 'latin1');
    const { ws, run } = await serverAndWorkspace(cleanups, {
      'deep.jsonl': `${CHAT_LINE}\n{"messages": [{"role": "user", "content": [{"type": ${deep}}]}]}\n`,
      'long.jsonl': `${CHAT_LINE}\n{"text": "${'x'.repeat(17 * 1024 * 1024)}"}\n`,
      'nan.jsonl': '{"q": "a", "score": NaN}\n{"q": "b", "score": Infinity}\n',
    });
    await writeFile(ws.file('tokens.parquet'), lying);
    const result = await run({ mode: 'check', path: 'deep.jsonl\nlong.jsonl\ntokens.parquet' });
    const byPath = Object.fromEntries(filesOf(result).map((f) => [f.path, f]));
    expect(byPath['deep.jsonl']!.check).toMatchObject({ passed: false, line: 2 });
    expect(byPath['deep.jsonl']!.error).toMatch(/nesting deeper than 1000 levels/);
    expect(byPath['long.jsonl']!.check).toMatchObject({ passed: false, line: 2 });
    expect(byPath['long.jsonl']!.error).toMatch(/The line is longer than 16 MiB/);
    expect(byPath['tokens.parquet']!.error).toMatch(/its footer claims 2,000,000,000 bytes, more than the file holds/);
    const nan = await run({ mode: 'check', path: 'nan.jsonl', purpose: 'eval' });
    expect(nan.exitCode).toBe(0);
    expect(filesOf(nan)[0]!.check).toMatchObject({ passed: true, samples: 2 });
  });
});
