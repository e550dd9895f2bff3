/**
 * Chaining into fine-tuning, through the bundled action run as the runner runs it: IDs by path, the manifest of
 * every file, outputs under GitHub's limit for any number of files, and Together's price estimate.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/manifest.js';
import type { FileResult } from '../../src/result.js';
import type { ActionRun } from '../../testkit/run-action.js';
import type { TogetherServerOptions } from '../../testkit/together-server.js';
import { cleanupsAfterEach, serverAndWorkspace } from '../helpers/e2e.js';
import { chatJsonl } from '../helpers/workspace.js';

const cleanups = cleanupsAfterEach();

const filesOf = (run: ActionRun) => JSON.parse(run.outputs.files ?? 'null') as FileResult[];
const MODEL = 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference';

function setup(files: Record<string, string>, serverOptions: TogetherServerOptions = {}) {
  return serverAndWorkspace(cleanups, files, serverOptions, {
    GITHUB_REPOSITORY: 'acme/datasets',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_ACTION: 'upload',
  });
}

describe('ids and the manifest', () => {
  it('maps each path to its ID, and writes the manifest of every file and the run under RUNNER_TEMP', async () => {
    const { server, run } = await setup({ 'data/train.jsonl': chatJsonl(5), 'data/validation.jsonl': chatJsonl(2) });
    const result = await run({ path: 'data' });
    expect(result.exitCode).toBe(0);
    const ids = JSON.parse(result.outputs.ids!) as Record<string, string | null>;
    const files = filesOf(result);
    expect(ids).toEqual({ 'data/train.jsonl': files[0]!.id, 'data/validation.jsonl': files[1]!.id });
    expect(server.files.get(ids['data/train.jsonl']!)!.filename).toBe('train.jsonl');
    expect(result.outputs.manifest).toMatch(/\/together-upload-manifest-upload\.json$/);
    const manifest = result.manifest as Manifest;
    expect(manifest).toMatchObject({
      schema: 'together-upload-action/manifest/v1',
      run: { repository: 'acme/datasets', commit: '0123456789abcdef0123456789abcdef01234567' },
      mode: 'upload',
      purpose: 'fine-tune',
    });
    expect(Date.parse(manifest.generated_at)).not.toBeNaN();
    expect(manifest.files).toEqual(files);
  });

  it('writes the manifest where manifest-path says, in check mode and when the step fails too', async () => {
    const { ws, run } = await setup({ 'a.jsonl': chatJsonl(1), 'b.jsonl': '{"nope": 1}\n' });
    const result = await run({ mode: 'check', path: '*.jsonl', 'manifest-path': 'out/datasets.json' });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.manifest).toBe(ws.file('out/datasets.json'));
    const manifest = JSON.parse(await readFile(ws.file('out/datasets.json'), 'utf8')) as Manifest;
    expect(manifest.files.map((f) => [f.path, f.status])).toEqual([
      ['a.jsonl', 'checked'],
      ['b.jsonl', 'failed'],
    ]);
    expect(JSON.parse(result.outputs.ids!)).toEqual({ 'a.jsonl': null, 'b.jsonl': null });
  });

  it('keeps every output together under 1 MB for 5,000 files, with a complete manifest and a note', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 5000; i += 1)
      files[`data/${'x'.repeat(120)}-${String(i).padStart(4, '0')}.jsonl`] = chatJsonl(1);
    const { run } = await setup(files);
    const result = await run({ mode: 'check', path: 'data' });
    expect(result.exitCode).toBe(0);
    const outputBytes = Object.entries(result.outputs).reduce(
      (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value),
      0,
    );
    expect(outputBytes).toBeLessThan(1_000_000);
    const listed = filesOf(result).length;
    expect(listed).toBeGreaterThan(0);
    expect(listed).toBeLessThan(5000);
    const ids = Object.keys(JSON.parse(result.outputs.ids!) as object).length;
    expect(ids).toBeGreaterThan(listed);
    expect((result.manifest as Manifest).files).toHaveLength(5000);
    expect(result.stdout).toContain(
      `The outputs list the first ${listed} of 5000 files in 'files' (and ${ids} in 'ids')`,
    );
    expect(result.summary).toContain(`The <code>files</code> output lists the first ${listed} of 5000 files`);
  });
});

describe("Together's price estimate", () => {
  it('is asked for each processed fine-tune file with the model and epochs, and shown', async () => {
    const { server, run } = await setup({ 'train.jsonl': chatJsonl(40) });
    const result = await run({ path: 'train.jsonl', 'estimate-model': MODEL, 'estimate-epochs': '3' });
    expect(result.exitCode).toBe(0);
    const [file] = filesOf(result);
    expect(server.estimates).toEqual([{ training_file: file!.id, model: MODEL, n_epochs: 3 }]);
    const tokens = Math.ceil(file!.bytes / 4) * 3;
    expect(file!.estimate).toEqual({
      train_tokens: tokens,
      eval_tokens: 0,
      total_price: Math.round(tokens * 0.5e-6 * 100) / 100,
      allowed_to_proceed: true,
    });
    expect(result.summary).toContain('<th>Estimate</th>');
    expect(result.summary).toContain(`${tokens.toLocaleString('en-US')} training tokens, $`);
  });

  it("records Together's reason when it has no estimate, and a failed request without failing the upload", async () => {
    const { server, run } = await setup({ 'train.jsonl': chatJsonl(3) });
    server.addFault({
      method: 'POST',
      path: '/v1/fine-tunes/estimate-price',
      fault: { kind: 'status', status: 400, body: '{"error":{"message":"model not supported"}}' },
    });
    const failed = await run({ path: 'train.jsonl', 'estimate-model': MODEL });
    expect(failed.exitCode).toBe(0);
    expect(filesOf(failed)[0]).toMatchObject({ status: 'processed' });
    expect(filesOf(failed)[0]!.estimate).toEqual({
      unavailable:
        'the estimate request failed: POST /fine-tunes/estimate-price failed with HTTP 400: model not supported',
    });
    expect(failed.stdout).toContain('no price estimate');

    const notWaited = await run({ path: 'train.jsonl', 'estimate-model': MODEL, wait: 'false', dedupe: 'true' });
    expect(notWaited.exitCode).toBe(0);
    expect(filesOf(notWaited)[0]!.estimate).toBeNull();
  });

  it('chains into a fine-tune job as the README shows: the ID by path, gated on allowed_to_proceed', async () => {
    const { server, run } = await setup({ 'data/train.jsonl': chatJsonl(20), 'data/validation.jsonl': chatJsonl(4) });
    const upload = await run({ path: 'data', 'estimate-model': MODEL });
    expect(upload.exitCode).toBe(0);
    // The next step, as in the README: fromJSON(steps.upload.outputs.ids)['data/train.jsonl'], and the estimate.
    const trainId = (JSON.parse(upload.outputs.ids!) as Record<string, string>)['data/train.jsonl']!;
    const train = filesOf(upload).find((f) => f.path === 'data/train.jsonl')!;
    expect(train.estimate).toMatchObject({ allowed_to_proceed: true });
    const answer = await fetch(`${server.baseUrl}/fine-tunes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ training_file: trainId, model: MODEL, n_epochs: 1 }),
    });
    expect(answer.status).toBe(200);
    expect([...server.fineTunes.jobs.values()]).toEqual([
      expect.objectContaining({ training_file: trainId, model: MODEL }),
    ]);
  });
});
