/** The pull-request comment: the summary's table, a link to the run, and the marker that finds it again. */
import type { FileResult } from '../result.js';
import { renderSummary, type SummaryContext } from './summary.js';

/** GitHub refuses comments over 65,536 characters. */
export const MAX_COMMENT_CHARS = 60_000;

export function renderComment(
  results: FileResult[],
  context: SummaryContext,
  marker: string,
  runUrl: string | undefined,
): string {
  const table = renderSummary(results, context, { rows: 200, failures: 30 });
  const footer = runUrl
    ? `\n<sub>From [this run](${runUrl}); every file is in its job summary and the step's \`files\` output.</sub>\n`
    : '';
  const body = `${marker}\n${table}${footer}`;
  return body.length <= MAX_COMMENT_CHARS
    ? body
    : `${body.slice(0, MAX_COMMENT_CHARS)}\n\n… (cut: see the job summary)\n`;
}
