/** The step's verdict: the message that fails it, naming every file that did not make it. */
import { isFailure, type FileResult } from '../result.js';

const MAX_NAMED = 20;

/** undefined when every file succeeded. */
export function failureMessage(results: FileResult[]): string | undefined {
  const failed = results.filter(isFailure);
  if (failed.length === 0) return undefined;
  const named = failed.slice(0, MAX_NAMED).map((r) => `${r.path} (${r.status})`);
  const more = failed.length > MAX_NAMED ? `, and ${failed.length - MAX_NAMED} more` : '';
  return `${failed.length} of ${results.length} file${results.length === 1 ? '' : 's'} did not make it: ${named.join(', ')}${more}. See the errors above and the job summary.`;
}
