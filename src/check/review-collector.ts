/**
 * What the check's parse hands the review, sample by sample: each sample's canonical hash and its prompt's, its
 * line, and the statistics. Only hashes are kept (24 bytes a sample, in typed arrays), never the samples.
 */
import { rmSync } from 'node:fs';
import { FORMAT_KEYS } from './jsonl-rules.js';
import type { DatasetFormat } from './types.js';
import { Distribution } from './distribution.js';
import { hashBytesInto, hashPlainConversationInto, hashSampleInto, plainConversation } from './sample-hash.js';
import { RecordSpill, type SpilledRecords } from './record-spill.js';
import {
  FACT_A,
  FACT_B,
  FACT_BITS,
  FACT_FORMAT_SHIFT,
  FACT_WITH_TOOL_CALLS,
  FACT_WITH_WEIGHTS,
  FACT_WITHOUT_SYSTEM,
  FACT_WITHOUT_USER,
  FLAGS,
  HAS_PROMPT,
  LINE,
  LINE_FACT_WORDS,
  LINE_HASH,
  RECORD_WORDS,
} from './review-record.js';
import type { KnownLines } from './known-lines.js';
import { release } from './release.js';

export { HAS_PROMPT, RECORD_WORDS } from './review-record.js';

export interface ReviewCounters {
  without_system: number;
  without_user: number;
  with_tool_calls: number;
  with_weights: number;
}

const COUNTERS = ['without_system', 'without_user', 'with_tool_calls', 'with_weights'] as const;
const DISTRIBUTIONS = ['characters', 'messages', 'promptCharacters', 'answerCharacters'] as const;
export type ReviewDistribution = (typeof DISTRIBUTIONS)[number];

/**
 * A range's or a file's collected review data (plain data: it crosses worker threads). A few objects whatever it
 * holds: the counters and the distributions are packed in `stats`, and a ReviewStore copies small files' data into
 * shared arrays until the review (20,000 files each holding a dozen small arrays grew V8's young generation by
 * about 150 MiB).
 */
export interface ReviewData {
  format: DatasetFormat | null;
  samples: number;
  records: Uint32Array;
  /** The counters (COUNTERS' order), then each distribution (DISTRIBUTIONS' order) as Distribution.packInto writes it. */
  stats: Float64Array;
  /** Past the bound in memory: where the records are on disk (then `records` is empty). */
  spilled?: SpilledRecords;
  /**
   * With lines hashed and the records in memory: each record's line hash and statistics (LINE_FACT_WORDS each,
   * in the records' order), from which a base version's check reuses what byte-identical lines were found to be.
   */
  lineFacts?: Uint32Array;
  /**
   * Line starts with the lines before each (pairs): each range's start when checked in ranges, else one about every
   * MiB read. A line is quoted by reading from the start before it, not the file up to it.
   */
  lineIndex?: Float64Array;
}

export function reviewCounters(data: ReviewData): ReviewCounters {
  const counters = {} as ReviewCounters;
  COUNTERS.forEach((name, i) => (counters[name] = data.stats[i]!));
  return counters;
}

export function reviewDistribution(data: ReviewData, which: ReviewDistribution): Distribution {
  let at: number = COUNTERS.length;
  // Each packed distribution takes 1 + 2n numbers: skip to the one wanted.
  for (let k = DISTRIBUTIONS.indexOf(which); k > 0; k -= 1) at += 1 + 2 * data.stats[at]!;
  return Distribution.unpack(data.stats, at).distribution;
}

function packStats(counters: ReviewCounters, distributions: Record<ReviewDistribution, Distribution>): Float64Array {
  const packed: number[] = COUNTERS.map((name) => counters[name]);
  for (const name of DISTRIBUTIONS) distributions[name].packInto(packed);
  return Float64Array.from(packed);
}

/**
 * The most samples whose hashes a file's review holds in memory (24 bytes each, 12 MB). Past it, they are
 * partitioned to disk (RecordSpill); where that cannot be done, the review keeps statistics only and says so.
 */
export const DEFAULT_MAX_HASHED_SAMPLES = 500_000;

