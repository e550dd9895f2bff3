/** Which problems become annotations on the pull request's files and lines. */
import type { FileResult } from '../result.js';

/** GitHub shows 10 error annotations per step; the rest would be dropped silently. */
export const MAX_ERROR_ANNOTATIONS = 10;

export interface Annotation {
  level: 'error' | 'notice';
  title: string;
  /** Workspace-relative, so it lands on the pull request's diff. */
  file: string;
  line: number | null;
  message: string;
}

/** The first ten errors (in path order), a notice for skipped files, and how many errors were left out. */
export function selectAnnotations(results: FileResult[]): { annotations: Annotation[]; notShown: number } {
  const errors: Annotation[] = [];
  let notShown = 0;
  for (const r of results) {
    if (!r.error || r.status === 'skipped') continue;
    if (errors.length >= MAX_ERROR_ANNOTATIONS) {
      notShown += 1;
      continue;
    }
    const checkFailed = r.check !== null && !r.check.passed;
    errors.push({
      level: 'error',
      title: checkFailed
        ? `Dataset check failed${r.check!.line ? ` at line ${r.check!.line}` : ''}`
        : `Upload ${r.status}`,
      file: r.path,
      line: checkFailed ? r.check!.line : null,
      message: r.error,
    });
  }
  const skipped = results.filter((r) => r.status === 'skipped');
  const notices: Annotation[] = skipped.length
    ? [
        {
          level: 'notice',
          title: 'Nothing uploaded',
          file: skipped[0]!.path,
          line: null,
          message: skipped[0]!.error ?? 'Not uploaded.',
        },
      ]
    : [];
  return { annotations: [...errors, ...notices], notShown };
}
