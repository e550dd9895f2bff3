/**
 * A GitHub-REST-compatible server on loopback for the pull-request features: a pull request's changed files
 * (paginated with Link headers, as GitHub does) and its issue comments (list, create, update). Tokens can be
 * read-only, as a fork's pull request gets. Point GITHUB_API_URL at it.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PullRequestFile {
  filename: string;
  status: 'added' | 'modified' | 'removed' | 'renamed';
}

export interface GitHubServerOptions {
  owner?: string;
  repo?: string;
  number?: number;
  files?: PullRequestFile[];
  /** Tokens that may write (default: `gh-write`). */
  writeTokens?: string[];
  /** Tokens that may only read (default: `gh-read`). */
  readTokens?: string[];
  /**
   * Tokens of a user (a personal access token) and that user's login: `GET /user` answers with it, and their
   * comments are that user's. Other tokens act like the job's GITHUB_TOKEN: `GET /user` answers 403 (an
   * installation token has no user) and their comments are by `github-actions[bot]`.
   */
  userTokens?: Record<string, string>;
  /**
   * Files by commit and path, for `GET /repos/{owner}/{repo}/contents/{path}?ref=`: JSON metadata (with the git
   * blob ID, and base64 content up to 1 MB) by default, the bytes with `Accept: application/vnd.github.raw`, and
   * 403 `too_large` past 100 MB of raw content, as GitHub answers.
   */
  contents?: Record<string, Record<string, string | Buffer>>;
  /** Misbehave on purpose: never answer requests whose path matches; list changed files without end; huge pages. */
  faults?: {
    hang?: RegExp;
    /** Git trees are listed only in part (`truncated: true`), as GitHub does past 100,000 entries. */
    truncatedTrees?: boolean;
    endlessFiles?: boolean;
    /** Pad each files page with this many bytes of patch text. */
    hugeFilesPageBytes?: number;
  };
  /** Called as each request arrives (tests act on events, never on timers). */
  onRequest?: (request: RecordedGitHubRequest) => void;
}

export interface RecordedGitHubRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface GitHubServer {
  url: string;
  owner: string;
  repo: string;
  number: number;
  comments: Array<{ id: number; body: string; author: string }>;
  requests: RecordedGitHubRequest[];
  /** A comment by someone else (who may have copied the action's hidden marker into it). */
  addComment(author: string, body: string): void;
  close(): Promise<void>;
}

