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

/**
 * The pull request of a `pull_request` or `pull_request_target` run (none for any other event), and what is wrong
 * with the event when it names none that can be used. A number given as a string of digits is taken.
 */
export function pullRequestOf(context: GitHubContext): { ref?: PullRequestRef; problem?: string } {
  if (!PULL_REQUEST_EVENTS.has(context.eventName)) return {};
  const raw = context.payload.pull_request?.number;
  const number = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : raw;
  let repository: { owner: string; repo: string };
  try {
    repository = context.repo;
  } catch {
    return {
      problem: 'The event names no repository (GITHUB_REPOSITORY is unset), so there is no pull request to comment on.',
    };
  }
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) {
    const shown = JSON.stringify(raw ?? null).slice(0, 40);
    return {
      problem: `The event's pull_request.number is ${shown}, not a pull-request number, so the run goes on without its pull request: no comment, and changed-only takes every matched file.`,
    };
  }
  if (!repository.owner || !repository.repo) return {};
  return { ref: { owner: repository.owner, repo: repository.repo, number } };
}

/**
 * The hidden marker that finds this step's comment again on a re-run: per workflow, job and step, so two steps
 * of one pull request (say, checking two dataset folders) keep a comment each.
 */
export function commentMarker(context: Pick<GitHubContext, 'workflow' | 'job' | 'action'>): string {
  const key = [context.workflow, context.job, context.action].filter(Boolean).join('/');
  return `<!-- together-upload-action:${key.replace(/--/g, '-')} -->`;
}
