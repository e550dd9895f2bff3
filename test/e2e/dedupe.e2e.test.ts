/** Dedupe by content through the bundled action: re-runs upload nothing twice. */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileResult } from '../../src/result.js';
import { runAction, type ActionRun } from '../../testkit/run-action.js';
import { startTogetherServer } from '../../testkit/together-server.js';
import { chatJsonl, makeWorkspace } from '../helpers/workspace.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const filesOf = (run: ActionRun) => JSON.parse(run.outputs.files ?? 'null') as FileResult[];
const hash12 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

describe('dedupe', () => {
  it('names uploads by content, reuses them on a re-run, and uploads a changed file again', async () => {
    const server = await startTogetherServer({ pollsBeforeDone: 0 });
    const files = { 'data/train.jsonl': chatJsonl(5), 'data/valid.jsonl': chatJsonl(2) };
    const ws = await makeWorkspace(files);
    cleanups.push(
      () => server.close(),
      () => ws.cleanup(),
    );
    const run = () =>
      runAction({
        workspace: ws.root,
        inputs: { path: 'data', dedupe: 'true', 'api-key': server.apiKey, 'base-url': server.baseUrl },
      });
    const posts = () => server.requests.filter((r) => r.method === 'POST' && r.path === '/v1/files').length;

    const first = await run();
    expect(first.exitCode).toBe(0);
    const firstFiles = filesOf(first);
    expect(firstFiles.map((f) => [f.filename, f.reused, f.status])).toEqual([
      [`train.${hash12(files['data/train.jsonl'])}.jsonl`, false, 'processed'],
      [`valid.${hash12(files['data/valid.jsonl'])}.jsonl`, false, 'processed'],
    ]);
    expect(posts()).toBe(2);

    const second = await run();
    expect(second.exitCode).toBe(0);
    expect(posts()).toBe(2);
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(2);
    const secondFiles = filesOf(second);
    expect(secondFiles.map((f) => [f.id, f.reused, f.status])).toEqual(
      firstFiles.map((f) => [f.id, true, 'processed']),
    );
    expect(second.outputs['file-ids']).toBe(first.outputs['file-ids']);
    expect(second.summary).toContain('## Together upload: 2 processed of 2 files, 2 reused');
    expect(second.summary).toContain('♻️ reused');
    expect(second.stdout).toMatch(
      /data\/train\.jsonl: reusing file-[\w-]+ \(train\.[0-9a-f]{12}\.jsonl, same content, already processed\)/,
    );

    const changed = chatJsonl(6);
    await writeFile(ws.file('data/train.jsonl'), changed);
    const third = await run();
    expect(third.exitCode).toBe(0);
    expect(posts()).toBe(3);
    const thirdFiles = filesOf(third);
    expect(thirdFiles[0]).toMatchObject({
      filename: `train.${hash12(changed)}.jsonl`,
      reused: false,
      status: 'processed',
    });
    expect(thirdFiles[0]!.id).not.toBe(firstFiles[0]!.id);
    expect(thirdFiles[1]).toMatchObject({ id: firstFiles[1]!.id, reused: true });
  });

  it("does not reuse from the listing a file Together has not finished; Together's 409 then names it, and it is used, not sent twice", async () => {
    const server = await startTogetherServer({ pollsBeforeDone: 0, neverFinish: true });
    const ws = await makeWorkspace({ 'a.jsonl': chatJsonl(3) });
    cleanups.push(
      () => server.close(),
      () => ws.cleanup(),
    );
    const run = () =>
      runAction({
        workspace: ws.root,
        inputs: {
          path: 'a.jsonl',
          dedupe: 'true',
          wait: 'false',
          'api-key': server.apiKey,
          'base-url': server.baseUrl,
        },
      });
    const first = await run();
    const again = await run();
    expect(again.stdout).toMatch(/a\.jsonl: not on the account yet as a\.[0-9a-f]{12}\.jsonl/);
    expect(again.stdout).toMatch(/Together already holds this content as file-[\w-]+ \(409\)/);
    expect(filesOf(again)[0]).toMatchObject({ id: filesOf(first)[0]!.id, reused: true, status: 'uploaded' });
    expect(server.requests.filter((r) => r.method === 'POST' && r.path === '/v1/files')).toHaveLength(2);
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });
});
