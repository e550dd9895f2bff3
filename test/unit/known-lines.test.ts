/**
 * The base version's check takes a byte-identical line's record and statistics from the head's check instead of
 * parsing it: the result must be the review data a full parse of the base gives, for every format, on one thread
 * and on several, whatever repeats, moves or is re-serialised.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkJsonlFile, type ParallelOptions } from '../../src/check/jsonl-file.js';
import type { JsonlRules } from '../../src/check/jsonl.js';
import { buildKnownLines, KnownLines, knownShare } from '../../src/check/known-lines.js';
import type { ReadOptions } from '../../src/check/lines.js';
import { RECORD_WORDS, type ReviewData } from '../../src/check/review-collector.js';
import { loadHasher } from '../../src/check/sample-hash.js';
import { seededRandom } from '../../testkit/random.js';
import { ROOT } from '../../testkit/run-action.js';
import { makeWorkspace } from '../helpers/workspace.js';

let ws: Awaited<ReturnType<typeof makeWorkspace>>;
beforeAll(async () => {
  ws = await makeWorkspace({});
  await loadHasher();
});
afterAll(() => ws.cleanup());

const ONE_THREAD: ParallelOptions = { threads: 1 };
const WORKERS: ParallelOptions = { threads: 3, minBytes: 0, workerScript: path.join(ROOT, 'dist/worker/index.js') };

const m = (role: string, content: unknown, extra: Record<string, unknown> = {}) => ({ role, content, ...extra });
const TOOL_CALL = [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }];

/** Samples of each format, varied in every statistic the review counts (i picks the variant). */
const SAMPLES: Record<string, (i: number) => Record<string, unknown>> = {
  conversation: (i) => ({
    messages: [
      ...(i % 3 === 0 ? [m('system', `Be brief ${i % 5}.`)] : []),
      m('user', `question ${i} ${'x'.repeat(i % 40)}`),
      i % 7 === 0
        ? m('assistant', null, { tool_calls: TOOL_CALL })
        : m('assistant', `answer ${i}`, i % 4 === 0 ? { weight: 0 } : {}),
      ...(i % 7 === 0 ? [m('tool', 'sunny', { tool_call_id: 'c1' }), m('assistant', 'It is sunny.')] : []),
    ],
  }),
  instruction: (i) => ({ prompt: `prompt ${i} ${'p'.repeat(i % 30)}`, completion: `completion ${i % 50}` }),
  general: (i) => ({ text: `text ${i} ${'t'.repeat(i % 60)}` }),
  preference_openai: (i) => ({
    input: { messages: [m('user', `say ${i}`)] },
    preferred_output: [m('assistant', `yes ${i}`)],
    non_preferred_output: [m('assistant', 'no')],
  }),
};

/** Keys in another order and spaced: the same value, other bytes (so not taken from the head). */
function reserialised(sample: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(sample).reverse()), null, 1).replace(/\n/g, '');
}

interface Pair {
  head: string;
  base: string;
}

/**
 * A head of `n` samples and a base sharing most of its lines (moved, some repeated more or fewer times), with
 * lines of its own and re-serialised copies of the head's.
 */
function pair(format: string, n: number, seed: number): Pair {
  const random = seededRandom(seed);
  const make = SAMPLES[format]!;
  const head = Array.from({ length: n }, (_, i) => JSON.stringify(make(i % Math.floor(n * 0.9))));
  const base: string[] = [];
  for (const line of head) {
    const r = random();
    if (r < 0.7) base.push(line);
    else if (r < 0.75) base.push(line, line);
    else if (r < 0.8) base.push(reserialised(JSON.parse(line) as Record<string, unknown>));
    else if (r < 0.9) base.push(JSON.stringify(make(n + base.length)));
  }
  // Moved: the base's lines in another order.
  for (let i = base.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [base[i], base[j]] = [base[j]!, base[i]!];
  }
  return { head: `${head.join('\n')}\n`, base: `${base.join('\r\n')}\r\n` };
}

