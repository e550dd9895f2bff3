/** The job summary: a headline, one table row per file, then the failures. Everything user-supplied is escaped. */
import type { Purpose } from '../inputs.js';
import { isFailure, type FileResult, type FileStatus } from '../results.js';
import { escapeHtml, formatBytes, formatDuration } from './format.js';

/** Keeps the summary far below GitHub's 1 MiB limit (over it, the whole summary is dropped). */
export const MAX_TABLE_ROWS = 1000;
export const MAX_LISTED_FAILURES = 100;
const MAX_MESSAGE_CHARS = 600;

const STATUS_LABEL: Record<FileStatus, string> = {
  processed: '✅ processed',
  uploaded: '⬆️ uploaded',
  rejected: '❌ rejected',
  failed: '❌ failed',
  timeout: '⏱️ timeout',
  skipped: '⏭️ skipped',
};

export interface SummaryContext {
  purpose: Purpose;
  wait: boolean;
}

/** Renders the summary as GitHub-flavoured Markdown with an HTML table. */
export function renderSummary(results: FileResult[], context: SummaryContext): string {
  const lines = [`## ${escapeHtml(headline(results, context))}`, ''];
  if (results.length === 0) {
    lines.push('No files matched the `path` input, so nothing was uploaded.');
    return `${lines.join('\n')}\n`;
  }
  const totalBytes = results.reduce((sum, r) => sum + r.bytes, 0);
  lines.push(
    `Purpose <code>${escapeHtml(context.purpose)}</code> · ${results.length} file${plural(results.length)} · ${formatBytes(totalBytes)}${context.wait ? '' : ' · not waiting for processing'}`,
    '',
    '<table>',
    '<tr><th>File</th><th>Type</th><th>Size</th><th>File ID</th><th>Status</th><th>Time</th></tr>',
  );
  for (const r of results.slice(0, MAX_TABLE_ROWS)) {
    lines.push(
      `<tr><td><code>${escapeHtml(r.path)}</code></td><td>${r.file_type ?? '—'}</td><td>${formatBytes(r.bytes)}</td>` +
        `<td>${r.id ? `<code>${escapeHtml(r.id)}</code>` : '—'}</td><td>${STATUS_LABEL[r.status]}</td>` +
        `<td>${r.duration_ms === null ? '—' : formatDuration(r.duration_ms)}</td></tr>`,
    );
  }
  lines.push('</table>', '');
  if (results.length > MAX_TABLE_ROWS) {
    lines.push(`… and ${results.length - MAX_TABLE_ROWS} more files: every file is in the step's \`files\` output.`, '');
  }

  const failures = results.filter(isFailure);
  if (failures.length > 0) {
    lines.push(`### ${failures.length} file${plural(failures.length)} failed`, '');
    for (const r of failures.slice(0, MAX_LISTED_FAILURES)) {
      lines.push(`- <code>${escapeHtml(r.path)}</code> (${r.status}): ${escapeHtml(clip(r.error ?? 'no details'))}`);
    }
    if (failures.length > MAX_LISTED_FAILURES) {
      lines.push(`- … and ${failures.length - MAX_LISTED_FAILURES} more: see the \`files\` output.`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function headline(results: FileResult[], context: SummaryContext): string {
  if (results.length === 0) return 'Together upload: no files';
  const count = (status: FileStatus) => results.filter((r) => r.status === status).length;
  const done = context.wait ? `${count('processed')} processed` : `${count('uploaded')} uploaded`;
  const failed = results.filter(isFailure).length;
  return `Together upload: ${done} of ${results.length} file${plural(results.length)}${failed ? `, ${failed} failed` : ''}`;
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}
