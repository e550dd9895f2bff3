/** Which problems become annotations on the pull request's files and lines. */
import { failedByReview, type FileResult } from '../result.js';
import { excerpt } from '../safe-text.js';
import type { FirstLines } from '../review/analysis.js';

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
export function selectAnnotations(
  results: FileResult[],
  reviewLines: ReadonlyMap<string, FirstLines> = new Map(),
): { annotations: Annotation[]; notShown: number } {
  const errors: Annotation[] = [];
  let notShown = 0;
  for (const r of results) {
    if (!r.error || r.status === 'skipped') continue;
    if (errors.length >= MAX_ERROR_ANNOTATIONS) {
      notShown += 1;
      continue;
    }
    const checkFailed = r.check !== null && !r.check.passed;
    const gated = failedByReview(r);
    errors.push({
      level: 'error',
      title: checkFailed
        ? `Dataset check failed${r.check!.line ? ` at line ${r.check!.line}` : ''}`
        : gated
          ? 'Dataset review failed (fail-on)'
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
    const first = reviewLines.get(r.path);
    if (!r.review || !first) continue;
    for (const warning of reviewWarnings(r.path, r.review, first)) {
      if (warnings.length >= MAX_WARNING_ANNOTATIONS) notShown += 1;
      else warnings.push(warning);
    }
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

/** Duplicates, conflicts and overlap: warnings (Together accepts them) on the first line concerned. */
export function reviewWarnings(
  path: string,
  review: NonNullable<FileResult['review']>,
  first: FirstLines,
): Annotation[] {
  const out: Annotation[] = [];
  const s = (n: number) => (n === 1 ? '' : 's');
  if (review.duplicates !== null && review.duplicates > 0 && first.duplicate) {
    out.push({
      level: 'warning',
      title: `${review.duplicates} duplicate sample${s(review.duplicates)}`,
      file: path,
      line: first.duplicate.line,
      message: `${path}, line ${first.duplicate.line}: the same sample as line ${first.duplicate.repeats} (${review.duplicates} duplicate${s(review.duplicates)} in the file; key order and spacing do not count). Remove the repeats, or add fail-on: duplicates to refuse them.`,
    });
  }
  if (review.conflicts !== null && review.conflicts > 0 && first.conflict !== null) {
    out.push({
      level: 'warning',
      title: `${review.conflicts} prompt${s(review.conflicts)} with conflicting answers`,
      file: path,
      line: first.conflict,
      message: `${path}, line ${first.conflict}: this prompt appears earlier in the file with another answer (${review.conflicts} prompt${s(review.conflicts)} with two or more answers).`,
    });
  }
  const others = Object.entries(review.overlap);
  if (others.length > 0 && first.overlap !== null) {
    const [name, counts] = others[0]!;
    out.push({
      level: 'warning',
      title: `Samples shared with ${others.length} other file${s(others.length)}`,
      file: path,
      line: first.overlap,
      message: `${path}, line ${first.overlap}: shared with ${name} (${counts.samples} sample${s(counts.samples)} whole, ${counts.prompts} prompt${s(counts.prompts)})${others.length > 1 ? ` and ${others.length - 1} more file${s(others.length - 1)}` : ''}; a prompt in both training and evaluation data inflates the evaluation.`,
    });
  }
  return out;
}
