/** The pull-request steps of a run: keeping only the changed files, and the comment. Neither ever fails the step. */
import { messageOf } from '../error-text.js';
import type { MatchedFile } from '../files.js';
import type { Log } from '../log.js';
import type { FileResult } from '../result.js';
import { renderComment } from '../report/comment.js';
import type { SummaryContext } from '../report/summary.js';
import type { PullRequestSettings } from '../settings.js';
import { MAX_LISTED_FILES, type GitHubApi } from './api.js';

/**
 * changed-only: the matched files the pull request adds or changes. Every matched file when the list cannot be
 * had, or when GitHub's list is cut (it names at most 3,000 files): a file it leaves out must still be checked.
 */
export async function keepChangedFiles(
  files: MatchedFile[],
  pr: PullRequestSettings,
  github: GitHubApi,
  log: Log,
): Promise<MatchedFile[]> {
  try {
    const changed = await github.changedFiles(pr);
    if (!changed.complete) {
      log.warning(
        `changed-only: pull request #${pr.number} changes more files than GitHub lists (${MAX_LISTED_FILES.toLocaleString('en-US')}), so any matched file may be changed; taking all ${files.length} matched files.`,
      );
      return files;
    }
    const kept = files.filter((f) => changed.paths.has(f.path));
    log.info(
      `changed-only: ${kept.length} of ${files.length} matched files are changed by pull request #${pr.number}.`,
    );
    return kept;
  } catch (error) {
    log.warning(
      `Could not list the files of pull request #${pr.number} (${messageOf(error)}); taking every matched file.`,
    );
    return files;
  }
}

/** Keeps one comment on the pull request up to date. A fork's token may not write: then a warning, no failure. */
export async function commentOnPullRequest(
  results: FileResult[],
  context: SummaryContext,
  pr: PullRequestSettings,
  github: GitHubApi,
  log: Log,
): Promise<void> {
  try {
    const body = renderComment(results, context, pr.commentMarker, pr.runUrl);
    const how = await github.upsertComment(pr, pr.commentMarker, body);
    log.info(`The comment on pull request #${pr.number} was ${how}.`);
  } catch (error) {
    // GitHub's own words, and the fork hint only where GitHub refused the token (a fork's is read-only).
    const refused = (error as { status?: unknown }).status === 403;
    log.warning(
      `Could not comment on pull request #${pr.number}: ${messageOf(error)}.${refused ? ' A pull request from a fork gets a read-only token;' : ''} The results are in the job summary.`,
    );
  }
}
