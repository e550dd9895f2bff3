import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkJsonlFile } from '../../src/check/jsonl-file.js';
import type { ByteRange } from '../../src/check/lines.js';
import { ROOT } from '../../testkit/run-action.js';
import { chatJsonl, makeWorkspace } from '../helpers/workspace.js';

let ws: Awaited<ReturnType<typeof makeWorkspace>>;
const content = chatJsonl(20_000);
const expected = createHash('sha256').update(content).digest('hex');

beforeAll(async () => {
  ws = await makeWorkspace({});
  await writeFile(ws.file('chat.jsonl'), content);
});
afterAll(() => ws.cleanup());

describe('checkJsonlFile', () => {
  const bytes = Buffer.byteLength(content);

  it("computes the file's SHA-256 on the check's own reads, on one thread", async () => {
    const result = await checkJsonlFile(ws.file('chat.jsonl'), bytes, 'full', { threads: 1 }, { sha256: true });
    expect(result).toMatchObject({ samples: 20_000, problem: null, sha256: expected });
  });

  it('computes it on several threads too: the main thread hashes while the worker checks ranges', async () => {
    const parallel = { threads: 2, minBytes: 0, workerScript: path.join(ROOT, 'dist/worker/index.js') };
    const result = await checkJsonlFile(ws.file('chat.jsonl'), bytes, 'full', parallel, { sha256: true });
    expect(result).toMatchObject({ samples: 20_000, problem: null, sha256: expected });
    const unhashed = await checkJsonlFile(ws.file('chat.jsonl'), bytes, 'full', parallel);
    expect(unhashed.sha256).toBeUndefined();
    expect(unhashed.samples).toBe(20_000);
  });

  it('checks again on the main thread the ranges of a worker that ran out of memory, with the same result', async () => {
    // Each line parses into 300,000 messages: more than a worker bounded at 16 MB can hold.
    const turns = Array.from(
      { length: 150_000 },
      () => '{"role":"user","content":"q"},{"role":"assistant","content":"a"}',
    );
    const line = (i: number) => `{"messages":[{"role":"system","content":"line ${i}"},${turns.join(',')}]}\n`;
    const heavy = Array.from({ length: 6 }, (_, i) => line(i)).join('');
    await writeFile(ws.file('heavy.jsonl'), heavy);
    const heavyBytes = Buffer.byteLength(heavy);
    const alone = await checkJsonlFile(ws.file('heavy.jsonl'), heavyBytes, 'full', { threads: 1 }, { review: true });
    const givenBack: ByteRange[] = [];
    const bounded = {
      threads: 2,
      minBytes: 0,
      workerScript: path.join(ROOT, 'dist/worker/index.js'),
      workerHeapMb: 16,
      onRangeGivenBack: (range: ByteRange) => givenBack.push(range),
    };
    const result = await checkJsonlFile(ws.file('heavy.jsonl'), heavyBytes, 'full', bounded, { review: true });
    // The worker did run out of memory, and its ranges were checked on the main thread.
    expect(givenBack.length).toBeGreaterThan(0);
    expect(result.lines).toBe(6);
    expect({ ...result, review: undefined }).toEqual({ ...alone, review: undefined });
    expect(result.review?.samples).toBe(alone.review?.samples);
    expect([...(result.review?.records ?? [])]).toEqual([...(alone.review?.records ?? [])]);
  });
});
