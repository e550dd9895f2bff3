/** Faults, multipart, concurrency and cancellation through the bundled action, run as the runner runs it. */
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileResult } from '../../src/result.js';
import { runAction, type ActionRun } from '../../testkit/run-action.js';
import { startTogetherServer, type TogetherServer, storageErrorFault } from '../../testkit/together-server.js';
import { chatJsonl, makeWorkspace, randomJsonl } from '../helpers/workspace.js';

const MiB = 1024 * 1024;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(files: Record<string, string | Buffer>) {
  const server = await startTogetherServer({ pollsBeforeDone: 0 });
  const ws = await makeWorkspace(files);
  cleanups.push(
    () => server.close(),
    () => ws.cleanup(),
  );
  return { server, ws };
}

const filesOf = (run: ActionRun) => JSON.parse(run.outputs.files ?? 'null') as FileResult[];
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const leftovers = (server: TogetherServer) => [...server.files.values()].filter((f) => f.state !== 'uploaded');

describe('each file on its own', () => {
  it('uploads the other four when one of five fails, reports all five and fails naming the one', async () => {
    const contents = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((n, i) => [`${n}.jsonl`, chatJsonl(10 + i)]));
    const { server, ws } = await setup(contents);
    server.addFault({
      method: 'PUT',
      path: '/storage/',
      fault: storageErrorFault(403, 'AccessDenied', 'Access Denied'),
    });
    const run = await runAction({
      workspace: ws.root,
      inputs: { path: '*.jsonl', 'api-key': server.apiKey, 'base-url': server.baseUrl },
    });
    expect(run.exitCode).toBe(1);
    const files = filesOf(run);
    expect(files.map((f) => f.path)).toEqual(Object.keys(contents));
    const failed = files.filter((f) => f.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(files.filter((f) => f.status === 'processed')).toHaveLength(4);
    expect(run.stdout).toContain(`::error::1 of 5 files did not make it: ${failed[0]!.path} (failed).`);
    expect(run.summary).toContain('## Together upload: 4 processed of 5 files, 1 failed');
    for (const f of files.filter((x) => x.status === 'processed'))
      expect(server.files.get(f.id!)).toMatchObject({ sha256: sha256(contents[f.path]!), uploads: 1 });
    expect(leftovers(server)).toEqual([]);
  });

  it('keeps uploads in flight within concurrency', async () => {
    const contents = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}.jsonl`, chatJsonl(5 + i)]));
    const { server, ws } = await setup(contents);
    for (let i = 0; i < 8; i += 1)
      server.addFault({ method: 'PUT', path: '/storage/', fault: { kind: 'delay', ms: 100 } });
    const run = await runAction({
      workspace: ws.root,
      inputs: {
        path: '*.jsonl',
        concurrency: '2',
        wait: 'false',
        'api-key': server.apiKey,
        'base-url': server.baseUrl,
      },
    });
    expect(run.exitCode).toBe(0);
    expect(server.storage.maxInFlight).toBe(2);
    expect(filesOf(run).every((f) => f.status === 'uploaded')).toBe(true);
  });
});

describe('multipart', () => {
  it('goes multipart above TOGETHER_MULTIPART_THRESHOLD_BYTES, in TOGETHER_MULTIPART_PART_BYTES parts', async () => {
    const content = randomJsonl(11 * MiB);
    const { server, ws } = await setup({ 'big.jsonl': content });
    server.addFault({ method: 'PUT', path: '/storage/', fault: { kind: 'status', status: 503 } });
    const run = await runAction({
      workspace: ws.root,
      inputs: { path: 'big.jsonl', check: 'structural', 'api-key': server.apiKey, 'base-url': server.baseUrl },
      env: { TOGETHER_MULTIPART_THRESHOLD_BYTES: String(8 * MiB), TOGETHER_MULTIPART_PART_BYTES: String(5 * MiB) },
    });
    expect(run.exitCode).toBe(0);
    const [file] = filesOf(run);
    expect(file).toMatchObject({ status: 'processed', sha256: sha256(content) });
    expect(server.files.get(file!.id!)).toMatchObject({ sha256: sha256(content), uploads: 1 });
    expect([...server.multipart.values()][0]).toMatchObject({ numParts: 3, state: 'completed' });
    expect(run.stdout).toMatch(/big\.jsonl: PUT part \d of 3: storage answered HTTP 503; retry 1 of 5/);
  });

  it('refuses a bad tuning variable clearly', async () => {
    const { server, ws } = await setup({ 'a.jsonl': chatJsonl(1) });
    const run = await runAction({
      workspace: ws.root,
      inputs: { path: 'a.jsonl', 'api-key': server.apiKey, 'base-url': server.baseUrl },
      env: { TOGETHER_MULTIPART_PART_BYTES: '100' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('TOGETHER_MULTIPART_PART_BYTES is');
    expect(server.requests).toHaveLength(0);
  });
});

describe('cancellation', () => {
  it('on SIGTERM: aborts the upload in flight, deletes its ID, writes outputs and summary, exits non-zero quickly', async () => {
    const { server, ws } = await setup({ 'a.jsonl': chatJsonl(5), 'b.jsonl': randomJsonl(3 * MiB) });
    // a.jsonl goes through; b.jsonl's upload stalls until the cancel.
    server.addFault({ method: 'PUT', path: '/storage/', fault: { kind: 'delay', ms: 0 } });
    server.addFault({ method: 'PUT', path: '/storage/', times: 5, fault: { kind: 'stall' } });
    const run = await runAction({
      workspace: ws.root,
      inputs: {
        path: '*.jsonl',
        concurrency: '1',
        wait: 'false',
        check: 'structural',
        'api-key': server.apiKey,
        'base-url': server.baseUrl,
      },
      // Once b.jsonl's upload has stalled (a.jsonl is through: concurrency 1 keeps the order).
      signalWhen: { signal: 'SIGTERM', when: once(server.events, 'stalled') },
    });
    // It ended by itself (not killed by the harness's deadline), with a failing exit code.
    expect(run.signal).toBeNull();
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('::warning::Received SIGTERM: cancelling');
    expect(run.stdout).toContain('::error::The run was cancelled (SIGTERM)');
    expect(filesOf(run).map((f) => [f.path, f.status])).toEqual([
      ['a.jsonl', 'uploaded'],
      ['b.jsonl', 'cancelled'],
    ]);
    expect(run.summary).toContain('🚫 cancelled');
    expect(leftovers(server)).toEqual([]);
    expect(server.files.size).toBe(1);
  });
});
