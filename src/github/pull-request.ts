/** Which pull request a run belongs to, and the comment's identity: pure, from the runner's environment. */

export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);

/** The pull request of a `pull_request` run, from the event name and payload; undefined for any other event. */
export function pullRequestOf(
  eventName: string | undefined,
  repository: string | undefined,
  payload: unknown,
): PullRequestRef | undefined {
  if (!eventName || !PULL_REQUEST_EVENTS.has(eventName)) return undefined;
  const number = (payload as { pull_request?: { number?: unknown } } | undefined)?.pull_request?.number;
  const [owner, repo] = (repository ?? '').split('/');
  if (typeof number !== 'number' || !owner || !repo) return undefined;
  return { owner, repo, number };
}

/**
 * The hidden marker that finds this step's comment again on a re-run: per workflow, job and step, so two steps
 * of one pull request (say, checking two dataset folders) keep a comment each.
 */
export function commentMarker(env: Record<string, string | undefined>): string {
  const key = [env.GITHUB_WORKFLOW, env.GITHUB_JOB, env.GITHUB_ACTION].filter(Boolean).join('/');
  return `<!-- together-upload-action:${key.replace(/--/g, '-')} -->`;
}