async function check(name: string, text: string, rules: JsonlRules, parallel: ParallelOptions, read: ReadOptions) {
  await writeFile(ws.file(name), text);
  const result = await checkJsonlFile(ws.file(name), Buffer.byteLength(text), rules, parallel, {
    review: true,
    ...read,
  });
  expect(result.problem, name).toBeNull();
  return result.review!;
}

function comparable(data: ReviewData) {
  return { format: data.format, samples: data.samples, records: [...data.records], stats: [...data.stats] };
}

describe('a base version checked with the head lines known', () => {
  for (const format of Object.keys(SAMPLES)) {
    for (const [threads, parallel] of [
      ['one thread', ONE_THREAD],
      ['workers', WORKERS],
    ] as const) {
      it(`gives the review data a full parse gives: ${format}, ${threads}`, async () => {
        const { head, base } = pair(format, 3000, format.length);
        const rules: JsonlRules = format === 'conversation' ? 'full' : 'structural';
        const headData = await check(`${format}-head.jsonl`, head, rules, parallel, { reviewHashLines: true });
        expect(headData.lineFacts?.length).toBe(headData.samples * 5);
        const known = buildKnownLines(headData.records, headData.lineFacts!);
        const parsed = await check(`${format}-base.jsonl`, base, 'structural', parallel, {});
        const reused = await check(`${format}-base.jsonl`, base, 'structural', parallel, { reviewKnownLines: known });
        expect(comparable(reused)).toEqual(comparable(parsed));
        expect(parsed.samples).toBeGreaterThan(2500);
      });
    }
  }

  it('takes the records of lines the head has byte for byte from the table, and parses the others', async () => {
    const { head, base } = pair('conversation', 500, 7);
    const headData = await check('taken-head.jsonl', head, 'full', ONE_THREAD, { reviewHashLines: true });
    const known = buildKnownLines(headData.records, headData.lineFacts!);
    const table = new KnownLines(known);
    const headLines = new Set(head.split('\n'));
    const baseLines = base.split('\r\n').slice(0, -1);
    for (const line of baseLines.slice(0, 50))
      expect(table.find(Buffer.from(line)) >= 0, line).toBe(headLines.has(line));
    // Marked records show where they came from: every line the head has, and only those.
    known.records.fill(0xfeed);
    const reused = await check('taken-base.jsonl', base, 'structural', ONE_THREAD, { reviewKnownLines: known });
    for (const [i, line] of baseLines.entries()) {
      const fromTable = reused.records[i * RECORD_WORDS] === 0xfeed;
      expect(fromTable, line).toBe(headLines.has(line));
    }
  });

  it('reads any value as messages in the base, which is checked structurally only', async () => {
    const text = '{"messages": [null, "text", 3, {"role": "user", "content": "hi"}]}\n{"messages": "none"}\n';
    const data = await check('odd.jsonl', text, 'structural', ONE_THREAD, {});
    expect(data.samples).toBe(2);
  });

  it('estimates the share of a file the head knows from windows spread over it', async () => {
    const { head, base } = pair('conversation', 20_000, 11);
    const headData = await check('share-head.jsonl', head, 'full', ONE_THREAD, { reviewHashLines: true });
    const known = buildKnownLines(headData.records, headData.lineFacts!);
    const share = async (name: string, text: string) => {
      await writeFile(ws.file(name), text);
      return knownShare(ws.file(name), Buffer.byteLength(text), known);
    };
    expect(await share('share-same.jsonl', head.replace(/\n/g, '\r\n'))).toBe(1);
    // About 84% of the base's lines are the head's (some twice); the rest are re-serialised or its own.
    const mostly = await share('share-base.jsonl', base);
    expect(mostly).toBeGreaterThan(0.7);
    expect(mostly).toBeLessThan(0.95);
    const other = pair('instruction', 5000, 3).head;
    expect(await share('share-other.jsonl', other)).toBe(0);
    // No whole line in any window: nothing known.
    expect(await share('share-long.jsonl', `${JSON.stringify({ text: 'x'.repeat(2_000_000) })}\n`)).toBe(0);
  });
});
