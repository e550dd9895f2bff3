/**
 * The job summary (and the pull-request comment, which is the same report with a smaller budget): a headline,
 * one table row per file, then the failures. It is budgeted in bytes: rows and failures are added while they fit,
 * the table is always closed, and a note says how many were left out and where they all are. Everything
 * user-supplied is escaped.
 */
import type { CheckLevel, Mode, Purpose } from '../domain.js';
import { handledFiles, isFailure, type FileResult, type FileStatus } from '../result.js';
import type { ValidationReport } from '../together/types.js';
import { describeEstimate, escapeHtml, escapeText, formatBytes, formatDuration } from './format.js';
import { renderReview } from './review.js';

export interface SummaryLimits {
  /** The whole report's size; GitHub drops a job summary over 1 MiB whole, and refuses comments over 65,536. */
  maxBytes: number;
  /** Table rows at most (fewer when the budget runs out first). */
  rows: number;
  /** Failures listed at most. */
  failures: number;
  /** Where every file can be found, for the notes on what was left out (HTML, trusted). */
  everyFileIn: string;
  /** Review examples shown per kind. */
  reviewExamples?: number;
}

/** Far below GitHub's 1 MiB, so that what the runner adds (other steps' summaries) still fits. */
export const SUMMARY_LIMITS: SummaryLimits = {
  maxBytes: 512 * 1024,
  rows: 1000,
  failures: 100,
  everyFileIn: "the step's <code>files</code> output",
};

const MAX_MESSAGE_CHARS = 600;
const MAX_PATH_CHARS = 300;
/** Room kept for what follows the rows: the closing tag, the notes, the failures' heading and their notes. */
const RESERVED_BYTES = 2048;

const STATUS_LABEL: Record<FileStatus, string> = {
  processed: '✅ processed',
  uploaded: '⬆️ uploaded',
  checked: '✅ passed',
  rejected: '❌ rejected',
  failed: '❌ failed',
  timeout: '⏱️ timeout',
  skipped: '⏭️ skipped',
  cancelled: '🚫 cancelled',
  deleted: '🗑️ deleted',
};

export interface SummaryContext {
  mode: Mode;
  purpose: Purpose;
  wait: boolean;
  check: CheckLevel;
  /** Set when the outputs could not list every file (GitHub's 1 MB): how many they hold, and the manifest. */
  outputsCut?: { files: number; total: number; manifestPath: string } | undefined;
}

/** Renders the report as GitHub-flavoured Markdown with an HTML table, within `limits.maxBytes`. */
export function renderSummary(
  all: FileResult[],
  context: SummaryContext,
  limits: SummaryLimits = SUMMARY_LIMITS,
): string {
  // Deleted datasets have a row in the review only.
  const results = handledFiles(all);
  const out = new BudgetedLines(limits.maxBytes);
  out.push(`## ${escapeHtml(headline(results, context))}`, '');
  if (results.length === 0) {
    out.push(
      `No files matched the \`path\` input, so nothing was ${context.mode === 'check' ? 'checked' : 'uploaded'}.`,
    );
    return out.text();
  }
  const totalBytes = results.reduce((sum, r) => sum + r.bytes, 0);
  const checking = context.mode === 'check';
  const estimating = results.some((r) => r.estimate !== null);
  const checks = context.check === 'off' ? 'checks off' : `${context.check} checks`;
  out.push(
    `Purpose <code>${escapeHtml(context.purpose)}</code> · ${results.length} file${plural(results.length)} · ${formatBytes(totalBytes)} · ${checks}${checking || context.wait ? '' : ' · not waiting for processing'}`,
    '',
    '<table>',
    checking
      ? '<tr><th>File</th><th>Type</th><th>Size</th><th>Format</th><th>Samples</th><th>Verdict</th></tr>'
      : `<tr><th>File</th><th>Type</th><th>Size</th><th>Samples</th><th>File ID</th><th>Status</th><th>Together's report</th>${estimating ? '<th>Estimate</th>' : ''}<th>Time</th></tr>`,
  );
  if (context.outputsCut) {
    const { files, total, manifestPath } = context.outputsCut;
    out.push(
      `The <code>files</code> output lists the first ${files} of ${total} files (GitHub keeps at most 1 MB of a job's outputs); the manifest, <code>${escapeText(manifestPath)}</code>, has every file.`,
      '',
    );
  }
  const failures = results.filter(isFailure);
  // The failures' heading and first entries matter more than the last rows of a long table.
  const keepForFailures = failures.length > 0 ? Math.min(8 * 1024, Math.floor(limits.maxBytes / 4)) : 0;
  let shown = 0;
  for (const r of results.slice(0, limits.rows)) {
    const line = row(r, checking, estimating);
    if (!out.fits(line, RESERVED_BYTES + keepForFailures)) break;
    out.push(line);
    shown += 1;
  }
  out.push('</table>', '');
  if (shown < results.length) {
    const more = results.length - shown;
    out.push(`… and ${more} more file${plural(more)} not shown here: every file is in ${limits.everyFileIn}.`, '');
  }

  if (failures.length > 0) {
    out.push(`### ${failures.length} file${plural(failures.length)} failed`, '', '<ul>');
    let listed = 0;
    for (const r of failures.slice(0, limits.failures)) {
      const item = `<li><code>${escapeText(clip(r.path, MAX_PATH_CHARS))}</code> (${r.status}): ${escapeText(clip(r.error ?? 'no details', MAX_MESSAGE_CHARS))}</li>`;
      if (!out.fits(item, RESERVED_BYTES / 2)) break;
      out.push(item);
      listed += 1;
    }
    if (listed < failures.length)
      out.push(`<li>… and ${failures.length - listed} more: see ${limits.everyFileIn}.</li>`);
    out.push('</ul>', '');
  }
  const warned = results.filter((r) => (r.check?.warnings.length ?? 0) > 0);
  if (warned.length > 0) {
    const total = warned.reduce((sum, r) => sum + r.check!.warnings.length + r.check!.omitted_warnings, 0);
    out.push(
      `### ${total} warning${plural(total)}`,
      '',
      "Rules only some of Together's sources state; the files still pass, and Together's server has the last word.",
      '',
      '<ul>',
    );
    let listed = 0;
    let budgetLeft = true;
    for (const r of warned) {
      for (const w of r.check!.warnings) {
        if (listed >= limits.failures) break;
        const item = `<li><code>${escapeText(clip(r.path, MAX_PATH_CHARS))}</code>, line ${w.line}: ${escapeText(clip(w.message, MAX_MESSAGE_CHARS))}</li>`;
        if (!out.fits(item, RESERVED_BYTES / 2)) {
          budgetLeft = false;
          break;
        }
        out.push(item);
        listed += 1;
      }
      if (!budgetLeft || listed >= limits.failures) break;
    }
    if (listed < total) out.push(`<li>… and ${total - listed} more: see ${limits.everyFileIn}.</li>`);
    out.push('</ul>', '');
  }

  out.push(...renderReview(all, { maxBytes: out.left(RESERVED_BYTES / 2), examples: limits.reviewExamples ?? 5 }));
  return out.text();
}

