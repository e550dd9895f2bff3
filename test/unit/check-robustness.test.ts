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

  it('a valid 100 MB single line', async () => {
    const report = await checkContent('huge-line.jsonl', `{"text": "${'x'.repeat(100 * 1024 * 1024)}"}\n`);
    expect(report).toMatchObject({ passed: true, samples: 1, format: 'general' });
  });

  it('an unterminated 100 MB single line', async () => {
    const report = await checkContent('huge-broken.jsonl', `{"text": "${'x'.repeat(100 * 1024 * 1024)}`);
    expect(report).toMatchObject({ passed: false, line: 1 });
    expect(report.message).toMatch(/not valid JSON \(unterminated string/);
  });

  it('JSON nested 200,000 levels deep', async () => {
    const report = await checkContent('deep.jsonl', `{"text": ${'['.repeat(200_000)}${']'.repeat(200_000)}}\n`);
    expect(report).toMatchObject({ passed: false, line: 1 });
    expect(report.message).toMatch(/"text"\[0\] must be an object/);
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
