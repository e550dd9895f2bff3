/**
 * The dataset review in the job summary and the comment: one table row per file (every fact, for e-mail and mobile
 * readers), then per file a `<details>` block with examples and a Mermaid chart of characters per sample. Within
 * the budget given, cut in this order: examples first, then charts, then rows.
 */
import type { FileResult } from '../result.js';
import type { FileReview, ReviewExample, ReviewStats } from '../review/analysis.js';
import { escapeText } from './format.js';

const MAX_PATH_CHARS = 200;

export interface ReviewLimits {
  /** Bytes the section may take. */
  maxBytes: number;
  /** Examples shown per kind (added, removed, modified). */
  examples: number;
}

/** The section's lines, or none when no file was reviewed. */
export function renderReview(results: FileResult[], limits: ReviewLimits): string[] {
  const reviewed = results.filter((r): r is FileResult & { review: FileReview } => r.review !== null);
  if (reviewed.length === 0) return [];
  const bytes = (lines: string[]) => lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
  const head = [
    '### Dataset review',
    '',
    '<table>',
    '<tr><th>File</th><th>Samples (base → head)</th><th>Added</th><th>Removed</th><th>Modified</th><th>Duplicates</th><th>Conflicts</th><th>Overlap</th></tr>',
  ];
  const rows: string[] = [];
  let used = bytes(head) + 200;
  for (const r of reviewed) {
    const line = row(r);
    if (used + Buffer.byteLength(line) + 1 > limits.maxBytes) break;
    rows.push(line);
    used += Buffer.byteLength(line) + 1;
  }
  if (rows.length === 0) {
    const note = `<sub>The dataset review of ${reviewed.length} file${reviewed.length === 1 ? '' : 's'} did not fit here: it is in the step's <code>files</code> output and the manifest.</sub>`;
    return Buffer.byteLength(note) + 2 <= limits.maxBytes ? [note, ''] : [];
  }
  const table = [...head, ...rows, '</table>', ''];
  if (rows.length < reviewed.length)
    table.push(
      `… and ${reviewed.length - rows.length} more reviewed files: every review is in the step's <code>files</code> output.`,
      '',
    );
  const left = limits.maxBytes - bytes(table);
  for (const level of [
    { examples: limits.examples, chart: true },
    { examples: 0, chart: true },
  ]) {
    const details = reviewed.slice(0, rows.length).flatMap((r) => detailsOf(r, level));
    if (bytes(details) <= left) return [...table, ...details];
  }
  return [
    ...table,
    "<sub>Examples and charts left out to keep within GitHub's size limit: they are in the job summary and the <code>files</code> output.</sub>",
    '',
  ];
}

function cell(text: string | number): string {
  return `<td>${typeof text === 'number' ? text.toLocaleString('en-US') : text}</td>`;
}

function count(value: number | null): string {
  return value === null ? '—' : value.toLocaleString('en-US');
}

function row(r: FileResult & { review: FileReview }): string {
  const review = r.review;
  const head = review.samples.toLocaleString('en-US');
  let samples: string;
  if (r.status === 'deleted')
    samples = `${review.base ? review.base.samples.toLocaleString('en-US') : '?'} → 0 (deleted)`;
  else if (review.base) {
    const difference = review.samples - review.base.samples;
    samples = `${review.base.samples.toLocaleString('en-US')} → ${head} (${difference >= 0 ? '+' : '−'}${Math.abs(difference).toLocaleString('en-US')})`;
  } else samples = `${head} (${review.base_note?.startsWith('new file') ? 'new file' : 'no base'})`;
  const overlap = Object.entries(review.overlap)
    .slice(0, 5)
    .map(
      ([other, o]) =>
        `<code>${escapeText(clip(other, 80))}</code>: ${plural(o.samples, 'sample')}, ${plural(o.prompts, 'prompt')}`,
    );
  const more = Object.keys(review.overlap).length - overlap.length;
  if (more > 0) overlap.push(`and ${more} more files`);
  return (
    `<tr><td><code>${escapeText(clip(r.path, MAX_PATH_CHARS))}</code></td>` +
    cell(samples) +
    cell(count(review.added)) +
    cell(count(review.removed)) +
    cell(count(review.modified)) +
    cell(count(review.duplicates)) +
    cell(count(review.conflicts)) +
    cell(overlap.length ? overlap.join('<br>') : '—') +
    '</tr>'
  );
}

function detailsOf(r: FileResult & { review: FileReview }, level: { examples: number; chart: boolean }): string[] {
  const review = r.review;
  const lines = [
    `<details><summary><code>${escapeText(clip(r.path, MAX_PATH_CHARS))}</code>: ${escapeText(r.status === 'deleted' ? `deleted; the base version: ${review.base ? statsLine(review.base.stats) : 'not read'}` : statsLine(review.stats))}</summary>`,
    '',
  ];
  if (review.base_note) lines.push(`<p>${escapeText(review.base_note)}</p>`, '');
  if (level.chart && review.stats.histogram.length > 0)
    lines.push(...chart(review.stats.histogram, review.base?.stats.histogram), '');
  if (level.examples > 0) {
    const kinds: Array<[string, ReviewExample[], string]> = [
      ['Added', review.examples.added, 'line'],
      ['Removed', review.examples.removed, 'base line'],
      ['Modified (same prompt, new answer)', review.examples.modified, 'line'],
    ];
    for (const [title, examples, where] of kinds) {
      if (examples.length === 0) continue;
      lines.push(`<p><b>${title}</b></p>`, '<ul>');
      for (const example of examples.slice(0, level.examples))
        lines.push(`<li>${where} ${example.line}: <code>${escapeText(example.excerpt)}</code></li>`);
      lines.push('</ul>', '');
    }
  }
  lines.push('</details>', '');
  return lines;
}

function statsLine(s: ReviewStats): string {
  const parts = [`${s.format ?? 'unknown format'}`];
  if (s.characters)
    parts.push(
      `characters per sample ${s.characters.min}–${s.characters.max}, median ${s.characters.median}, p95 ${s.characters.p95}`,
    );
  if (s.messages) parts.push(`messages ${s.messages.min}–${s.messages.max}, median ${s.messages.median}`);
  if (s.without_system !== undefined) parts.push(`${s.without_system} without a system message`);
  if (s.without_user) parts.push(`${s.without_user} without a user message`);
  if (s.with_tool_calls) parts.push(`${s.with_tool_calls} with tool calls`);
  if (s.with_weights) parts.push(`${s.with_weights} with weights`);
  return parts.join(' · ');
}

/** A Mermaid xychart-beta: the head's bins as bars, the base's as a line. Labels are numbers only. */
function chart(head: number[], base: number[] | undefined): string[] {
  const length = Math.max(head.length, base?.length ?? 0);
  // From the first bin either side has samples in.
  const firstBin = (bins: number[]) => {
    const k = bins.findIndex((samples) => samples > 0);
    return k < 0 ? length : k;
  };
  const from = Math.min(firstBin(head), base ? firstBin(base) : length);
  const bins = Array.from({ length: length - from }, (_, i) => from + i);
  const label = (k: number) => (k === 0 ? '0' : k === 1 ? '1' : `${2 ** (k - 1)}-${2 ** k - 1}`);
  const counts = (side: number[]) => bins.map((k) => side[k] ?? 0).join(', ');
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Characters per sample"',
    `  x-axis [${bins.map((k) => `"${label(k)}"`).join(', ')}]`,
    '  y-axis "Samples"',
    `  bar [${counts(head)}]`,
    ...(base ? [`  line [${counts(base)}]`] : []),
    '```',
  ];
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
