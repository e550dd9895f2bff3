/**
 * The base version of a dataset through the GitHub contents API, for a clone that lacks the base commit (a
 * `fetch-depth: 1` checkout): `GET /repos/{owner}/{repo}/contents/{path}?ref=`, which a read-only token may call.
 */
import { readFileSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { messageOf } from '../error-text.js';
import { MAX_CONTENT_BYTES, type GitHubApi, type TreeListing } from '../github/api.js';
import { FETCH_HINT, lfsPointerOid, repositoryPath, repositoryRoot, workTreeBlob, type BaseFile } from './git-base.js';
import { listTree, unchangedFiles } from './git-batch.js';

/** The GitHub calls that read a base version the clone does not have. */
export type ContentsApi = Pick<GitHubApi, 'contentInfo' | 'downloadContent' | 'treeFiles'>;

/**
 * The base commit's files as GitHub lists them in one request, and of the reviewed files, those unchanged against
 * it (the same blob in HEAD, and a work tree that is HEAD's): no request for them, one to read each changed file.
 */
export interface ApiTree {
  files: TreeListing;
  unchanged: Set<string>;
}

/**
 * Lists the base commit's tree through the API and HEAD's for the `reviewed` files (absolute paths) from the
 * clone; null when either cannot be had (a tree past GitHub's 100,000 entries, an error), and the files are then
 * asked about one by one.
 */
export async function apiTree(base: ApiBase, workspace: string, reviewed: readonly string[]): Promise<ApiTree | null> {
  const root = repositoryRoot(workspace);
  if (root === undefined) return null;
  const paths = reviewed.flatMap((file) => repositoryPath(workspace, file) ?? []);
  let files: TreeListing | null;
  try {
    files = await base.api.treeFiles({ owner: base.owner, repo: base.repo, ref: base.commit });
  } catch {
    return null;
  }
  const head = files && listTree(root, 'HEAD', () => true, paths);
  if (!files || !head) return null;
  return { files, unchanged: unchangedFiles(root, (name) => files.get(name)?.sha, head) };
}

/** Where the API finds the base: the repository and the base commit. */
export interface ApiBase {
  commit: string;
  api: ContentsApi;
  owner: string;
  repo: string;
  /** Files the run may still read through the API (see MAX_API_FILES), counted down as they are asked for. */
  budget: { files: number };
  /** The base commit's listing (see apiTree), once asked for. */
  tree?: Promise<ApiTree | null>;
}

/**
 * Files a run reads through the API at most: each costs one request (two when the tree could not be listed), and
 * the job's GITHUB_TOKEN has 1,000 an hour for the repository, which the pull request's comment needs too. A pull
 * request changing thousands of datasets in a clone without its base commit has the first 300 compared, and the
 * rest say why not. Files the listing shows new or unchanged cost nothing and do not count.
 */
export const MAX_API_FILES = 300;

/**
 * The base version through the GitHub contents API: new or unchanged from the base's listing (apiTree) when there
 * is one, else from the file's blob ID (equal to the work tree's: unchanged, no download); otherwise its bytes
 * streamed to `file`. GitHub serves up to 100 MB this way; a Git LFS file only as its pointer.
 */
export async function readBaseThroughApi(
  base: ApiBase,
  workspace: string,
  absolutePath: string,
  file: string,
): Promise<BaseFile> {
  const where = repositoryPath(workspace, absolutePath);
  if (where === undefined) return { kind: 'none', note: 'no base version: the workspace is not a git clone' };
  const tree = await base.tree;
  // Listed: a new or unchanged file costs no request.
  if (tree && !tree.files.has(where)) return { kind: 'new', commit: base.commit };
  if (tree?.unchanged.has(where)) return { kind: 'unchanged', commit: base.commit };
  if (base.budget.files <= 0)
    return {
      kind: 'none',
      note: `no base version: ${MAX_API_FILES} files were already compared through the GitHub API, the most a run reads that way (the job's token has 1,000 requests an hour); ${FETCH_HINT}`,
    };
  base.budget.files -= 1;
  const ref = { owner: base.owner, repo: base.repo, path: where, ref: base.commit };
  try {
    const info = tree ? tree.files.get(where)! : await base.api.contentInfo(ref);
    if (info === null) return { kind: 'new', commit: base.commit };
    if (!tree && info.sha === workTreeBlob(workspace, absolutePath)) return { kind: 'unchanged', commit: base.commit };
    if (info.size > MAX_CONTENT_BYTES)
      return {
        kind: 'none',
        note: `no base version: it is ${(info.size / 1e6).toFixed(0)} MB, more than the GitHub API serves (100 MB); ${FETCH_HINT}`,
      };
    await base.api.downloadContent(ref, file);
  } catch (error) {
    rmSync(file, { force: true });
    return { kind: 'none', note: `no base version: the GitHub API did not give it (${messageOf(error)})` };
  }
  if ((await stat(file)).size < 1024 && lfsPointerOid(readFileSync(file, 'latin1'))) {
    rmSync(file, { force: true });
    return {
      kind: 'none',
      note: `no base version: it is in Git LFS, and the GitHub API gives only its pointer; ${FETCH_HINT} and \`lfs: true\``,
    };
  }
  return { kind: 'read', commit: base.commit, file };
}
