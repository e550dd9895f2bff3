import { beforeAll, describe, expect, it } from 'vitest';
import { Distribution } from '../../src/check/distribution.js';
import { HAS_PROMPT, RECORD_WORDS, ReviewCollector, type ReviewData } from '../../src/check/review-collector.js';
import {
  hashHex,
  hashPlainConversationInto,
  hashSampleInto,
  hashValue,
  loadHasher,
} from '../../src/check/sample-hash.js';
import { changeBetween, overlapBetween, statsOf, withinFile } from '../../src/review/analysis.js';
import { gateMessage } from '../../src/review-phase.js';

beforeAll(loadHasher);

const LONG = 'an answer long enough to go through xxHash64 rather than the short-string mix';
const chat = (q: string, a: string, extra: Record<string, unknown> = {}) => ({
  messages: [
    { role: 'user', content: q },
    { role: 'assistant', content: a },
  ],
  ...extra,
});

function collect(samples: Array<Record<string, unknown>>): ReviewData {
  const collector = new ReviewCollector();
  samples.forEach((sample, i) => collector.add(sample, undefined, i + 1));
  return collector.data();
}

describe('the canonical sample hash', () => {
  it('ignores key order and number spelling, and sees every other difference', () => {
    const a = hashHex(hashValue(JSON.parse(`{"messages":[{"role":"user","content":"${LONG}"}],"weight":1}`)));
    const b = hashHex(
      hashValue(JSON.parse(`{ "weight": 1.0, "messages": [ { "content": "${LONG}", "role": "user" } ] }`)),
    );
    expect(a).toBe(b);
    const different = [
      `{"messages":[{"role":"user","content":"${LONG}."}],"weight":1}`,
      `{"messages":[{"role":"user","content":"${LONG}"}],"weight":2}`,
      `{"messages":[{"role":"assistant","content":"${LONG}"}],"weight":1}`,
      `{"messages":[{"role":"user","content":"${LONG}"}],"weight":"1"}`,
      `{"messages":[{"role":"user","content":"${LONG}"},{"role":"user","content":""}],"weight":1}`,
      `{"messages":[{"role":"user","content":"${LONG}"}]}`,
    ].map((line) => hashHex(hashValue(JSON.parse(line))));
    expect(new Set([a, ...different]).size).toBe(different.length + 1);
  });

  it('keeps where a long string ends: ["ab…", "c"] is not ["a", "b…c"]', () => {
    const x = hashHex(hashValue([`${LONG}ab`, `c${LONG}`]));
    const y = hashHex(hashValue([`${LONG}a`, `bc${LONG}`]));
    expect(x).not.toBe(y);
  });
});

describe('the plain-conversation path', () => {
  const roles = ['system', 'user', 'assistant', 'tool', 'a role longer than twenty-four characters'];
  const contents = ['', 'hi', 'a short one', LONG, `${LONG} é ☃ 𝄞`, 'x'.repeat(23), 'y'.repeat(24)];
  /** Conversations of 1 to 6 messages from a fixed seed, each ending in an assistant message somewhere. */
  function conversations(count: number): Array<Record<string, unknown>> {
    let seed = 7;
    const next = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    return Array.from({ length: count }, () => {
      const messages = Array.from({ length: 1 + next(6) }, () => ({
        role: roles[next(roles.length)]!,
        content: contents[next(contents.length)]!,
      }));
      messages[next(messages.length)]!.role = 'assistant';
      return { messages };
    });
  }

  it('hashes a conversation of plain messages exactly as the general walk does', () => {
    const samples = conversations(300);
    // Key order is irrelevant to both.
    samples.push({
      messages: [
        { content: LONG, role: 'user' },
        { content: 'ok', role: 'assistant' },
      ],
    });
    const fast = new Uint32Array(4);
    const general = new Uint32Array(4);
    for (const sample of samples) {
      expect(hashPlainConversationInto(sample, fast, 0)).toBe(true);
      expect(hashSampleInto(sample, 'conversation', general, 0)).toBe(true);
      expect([...fast]).toEqual([...general]);
    }
    const distinct = new Set(samples.map((sample) => hashHex(hashValue(sample))));
    expect(distinct.size).toBeGreaterThan(200);
  });

  it('leaves every other shape to the general walk, writing nothing', () => {
    const plain = [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a' },
    ];
    const others: Array<Record<string, unknown>> = [
      { messages: plain, weight: 1 },
      { messages: [plain[0], { ...plain[1], weight: 0 }] },
      { messages: [plain[0], { role: 'assistant', content: [{ type: 'text', text: 'a' }] }] },
      { messages: [plain[0], { role: 'assistant', tool_calls: [] }] },
      { messages: [plain[0], null] },
      { messages: [plain[0], [1]] },
      { messages: [plain[0]] },
      { messages: 'not a list' },
    ];
    const out = new Uint32Array([1, 2, 3, 4]);
    for (const sample of others) expect(hashPlainConversationInto(sample, out, 0)).toBe(false);
    expect([...out]).toEqual([1, 2, 3, 4]);
  });

  it('counts the same statistics as the general path', () => {
    const samples = conversations(200);
    // An extra key sends each sample down the general path, and changes no statistic.
    const withId = samples.map((sample, i) => ({ ...sample, id: `s${i}` }));
    const fast = collect(samples);
    const general = collect(withId);
    expect(statsOf(fast)).toEqual(statsOf(general));
    expect(statsOf(fast).without_system).toBeGreaterThan(0);
    expect(statsOf(fast).without_user).toBeGreaterThan(0);
    expect(statsOf(fast).samples - (statsOf(fast).without_system ?? 0)).toBeGreaterThan(0);
  });
});

