/** Which pull request a run belongs to, and the comment's identity: pure, from the run's GitHub context. */

/** The part of `@actions/github`'s `context` the action reads. */
export interface GitHubContext {
  eventName: string;
  payload: { pull_request?: { number?: unknown } } & Record<string, unknown>;
  /** Throws when neither GITHUB_REPOSITORY nor the payload names the repository (as `context.repo` does). */
  readonly repo: { owner: string; repo: string };
  workflow: string;
  job: string;
  action: string;
  runId: number;
  serverUrl: string;
}

export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);

/** The pull request of a `pull_request` or `pull_request_target` run; undefined for any other event. */
export function pullRequestOf(context: GitHubContext): PullRequestRef | undefined {
  if (!PULL_REQUEST_EVENTS.has(context.eventName)) return undefined;
  const number = context.payload.pull_request?.number;
  let repository: { owner: string; repo: string };
  try {
    repository = context.repo;
  } catch {
    return undefined;
  }
  if (typeof number !== 'number' || !repository.owner || !repository.repo) return undefined;
  return { owner: repository.owner, repo: repository.repo, number };
}

/**
 * The hidden marker that finds this step's comment again on a re-run: per workflow, job and step, so two steps
 * of one pull request (say, checking two dataset folders) keep a comment each.
 */
export function commentMarker(context: Pick<GitHubContext, 'workflow' | 'job' | 'action'>): string {
  const key = [context.workflow, context.job, context.action].filter(Boolean).join('/');
  return `<!-- together-upload-action:${key.replace(/--/g, '-')} -->`;
}