function row(r: FileResult, checking: boolean, estimating: boolean): string {
  const file = `<td><code>${escapeText(clip(r.path, MAX_PATH_CHARS))}</code></td><td>${r.file_type ?? '—'}</td><td>${formatBytes(r.bytes)}</td>`;
  const samples = `<td>${r.check ? r.check.samples.toLocaleString('en-US') : '—'}</td>`;
  if (checking) return `<tr>${file}<td>${escapeText(r.check?.format ?? '—')}</td>${samples}<td>${verdict(r)}</td></tr>`;
  return (
    `<tr>${file}${samples}<td>${r.id ? `<code>${escapeText(clip(r.id, 80))}</code>` : '—'}</td><td>${r.reused ? '♻️ reused' : STATUS_LABEL[r.status]}</td>` +
    `<td>${escapeText(describeValidationReport(r.validation_report))}</td>` +
    (estimating ? `<td>${r.estimate ? escapeText(describeEstimate(r.estimate)) : '—'}</td>` : '') +
    `<td>${r.duration_ms === null ? '—' : formatDuration(r.duration_ms)}</td></tr>`
  );
}

/** Lines that keep count of their size in bytes (UTF-8), as GitHub measures it. */
class BudgetedLines {
  private readonly lines: string[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Whether `line` still fits with `reserve` bytes left over. */
  fits(line: string, reserve: number): boolean {
    return this.bytes + Buffer.byteLength(line) + 1 + reserve <= this.maxBytes;
  }

  /** Bytes left after keeping `reserve`. */
  left(reserve: number): number {
    return Math.max(0, this.maxBytes - this.bytes - reserve);
  }

  push(...lines: string[]): void {
    for (const line of lines) {
      this.lines.push(line);
      this.bytes += Buffer.byteLength(line) + 1;
    }
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

const REPORT_FLAGS: ReadonlyArray<readonly [keyof ValidationReport, string]> = [
  ['dataset_has_tools', 'tools'],
  ['dataset_has_parallel_tool_calls', 'parallel tool calls'],
  ['dataset_has_reasoning', 'reasoning'],
  ['dataset_has_message_weights', 'message weights'],
  ['dataset_has_sample_weights', 'sample weights'],
  ['dataset_is_multimodal', 'images'],
];

/** Together's validation report in a few words: `conversation, 7,199 lines: tools, reasoning`; `—` without one. */
export function describeValidationReport(report: ValidationReport | null): string {
  if (!report) return '—';
  const head = [
    typeof report.dataset_format === 'string' ? clip(report.dataset_format, 40) : undefined,
    typeof report.nlines === 'number' ? `${report.nlines.toLocaleString('en-US')} lines` : undefined,
  ].filter(Boolean);
  const flags = REPORT_FLAGS.filter(([key]) => report[key] === true).map(([, label]) => label);
  const text = [head.join(', '), flags.join(', ')].filter(Boolean).join(': ');
  return text || (report.valid ? 'valid' : 'invalid');
}

function verdict(result: FileResult): string {
  const warnings = (result.check?.warnings.length ?? 0) + (result.check?.omitted_warnings ?? 0);
  if (result.status === 'checked')
    return warnings ? `${STATUS_LABEL.checked}, ${warnings} warning${plural(warnings)}` : STATUS_LABEL.checked;
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

/** At most `max` characters, the cut shown. */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}
