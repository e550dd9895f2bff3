import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFiles } from '../../src/files.js';
import { checkAsTheActionDoes } from '../helpers/check.js';
import { makeWorkspace } from '../helpers/workspace.js';

let ws: Awaited<ReturnType<typeof makeWorkspace>>;
beforeAll(async () => {
  ws = await makeWorkspace({});
});
afterAll(() => ws.cleanup());

async function checkContent(name: string, content: string | Buffer, purpose: 'fine-tune' | 'eval' = 'fine-tune') {
  await writeFile(ws.file(name), content);
  return checkAsTheActionDoes(
    { path: name, absolutePath: ws.file(name), bytes: Buffer.byteLength(content) },
    purpose,
    'full',
    { threads: 1 },
  );
}

describe('bad input gets a clear verdict, never a crash', () => {
  it('binary garbage', async () => {
    const report = await checkContent('garbage.jsonl', randomBytes(256 * 1024));
    expect(report.passed).toBe(false);
    expect(report.message).toMatch(/not valid UTF-8/);
  });

  it('printable garbage that is valid UTF-8', async () => {
    const report = await checkContent('printable.jsonl', 'PK\u0003\u0004 this is a zip, not JSONL\n');
    expect(report).toMatchObject({ passed: false, line: 1 });
    expect(report.message).toMatch(/not valid JSON/);
  });

  it('a file truncated in the middle of a line', async () => {
    const full = `${JSON.stringify({ text: 'complete' })}\n${JSON.stringify({ text: 'this line is cut off' })}\n`;
    const report = await checkContent('truncated.jsonl', full.slice(0, full.length - 12));
    expect(report).toMatchObject({ passed: false, line: 2, samples: 1 });
    expect(report.message).toMatch(/unterminated string/);
  });

  it('a valid 15 MB single line, under the line limit', async () => {
    const report = await checkContent('long-line.jsonl', `{"text": "${'x'.repeat(15 * 1024 * 1024)}"}\n`);
    expect(report).toMatchObject({ passed: true, samples: 1, format: 'general' });
  });

  it('a 100 MB line, valid or not, is refused at its line with the limit, never read whole', async () => {
    const good = `{"text": "ok"}\n`;
    for (const [name, line] of [
      ['huge-line.jsonl', `{"text": "${'x'.repeat(100 * 1024 * 1024)}"}\n`],
      ['huge-broken.jsonl', `{"text": "${'x'.repeat(100 * 1024 * 1024)}`],
    ]) {
      const report = await checkContent(name!, `${good}${good}${line}`);
      expect(report).toMatchObject({ passed: false, line: 3, samples: 2 });
      expect(report.message).toMatch(/, line 3: The line is longer than 16 MiB, the longest the check reads/);
      expect(report.message).toMatch(/TOGETHER_CHECK_MAX_LINE_BYTES/);
    }
  });

  it('a 100 MB CSV line is refused the same way', async () => {
    const report = await checkContent('huge.csv', `q,a\n1,${'y'.repeat(100 * 1024 * 1024)}\n`, 'eval');
    expect(report).toMatchObject({ passed: false, line: 2 });
    expect(report.message).toMatch(/The line is longer than 16 MiB/);
  });

  it('nesting 100,000 levels deep inside a content part or a preference output: refused at its line, no crash', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    for (const line of [
      `{"messages": [{"role": "user", "content": [{"type": ${deep}}]}, {"role": "assistant", "content": "a"}]}`,
      `{"input": {"messages": [{"role": "user", "content": "q"}]}, "preferred_output": [{"role": ${deep}, "content": "a"}], "non_preferred_output": [{"role": "assistant", "content": "b"}]}`,
    ]) {
      const report = await checkContent('deep-part.jsonl', `${line}\n`);
      expect(report).toMatchObject({ passed: false, line: 1 });
      expect(report.message).toMatch(/nesting deeper than 1000 levels, which Python's json\.loads refuses/);
    }
  });

  it('a Parquet file whose footer lies about its size is refused before the claim is read', async () => {
    const lying = Buffer.alloc(64);
    lying.write('PAR1', 0, 'latin1');
    lying.writeUInt32LE(500 * 1024 * 1024, 56);
    lying.write('PAR1', 60, 'latin1');
    const report = await checkContent('lying.parquet', lying);
    expect(report.passed).toBe(false);
    expect(report.message).toMatch(/its footer claims 524,288,000 bytes, more than the file holds/);
    const big = Buffer.alloc(13 * 1024 * 1024);
    big.write('PAR1', 0, 'latin1');
    big.writeUInt32LE(12 * 1024 * 1024, big.length - 8);
    big.write('PAR1', big.length - 4, 'latin1');
    const wide = await checkContent('wide-footer.parquet', big);
    expect(wide.message).toMatch(/its footer claims 12\.0 MiB, over the 8 MiB the check reads/);
  });

  it('JSON nested 200,000 levels deep', async () => {
    const report = await checkContent('deep.jsonl', `{"text": ${'['.repeat(200_000)}${']'.repeat(200_000)}}\n`);
    expect(report).toMatchObject({ passed: false, line: 1 });
    expect(report.message).toMatch(/nesting deeper than 1000 levels/);
  });

  it('deep nesting on the Python-syntax path (NaN) stops at a depth limit', async () => {
    const deep = `${'['.repeat(50_000)}NaN${']'.repeat(50_000)}`;
    const report = await checkContent(
      'deep-nan.jsonl',
      `{"messages": [{"role": "user", "content": "q", "x": ${deep}}, {"role": "assistant", "content": "a", "weight": 1}]}\n`,
    );
    expect(report).toMatchObject({ passed: false, line: 1 });
    expect(report.message).toMatch(/nesting deeper than 1000 levels/);
  });

  it('a 10 MB CSV field', async () => {
    const report = await checkContent('wide.csv', `q,a\n1,"${'y'.repeat(10 * 1024 * 1024)}"\n`, 'eval');
    expect(report).toMatchObject({ passed: false, line: 2 });
    expect(report.message).toMatch(/longer than 131,072 characters/);
  });

  it('an unterminated quote that runs to the end of a CSV', async () => {
    const report = await checkContent('open-quote.csv', 'q,a\n1,"never closed\n2,3\n', 'eval');
    // Python (not strict) keeps the rest of the file as one field: one record of two fields.
    expect(report).toMatchObject({ passed: true, samples: 1 });
  });

  it('a directory named like a dataset', async () => {
    await mkdir(ws.file('x.jsonl'), { recursive: true });
    await writeFile(path.join(ws.file('x.jsonl'), 'inside.txt'), 'not a dataset');
    const [entry] = await resolveFiles({ patterns: ['x.jsonl'], workspace: ws.root, includeHiddenFiles: false });
    expect(entry).toMatchObject({ path: 'x.jsonl', isDirectory: true });
    const report = await checkAsTheActionDoes(entry!, 'fine-tune', 'full');
    expect(report).toMatchObject({ passed: false, line: null });
    expect(report.message).toBe(
      'x.jsonl: This is a directory, not a file. Name the dataset files inside it, or a glob such as dir/**/*.jsonl.',
    );
  });

  it('a file over 50.1 GiB fails before anything is read (its path does not even exist)', async () => {
    const report = await checkAsTheActionDoes(
      { path: 'big.jsonl', absolutePath: ws.file('missing.jsonl'), bytes: 54 * 2 ** 30 },
      'fine-tune',
      'full',
    );
    expect(report.passed).toBe(false);
    expect(report.message).toMatch(/54\.000 GiB; Together's SDKs accept at most 50\.1 GiB/);
  });
});