/** Lets a file's line facts go once its base version is compared (on shared memory, they go with the last reference). */
export function dropLineFacts(data: ReviewData): void {
  release(data.lineFacts);
  delete data.lineFacts;
}

/** Whether every sample's hashes are kept, in `records` or on disk (false: statistics only). */
export function isHashed(data: ReviewData): boolean {
  return data.spilled !== undefined || data.records.length === data.samples * RECORD_WORDS;
}

export class ReviewCollector {
  // Small to start: a step may check 20,000 files of a few samples each; it doubles as it fills.
  private records = new Uint32Array(RECORD_WORDS * 16);
  private count = 0;
  private format: DatasetFormat | null = null;
  private readonly counters: ReviewCounters = {
    without_system: 0,
    without_user: 0,
    with_tool_calls: 0,
    with_weights: 0,
  };
  readonly characters = new Distribution();
  readonly messages = new Distribution();
  readonly promptCharacters = new Distribution();
  readonly answerCharacters = new Distribution();

  /** Samples seen, hashed or not. */
  private samples = 0;
  /** Past the bound: the records on disk, `records` then being the buffer that fills them. */
  private spill: RecordSpill | undefined;
  /** Past the bound with no spill (none asked for, or writing it failed): statistics only. */
  private unhashed = false;

  /**
   * With `hashLines`, each record's line hash and statistics (LINE_FACT_WORDS each), for a base version's check to
   * reuse; let go once the records are spilled (the table is for files whose records the review holds).
   */
  private lineFacts: Uint32Array | undefined;

  /**
   * `spillRoot`: where records past `maxHashed` are partitioned to disk; without one, statistics only past it.
   * `hashLines`: keep each record's line hash and statistics (see ReviewData.lineFacts).
   */
  constructor(
    private readonly maxHashed = DEFAULT_MAX_HASHED_SAMPLES,
    private readonly spillRoot?: string,
    hashLines = false,
  ) {
    if (hashLines) this.lineFacts = new Uint32Array(LINE_FACT_WORDS * 16);
  }

  /** Whether `add` needs each sample's line (its bytes are hashed): until the records go to disk. */
  get hashesLines(): boolean {
    return this.lineFacts !== undefined;
  }

  /**
   * A sample that passed its check, with its detected format (undefined when the rules do not detect one), and
   * its line's bytes while `hashesLines`.
   */
  add(sample: Record<string, unknown>, format: DatasetFormat | undefined, line: number, raw?: Uint8Array): void {
    const kind = format ?? detectFormat(sample);
    this.format ??= kind ?? null;
    this.samples += 1;
    const at = this.nextRecord();
    // The sample hash and the prompt hash, written in place (SAMPLE_HASH, then PROMPT_HASH); a plain conversation's
    // statistics found on the way.
    let prompted: boolean;
    if (at >= 0 && kind === 'conversation' && hashPlainConversationInto(sample, this.records, at)) {
      prompted = true;
      factsOfPlainConversation(sample);
    } else {
      factsOf(sample, kind);
      prompted = at >= 0 && hashSampleInto(sample, kind, this.records, at);
    }
    this.addFacts(kind, factA, factB, factBits);
    if (at < 0) return;
    this.records[at + LINE] = line;
    this.records[at + FLAGS] = prompted ? HAS_PROMPT : 0;
    if (this.lineFacts) {
      const facts = (at / RECORD_WORDS) * LINE_FACT_WORDS;
      hashBytesInto(raw!, this.lineFacts, facts + LINE_HASH);
      this.lineFacts[facts + FACT_A] = factA;
      this.lineFacts[facts + FACT_B] = factB;
      this.lineFacts[facts + FACT_BITS] = factBits | ((kind ? FORMAT_CODES.indexOf(kind) : 0) << FACT_FORMAT_SHIFT);
    }
    this.count += 1;
  }

