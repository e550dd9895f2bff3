/** The job summary: a headline, one table row per file, then the failures. Everything user-supplied is escaped. */
import type { CheckLevel } from '../domain.js';
import type { Mode, Purpose } from '../domain.js';
import { isFailure, type FileResult, type FileStatus } from '../result.js';
import { escapeHtml, formatBytes, formatDuration } from './format.js';

/** Keeps the summary far below GitHub's 1 MiB limit (over it, the whole summary is dropped). */
export const MAX_TABLE_ROWS = 1000;
export const MAX_LISTED_FAILURES = 100;
const MAX_MESSAGE_CHARS = 600;

const STATUS_LABEL: Record<FileStatus, string> = {
  processed: '✅ processed',
  uploaded: '⬆️ uploaded',
  checked: '✅ passed',
  rejected: '❌ rejected',
  failed: '❌ failed',
  timeout: '⏱️ timeout',
  skipped: '⏭️ skipped',
  cancelled: '🚫 cancelled',
};

export interface SummaryContext {
  mode: Mode;
  purpose: Purpose;
  wait: boolean;
  check: CheckLevel;
}

export interface SummaryLimits {
  rows: number;
  failures: number;
}

/** Renders the summary as GitHub-flavoured Markdown with an HTML table. */
export function renderSummary(
  results: FileResult[],
  context: SummaryContext,
  limits: SummaryLimits = { rows: MAX_TABLE_ROWS, failures: MAX_LISTED_FAILURES },
): string {
  const lines = [`## ${escapeHtml(headline(results, context))}`, ''];
  if (results.length === 0) {
    lines.push(
      `No files matched the \`path\` input, so nothing was ${context.mode === 'check' ? 'checked' : 'uploaded'}.`,
    );
    return `${lines.join('\n')}\n`;
  }
  const totalBytes = results.reduce((sum, r) => sum + r.bytes, 0);
  const checking = context.mode === 'check';
  const checks = context.check === 'off' ? 'checks off' : `${context.check} checks`;
  lines.push(
    `Purpose <code>${escapeHtml(context.purpose)}</code> · ${results.length} file${plural(results.length)} · ${formatBytes(totalBytes)} · ${checks}${checking || context.wait ? '' : ' · not waiting for processing'}`,
    '',
    '<table>',
    checking
      ? '<tr><th>File</th><th>Type</th><th>Size</th><th>Format</th><th>Samples</th><th>Verdict</th></tr>'
      : '<tr><th>File</th><th>Type</th><th>Size</th><th>Samples</th><th>File ID</th><th>Status</th><th>Time</th></tr>',
  );
  for (const r of results.slice(0, limits.rows)) {
    const file = `<td><code>${escapeHtml(r.path)}</code></td><td>${r.file_type ?? '—'}</td><td>${formatBytes(r.bytes)}</td>`;
    const samples = `<td>${r.check ? r.check.samples.toLocaleString('en-US') : '—'}</td>`;
    lines.push(
      checking
        ? `<tr>${file}<td>${escapeHtml(r.check?.format ?? '—')}</td>${samples}<td>${verdict(r)}</td></tr>`
        : `<tr>${file}${samples}<td>${r.id ? `<code>${escapeHtml(r.id)}</code>` : '—'}</td><td>${r.reused ? '♻️ reused' : STATUS_LABEL[r.status]}</td>` +
            `<td>${r.duration_ms === null ? '—' : formatDuration(r.duration_ms)}</td></tr>`,
    );
  }
  lines.push('</table>', '');
  if (results.length > MAX_TABLE_ROWS) {
    lines.push(
      `… and ${results.length - MAX_TABLE_ROWS} more files: every file is in the step's \`files\` output.`,
      '',
    );
  }

  const failures = results.filter(isFailure);
  if (failures.length > 0) {
    lines.push(`### ${failures.length} file${plural(failures.length)} failed`, '');
    for (const r of failures.slice(0, limits.failures)) {
      lines.push(`- <code>${escapeHtml(r.path)}</code> (${r.status}): ${escapeHtml(clip(r.error ?? 'no details'))}`);
    }
    if (failures.length > limits.failures) {
      lines.push(`- … and ${failures.length - limits.failures} more: see the \`files\` output.`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function verdict(result: FileResult): string {
  if (result.status === 'checked') return STATUS_LABEL.checked;
  return result.check?.line ? `❌ line ${result.check.line}` : '❌ failed';
}

function headline(results: FileResult[], context: SummaryContext): string {
  if (context.mode === 'check') {
    const passed = results.filter((r) => r.status === 'checked').length;
    if (results.length === 0) return 'Together dataset check: no files';
    const failed = results.length - passed;
    return `Together dataset check: ${passed} of ${results.length} file${plural(results.length)} passed${failed ? `, ${failed} failed` : ''}`;
  }
  if (results.length === 0) return 'Together upload: no files';
  const count = (status: FileStatus) => results.filter((r) => r.status === status).length;
  const reused = results.filter((r) => r.reused).length;
  const done = context.wait ? `${count('processed')} processed` : `${count('uploaded')} uploaded`;
  const failed = results.filter(isFailure).length;
  return `Together upload: ${done} of ${results.length} file${plural(results.length)}${reused ? `, ${reused} reused` : ''}${failed ? `, ${failed} failed` : ''}`;
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}
