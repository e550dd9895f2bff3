/**
 * The GitHub calls the action makes, through @actions/github (loaded only when a pull request needs it): the pull
 * request's changed files, and one comment kept up to date. Every call is bounded (bounded-fetch.ts: a deadline,
 * the run's cancellation, a size limit), and so is every list: GitHub lists at most 3,000 files of a pull request,
 * and the action reads no more pages than that, nor more than 5,000 comments.
 */
import type { PullRequestRef } from './pull-request.js';
import { boundedFetch } from './bounded-fetch.js';

export interface ChangedFiles {
  /** Paths the pull request adds or changes (removed files are left out). */
  paths: Set<string>;
  /** False when GitHub's list was cut (it lists at most 3,000 files): then some changed files are missing. */
  complete: boolean;
}

/** A file of a repository at a commit. */
export interface RepositoryFile {
  owner: string;
  repo: string;
  /** From the repository's root, `/` separators. */
  path: string;
  /** A commit SHA. */
  ref: string;
}

export interface GitHubApi {
  changedFiles(pr: PullRequestRef): Promise<ChangedFiles>;
  /** A file's git blob ID and size (the contents API's metadata); null when it is not there (404). */
  contentInfo(file: RepositoryFile): Promise<{ sha: string; size: number } | null>;
  /** Writes a file's bytes to `to` (a new file), streamed: the raw media type, at most MAX_CONTENT_BYTES. */
  downloadContent(file: RepositoryFile, to: string): Promise<void>;
  /**
   * A commit's regular files (modes 100644 and 100755), by path from the root, with their blob IDs and sizes: one
   * request (the Git trees API, recursive). Null when GitHub lists the tree only in part (past 100,000 entries or
   * 7 MB) or not at all.
   */
  treeFiles(commit: Omit<RepositoryFile, 'path'>): Promise<TreeListing | null>;
  /**
   * Updates this token's own comment that holds `marker` (never another user's, whatever it holds), or creates one.
   */
  upsertComment(pr: PullRequestRef, marker: string, body: string): Promise<'created' | 'updated'>;
}

export type TreeListing = Map<string, { sha: string; size: number }>;

export interface GitHubLimits {
  /** The run's cancellation: aborts a call in flight. */
  signal?: AbortSignal;
  /** One request, its whole answer included (default 30 s). */
  requestDeadlineMs?: number;
}

/** The login of the job's GITHUB_TOKEN when it writes a comment. */
export const GITHUB_ACTIONS_BOT = 'github-actions[bot]';

/** GitHub's own limit on a pull request's file list: 3,000 files, 30 pages of 100. */
export const MAX_LISTED_FILES = 3000;
const PER_PAGE = 100;
const MAX_COMMENT_PAGES = 50;
/** A page of 100 files or comments, with their patches and bodies: far below this. */
const MAX_PAGE_BYTES = 16 * 1024 * 1024;
export const GITHUB_REQUEST_DEADLINE_MS = 30_000;
/** GitHub's contents API serves files up to 100 MB with the raw media type. */
export const MAX_CONTENT_BYTES = 100 * 1024 * 1024;
/** A download of up to 100 MB gets longer than one API call. */
const DOWNLOAD_DEADLINE_MS = 5 * 60_000;

export async function createGitHubApi(token: string, limits: GitHubLimits = {}): Promise<GitHubApi> {
  const github = await import('@actions/github');
  const octokit = github.getOctokit(token);
  const bounds = {
    deadlineMs: limits.requestDeadlineMs ?? GITHUB_REQUEST_DEADLINE_MS,
    maxBytes: MAX_PAGE_BYTES,
    signal: limits.signal,
  };
  // Every request, whatever endpoint method makes it, gets the bounded fetch around the one configured (which
  // honours the proxy). A `before` hook sees the options the request is sent with; a `wrap` would be merged
  // with the defaults again, and its fetch lost.
  const bounded = new WeakSet<typeof fetch>();
  octokit.hook.before('request', (options) => {
    const inner: typeof globalThis.fetch =
      (options.request?.fetch as typeof globalThis.fetch | undefined) ?? globalThis.fetch;
    if (bounded.has(inner)) return;
    const saveTo: unknown = (options.request as { saveTo?: unknown } | undefined)?.saveTo;
    const fetch: typeof globalThis.fetch =
      typeof saveTo === 'string'
        ? boundedFetch(inner, { ...bounds, deadlineMs: DOWNLOAD_DEADLINE_MS, maxBytes: MAX_CONTENT_BYTES, saveTo })
        : boundedFetch(inner, bounds);
    bounded.add(fetch);
    options.request = { ...options.request, fetch };
  });
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
      const paths = new Set<string>();
      for (let page = 1; page <= MAX_LISTED_FILES / PER_PAGE; page += 1) {
        const { data } = await octokit.rest.pulls.listFiles({
          owner: pr.owner,
          repo: pr.repo,
          pull_number: pr.number,
          per_page: PER_PAGE,
          page,
        });
        for (const file of data) if (file.status !== 'removed') paths.add(file.filename);
        if (data.length < PER_PAGE) return { paths, complete: true };
      }
      // A full last page: GitHub stops listing at 3,000 files, so there may be more that it never names.
      return { paths, complete: false };
    },
    async contentInfo(file) {
      try {
        const { data } = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', { ...file });
        const info = data as { type?: unknown; sha?: unknown; size?: unknown };
        if (info.type !== 'file' || typeof info.sha !== 'string' || typeof info.size !== 'number')
          throw new Error(`GitHub says ${file.path} is not a file at ${file.ref.slice(0, 12)}`);
        return { sha: info.sha, size: info.size };
      } catch (error) {
        if ((error as { status?: unknown }).status === 404) return null;
        throw error;
      }
    },
    async downloadContent(file, to) {
      await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
        ...file,
        headers: { accept: 'application/vnd.github.raw' },
        request: { saveTo: to },
      });
    },
    async treeFiles(commit) {
      try {
        const { data } = await octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
          owner: commit.owner,
          repo: commit.repo,
          tree_sha: commit.ref,
          recursive: '1',
        });
        const answer = data as { truncated?: unknown; tree?: unknown };
        if (answer.truncated !== false || !Array.isArray(answer.tree)) return null;
        const files: TreeListing = new Map();
        for (const entry of answer.tree as Array<Record<string, unknown>>) {
          const { path, mode, type, sha, size } = entry;
          if (type !== 'blob' || (mode !== '100644' && mode !== '100755')) continue;
          if (typeof path !== 'string' || typeof sha !== 'string' || typeof size !== 'number') continue;
          files.set(path, { sha, size });
        }
        return files;
      } catch (error) {
        if ((error as { status?: unknown }).status === 404) return null;
        throw error;
      }
    },
    async upsertComment(pr, marker, body) {
      const self = await ownLogin();
      for (let page = 1; page <= MAX_COMMENT_PAGES; page += 1) {
        const { data } = await octokit.rest.issues.listComments({
          owner: pr.owner,
          repo: pr.repo,
          issue_number: pr.number,
          per_page: PER_PAGE,
          page,
        });
        const mine = data.find((c) => c.user?.login === self && c.body?.includes(marker));
        if (mine) {
          await octokit.rest.issues.updateComment({ owner: pr.owner, repo: pr.repo, comment_id: mine.id, body });
          return 'updated';
        }
        if (data.length < PER_PAGE) break;
      }
      await octokit.rest.issues.createComment({ owner: pr.owner, repo: pr.repo, issue_number: pr.number, body });
      return 'created';
    },
  };
}
