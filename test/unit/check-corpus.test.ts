import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParallelOptions } from '../../src/check/jsonl-file.js';
import { ROOT } from '../../testkit/run-action.js';
import { CORPUS, type CorpusCase } from '../fixtures/check-corpus.js';
import { checkAsTheActionDoes } from '../helpers/check.js';

let dir: string;
const fileName = (c: CorpusCase) =>
  c.file ??
  `${c.name
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase()}.jsonl`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'corpus-'));
  for (const c of CORPUS) await writeFile(path.join(dir, fileName(c)), c.content);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function check(c: CorpusCase, parallel: ParallelOptions = { threads: 1 }) {
  const name = fileName(c);
  return checkAsTheActionDoes(
    { path: `data/${name}`, absolutePath: path.join(dir, name), bytes: Buffer.byteLength(c.content) },
    c.purpose ?? 'fine-tune',
    c.level ?? 'full',
    parallel,
  );
}

describe("every rule of Together's 2026 checker, and every warning", () => {
  it('has a passing and a failing case for each rule section, and warned and clean cases', () => {
    const warned = CORPUS.filter((c) => c.expect.warnings?.length);
    expect(warned.length).toBeGreaterThanOrEqual(8);
    expect(CORPUS.some((c) => c.name.startsWith('W:') && c.expect.warnings?.length === 0)).toBe(true);
    for (const section of ['F3', 'F4', 'F5', '4', '5', '6', '7', '7P', '8C', '8P', 'S']) {
      const cases = CORPUS.filter((c) => c.name.startsWith(`${section}:`));
      if (section !== 'F4')
        expect(
          cases.some((c) => c.expect.passed),
          section,
        ).toBe(true);
      expect(
        cases.some((c) => !c.expect.passed),
        section,
      ).toBe(true);
    }
  });

  it.each(CORPUS.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const report = await check(c);
    expect(report.passed).toBe(c.expect.passed);
    if (c.expect.line !== undefined) expect(report.line).toBe(c.expect.line);
    if (c.expect.format !== undefined) expect(report.format).toBe(c.expect.format);
    if (c.expect.samples !== undefined) expect(report.samples).toBe(c.expect.samples);
    expect(report.warnings.map((w) => w.line)).toEqual(c.expect.warnings ?? []);
    if (c.expect.warning) expect(report.warnings[0]!.message).toMatch(c.expect.warning);
    if (c.expect.passed) {
      expect(report.message).toBeNull();
    } else {
      // Every message names the file, and the line when there is one.
      expect(report.message).toMatch(
        new RegExp(`^data/${fileName(c).replace(/\./g, '\\.')}${report.line ? `, line ${report.line}` : ''}: `),
      );
      if (c.expect.message) expect(report.message).toMatch(c.expect.message);
    }
  });
});

describe('the parallel path (bundled worker, files cut into ranges)', () => {
  const parallel: ParallelOptions = { threads: 3, minBytes: 0, workerScript: path.join(ROOT, 'dist/worker/index.js') };

  it.each(CORPUS.filter((c) => (c.file ?? '.jsonl').endsWith('.jsonl')).map((c) => [c.name, c] as const))(
    '%s',
    async (_, c) => {
      expect(await check(c, parallel)).toEqual(await check(c));
    },
  );
});
