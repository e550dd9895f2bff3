/** The pull-request comment: the summary's report in a smaller budget, a link to the run, and the marker that finds it again. */
import type { FileResult } from '../result.js';
import { escapeHtml } from './format.js';
import { renderSummary, type SummaryContext } from './summary.js';

/** GitHub refuses comments over 65,536 characters; a budget in bytes (never fewer than characters) keeps clear of it. */
export const MAX_COMMENT_BYTES = 60_000;
export const MAX_COMMENT_ROWS = 200;

export function renderComment(
  results: FileResult[],
  context: SummaryContext,
  marker: string,
  runUrl: string | undefined,
): string {
  const footer = runUrl
    ? `\n<sub>From [this run](${runUrl}); every file is in its job summary and the step's \`files\` output.</sub>\n`
    : '';
  const report = renderSummary(results, context, {
    maxBytes: MAX_COMMENT_BYTES - Buffer.byteLength(marker) - Buffer.byteLength(footer) - 1,
    rows: MAX_COMMENT_ROWS,
    failures: 30,
    reviewExamples: 3,
    everyFileIn: runUrl ? `<a href="${escapeHtml(runUrl)}">the job summary</a>` : 'the job summary',
  });
  return `${marker}\n${report}${footer}`;
}