describe('statistics', () => {
  it('packs a distribution of 300,000 distinct values (more than a call takes as arguments)', () => {
    const d = new Distribution();
    for (let value = 0; value < 300_000; value += 1) d.add(value, 2);
    const packed: number[] = [];
    d.packInto(packed);
    expect(packed.length).toBe(1 + 2 * 300_000);
    const back = Distribution.unpack(packed, 0);
    expect(back.end).toBe(packed.length);
    expect(back.distribution.summary()).toEqual(d.summary());
    expect(back.distribution.total).toBe(600_000);
  });

  it('takes exact quantiles and log-2 bins', () => {
    const d = new Distribution();
    for (const v of [0, 1, 2, 3, 4, 100]) d.add(v);
    expect(d.summary()).toEqual({ min: 0, median: 2, p95: 100, max: 100 });
    expect(d.histogram().map((b) => [b.from, b.to, b.samples])).toEqual([
      [0, 0, 1],
      [1, 1, 1],
      [2, 3, 2],
      [4, 7, 1],
      [8, 15, 0],
      [16, 31, 0],
      [32, 63, 0],
      [64, 127, 1],
    ]);
    const packed: number[] = [];
    d.packInto(packed);
    const merged = Distribution.unpack(packed, 0).distribution;
    expect(merged.summary()).toEqual(d.summary());
    // Adding a packed distribution is how a file's ranges are merged: counts add up value by value.
    expect(merged.addPacked(packed, 0)).toBe(packed.length);
    expect(merged.total).toBe(12);
    const doubled: number[] = [];
    merged.packInto(doubled);
    const n = packed[0]!;
    expect(doubled.slice(0, 1 + n)).toEqual(packed.slice(0, 1 + n));
    expect(doubled.slice(1 + n)).toEqual(packed.slice(1 + n).map((count) => 2 * count));
  });

  it('counts a conversation file as the issue names it', () => {
    const stats = statsOf(
      collect([
        chat('hi', 'hello'),
        { messages: [{ role: 'system', content: 'be brief' }, ...chat('q', 'a').messages] },
        { messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f' } }] }] },
        chat('w', 'x', { weight: 0.5 }),
      ]),
    );
    expect(stats).toMatchObject({
      format: 'conversation',
      samples: 4,
      without_system: 3,
      without_user: 1,
      with_tool_calls: 1,
      with_weights: 1,
      messages: { min: 1, median: 2, p95: 3, max: 3 },
      characters: { min: 0, median: 2, p95: 10, max: 10 },
    });
  });

  it('splits prompt and answer characters for instruction data', () => {
    const stats = statsOf(collect([{ prompt: 'abc', completion: 'de' }]));
    expect(stats).toMatchObject({
      format: 'instruction',
      prompt_characters: { max: 3 },
      answer_characters: { max: 2 },
    });
  });
});

describe('the multiset arithmetic', () => {
  const base = () =>
    collect([chat('q1', `${LONG} 1`), chat('q2', `${LONG} 2`), chat('q3', `${LONG} 3`), chat('q4', `${LONG} 4`)]);

  it('finds nothing in a reordered copy', () => {
    const head = collect([
      chat('q4', `${LONG} 4`),
      chat('q3', `${LONG} 3`),
      chat('q2', `${LONG} 2`),
      chat('q1', `${LONG} 1`),
    ]);
    expect(changeBetween(base(), head)).toMatchObject({ added: 0, removed: 0, modified: 0, unchanged: 4 });
  });

  it('counts added, removed, modified (same prompt, new answer) and an extra copy as added', () => {
    const head = collect([
      chat('q1', `${LONG} 1`),
      chat('q1', `${LONG} 1`), // a second copy: added, and a duplicate
      chat('q2', `${LONG} 2, revised`), // modified
      chat('q5', `${LONG} 5`), // added
      // q3 and q4 removed
      chat('q4', `${LONG} 4`),
    ]);
    const change = changeBetween(base(), head);
    expect(change).toMatchObject({ added: 2, removed: 1, modified: 1, unchanged: 2 });
    expect(change.examples.modified).toHaveLength(1);
    expect(withinFile(head)).toMatchObject({ duplicates: 1, conflicts: 0, firstDuplicate: { line: 2, repeats: 1 } });
  });

  it('counts conflicts: prompts with two or more different answers', () => {
    const head = collect([
      chat('q', 'a'),
      chat('q', 'b'),
      chat('q', 'a'),
      chat('r', 'a'),
      { text: LONG },
      { text: LONG },
    ]);
    expect(withinFile(head)).toMatchObject({ duplicates: 2, conflicts: 1, firstConflict: 2 });
  });

  it('tells hashes apart by all 64 bits: keys equal in one 32-bit half only are different', () => {
    // Records as the collector lays them out: sample hash (high, low), prompt hash (high, low), line, flags.
    const crafted = (rows: Array<[number, number, number, number]>): ReviewData => {
      const records = new Uint32Array(rows.length * RECORD_WORDS);
      rows.forEach((row, i) => records.set([...row, i + 1, HAS_PROMPT], i * RECORD_WORDS));
      return { ...collect([]), format: 'conversation', samples: rows.length, records };
    };
    const head = crafted([
      [1, 1, 7, 1],
      [1, 2, 7, 2], // same high words as the line before, other low words
      [2, 1, 8, 1], // same low words as the first line, other high words
      [2, 2, 8, 1], // the prompt of the line before, another answer
    ]);
    expect(withinFile(head)).toMatchObject({ duplicates: 0, conflicts: 1, firstConflict: 4 });
    const base = crafted([
      [1, 3, 7, 3],
      [3, 1, 9, 1],
    ]);
    expect(changeBetween(base, head)).toMatchObject({ added: 4, removed: 2, modified: 0, unchanged: 0 });
    const overlaps = overlapBetween([head, base]);
    expect(overlaps.size).toBe(0);
  });

  it('counts the samples and prompts of one file found in the others', () => {
    const train = collect([chat('q1', 'a1'), chat('q2', 'a2'), chat('q3', 'a3')]);
    const validation = collect([chat('q1', 'a1'), chat('q2', 'other')]);
    const third = collect([chat('q9', 'a9')]);
    const overlaps = overlapBetween([train, validation, third]);
    const [t, v] = [overlaps.get(0), overlaps.get(1)];
    expect(overlaps.has(2)).toBe(false); // nothing held for a file that overlaps none
    expect(t!.overlap.get(1)).toEqual({ samples: 1, prompts: 2 });
    expect(v!.overlap.get(0)).toEqual({ samples: 1, prompts: 2 });
    expect(t!.firstLine).toBe(1);
  });

  it('fails on what fail-on names, and only that', () => {
    const review = { duplicates: 2, conflicts: 0, overlap: {} } as unknown as Parameters<typeof gateMessage>[0];
    expect(gateMessage(review, ['duplicates'])).toMatch(/2 duplicate samples \(fail-on: duplicates\)/);
    expect(gateMessage(review, ['conflicts', 'overlap'])).toBeUndefined();
  });

  it('fails closed when what fail-on names could not be counted (statistics only)', () => {
    const review = { samples: 9, duplicates: null, conflicts: null, overlap: {} } as unknown as Parameters<
      typeof gateMessage
    >[0];
    expect(gateMessage(review, ['overlap'])).toMatch(/could not count what fail-on names/);
    expect(gateMessage(review, [])).toBeUndefined();
  });
});
