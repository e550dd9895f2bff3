/** Together's line rules for JSONL, applied to each line as the file streams by (rules doc, sections 4 to 7). */
import { checkSample, jsonType } from './jsonl-rules.js';
import { overlongLineMessage, readLines, type ByteRange, type LineReadResult, type ReadOptions } from './lines.js';
import { MAX_DEPTH, parsePythonJson, type ParseHints } from './python-json.js';
import { MAX_WARNINGS, type DatasetFormat, type LineProblem } from './types.js';
import { ReviewCollector, type ReviewData } from './review-collector.js';
import { loadHasher } from './sample-hash.js';
import { KnownLines } from './known-lines.js';

/**
 * `full`: parse, object, format and format rules (fine-tune). `syntax`: parse and object only, blank lines refused
 * (eval). `structural`: parse and object for non-blank lines, blank lines skipped (Together's current client).
 * `utf8`: only the encoding (purposes Together does not check).
 */
export type JsonlRules = 'full' | 'syntax' | 'structural' | 'utf8';

export interface JsonlScanResult extends LineReadResult {
  /** Samples counted before the first problem. */
  samples: number;
  /** The first line problem; `line` counts from the range's first line (1). */
  problem: LineProblem | null;
  /** The format of the range's first line, when it has one. */
  firstFormat: DatasetFormat | undefined;
  /** Warnings on lines before the first problem (lines counted from the range's first), at most MAX_WARNINGS. */
  warnings: LineProblem[];
  /** Warnings found beyond those listed. */
  omittedWarnings: number;
  /** With `review`: the samples' hashes and statistics (lines counted from the range's first). */
  review?: ReviewData;
}

/** Python's str.strip() whitespace, for `structural`'s blank lines (not U+FEFF: a BOM is not blank). */
// eslint-disable-next-line no-control-regex -- Python counts \x1c-\x1f as whitespace, so this must too.
const BLANK = /^[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/**
 * Scans a JSONL file or byte range. `firstFormat` is line 1's format when the range does not start at line 1:
 * every line must share it.
 */
export async function scanJsonl(
  path: string,
  range: ByteRange,
  rules: JsonlRules,
  firstFormat?: DatasetFormat,
  options: ReadOptions = {},
): Promise<JsonlScanResult> {
  const collector =
    options.review && rules !== 'utf8'
      ? new ReviewCollector(options.reviewMaxSamples, options.reviewSpillRoot, options.reviewHashLines)
      : undefined;
  if (collector) await loadHasher();
  const known = collector && options.reviewKnownLines ? new KnownLines(options.reviewKnownLines) : undefined;
  const visitor = new JsonlVisitor(rules, firstFormat, (range.start ?? 0) === 0, collector, known);
  const read = await readLines(path, range, visitor, options);
  const overlong = read.overlong && { line: read.overlong.line, message: overlongLineMessage(read.overlong.limit) };
  return {
    ...read,
    samples: visitor.samples,
    problem: visitor.problem ?? overlong ?? null,
    firstFormat: visitor.rangeFirstFormat,
    warnings: visitor.warnings,
    omittedWarnings: visitor.omittedWarnings,
    ...(collector ? { review: collector.data() } : {}),
  };
}

class JsonlVisitor {
  samples = 0;
  problem: LineProblem | null = null;
  rangeFirstFormat: DatasetFormat | undefined;
  readonly warnings: LineProblem[] = [];
  omittedWarnings = 0;
  private currentLine = 0;
  /** The value and format of the line just checked, for the review. */
  private lastValue: Record<string, unknown> | undefined;
  private lastFormat: DatasetFormat | undefined;
  private readonly hints: ParseHints = { constantsSeen: false };
  private readonly warn = (message: string) => {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push({ line: this.currentLine, message });
    else this.omittedWarnings += 1;
  };

  private readonly known: KnownLines | undefined;

  constructor(
    private readonly rules: JsonlRules,
    private firstFormat: DatasetFormat | undefined,
    private readonly startsFile: boolean,
    private readonly collector?: ReviewCollector,
    known?: KnownLines,
  ) {
    // Only the structural rules judge a line by itself alone (no format shared with line 1), so only they can
    // take a line's verdict from another file's check.
    this.known = rules === 'structural' ? known : undefined;
  }

  get wantsLines(): boolean {
    return this.problem === null && this.rules !== 'utf8';
  }

  line(data: Buffer, start: number, end: number, line: number): void {
    this.currentLine = line;
    if (this.known) {
      // A line the head's check passed, byte for byte: a sample, whose record and statistics are known.
      const sample = this.known.find(data.subarray(start, end));
      if (sample >= 0) {
        this.samples += 1;
        this.collector!.addKnown(this.known, sample, line);
        return;
      }
    }
    const text = data.toString('utf8', start, end);
    // Nearly every line starts with '{': only others can be blank.
    const blank = text.charCodeAt(0) !== 0x7b && BLANK.test(text);
    if (blank && this.rules === 'structural') return;
    const problem = blank
      ? 'The line is blank; every line must be a JSON object (remove blank lines, including one at the end of the file).'
      : this.lineProblem(text, line);
    if (problem !== undefined) {
      this.problem = { line, message: problem };
      return;
    }
    this.samples += 1;
    if (this.collector && this.lastValue)
      this.collector.add(
        this.lastValue,
        this.lastFormat,
        line,
        this.collector.hashesLines ? data.subarray(start, end) : undefined,
      );
  }

  /** The line's problem, or undefined; records line 1's format. */
  private lineProblem(text: string, line: number): string | undefined {
    this.lastValue = undefined;
    const parsed = parsePythonJson(text, this.hints);
    if (!parsed.ok) {
      if (line === 1 && this.startsFile && text.charCodeAt(0) === 0xfeff) {
        return 'The file starts with a byte order mark (BOM), which Together refuses; save it as UTF-8 without BOM.';
      }
      return `The line is not valid JSON (${parsed.reason}); each line must be one complete JSON object.`;
    }
    const value = parsed.value;
    // JSON.parse nests without limit; Python's json.loads, which Together reads with, stops near 1,000 levels.
    if (text.length > 2 * MAX_DEPTH && hasAtLeastBrackets(text, MAX_DEPTH) && nestsDeeperThan(value, MAX_DEPTH)) {
      return `The line is not valid JSON for Together (nesting deeper than ${MAX_DEPTH} levels, which Python's json.loads refuses); flatten the sample.`;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return `The line is a JSON ${jsonType(value)}, not an object; each line must be one JSON object such as {"messages": [...]}.`;
    }
    this.lastValue = value as Record<string, unknown>;
    this.lastFormat = undefined;
    if (this.rules !== 'full') return undefined;
    const verdict = checkSample(value as Record<string, unknown>, this.firstFormat, this.warn);
    if (verdict.error !== undefined) return verdict.error;
    this.lastFormat = verdict.format;
    this.firstFormat ??= verdict.format;
    if (line === 1) this.rangeFirstFormat = verdict.format;
    return undefined;
  }
}

/** Whether a parsed value nests deeper than `limit` containers, found without recursion. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > limit) return true;
    const children = Array.isArray(item) ? item : Object.values(item);
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Whether the text holds at least `count` of `[` and `{` together: a value cannot nest `count` deep with fewer. A
 * conversation holds a few dozen, found by native indexOf, so nearly no line pays for the walk of its value.
 */
export function hasAtLeastBrackets(text: string, count: number): boolean {
  let found = 0;
  for (const bracket of ['[', '{']) {
    for (let i = text.indexOf(bracket); i >= 0; i = text.indexOf(bracket, i + 1)) if (++found >= count) return true;
  }
  return false;
}
