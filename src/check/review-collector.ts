/**
 * What the check's parse hands the review, sample by sample: each sample's canonical hash and its prompt's, its
 * line, and the statistics. Only hashes are kept (24 bytes a sample, in typed arrays), never the samples.
 */
import { FORMAT_KEYS } from './jsonl-rules.js';
import type { DatasetFormat } from './types.js';
import { Distribution } from './distribution.js';
import { hashSample } from './sample-hash.js';

/** Words a sample takes in `records`: sample hash (2), prompt hash (2), line, flags. */
export const RECORD_WORDS = 6;
export const HAS_PROMPT = 1;

export interface ReviewCounters {
  without_system: number;
  without_user: number;
  with_tool_calls: number;
  with_weights: number;
}

/** A range's or a file's collected review data (plain data: it crosses worker threads). */
export interface ReviewData {
  format: DatasetFormat | null;
  samples: number;
  records: Uint32Array;
  counters: ReviewCounters;
  characters: [number[], number[]];
  messages: [number[], number[]];
  promptCharacters: [number[], number[]];
  answerCharacters: [number[], number[]];
}

export class ReviewCollector {
  private records = new Uint32Array(RECORD_WORDS * 1024);
  private count = 0;
  private format: DatasetFormat | null = null;
  private readonly counters: ReviewCounters = {
    without_system: 0,
    without_user: 0,
    with_tool_calls: 0,
    with_weights: 0,
  };
  private readonly characters = new Distribution();
  private readonly messages = new Distribution();
  private readonly promptCharacters = new Distribution();
  private readonly answerCharacters = new Distribution();

  /** A sample that passed its check, with its detected format (undefined when the rules do not detect one). */
  add(sample: Record<string, unknown>, format: DatasetFormat | undefined, line: number): void {
    const kind = format ?? detectFormat(sample);
    this.format ??= kind ?? null;
    const { whole, prompt: promptHash } = hashSample(sample, kind);
    if (this.count * RECORD_WORDS === this.records.length) {
      const grown = new Uint32Array(this.records.length * 2);
      grown.set(this.records);
      this.records = grown;
    }
    const at = this.count * RECORD_WORDS;
    this.records[at] = whole.hi;
    this.records[at + 1] = whole.lo;
    this.records[at + 2] = promptHash?.hi ?? 0;
    this.records[at + 3] = promptHash?.lo ?? 0;
    this.records[at + 4] = line;
    this.records[at + 5] = promptHash ? HAS_PROMPT : 0;
    this.count += 1;
    this.addStats(sample, kind);
  }

  private addStats(sample: Record<string, unknown>, kind: DatasetFormat | undefined): void {
    if ('weight' in sample) this.counters.with_weights += 1;
    switch (kind) {
      case 'general':
        this.characters.add(contentChars(sample.text));
        return;
      case 'instruction': {
        const prompt = contentChars(sample.prompt);
        const answer = contentChars(sample.completion);
        this.promptCharacters.add(prompt);
        this.answerCharacters.add(answer);
        this.characters.add(prompt + answer);
        return;
      }
      case 'preference_openai': {
        const input = sample.input as { messages?: unknown } | undefined;
        const prompt = messagesChars(input?.messages);
        const answer = messagesChars(sample.preferred_output);
        this.promptCharacters.add(prompt);
        this.answerCharacters.add(answer);
        this.characters.add(prompt + answer);
        return;
      }
      case 'conversation': {
        const messages = Array.isArray(sample.messages) ? (sample.messages as unknown[]) : [];
        let system = false;
        let user = false;
        let tools = false;
        let weights = false;
        for (const message of messages) {
          const m = message as Record<string, unknown>;
          system ||= m.role === 'system';
          user ||= m.role === 'user';
          tools ||= Array.isArray(m.tool_calls) && m.tool_calls.length > 0;
          weights ||= 'weight' in m;
        }
        if (!system) this.counters.without_system += 1;
        if (!user) this.counters.without_user += 1;
        if (tools) this.counters.with_tool_calls += 1;
        if (weights && !('weight' in sample)) this.counters.with_weights += 1;
        this.messages.add(messages.length);
        this.characters.add(messagesChars(messages));
        return;
      }
      default:
        return;
    }
  }

  data(): ReviewData {
    return {
      format: this.format,
      samples: this.count,
      records: this.records.slice(0, this.count * RECORD_WORDS),
      counters: { ...this.counters },
      characters: this.characters.toPairs(),
      messages: this.messages.toPairs(),
      promptCharacters: this.promptCharacters.toPairs(),
      answerCharacters: this.answerCharacters.toPairs(),
    };
  }
}

/** The review's format of a sample the rules did not classify (eval data): the first format whose keys it has. */
function detectFormat(sample: Record<string, unknown>): DatasetFormat | undefined {
  return FORMAT_KEYS.find(([, keys]) => keys.every((key) => key in sample))?.[0];
}

/** Characters of a content: a string, or the text parts of a list (UTF-16 code units, as JavaScript counts). */
function contentChars(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let chars = 0;
  for (const part of content) {
    const text = (part as { text?: unknown } | null)?.text;
    if (typeof text === 'string') chars += text.length;
  }
  return chars;
}

function messagesChars(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  let chars = 0;
  for (const message of messages) chars += contentChars((message as { content?: unknown } | null)?.content);
  return chars;
}

/** Joins ranges' data in file order, line numbers made absolute by each range's first line. */
/** The review data of no samples (the head of a deleted dataset). */
export function emptyReviewData(): ReviewData {
  return new ReviewCollector().data();
}

export function mergeReviewData(parts: Array<{ data: ReviewData; lineOffset: number }>): ReviewData {
  const samples = parts.reduce((sum, p) => sum + p.data.samples, 0);
  const records = new Uint32Array(samples * RECORD_WORDS);
  const counters: ReviewCounters = { without_system: 0, without_user: 0, with_tool_calls: 0, with_weights: 0 };
  const dists = {
    characters: new Distribution(),
    messages: new Distribution(),
    promptCharacters: new Distribution(),
    answerCharacters: new Distribution(),
  };
  let at = 0;
  let format: DatasetFormat | null = null;
  for (const { data, lineOffset } of parts) {
    format ??= data.format;
    records.set(data.records, at);
    for (let i = at + 4; i < at + data.records.length; i += RECORD_WORDS) records[i] = records[i]! + lineOffset;
    at += data.records.length;
    for (const key of Object.keys(counters) as Array<keyof ReviewCounters>) counters[key] += data.counters[key];
    for (const key of Object.keys(dists) as Array<keyof typeof dists>)
      dists[key].merge(Distribution.fromPairs(data[key]));
  }
  return {
    format,
    samples,
    records,
    counters,
    characters: dists.characters.toPairs(),
    messages: dists.messages.toPairs(),
    promptCharacters: dists.promptCharacters.toPairs(),
    answerCharacters: dists.answerCharacters.toPairs(),
  };
}
