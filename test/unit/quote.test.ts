/**
 * The review's examples quote lines by number: through the parallel check's line index (reading only the ranges
 * that hold them) the quotes are those of a read from the start, whatever the line endings.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkJsonlFile } from '../../src/check/jsonl-file.js';
import { quoteLines } from '../../src/review/quote.js';
import { ROOT } from '../../testkit/run-action.js';
import { makeWorkspace } from '../helpers/workspace.js';

let ws: Awaited<ReturnType<typeof makeWorkspace>>;
beforeAll(async () => {
  ws = await makeWorkspace({});
});
afterAll(() => ws.cleanup());

const WORKERS = { threads: 3, minBytes: 0, workerScript: path.join(ROOT, 'dist/worker/index.js') };

describe('quoteLines', () => {
  it('quotes the same lines through the line index as from the start of the file', async () => {
    // About 9 MiB of lines of varied lengths, with \n, \r\n and a bare \r (a line end too, as Python reads).
    const endings = ['\n', '\r\n', '\r'];
    const text = Array.from(
      { length: 30_000 },
      (_, i) => `{"text": "line ${i} ${'z'.repeat((i * 37) % 600)}"}${endings[i % 3]}`,
    ).join('');
    await writeFile(ws.file('quoted.jsonl'), text);
    const checked = await checkJsonlFile(ws.file('quoted.jsonl'), Buffer.byteLength(text), 'structural', WORKERS, {
      review: true,
    });
    const index = checked.review!.lineIndex!;
    expect(index.length / 2).toBeGreaterThan(2); // several ranges
    const wanted = [1, 2, 4_999, 15_001, 29_999, 30_000, index[3]!, index[3]! + 1];
    const fromStart = await quoteLines(ws.file('quoted.jsonl'), wanted);
    const throughIndex = await quoteLines(ws.file('quoted.jsonl'), wanted, index);
    expect(throughIndex).toEqual(fromStart);
    expect(fromStart.size).toBe(wanted.length);
    for (const line of wanted) expect(fromStart.get(line)).toContain(`line ${line - 1} `);
  });
});
