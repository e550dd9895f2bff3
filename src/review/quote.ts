/** Quoting lines of a dataset for the review's examples, reading as little of the file as its line index allows. */
import { stat } from 'node:fs/promises';
import { readLines } from '../check/lines.js';
import { excerpt } from '../safe-text.js';

/**
 * The wanted lines of a file as excerpts (120 characters, one line, escaped). With the check's `lineIndex`, only
 * the ranges holding them are read (a few MiB each), not the file up to the last one.
 */
export async function quoteLines(
  file: string,
  lines: number[],
  lineIndex?: Float64Array,
): Promise<Map<number, string>> {
  const quoted = new Map<number, string>();
  if (lines.length === 0) return quoted;
  const { size } = await stat(file);
  const spans = new Map<number, Set<number>>();
  for (const line of lines) {
    const span = lineIndex ? spanOf(lineIndex, line) : 0;
    spans.set(span, (spans.get(span) ?? new Set()).add(line));
  }
  for (const [span, wanted] of [...spans].sort((a, b) => a[0] - b[0])) {
    const start = lineIndex?.[2 * span] ?? 0;
    const end = lineIndex && 2 * span + 2 < lineIndex.length ? lineIndex[2 * span + 2]! : size;
    await quoteSpan(file, { start, end }, lineIndex?.[2 * span + 1] ?? 0, wanted, quoted);
  }
  return quoted;
}

/** The range of a line index holding the line: the last whose lines before it are fewer. */
function spanOf(lineIndex: Float64Array, line: number): number {
  let low = 0;
  let high = lineIndex.length / 2 - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (lineIndex[2 * middle + 1]! < line) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Quotes the wanted lines of one range (`linesBefore` it), stopping once all are quoted. */
async function quoteSpan(
  file: string,
  range: { start: number; end: number },
  linesBefore: number,
  wanted: Set<number>,
  quoted: Map<number, string>,
): Promise<void> {
  let found = 0;
  // Stop reading once every wanted line is quoted (the read checks the signal between slices).
  const done = new AbortController();
  try {
    await readLines(
      file,
      range,
      {
        get wantsLines() {
          return found < wanted.size;
        },
        line(data, start, end, line) {
          if (!wanted.has(linesBefore + line)) return;
          quoted.set(linesBefore + line, excerpt(data.toString('utf8', start, Math.min(end, start + 4096))));
          found += 1;
          if (found === wanted.size) done.abort();
        },
      },
      { signal: done.signal },
    );
  } catch (error) {
    if (!done.signal.aborted) throw error;
  }
}