  /**
   * A sample whose line is byte for byte one the head's check saw: its record and statistics are those of the
   * head's `sample`, nothing parsed.
   */
  addKnown(known: KnownLines, sample: number, line: number): void {
    const bits = known.fact(sample, FACT_BITS);
    const kind = FORMAT_CODES[bits >>> FACT_FORMAT_SHIFT] ?? undefined;
    this.format ??= kind ?? null;
    this.samples += 1;
    this.addFacts(kind, known.fact(sample, FACT_A), known.fact(sample, FACT_B), bits);
    const at = this.nextRecord();
    if (at < 0) return;
    known.copyRecord(sample, this.records, at);
    this.records[at + LINE] = line;
    // A table is only given to a base version's check, which hashes no lines of its own.
    this.lineFacts = undefined;
    this.count += 1;
  }

  /** Where the next record goes, the buffers grown or spilled as needed; -1 when the hashes are let go. */
  private nextRecord(): number {
    if (this.samples > this.maxHashed && !this.spill && !this.unhashed) this.spillOrLetGo();
    if (this.unhashed) return -1;
    if (this.count * RECORD_WORDS === this.records.length) {
      if (this.spill) this.spillHeld();
      else {
        const grown = new Uint32Array(this.records.length * 2);
        grown.set(this.records);
        release(this.records);
        this.records = grown;
        if (this.lineFacts) {
          const facts = new Uint32Array(this.lineFacts.length * 2);
          facts.set(this.lineFacts);
          release(this.lineFacts);
          this.lineFacts = facts;
        }
      }
      if (this.unhashed) return -1;
    }
    return this.count * RECORD_WORDS;
  }

  /** Counts a sample's statistics, as factsOf found them (or a known line's entry holds them). */
  private addFacts(kind: DatasetFormat | undefined, a: number, b: number, bits: number): void {
    if (bits & FACT_WITH_WEIGHTS) this.counters.with_weights += 1;
    switch (kind) {
      case 'general':
        this.characters.add(a);
        return;
      case 'instruction':
      case 'preference_openai':
        this.promptCharacters.add(a);
        this.answerCharacters.add(b);
        this.characters.add(a + b);
        return;
      case 'conversation':
        if (bits & FACT_WITHOUT_SYSTEM) this.counters.without_system += 1;
        if (bits & FACT_WITHOUT_USER) this.counters.without_user += 1;
        if (bits & FACT_WITH_TOOL_CALLS) this.counters.with_tool_calls += 1;
        this.messages.add(b);
        this.characters.add(a);
        return;
      default:
        return;
    }
  }

  /** The data collected; called once, at the end (the collector lets its buffer go). */
  data(): ReviewData {
    let spilled: SpilledRecords | undefined;
    if (this.spill) {
      this.spillHeld();
      spilled = this.spill?.tryFinish();
      if (!spilled) this.letGo();
    }
    // The collector is done: its buffer (most of it unused) goes now, the records in one of their own size.
    const records = this.records.slice(0, this.count * RECORD_WORDS);
    const lineFacts = spilled ? undefined : this.lineFacts?.slice(0, this.count * LINE_FACT_WORDS);
    release(this.records);
    release(this.lineFacts);
    this.records = new Uint32Array(0);
    this.lineFacts = undefined;
    this.count = 0;
    const stats = packStats(this.counters, this);
    for (const name of DISTRIBUTIONS) this[name].dispose();
    return {
      format: this.format,
      samples: this.samples,
      records,
      stats,
      ...(spilled ? { spilled } : {}),
      ...(lineFacts ? { lineFacts } : {}),
    };
  }

  /** Past the bound: the records held go to a spill, or (without one) are let go. */
  private spillOrLetGo(): void {
    release(this.lineFacts);
    this.lineFacts = undefined;
    this.spill = RecordSpill.open(this.spillRoot);
    if (this.spill) this.spillHeld();
    else this.letGo();
  }

  /** The records held, appended to the spill; the buffer empty again. A failed write leaves statistics only. */
  private spillHeld(): void {
    if (this.spill!.tryAppend(this.records.subarray(0, this.count * RECORD_WORDS))) this.count = 0;
    else this.letGo();
  }

