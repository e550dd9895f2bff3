/**
 * Together's CSV rules (evaluation files only, rules doc section 8): the file is read as Python's `csv.DictReader`
 * reads it (excel dialect: `,` separator, `"` quotes, `""` escapes, newlines inside quotes, blank rows skipped),
 * and every record must have as many fields as the header. The reader below is a port of the state machine of
 * CPython's `_csv` module, fed the same lines Python's text mode gives it.
 */
import { overlongLineMessage, readLines, type LineReadResult, type ReadOptions } from './lines.js';
import type { LineProblem } from './types.js';
import { ReviewCollector, type ReviewData } from './review-collector.js';
import { loadHasher } from './sample-hash.js';

/** `csv.field_size_limit()` default: longer fields make the reference raise instead of answering. */
export const PYTHON_FIELD_LIMIT = 131_072;

export interface CsvScanResult extends LineReadResult {
  /** Data records read before the first problem. */
  samples: number;
  problem: LineProblem | null;
  /** Header fields, once read. */
  columns: number | null;
  /** With `review`: each data row as an object of its header's names, hashed, and the statistics. */
  review?: ReviewData;
}

type State = 'startRecord' | 'startField' | 'inField' | 'inQuotedField' | 'quoteInQuotedField';

/** One record's worth of parsing state, as `_csv.c` keeps it. */
class CsvRecordReader {
  state: State = 'startRecord';
  fields = 0;
  fieldLength = 0;
  /** The field that went over the limit, if any. */
  overLimit = false;
  /** With capture on (the review): the record's field values, and the current field's characters. */
  values: string[] = [];
  private chars: number[] = [];

  constructor(private readonly capture = false) {}

  /** Feeds one line's characters followed by its end; true when a record is complete. */
  feedLine(text: string): boolean {
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      // Python counts code points: the second half of a surrogate pair adds nothing.
      if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
        const prev = text.charCodeAt(i - 1);
        if (prev >= 0xd800 && prev <= 0xdbff) {
          // Its first half was never a delimiter, so this half joins the same field.
          if (this.capture) this.chars.push(c);
          continue;
        }
      }
      this.char(c);
    }
    // The line's `\n` (Python's text mode turned every line end into one), then the end of the line itself.
    this.char(10);
    return this.endOfLine();
  }

  private char(c: number): void {
    if (this.state === 'startRecord') {
      if (c === 10 || c === 13) return; // blank line: the record stays empty
      this.state = 'startField';
    }
    switch (this.state) {
      case 'startField':
        if (c === 10 || c === 13) this.saveField('startRecord');
        else if (c === 0x22) this.state = 'inQuotedField';
        else if (c === 0x2c) this.saveField('startField');
        else {
          this.addChar(c);
          this.state = 'inField';
        }
        return;
      case 'inField':
        if (c === 10 || c === 13) this.saveField('startRecord');
        else if (c === 0x2c) this.saveField('startField');
        else this.addChar(c);
        return;
      case 'inQuotedField':
        if (c === 0x22) this.state = 'quoteInQuotedField';
        else this.addChar(c);
        return;
      case 'quoteInQuotedField':
        if (c === 0x22) {
          this.addChar(c);
          this.state = 'inQuotedField';
        } else if (c === 0x2c) this.saveField('startField');
        else if (c === 10 || c === 13) this.saveField('startRecord');
        else {
          // Not strict: a character after a closing quote joins the field.
          this.addChar(c);
          this.state = 'inField';
        }
        return;
    }
  }

  /** After a line: a record is complete unless a quoted field goes on to the next line. */
  private endOfLine(): boolean {
    return this.state === 'startRecord';
  }

  /** At end of file inside a quoted field, Python (not strict) saves the field and ends the record. */
  finishAtEof(): boolean {
    if (this.state === 'inQuotedField' || this.fieldLength > 0) {
      this.saveField('startRecord');
      return true;
    }
    return false;
  }

  private addChar(c: number): void {
    if (this.fieldLength >= PYTHON_FIELD_LIMIT) this.overLimit = true;
    this.fieldLength += 1;
    if (this.capture) this.chars.push(c);
  }

  private saveField(next: State): void {
    if (this.capture) {
      let value = '';
      for (let at = 0; at < this.chars.length; at += 8192)
        value += String.fromCharCode(...this.chars.slice(at, at + 8192));
      this.values.push(value);
      this.chars.length = 0;
    }
    this.fields += 1;
    this.fieldLength = 0;
    this.state = next;
  }

  reset(): void {
    this.state = 'startRecord';
    this.fields = 0;
    this.fieldLength = 0;
    this.overLimit = false;
    this.values = [];
    this.chars.length = 0;
  }
}

/** Reads the CSV and applies DictReader's header and field-count rules. */
export async function scanCsv(path: string, bytes: number, options: ReadOptions = {}): Promise<CsvScanResult> {
  const collector = options.review ? new ReviewCollector(options.reviewMaxSamples, options.reviewSpillRoot) : undefined;
  if (collector) await loadHasher();
  const reader = new CsvRecordReader(collector !== undefined);
  let header: string[] = [];
  let columns: number | null = null;
  let samples = 0;
  let problem: LineProblem | null = null;
  let recordStartLine = 1;
  let lastLine = 0;

  const finishRecord = () => {
    const fields = reader.fields;
    const overLimit = reader.overLimit;
    const values = reader.values;
    reader.reset();
    if (overLimit) {
      problem = {
        line: recordStartLine,
        message: `A field is longer than ${PYTHON_FIELD_LIMIT.toLocaleString('en-US')} characters, which Together's reference checker cannot read (Python's csv field limit); shorten it or upload the data as JSONL.`,
      };
      return;
    }
    if (columns === null) {
      columns = fields;
      header = values;
      if (fields === 0)
        problem = {
          line: recordStartLine,
          message: 'The first row is empty: the file needs a header row naming its columns on line 1.',
        };
      return;
    }
    if (fields === 0) return; // DictReader skips blank rows
    samples += 1;
    if (fields !== columns) {
      problem = {
        line: recordStartLine,
        message: `Record ${samples} has ${fields} field${fields === 1 ? '' : 's'} but the header has ${columns}; every row needs one value per column (quote values that contain commas or line breaks).`,
      };
      return;
    }
    if (collector) {
      // As DictReader gives the row: by the header's names, the last of a repeated name winning.
      // No prototype: a column named __proto__ is a key like any other.
      const row = Object.create(null) as Record<string, unknown>;
      header.forEach((name, i) => (row[name] = values[i]));
      collector.add(row, undefined, recordStartLine);
    }
  };

  const read = await readLines(
    path,
    { end: bytes },
    {
      get wantsLines() {
        return problem === null;
      },
      line(data, start, end, line) {
        if (reader.state === 'startRecord') recordStartLine = line;
        lastLine = line;
        if (reader.feedLine(data.toString('utf8', start, end))) finishRecord();
      },
    },
    options,
  );
  if (!problem && read.overlong)
    problem = { line: read.overlong.line, message: overlongLineMessage(read.overlong.limit) };
  if (!problem && !read.utf8 && reader.finishAtEof()) finishRecord();
  if (!problem && !read.utf8) {
    if (columns === null) {
      problem = {
        line: 1,
        message:
          'The file has no header row: a CSV for evaluation needs a header naming its columns, then one row per sample.',
      };
    } else if (samples === 0) {
      problem = {
        line: Math.max(lastLine, 1),
        message: 'The file has a header but no data rows; it needs at least one sample.',
      };
    }
  }
  return { ...read, samples, problem, columns, ...(collector && !problem ? { review: collector.data() } : {}) };
}
