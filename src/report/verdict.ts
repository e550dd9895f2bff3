/** The step's verdict: the message that fails it, naming every file that did not make it. */
import type { Mode } from '../domain.js';
import { failedByReview, isFailure, type FileResult } from '../result.js';

const MAX_NAMED = 20;

/** undefined when every file succeeded. In check mode it speaks of the check: nothing was to be uploaded. */
export function failureMessage(results: FileResult[], mode: Mode = 'upload'): string | undefined {
  const failed = results.filter(isFailure);
  if (failed.length === 0) return undefined;
  const named = failed
    .slice(0, MAX_NAMED)
    .map((r) => `${r.path} (${r.check?.passed === false ? 'check failed' : failedByReview(r) ? 'fail-on' : r.status})`);
  const more = failed.length > MAX_NAMED ? `, and ${failed.length - MAX_NAMED} more` : '';
  const files = `${failed.length} of ${results.length} file${results.length === 1 ? '' : 's'}`;
  const what = mode === 'check' ? `failed the dataset check` : 'did not make it';
  return `${files} ${what}: ${named.join(', ')}${more}. See the errors above and the job summary.`;
}