  /** Statistics only from now on: every hash let go, on disk too. */
  private letGo(): void {
    this.spill?.remove();
    this.spill = undefined;
    this.unhashed = true;
    release(this.records);
    this.records = new Uint32Array(0);
    this.count = 0;
  }
}

/** What factsOf found last (module state, not an object: the check reads millions of samples). */
let factA = 0;
let factB = 0;
let factBits = 0;

/** factsOf for a conversation hashPlainConversationInto took: no weights, no tool calls, its counts already made. */
function factsOfPlainConversation(sample: Record<string, unknown>): void {
  factA = plainConversation.characters;
  factB = (sample.messages as unknown[]).length;
  factBits =
    (plainConversation.hasSystem ? 0 : FACT_WITHOUT_SYSTEM) | (plainConversation.hasUser ? 0 : FACT_WITHOUT_USER);
}

/** A sample's statistics as two numbers and the counters' bits (see FACT_A, FACT_B, FACT_BITS). */
function factsOf(sample: Record<string, unknown>, kind: DatasetFormat | undefined): void {
  factA = 0;
  factB = 0;
  factBits = 'weight' in sample ? FACT_WITH_WEIGHTS : 0;
  switch (kind) {
    case 'general':
      factA = contentChars(sample.text);
      return;
    case 'instruction':
      factA = contentChars(sample.prompt);
      factB = contentChars(sample.completion);
      return;
    case 'preference_openai':
      factA = messagesChars((sample.input as { messages?: unknown } | undefined)?.messages);
      factB = messagesChars(sample.preferred_output);
      return;
    case 'conversation': {
      const messages = Array.isArray(sample.messages) ? (sample.messages as unknown[]) : [];
      let system = false;
      let user = false;
      let tools = false;
      let weights = false;
      for (const message of messages) {
        // The base version is checked structurally only: a message may be anything.
        if (message === null || typeof message !== 'object') continue;
        const m = message as Record<string, unknown>;
        system ||= m.role === 'system';
        user ||= m.role === 'user';
        tools ||= Array.isArray(m.tool_calls) && m.tool_calls.length > 0;
        weights ||= 'weight' in m;
      }
      if (!system) factBits |= FACT_WITHOUT_SYSTEM;
      if (!user) factBits |= FACT_WITHOUT_USER;
      if (tools) factBits |= FACT_WITH_TOOL_CALLS;
      if (weights) factBits |= FACT_WITH_WEIGHTS;
      factA = messagesChars(messages);
      factB = messages.length;
      return;
    }
    default:
      return;
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

/** The review data of no samples (the head of a deleted dataset). */
export function emptyReviewData(): ReviewData {
  return new ReviewCollector().data();
}

/**
 * Joins ranges' data in file order, line numbers made absolute by each range's first line. With `spilled`, the
 * ranges' records are already on disk there (their `records` are empty).
 */
export function mergeReviewData(
  parts: Array<{ data: ReviewData; lineOffset: number }>,
  maxHashed = DEFAULT_MAX_HASHED_SAMPLES,
  spilled?: SpilledRecords,
): ReviewData {
  const samples = parts.reduce((sum, p) => sum + p.data.samples, 0);
  const hashed = !spilled && samples <= maxHashed && parts.every((p) => isHashed(p.data));
  const withFacts = hashed && parts.every((p) => p.data.lineFacts !== undefined);
  // With line facts, on shared memory: the base version's check reads them from its worker threads, uncopied.
  const records = withFacts
    ? new Uint32Array(new SharedArrayBuffer(4 * samples * RECORD_WORDS))
    : new Uint32Array(hashed ? samples * RECORD_WORDS : 0);
  const lineFacts = withFacts ? new Uint32Array(new SharedArrayBuffer(4 * samples * LINE_FACT_WORDS)) : undefined;
  let factsAt = 0;
  const counters: ReviewCounters = { without_system: 0, without_user: 0, with_tool_calls: 0, with_weights: 0 };
  const dists: Record<ReviewDistribution, Distribution> = {
    characters: new Distribution(),
    messages: new Distribution(),
    promptCharacters: new Distribution(),
    answerCharacters: new Distribution(),
  };
  let at = 0;
  let format: DatasetFormat | null = null;
  for (const { data, lineOffset } of parts) {
    format ??= data.format;
    if (hashed) {
      records.set(data.records, at);
      for (let i = at + 4; i < at + data.records.length; i += RECORD_WORDS) records[i] = records[i]! + lineOffset;
      at += data.records.length;
    }
    if (lineFacts) {
      lineFacts.set(data.lineFacts!, factsAt);
      factsAt += data.lineFacts!.length;
    }
    COUNTERS.forEach((name, i) => (counters[name] += data.stats[i]!));
    let packedAt: number = COUNTERS.length;
    for (const name of DISTRIBUTIONS) packedAt = dists[name].addPacked(data.stats, packedAt);
  }
  return {
    format,
    samples,
    records,
    stats: packStats(counters, dists),
    ...(spilled ? { spilled } : {}),
    ...(lineFacts ? { lineFacts } : {}),
  };
}

/** A file's data at most this many words (records and statistics) is copied into the store's shared arrays. */
const INLINE_WORDS = 4096;

/**
 * Where the check keeps each file's review data until the review: small files' data copied end to end into a few
 * shared typed arrays, so 20,000 files leave no object each behind them (their many small survivors made V8 grow
 * its young generation by about 150 MiB); a large file's data kept as it is (copying would double it).
 */
export class ReviewStore {
  /**
   * `spillRoot`: the directory (made on first use) under which large files' records are partitioned to disk; it
   * is the run's, and `dispose` removes it.
   */
  constructor(readonly spillRoot?: string) {}

  private words = new Uint32Array(4096);
  private wordsUsed = 0;
  private numbers = new Float64Array(1024);
  private numbersUsed = 0;
  /** Per slot: where its records start, their words, its samples, where its stats start, their length, its format. */
  private slots = new Float64Array(SLOT * 64);
  private count = 0;
  private readonly large = new Map<number, ReviewData>();

  /** Keeps the data; the slot to get it back with. */
  add(data: ReviewData): number {
    const slot = this.count++;
    if (this.slots.length < this.count * SLOT) this.slots = grown(this.slots, this.count * SLOT);
    if (data.spilled || data.records.length + data.stats.length > INLINE_WORDS) {
      this.large.set(slot, data);
      return slot;
    }
    if (this.words.length < this.wordsUsed + data.records.length)
      this.words = grown(this.words, this.wordsUsed + data.records.length);
    if (this.numbers.length < this.numbersUsed + data.stats.length)
      this.numbers = grown(this.numbers, this.numbersUsed + data.stats.length);
    this.words.set(data.records, this.wordsUsed);
    this.numbers.set(data.stats, this.numbersUsed);
    this.slots.set(
      [
        this.wordsUsed,
        data.records.length,
        data.samples,
        this.numbersUsed,
        data.stats.length,
        FORMAT_CODES.indexOf(data.format),
      ],
      slot * SLOT,
    );
    this.wordsUsed += data.records.length;
    this.numbersUsed += data.stats.length;
    return slot;
  }

  /** Removes what the store's files put on disk. */
  dispose(): void {
    if (this.spillRoot !== undefined) rmSync(this.spillRoot, { recursive: true, force: true });
  }

  /** The data of a slot (views into the shared arrays: valid until the next add). */
  get(slot: number): ReviewData {
    const large = this.large.get(slot);
    if (large) return large;
    const [records, words, samples, stats, statsLength, format] = this.slots.subarray(slot * SLOT, (slot + 1) * SLOT);
    return {
      format: FORMAT_CODES[format!] ?? null,
      samples: samples!,
      records: this.words.subarray(records, records! + words!),
      stats: this.numbers.subarray(stats, stats! + statsLength!),
    };
  }
}

const SLOT = 6;

export const FORMAT_CODES: ReadonlyArray<DatasetFormat | null> = [null, ...FORMAT_KEYS.map(([format]) => format)];

function grown<T extends Uint32Array | Float64Array>(array: T, needed: number): T {
  const next = new (array.constructor as new (length: number) => T)(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}