export async function startGitHubServer(options: GitHubServerOptions = {}): Promise<GitHubServer> {
  const owner = options.owner ?? 'acme';
  const repo = options.repo ?? 'datasets';
  const number = options.number ?? 7;
  const files = options.files ?? [];
  const userTokens = options.userTokens ?? {};
  const writeTokens = new Set([...(options.writeTokens ?? ['gh-write']), ...Object.keys(userTokens)]);
  const readTokens = new Set(options.readTokens ?? ['gh-read']);
  const comments: GitHubServer['comments'] = [];
  const requests: RecordedGitHubRequest[] = [];
  let nextId = 1000;
  let origin = '';

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const record: RecordedGitHubRequest = {
        method: req.method ?? '',
        path: url.pathname,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        status: 0,
      };
      requests.push(record);
      options.onRequest?.(record);
      if (options.faults?.hang?.test(url.pathname)) return; // never answered: the client must give up by itself
      const send = (status: number, value: unknown, headers: Record<string, string> = {}) => {
        record.status = status;
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(value));
      };
      const token = /^(?:token|Bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!writeTokens.has(token) && !readTokens.has(token))
        return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      const login = userTokens[token] ?? 'github-actions[bot]';
      if (req.method === 'GET' && url.pathname === '/user') {
        if (!userTokens[token])
          return send(403, {
            message: 'Resource not accessible by integration',
            documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
          });
        return send(200, { login, id: 1, type: 'User' });
      }
      const base = `/repos/${owner}/${repo}`;
      const page = Number(url.searchParams.get('page') ?? '1');
      const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? '30'));
      const paginate = (items: unknown[]) => {
        const last = Math.max(1, Math.ceil(items.length / perPage));
        const link = (p: number, rel: string) =>
          `<${origin}${url.pathname}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
        const links = [page < last ? link(page + 1, 'next') : '', link(last, 'last')].filter(Boolean).join(', ');
        send(200, items.slice((page - 1) * perPage, page * perPage), { link: links });
      };

      if (req.method === 'GET' && url.pathname === `${base}/pulls/${number}/files`) {
        if (options.faults?.endlessFiles) {
          // Always a full page, always a next one: a list that never ends.
          const items = Array.from({ length: perPage }, (_, i) => ({
            filename: `gen/p${page}-${i}.jsonl`,
            status: 'added',
          }));
          return send(200, items, {
            link: `<${origin}${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next"`,
          });
        }
        if (options.faults?.hugeFilesPageBytes) {
          const patch = 'x'.repeat(options.faults.hugeFilesPageBytes);
          return send(
            200,
            files.map((f) => ({ filename: f.filename, status: f.status, patch })),
          );
        }
        return paginate(
          files.map((f, i) => ({
            sha: `sha${i}`,
            filename: f.filename,
            status: f.status,
            additions: 1,
            deletions: 0,
            changes: 1,
          })),
        );
      }
      const treesPrefix = `${base}/git/trees/`;
      if (req.method === 'GET' && url.pathname.startsWith(treesPrefix)) {
        // `GET /repos/{owner}/{repo}/git/trees/{sha}?recursive=1`: the files of `contents` at that commit, with the
        // folders that hold them, as GitHub lists a tree.
        const commit = decodeURIComponent(url.pathname.slice(treesPrefix.length));
        const files = options.contents?.[commit];
        if (files === undefined) return send(404, { message: 'Not Found' });
        const folders = new Set<string>();
        const tree: unknown[] = [];
        for (const [file, text] of Object.entries(files)) {
          const parts = file.split('/');
          for (let k = 1; k < parts.length; k += 1) {
            const folder = parts.slice(0, k).join('/');
            if (!folders.has(folder)) {
              folders.add(folder);
              tree.push({ path: folder, mode: '040000', type: 'tree', sha: 'f'.repeat(40) });
            }
          }
          const bytes = Buffer.from(text);
          tree.push({ path: file, mode: '100644', type: 'blob', sha: blobId(bytes), size: bytes.length });
        }
        return send(200, { sha: commit, tree, truncated: options.faults?.truncatedTrees === true });
      }
      const contentsPrefix = `${base}/contents/`;
      if (req.method === 'GET' && url.pathname.startsWith(contentsPrefix)) {
        const file = decodeURIComponent(url.pathname.slice(contentsPrefix.length));
        const ref = url.searchParams.get('ref') ?? '';
        const found = options.contents?.[ref]?.[file];
        if (found === undefined) return send(404, { message: 'Not Found' });
        const bytes = Buffer.from(found);
        if (/application\/vnd\.github(?:\.v3)?\.raw/.test(req.headers.accept ?? '')) {
          if (bytes.length > 100 * 1024 * 1024)
            return send(403, {
              message: 'This API returns blobs up to 100 MB in size.',
              errors: [{ code: 'too_large' }],
            });
          record.status = 200;
          res.writeHead(200, { 'content-type': 'application/vnd.github.raw', 'content-length': String(bytes.length) });
          return res.end(bytes);
        }
        const sha = blobId(bytes);
        const small = bytes.length <= 1024 * 1024;
        return send(200, {
          type: 'file',
          name: file.split('/').pop(),
          path: file,
          sha,
          size: bytes.length,
          encoding: small ? 'base64' : 'none',
          content: small ? bytes.toString('base64') : '',
        });
      }
      if (url.pathname === `${base}/issues/${number}/comments`) {
        if (req.method === 'GET')
          return paginate(comments.map((c) => ({ id: c.id, body: c.body, user: { login: c.author } })));
        if (req.method === 'POST') {
          if (!writeTokens.has(token))
            return send(403, {
              message: 'Resource not accessible by integration',
              documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
            });
          const comment = { id: nextId++, body: (JSON.parse(record.body) as { body: string }).body, author: login };
          comments.push(comment);
          return send(201, comment);
        }
      }
      const update = new RegExp(`^${base}/issues/comments/(\\d+)$`).exec(url.pathname);
      if (update && req.method === 'PATCH') {
        if (!writeTokens.has(token)) return send(403, { message: 'Resource not accessible by integration' });
        const comment = comments.find((c) => c.id === Number(update[1]));
        if (!comment) return send(404, { message: 'Not Found' });
        // GitHub lets a token edit only its own comments (or any, with write access to the repository): the
        // stand-in is strict, so an action that edits another's comment shows up as a 403 here.
        if (comment.author !== login) return send(403, { message: 'Resource not accessible by integration' });
        comment.body = (JSON.parse(record.body) as { body: string }).body;
        return send(200, comment);
      }
      send(404, { message: 'Not Found' });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    owner,
    repo,
    number,
    comments,
    requests,
    addComment: (author, body) => void comments.push({ id: nextId++, body, author }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Git's blob ID of some bytes (SHA-1 of `blob <size>\0` and the bytes). */
function blobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
