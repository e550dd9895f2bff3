/**
 * Parses a JSONL line the way Python's `json.loads` does, which is what Together's reference checker uses: it also
 * accepts `NaN`, `Infinity` and `-Infinity`, and where int versus float matters (a message's `weight`: `1` passes,
 * `1.0` fails) the raw number token decides.
 */

/** A `weight` number that Python would read as a float (its token has `.`, `e`, or is NaN/Infinity). */
export class PyFloat {
  constructor(
    readonly value: number,
    /** The number as written, e.g. `1.0`. */
    readonly token: string,
  ) {}
}

export type ParsedLine = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * Deeper than this, the slow path refuses a line: Python's json.loads stops near 1,000 levels too (with a
 * RecursionError, which crashes the reference checker).
 */
export const MAX_DEPTH = 1000;

const FLOAT_TOKEN = /[.eEIN]/;

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

const keepWeightFloats: Reviver = (key, value, context) =>
  key === 'weight' && typeof value === 'number' && context?.source !== undefined && FLOAT_TOKEN.test(context.source)
    ? new PyFloat(value, context.source)
    : value;

/** Where Python's constants may stand in the text (inside strings too: see withJsonConstants). */
const CONSTANT = /NaN|Infinity/g;

/**
 * The line with Python's bare `NaN`, `Infinity` and `-Infinity` written as JSON numbers that JSON.parse reads as
 * infinite (`1e999`), so such a line (as Python's json.dumps writes float('nan')) parses natively, without a
 * thrown error per line: an exception cost ten times the parse. Only constants outside strings, where a value
 * starts (not in `1NaN` or `-NaN`, which Python refuses too), are rewritten; the string state comes from jumping
 * between quotes, so the line is never scanned character by character. Undefined when there is none. The values
 * are only checked for their type, never for which constant they were; a line with a "weight", whose value
 * matters, takes the exact parser.
 */
function withJsonConstants(text: string): string | undefined {
  if (!text.includes('NaN') && !text.includes('Infinity')) return undefined;
  if (text.includes('"weight"')) return undefined;
  let out = '';
  let copied = 0;
  let inString = false;
  let quote = text.indexOf('"');
  CONSTANT.lastIndex = 0;
  for (let match = CONSTANT.exec(text); match; match = CONSTANT.exec(text)) {
    const at = match.index;
    while (quote >= 0 && quote < at) {
      if (!isEscaped(text, quote)) inString = !inString;
      quote = text.indexOf('"', quote + 1);
    }
    if (inString) continue;
    const negative = match[0] === 'Infinity' && text.charCodeAt(at - 1) === 0x2d;
    const start = negative ? at - 1 : at;
    if (!startsValue(text, start) || continuesToken(text.charCodeAt(at + match[0].length))) continue;
    out += `${text.slice(copied, start)}${negative ? '-1e999' : '1e999'}`;
    copied = at + match[0].length;
  }
  return copied === 0 ? undefined : out + text.slice(copied);
}

/** A quote preceded by an odd number of backslashes is part of the string. */
function isEscaped(text: string, quote: number): boolean {
  let slashes = 0;
  for (let i = quote - 1; i >= 0 && text.charCodeAt(i) === 0x5c; i -= 1) slashes += 1;
  return slashes % 2 === 1;
}

