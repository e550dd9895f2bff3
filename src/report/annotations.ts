/** Which problems become annotations on the pull request's files and lines. */
import type { FileResult } from '../result.js';
import { excerpt } from '../safe-text.js';

/** GitHub shows 10 annotations of each level per step; the rest would be dropped silently. */
export const MAX_ERROR_ANNOTATIONS = 10;
export const MAX_WARNING_ANNOTATIONS = 10;
/** GitHub cuts annotation messages at 4,096 characters; these stay far below, cut visibly. */
export const MAX_ANNOTATION_CHARS = 1000;

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  title: string;
  /** Workspace-relative, so it lands on the pull request's diff. */
  file: string;
  line: number | null;
  message: string;
}

/**
 * The first ten errors (in path order), the first ten dataset warnings on their lines, a notice for skipped files,
 * and how many errors and warnings were left out (all are in the job summary).
 */
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
  const warnings: Annotation[] = [];
  for (const r of results) {
    for (const warning of r.check?.warnings ?? []) {
      if (warnings.length >= MAX_WARNING_ANNOTATIONS) {
        notShown += 1;
        continue;
      }
      warnings.push({
        level: 'warning',
        title: `Dataset warning at line ${warning.line}`,
        file: r.path,
        line: warning.line,
        message: `${r.path}, line ${warning.line}: ${warning.message}`,
      });
    }
    notShown += r.check?.omitted_warnings ?? 0;
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
  const annotations = [...errors, ...warnings, ...notices].map((a) => ({
    ...a,
    title: excerpt(a.title),
    file: excerpt(a.file, MAX_ANNOTATION_CHARS),
    message: excerpt(a.message, MAX_ANNOTATION_CHARS),
  }));
  return { annotations, notShown };
}
