/**
 * The two GitHub calls the action makes, through @actions/github (loaded only when a pull request needs it):
 * the pull request's changed files, and one comment kept up to date.
 */
import type { PullRequestRef } from './pull-request.js';

export interface GitHubApi {
  /** Paths the pull request adds or changes (all pages; removed files are left out). */
  changedFiles(pr: PullRequestRef): Promise<Set<string>>;
  /**
   * Updates this token's own comment that holds `marker` (never another user's, whatever it holds), or creates one.
   */
  upsertComment(pr: PullRequestRef, marker: string, body: string): Promise<'created' | 'updated'>;
}

/** The login of the job's GITHUB_TOKEN when it writes a comment. */
export const GITHUB_ACTIONS_BOT = 'github-actions[bot]';

export async function createGitHubApi(token: string): Promise<GitHubApi> {
  const github = await import('@actions/github');
  const octokit = github.getOctokit(token);
  let login: Promise<string> | undefined;
  /**
   * Who this token writes as: a user's token says (`GET /user`); the job's GITHUB_TOKEN, an installation token, has
   * no user and writes as `github-actions[bot]`.
   */
  const ownLogin = () =>
    (login ??= octokit.rest.users
      .getAuthenticated()
      .then((answer) => answer.data.login)
      .catch(() => GITHUB_ACTIONS_BOT));
  return {
    async changedFiles(pr) {
      const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
        owner: pr.owner,
        repo: pr.repo,
        pull_number: pr.number,
        per_page: 100,
      });
      return new Set(files.filter((f) => f.status !== 'removed').map((f) => f.filename));
    },
    async upsertComment(pr, marker, body) {
      const comments = await octokit.paginate(octokit.rest.issues.listComments, {
        owner: pr.owner,
        repo: pr.repo,
        issue_number: pr.number,
        per_page: 100,
      });
      const self = await ownLogin();
      const mine = comments.find((c) => c.user?.login === self && c.body?.includes(marker));
      if (mine) {
        await octokit.rest.issues.updateComment({ owner: pr.owner, repo: pr.repo, comment_id: mine.id, body });
        return 'updated';
      }
      await octokit.rest.issues.createComment({ owner: pr.owner, repo: pr.repo, issue_number: pr.number, body });
      return 'created';
    },
  };
}