/** A value may start here: after `[`, `,`, `:` or whitespace (not after a letter, digit, `.` or `-`). */
function startsValue(text: string, at: number): boolean {
  if (at === 0) return true;
  const c = text.charCodeAt(at - 1);
  return c === 0x5b || c === 0x2c || c === 0x3a || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** A letter, digit, `_` or `.` right after would make the token part of something else. */
function continuesToken(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2e;
}

/** What a file's lines taught the parser so far: one per file scan. */
export interface ParseHints {
  /** A line held Python's constants: later lines are rewritten first rather than thrown on. */
  constantsSeen: boolean;
}

/**
 * Parses one line (without its terminator). With `hints`, a file whose lines hold `NaN` or `Infinity` pays one
 * thrown error, on its first such line; a file without any pays nothing for them.
 */
export function parsePythonJson(text: string, hints?: ParseHints): ParsedLine {
  if (hints?.constantsSeen) {
    const rewritten = withJsonConstants(text);
    if (rewritten !== undefined) return parseRewritten(text, rewritten);
  }
  try {
    // Only lines that mention "weight" pay for a reviver (it receives each number's source text).
    const value: unknown = text.includes('"weight"') ? JSON.parse(text, keepWeightFloats) : JSON.parse(text);
    return { ok: true, value };
  } catch {
    const rewritten = withJsonConstants(text);
    if (rewritten !== undefined) {
      if (hints) hints.constantsSeen = true;
      return parseRewritten(text, rewritten);
    }
    // Python-only syntax in a weight line, a reviver that ran out of stack, or plain invalid JSON.
    return new PythonJsonParser(text).parseDocument();
  }
}

function parseRewritten(text: string, rewritten: string): ParsedLine {
  try {
    return { ok: true, value: JSON.parse(rewritten) };
  } catch {
    // Not valid even so: the exact parser says where.
    return new PythonJsonParser(text).parseDocument();
  }
}

class ParseError extends Error {}

/** A small recursive-descent parser for the rare lines JSON.parse refuses. */
class PythonJsonParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseDocument(): ParsedLine {
    try {
      this.skipWhitespace();
      const value = this.value(0, null);
      this.skipWhitespace();
      if (this.pos !== this.text.length) this.fail('extra data after the JSON value');
      return { ok: true, value };
    } catch (error) {
      if (error instanceof ParseError) return { ok: false, reason: `${error.message} at character ${this.pos + 1}` };
      if (error instanceof RangeError) return { ok: false, reason: `nesting deeper than ${MAX_DEPTH} levels` };
      throw error;
    }
  }

  private fail(reason: string): never {
    throw new ParseError(reason);
  }

  private skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      this.pos += 1;
    }
  }

  private value(depth: number, key: string | null): unknown {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    const t = this.text;
    const c = t[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (t.startsWith('true', this.pos)) return this.literal(4, true);
    if (t.startsWith('false', this.pos)) return this.literal(5, false);
    if (t.startsWith('null', this.pos)) return this.literal(4, null);
    if (t.startsWith('NaN', this.pos)) return this.number(3, Number.NaN, 'NaN', key);
    if (t.startsWith('Infinity', this.pos)) return this.number(8, Infinity, 'Infinity', key);
    if (t.startsWith('-Infinity', this.pos)) return this.number(9, -Infinity, '-Infinity', key);
    const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
    match.lastIndex = this.pos;
    const token = match.exec(t)?.[0];
    if (!token) this.fail(c === undefined ? 'unexpected end of line' : `unexpected character ${JSON.stringify(c)}`);
    return this.number(token.length, Number(token), token, key);
  }

  private literal(length: number, value: unknown): unknown {
    this.pos += length;
    return value;
  }

  private number(length: number, value: number, token: string, key: string | null): unknown {
    this.pos += length;
    return key === 'weight' && FLOAT_TOKEN.test(token) ? new PyFloat(value, token) : value;
  }

  private object(depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.pos += 1;
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos += 1;
      return result;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail('expected a property name in double quotes');
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail("expected ':' after a property name");
      this.pos += 1;
      this.skipWhitespace();
      // Own data property even for "__proto__", as JSON.parse does.
      Object.defineProperty(result, key, {
        value: this.value(depth + 1, key),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.skipWhitespace();
      const next = this.text[this.pos];
      this.pos += 1;
      if (next === '}') return result;
      if (next !== ',') this.fail("expected ',' or '}' in an object");
      this.skipWhitespace();
    }
  }

  private array(depth: number): unknown[] {
    const result: unknown[] = [];
    this.pos += 1;
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos += 1;
      return result;
    }
    for (;;) {
      result.push(this.value(depth + 1, null));
      this.skipWhitespace();
      const next = this.text[this.pos];
      this.pos += 1;
      if (next === ']') return result;
      if (next !== ',') this.fail("expected ',' or ']' in an array");
      this.skipWhitespace();
    }
  }

  private string(): string {
    const t = this.text;
    const start = this.pos;
    let end = start + 1;
    // Find the closing quote, skipping escaped characters.
    for (;;) {
      if (end >= t.length) this.fail('unterminated string');
      const c = t.charCodeAt(end);
      if (c === 0x22) break;
      if (c === 0x5c) end += 1;
      else if (c < 0x20) {
        this.pos = end;
        this.fail('raw control character in a string (escape it, e.g. \\n)');
      }
      end += 1;
    }
    this.pos = end + 1;
    try {
      // The quoted token is valid JSON string syntax unless an escape is wrong; JSON.parse decodes it exactly.
      return JSON.parse(t.slice(start, end + 1)) as string;
    } catch {
      this.pos = start;
      return this.fail('invalid escape in a string');
    }
  }
}
