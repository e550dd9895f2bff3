/**
 * The line reader at its read boundaries: a `\r\n` cut by a read is one terminator (not a line end and then an
 * empty line), and the line index it keeps points at line starts.
 */
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkJsonlFile } from '../../src/check/jsonl-file.js';
import { readLines } from '../../src/check/lines.js';
import { quoteLines } from '../../src/review/quote.js';
import { makeWorkspace } from '../helpers/workspace.js';

let ws: Awaited<ReturnType<typeof makeWorkspace>>;
beforeAll(async () => {
  ws = await makeWorkspace({});
});
afterAll(() => ws.cleanup());

/** The first read is 2 MiB: a line whose `\r` is that read's last byte. */
const FIRST_READ = 2 * 1024 * 1024;

async function linesOf(name: string, text: string, indexLines = false) {
  await writeFile(ws.file(name), text);
  const seen: string[] = [];
  const result = await readLines(
    ws.file(name),
    { end: Buffer.byteLength(text) },
    {
      wantsLines: true,
      line: (data, start, end) => seen.push(data.toString('latin1', start, Math.min(end, start + 8))),
    },
    { indexLines },
  );
  return { result, seen };
}

describe('readLines', () => {
  it('reads a \\r\\n cut by the end of a read as one terminator', async () => {
    const text = `${'a'.repeat(FIRST_READ - 1)}\r\nb\r\nc\n`;
    const { result, seen } = await linesOf('cut.txt', text);
    expect(result.lines).toBe(3);
    expect(seen).toEqual(['aaaaaaaa', 'b', 'c']);
  });

  it('passes a CRLF JSONL whose line ends at a read boundary (no blank line appears)', async () => {
    const line = (filler: number) => `{"text": "${'x'.repeat(filler)}"}`;
    // Line 1 with its \r as the first read's last byte.
    const text = `${line(FIRST_READ - 1 - '{"text": ""}'.length)}\r\n${line(10)}\r\n`;
    await writeFile(ws.file('cut.jsonl'), text);
    const result = await checkJsonlFile(ws.file('cut.jsonl'), Buffer.byteLength(text), 'full', { threads: 1 });
    expect(result.problem).toBeNull();
    expect(result.samples).toBe(2);
  });

  it('indexes line starts about every read, with the lines before each', async () => {
    const endings = ['\n', '\r\n', '\r'];
    const lines = Array.from({ length: 40_000 }, (_, i) => `line ${i} ${'y'.repeat((i * 53) % 400)}${endings[i % 3]}`);
    const text = lines.join('');
    const { result } = await linesOf('indexed.txt', text, true);
    const index = result.lineIndex!;
    expect(index.length / 2).toBeGreaterThan(2); // about 8 MiB: a few reads
    for (let k = 0; k < index.length; k += 2) {
      // Each entry is where line (lines before + 1) starts: right after the lines before it (ASCII: chars are bytes).
      const before = index[k + 1]!;
      expect(index[k]).toBe(lines.slice(0, before).join('').length);
    }
    const wanted = [1, 2, 9_999, 20_001, 39_999, 40_000];
    const throughIndex = await quoteLines(ws.file('indexed.txt'), wanted, Float64Array.from(index));
    expect(throughIndex).toEqual(await quoteLines(ws.file('indexed.txt'), wanted));
    for (const line of wanted) expect(throughIndex.get(line)).toContain(`line ${line - 1} `);
  });
});
