/** The bundled action, run as the GitHub runner runs it, against the embedded Together-compatible server. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileResult } from '../../src/result.js';
import { ROOT, runAction, type ActionRun } from '../../testkit/run-action.js';
import { type TogetherServer, type TogetherServerOptions, storageErrorFault } from '../../testkit/together-server.js';
import { cleanupsAfterEach, serverAndWorkspace } from '../helpers/e2e.js';
import { chatJsonl, REJECTED_JSONL } from '../helpers/workspace.js';

const cleanups = cleanupsAfterEach();

function setup(files: Record<string, string | Buffer>, serverOptions: TogetherServerOptions = {}) {
  return serverAndWorkspace(cleanups, files, serverOptions);
}

function filesOutput(run: ActionRun): FileResult[] {
  return JSON.parse(run.outputs.files ?? 'null') as FileResult[];
}

/** What the runner would show: everything but the add-mask command, which the runner consumes. */
function visibleLog(run: ActionRun): string {
  return `${run.stdout}${run.stderr}`
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function expectNoSecrets(run: ActionRun, server: TogetherServer) {
  for (const text of [visibleLog(run), run.summary, JSON.stringify(run.outputs)]) {
    expect(text).not.toContain(server.apiKey);
    expect(text).not.toContain('X-Amz-Signature');
    expect(text).not.toContain('/storage/');
  }
}

describe('upload on push', () => {
  it('uploads every file a glob matches, waits for processing and reports IDs, outputs and summary', async () => {
    const files = {
      'data/a-chat.jsonl': chatJsonl(3),
      'data/b-chat.jsonl': chatJsonl(5),
      'data/nested/c-chat.jsonl': chatJsonl(7),
      'data/notes.md': '# not a dataset',
    };
    const { server, run } = await setup(files, { pollsBeforeDone: 1 });
    const result = await run({ path: 'data/**/*.jsonl' });

    expect(result.exitCode).toBe(0);
    const outputs = filesOutput(result);
    expect(outputs.map((f) => f.path)).toEqual(['data/a-chat.jsonl', 'data/b-chat.jsonl', 'data/nested/c-chat.jsonl']);
    for (const file of outputs) {
      const content = files[file.path as keyof typeof files];
      const stored = server.files.get(file.id!)!;
      expect(file).toMatchObject({
        filename: file.path.split('/').at(-1),
        bytes: Buffer.byteLength(content),
        sha256: sha256(content),
        file_type: 'jsonl',
        purpose: 'fine-tune',
        status: 'processed',
        processing_status: 'COMPLETED',
        error: null,
      });
      // What the server stored is byte-exact, once, under the basename.
      expect(stored).toMatchObject({ filename: file.filename, sha256: sha256(content), uploads: 1, state: 'uploaded' });
    }
    expect(result.outputs['file-id']).toBe(outputs[0]!.id);
    expect(JSON.parse(result.outputs['file-ids']!)).toEqual(outputs.map((f) => f.id));

    expect(result.summary).toContain('## Together upload: 3 processed of 3 files');
    for (const file of outputs) expect(result.summary).toContain(`<code>${file.id}</code>`);
    expect(visibleLog(result)).toMatch(
      /::group::Uploaded data\/a-chat\.jsonl \(306 B, [\d.]+ (ms|s)\)\n\[ *[\d.]+ (ms|s)\] Reserved file-/,
    );
    expect(visibleLog(result)).toMatch(/data\/a-chat\.jsonl: RUNNING/);

    const puts = server.requests.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(3);
    for (const put of puts) {
      expect(put.headers.authorization).toBeUndefined();
      expect(put.headers['transfer-encoding']).toBeUndefined();
      expect(Number(put.headers['content-length'])).toBe(put.bodyBytes);
    }
    expect(server.requests.filter((r) => r.path.endsWith('/preprocess'))).toHaveLength(3);
    expectNoSecrets(result, server);
  });

  it('takes the key from TOGETHER_API_KEY when the input is empty', async () => {
    const { server, ws } = await setup({ 'train.jsonl': chatJsonl(2) });
    const result = await runAction({
      workspace: ws.root,
      inputs: { path: 'train.jsonl', 'base-url': server.baseUrl },
      env: { TOGETHER_API_KEY: server.apiKey },
    });
    expect(result.exitCode).toBe(0);
    expect(filesOutput(result)[0]!.status).toBe('processed');
    expectNoSecrets(result, server);
  });

  it('does not wait when wait is false: status uploaded, no polling', async () => {
    const { server, run } = await setup({ 'train.jsonl': chatJsonl(2) });
    const result = await run({ path: 'train.jsonl', wait: 'false' });
    expect(result.exitCode).toBe(0);
    expect(filesOutput(result)[0]).toMatchObject({ status: 'uploaded', processing_status: 'QUEUED' });
    expect(server.requests.filter((r) => r.method === 'GET')).toHaveLength(0);
    expect(result.summary).toContain('1 uploaded of 1 file');
  });

  it('works with the older API schema (no processing_status)', async () => {
    const { run } = await setup({ 'train.jsonl': chatJsonl(2) }, { legacySchema: true, pollsBeforeDone: 1 });
    const result = await run({ path: 'train.jsonl' });
    expect(result.exitCode).toBe(0);
    expect(filesOutput(result)[0]).toMatchObject({ status: 'processed', processing_status: null });
  });

  it('sends the purpose and a forced file type', async () => {
    const { server, run } = await setup({ 'scores.data': 'question,answer\n1,2\n' });
    const result = await run({ path: 'scores.data', purpose: 'eval', 'file-type': 'csv' });
    expect(result.exitCode).toBe(0);
    const [file] = filesOutput(result);
    expect(file).toMatchObject({ file_type: 'csv', purpose: 'eval', status: 'processed' });
    expect(server.files.get(file!.id!)).toMatchObject({ purpose: 'eval', fileType: 'csv', filename: 'scores.data' });
  });
});

describe('failures', () => {
  it("reports a rejected file with Together's reason while the others are processed, and fails the step", async () => {
    const { server, run } = await setup({
      'a.jsonl': chatJsonl(2),
      'b-bad.jsonl': REJECTED_JSONL,
      'c.jsonl': chatJsonl(2),
    });
    // Structural checks leave the message rules to Together's server, which rejects the file after upload.
    const result = await run({ path: '*.jsonl', check: 'structural' });

    expect(result.exitCode).toBe(1);
    const outputs = filesOutput(result);
    expect(outputs.map((f) => f.status)).toEqual(['processed', 'rejected', 'processed']);
    const rejected = outputs[1]!;
    expect(rejected.processing_status).toBe('INVALID_FORMAT');
    expect(rejected.id).toMatch(/^file-/);
    expect(rejected.error).toBe(
      'b-bad.jsonl: Together rejected the file (INVALID_FORMAT): Line 2: `messages[0]` must contain a `role` field',
    );
    expect(result.summary).toContain('## Together upload: 2 processed of 3 files, 1 failed');
    expect(result.summary).toContain('<code>b-bad.jsonl</code> (rejected): b-bad.jsonl: Together rejected the file');
    expect(visibleLog(result)).toContain(
      '::error title=Upload rejected,file=b-bad.jsonl::b-bad.jsonl: Together rejected the file',
    );
    expect(visibleLog(result)).toContain('::error::1 of 3 files did not make it: b-bad.jsonl (rejected).');
    expect(server.files.size).toBe(3);
  });

  it('a re-run of content Together already has reuses it: the 409 names it, nothing is uploaded twice', async () => {
    const { server, run } = await setup({ 'train.jsonl': chatJsonl(4) });
    const first = await run({ path: 'train.jsonl' });
    const put = server.requests.filter((r) => r.method === 'PUT').length;
    const again = await run({ path: 'train.jsonl' });
    expect(again.exitCode).toBe(0);
    const [file] = filesOutput(again);
    expect(file).toMatchObject({ id: filesOutput(first)[0]!.id, status: 'processed', reused: true });
    expect(again.outputs['file-id']).toBe(file!.id);
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(put);
    expect(server.requests.filter((r) => r.method === 'POST' && r.path === '/v1/files').map((r) => r.status)).toEqual([
      302, 409,
    ]);
    expect(again.summary).toContain('♻️ reused');
    expect(visibleLog(again)).toMatch(/Already on Together: train\.jsonl/);
  });

  it("uploads the function-calling example, and Together's report shows its tools and parallel calls", async () => {
    const dataset = await readFile(path.join(ROOT, 'examples/datasets/weather-tools.jsonl'), 'utf8');
    const { run } = await setup({ 'weather-tools.jsonl': dataset });
    const result = await run({ path: 'weather-tools.jsonl' });
    expect(result.exitCode).toBe(0);
    const [file] = filesOutput(result);
    expect(file).toMatchObject({ status: 'processed', check: { passed: true, warnings: [] } });
    expect(file!.validation_report).toMatchObject({
      valid: true,
      dataset_has_tools: true,
      dataset_has_parallel_tool_calls: true,
      nlines: 3,
    });
    expect(result.summary).toContain('<td>conversation, 3 lines: tools, parallel tool calls</td>');
  });

  it("puts Together's validation report in the files output and the summary", async () => {
    const { run } = await setup({ 'train.jsonl': chatJsonl(3) });
    const result = await run({ path: 'train.jsonl' });
    expect(filesOutput(result)[0]!.validation_report).toMatchObject({
      valid: true,
      dataset_format: 'conversation',
      nlines: 3,
      dataset_has_tools: false,
    });
    expect(result.summary).toContain('<td>conversation, 3 lines</td>');
  });

  it('reports files still processing at the deadline as timeout, with their IDs', async () => {
    const { run } = await setup({ 'a.jsonl': chatJsonl(2) }, { neverFinish: true });
    const result = await run({ path: 'a.jsonl', 'wait-timeout': '2' });
    expect(result.exitCode).toBe(1);
    const [file] = filesOutput(result);
    expect(file).toMatchObject({ status: 'timeout', processing_status: 'RUNNING' });
    expect(file!.id).toMatch(/^file-/);
    expect(result.outputs['file-id']).toBe(file!.id);
    expect(file!.error).toMatch(/wait-timeout ran out/);
    expect(result.summary).toContain('⏱️ timeout');
  });

  it('ends at the wait-timeout even when every poll is answered 503: one request per poll, no retries inside', async () => {
    const { server, run } = await setup({ 'a.jsonl': chatJsonl(2) }, { neverFinish: true });
    server.addFault({
      method: 'GET',
      path: '/v1/files/',
      times: 1000,
      fault: { kind: 'status', status: 503, body: '' },
    });
    const result = await run({ path: 'a.jsonl', 'wait-timeout': '3' });
    expect(result.exitCode).toBe(1);
    const [file] = filesOutput(result);
    expect(file).toMatchObject({ status: 'timeout' });
    expect(file!.id).toMatch(/^file-/);
    expect(file!.error).toMatch(/last poll error: GET \/files\/file-[\w-]+ failed with HTTP 503/);
    // Polls at about 0.1, 0.6, 1.35, 2.5 and 3 s. Retried inside each poll, one poll alone made six requests over
    // 25 s (and logged its retries, which the last assertion refuses).
    const polls = server.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/files/'));
    expect(polls.length).toBeGreaterThanOrEqual(3);
    expect(polls.length).toBeLessThanOrEqual(6);
    expect(result.stdout).not.toMatch(/GET \/files\/file-[\w-]+: HTTP 503.*retry \d of/);
  });

  it('fails before any request when the key is missing', async () => {
    const { server, ws } = await setup({ 'a.jsonl': chatJsonl(1) });
    const result = await runAction({ workspace: ws.root, inputs: { path: 'a.jsonl', 'base-url': server.baseUrl } });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("::error::No Together API key: set the input 'api-key'");
    expect(server.requests).toHaveLength(0);
  });

  it('fails before any request on an invalid purpose, listing the valid ones', async () => {
    const { server, run } = await setup({ 'a.jsonl': chatJsonl(1) });
    const result = await run({ path: 'a.jsonl', purpose: 'finetune' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      "::error::Input 'purpose' is 'finetune'; it must be one of: fine-tune, eval, batch-api.",
    );
    expect(server.requests).toHaveLength(0);
  });

  it('fails before any request on a purpose Together removed in 2026', async () => {
    const { server, run } = await setup({ 'a.jsonl': chatJsonl(1) });
    const result = await run({ path: 'a.jsonl', purpose: 'eval-output' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("::error::Input 'purpose' is 'eval-output', a purpose Together no longer accepts");
    expect(result.stdout).toContain('it must be one of: fine-tune, eval, batch-api.');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a non-loopback http base-url', async () => {
    const { server, ws } = await setup({ 'a.jsonl': chatJsonl(1) });
    const result = await runAction({
      workspace: ws.root,
      inputs: { path: 'a.jsonl', 'api-key': server.apiKey, 'base-url': 'http://api.together.ai/v1' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('the API key would travel in clear');
  });

  it("reports a wrong key per file with Together's 401 message and both of its causes", async () => {
    const { server, ws } = await setup({ 'a.jsonl': chatJsonl(1) });
    const result = await runAction({
      workspace: ws.root,
      inputs: { path: 'a.jsonl', 'api-key': 'not-the-key', 'base-url': server.baseUrl },
    });
    expect(result.exitCode).toBe(1);
    const error = filesOutput(result)[0]!.error!;
    expect(error).toMatch(/POST \/files failed with HTTP 401 \(invalid_api_key\): Invalid API key provided/);
    expect(error).toContain('the API key is wrong or revoked');
    expect(error).toContain('free-trial credits are used up (see Settings -> Billing on api.together.ai)');
    expect(server.files.size).toBe(0);
  });

  it('names a file of unknown extension under auto and uploads nothing', async () => {
    const { server, run } = await setup({ 'a.jsonl': chatJsonl(1), 'b.json': '{}' });
    const result = await run({ path: 'a.jsonl\nb.json' });
    expect(result.exitCode).toBe(1);
    const outputs = filesOutput(result);
    expect(outputs.map((f) => [f.path, f.status])).toEqual([
      ['a.jsonl', 'skipped'],
      ['b.json', 'failed'],
    ]);
    expect(outputs[1]!.error).toMatch(/^b\.json: Cannot tell the dataset type from the extension '\.json'/);
    expect(outputs[0]!.error).toBe('Not uploaded: 1 file failed its checks, so nothing was uploaded.');
    expect(server.requests).toHaveLength(0);
  });

  it('deletes the reserved ID when the upload fails, and still reports the other files', async () => {
    const { server, run } = await setup({ 'a.jsonl': chatJsonl(1), 'b.jsonl': chatJsonl(2) });
    server.addFault({
      method: 'PUT',
      path: '/storage/',
      fault: storageErrorFault(403, 'AccessDenied', 'Access Denied'),
    });
    // One at a time, so that the first PUT, the one that fails, is a.jsonl's.
    const result = await run({ path: '*.jsonl', concurrency: '1' });
    expect(result.exitCode).toBe(1);
    const outputs = filesOutput(result);
    expect(outputs.map((f) => f.status)).toEqual(['failed', 'processed']);
    expect(outputs[0]).toMatchObject({
      id: null,
      error: 'a.jsonl: upload failed: Storage upload failed with HTTP 403 (AccessDenied): Access Denied',
    });
    expect(server.deletedIds).toHaveLength(1);
    expect([...server.files.values()].map((f) => f.filename)).toEqual(['b.jsonl']);
    expectNoSecrets(result, server);
  });
});

describe('if-no-files-found', () => {
  it.each([
    ['error', 1, '::error::No files were found with the provided path: missing/*.jsonl. No files were uploaded.'],
    ['warn', 0, '::warning::No files were found with the provided path: missing/*.jsonl. No files were uploaded.'],
    ['ignore', 0, 'No files were found with the provided path: missing/*.jsonl. No files were uploaded.'],
  ])('%s: exit %i', async (mode, exitCode, message) => {
    const { server, run } = await setup({ 'a.jsonl': chatJsonl(1) });
    const result = await run({ path: 'missing/*.jsonl', 'if-no-files-found': mode });
    expect(result.exitCode).toBe(exitCode);
    expect(result.stdout).toContain(message);
    if (mode === 'ignore') expect(result.stdout).not.toMatch(/::(warning|error)::/);
    expect(result.outputs).toMatchObject({ 'file-id': '', 'file-ids': '[]', ids: '{}', files: '[]' });
    expect(result.outputs.manifest).toMatch(/together-upload-manifest-step\.json$/);
    expect(result.summary).toContain('No files matched');
    expect(server.requests).toHaveLength(0);
  });
});
