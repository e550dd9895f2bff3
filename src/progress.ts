/** Progress lines for long uploads, so slow is not mistaken for stuck. */
import { formatBytes, formatDuration } from './report/format.js';

export const PROGRESS_INTERVAL_MS = 5000;

/**
 * Returns a callback for the running byte count. Nothing is logged for an upload that ends within the first
 * interval; after that, a line every interval: bytes, percent, MB/s and time left.
 */
export function progressReporter(
  total: number,
  log: (line: string) => void,
  now: () => number,
  intervalMs = PROGRESS_INTERVAL_MS,
): (sent: number) => void {
  const started = now();
  let lastReport = started;
  return (sent) => {
    const at = now();
    if (at - lastReport < intervalMs || sent >= total) return;
    lastReport = at;
    const elapsed = Math.max(1, at - started);
    const rate = sent / (elapsed / 1000);
    const left = rate > 0 ? ((total - sent) / rate) * 1000 : Infinity;
    log(
      `${formatBytes(sent)} of ${formatBytes(total)} (${Math.floor((sent / total) * 100)}%), ${(rate / 1e6).toFixed(1)} MB/s, ` +
        `${Number.isFinite(left) ? formatDuration(left) : 'unknown time'} left`,
    );
  };
}
