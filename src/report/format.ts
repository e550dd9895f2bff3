/** Small formatters shared by logs and the job summary. */
import type { Estimate } from '../result.js';
import { oneLine } from '../safe-text.js';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** Decimal units, as GitHub and most tools show sizes: 1.5 MB = 1,500,000 bytes. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** `850 ms`, `12.3 s`, `4 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const secs = totalSeconds % 60;
  if (minutes < 60) return `${minutes} min ${String(secs).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Throughput in MB/s. */
export function formatRate(bytes: number, ms: number): string {
  if (ms <= 0) return '— MB/s';
  return `${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s`;
}

/** Escapes text for HTML content and attribute values (the job summary renders HTML). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An estimate in a few words: `1,234,567 training tokens, $3.21` (with a warning when over the limit). */
export function describeEstimate(estimate: Estimate): string {
  if ('unavailable' in estimate) return `no estimate (${estimate.unavailable})`;
  const tokens =
    estimate.train_tokens === null
      ? 'tokens unknown'
      : `${estimate.train_tokens.toLocaleString('en-US')} training tokens`;
  const price =
    estimate.total_price === null
      ? 'price unknown'
      : estimate.total_price > 0 && estimate.total_price < 0.01
        ? 'under $0.01'
        : `$${estimate.total_price.toFixed(2)}`;
  const limit = estimate.allowed_to_proceed === false ? ": over the account's limit, a job would not start" : '';
  return `${tokens}, ${price}${limit}`;
}

/** A zero-width space: it keeps `@name`, `#123` and `https://` from being read as what they spell. */
const BREAK = '\u200b';

/**
 * Untrusted text for the job summary and the pull-request comment, to be placed inside the report's HTML (never in
 * markdown): on one line, so it cannot end the HTML block or the table; with a zero-width break after `@` and `#`,
 * inside `://`, `www.`, `](` and `![`, so that no `@mention` notifies anyone, no `#123` links an issue and no URL,
 * link or image appears (it reads the same); and HTML-escaped, so it cannot add markup.
 */
export function escapeText(text: string): string {
  return escapeHtml(
    oneLine(text)
      .replace(/[@#]/g, (c) => `${c}${BREAK}`)
      .replace(/\]\(|!\[/g, (pair) => `${pair[0]}${BREAK}${pair[1]}`)
      .replace(/:\/\//g, `:${BREAK}//`)
      .replace(/\b(www)\./gi, `$1${BREAK}.`),
  );
}
