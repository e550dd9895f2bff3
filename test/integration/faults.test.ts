/**
 * Uploads under injected faults, through the real pipeline against the embedded server. Each test asserts on the
 * server's own record: every file stored exactly once and byte-exact, no reserved ID left behind.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { checkFiles } from '../../src/check-phase.js';
import type { CheckLevel, Purpose } from '../../src/domain.js';
import type { MatchedFile } from '../../src/files.js';
import type { Log } from '../../src/log.js';
import { FileRecord } from '../../src/record.js';
import type { FileResult } from '../../src/result.js';
import { TogetherClient } from '../../src/together/client.js';
import { uploadFiles, type UploadSettings } from '../../src/upload-phase.js';
import { readBuffers } from '../../src/together/storage.js';
import {
  startTogetherServer,
  type TogetherServer,
  type TogetherServerOptions,
  storageErrorFault,
} from '../../testkit/together-server.js';
import { chatJsonl, makeWorkspace, randomJsonl } from '../helpers/workspace.js';

const MiB = 1024 * 1024;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

type HarnessSettings = Omit<UploadSettings, 'multipart'> & { check: CheckLevel; purpose: Purpose };

interface Harness {
  server: TogetherServer;
  files: MatchedFile[];
  contents: Map<string, Buffer>;
  /** Pauses the retry policy and the wait asked for (not waited: they only move the test's clock). */
  sleeps: number[];
  lines: string[];
  /** The test's clock: its start plus every pause asked for. */
  now: () => number;
  run: (
    settings?: Partial<HarnessSettings>,
    extra?: {
      signal?: AbortSignal;
      stallTimeoutMs?: number;
      multipartThreshold?: number;
      maxRetries?: number;
      beforeRequests?: () => void;
    },
  ) => Promise<FileResult[]>;
}

async function harness(
  contents: Record<string, string | Buffer>,
  serverOptions: TogetherServerOptions = {},
): Promise<Harness> {
  const server = await startTogetherServer({ pollsBeforeDone: 0, ...serverOptions });
  const ws = await makeWorkspace(contents);
  cleanups.push(
    () => server.close(),
    () => ws.cleanup(),
  );
  const files = Object.entries(contents)
    .map(([name, content]) => ({ path: name, absolutePath: ws.file(name), bytes: Buffer.byteLength(content) }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  const sleeps: number[] = [];
  const lines: string[] = [];
  // A virtual clock: it moves only by the pauses asked for, so schedules are exact whatever the machine's speed.
  let clock = Date.now();
  const now = () => clock;
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    clock += ms;
  };
  const log: Log = {
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    group: async (title, body) => {
      lines.push(`group: ${title}`);
      return body();
    },
    printGroup: (title, groupLines) => lines.push(`group: ${title}`, ...groupLines),
  };
  return {
    server,
    files,
    contents: new Map(Object.entries(contents).map(([k, v]) => [k, Buffer.from(v)])),
    sleeps,
    lines,
    now,
    run: async (settings = {}, extra = {}) => {
      const client = new TogetherClient({
        apiKey: server.apiKey,
        baseUrl: server.baseUrl,
        maxRetries: extra.maxRetries ?? 5,
        sleep,
        random: () => 0,
        now,
        log: (m) => lines.push(m),
        signal: extra.signal,
        stallTimeoutMs: extra.stallTimeoutMs,
      });
      cleanups.push(() => client.close());
      const all = {
        mode: 'upload' as const,
        check: 'off' as CheckLevel,
        purpose: 'fine-tune' as Purpose,
        fileType: 'auto' as const,
        wait: true,
        waitTimeoutSeconds: 30,
        concurrency: 4,
        dedupe: false,
        estimateModel: '',
        estimateEpochs: 1,
        multipart: { thresholdBytes: extra.multipartThreshold ?? 5 * 1024 * MiB, partBytes: 5 * MiB },
        ...settings,
      };
      const records = files.map((file) => new FileRecord(file, all, now));
      await checkFiles(records, all, { log, now });
      await uploadFiles(records, all, {
        client,
        log,
        now,
        sleep,
        signal: extra.signal,
        beforeRequests: extra.beforeRequests,
      });
      return records.map((record) => record.toResult());
    },
  };
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Every file is on the server once, byte-exact, and nothing else is: no reservation left behind. */
function expectStoredExactlyOnce(h: Harness, results: FileResult[]) {
  const stored = [...h.server.files.values()];
  expect(stored.filter((f) => f.state !== 'uploaded')).toEqual([]);
  expect(stored).toHaveLength(results.length);
  for (const result of results) {
    const file = h.server.files.get(result.id!)!;
    const expected = sha256(h.contents.get(result.path)!);
    expect(file).toMatchObject({ filename: result.filename, sha256: expected, uploads: 1 });
    expect(result.sha256).toBe(expected);
  }
}

describe('before the first request', () => {
  it('calls beforeRequests once, after the checks pass and before anything is sent', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3), 'b.jsonl': chatJsonl(4) });
    const requestsSeen: number[] = [];
    const results = await h.run(
      { check: 'full' },
      { beforeRequests: () => requestsSeen.push(h.server.requests.length) },
    );
    expect(requestsSeen).toEqual([0]);
    expect(results.map((r) => r.status)).toEqual(['processed', 'processed']);
  });

  it('does not call it when a file fails its checks (nothing is sent)', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3), 'b.jsonl': '{"text": 1}\n' });
    let calls = 0;
    const results = await h.run({ check: 'full' }, { beforeRequests: () => (calls += 1) });
    expect(calls).toBe(0);
    expect(results.map((r) => r.status)).toEqual(['skipped', 'failed']);
    expect(h.server.requests).toHaveLength(0);
  });
});

describe('the file on disk', () => {
  it('fails alone when it disappears before its upload, deleting its reserved ID and giving its buffers back', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3), 'b.jsonl': chatJsonl(4) });
    await rm(h.files[0]!.absolutePath);
    const results = await h.run();
    expect(results.map((r) => r.status)).toEqual(['failed', 'processed']);
    expect(results[0]!.error).toMatch(/ENOENT/);
    expect([...h.server.files.values()].map((f) => f.filename)).toEqual(['b.jsonl']);
    expect(readBuffers.inUse).toBe(0);
  });
});

describe('the API answers with errors', () => {
  it('honours Retry-After on a 429 from POST /files', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3) });
    h.server.addFault({
      method: 'POST',
      path: '/v1/files',
      times: 2,
      fault: {
        kind: 'status',
        status: 429,
        headers: { 'retry-after': '7' },
        body: '{"error":{"message":"Rate limit exceeded","type":"rate_limit","code":"rate_limit_exceeded"}}',
      },
    });
    const results = await h.run();
    expect(results.map((r) => r.status)).toEqual(['processed']);
    expect(h.sleeps.slice(0, 2)).toEqual([7000, 7000]);
    expect(h.lines).toContain(
      "a.jsonl: POST /files: HTTP 429 (Rate limit exceeded); retry 1 of 5 in 7.0 s (every request waits: the rate limit is the account's)",
    );
    expectStoredExactlyOnce(h, results);
  });

  it('caps a long Retry-After at 60 s and honours retry-after-ms', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3) });
    h.server.addFault({
      method: 'POST',
      path: '/v1/files',
      fault: { kind: 'status', status: 429, headers: { 'retry-after': '3600' } },
    });
    h.server.addFault({
      method: 'POST',
      path: /\/preprocess$/,
      fault: { kind: 'status', status: 429, headers: { 'retry-after-ms': '250' } },
    });
    const results = await h.run();
    expect(results[0]!.status).toBe('processed');
    expect(h.sleeps.slice(0, 2)).toEqual([60_000, 250]);
  });

  it("polls again no sooner than a poll's Retry-After asks", async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3) }, { pollsBeforeDone: 1 });
    h.server.addFault({
      method: 'GET',
      path: '/v1/files/',
      fault: { kind: 'status', status: 429, headers: { 'retry-after': '4' } },
    });
    const results = await h.run();
    expect(results[0]!.status).toBe('processed');
    // The wait's schedule is 100 ms, then 500 ms, 750 ms; the 429 on the first poll moves the second to 4 s.
    expect(h.sleeps).toEqual([100, 4000, 750]);
  });

  it('retries 5xx answers with JSON and with HTML bodies, with backoff', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3) });
    h.server.addFault({
      method: 'POST',
      path: '/v1/files',
      fault: { kind: 'status', status: 500, body: '{"error":{"message":"internal error","type":"server_error"}}' },
    });
    h.server.addFault({
      method: 'POST',
      path: /\/preprocess$/,
      fault: {
        kind: 'status',
        status: 502,
        headers: { 'content-type': 'text/html' },
        body: '<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>',
      },
    });
    h.server.addFault({
      method: 'GET',
      path: '/v1/files/',
      times: 2,
      fault: { kind: 'status', status: 503, body: '' },
    });
    const results = await h.run();
    expect(results[0]!.status).toBe('processed');
    expect(h.lines.some((l) => l.includes('POST /files: HTTP 500 (internal error); retry 1 of 5 in 1.0 s'))).toBe(true);
    expect(h.lines.some((l) => /preprocess: HTTP 502 \(502 Bad Gateway\); retry 1 of 5 in 1\.0 s/.test(l))).toBe(true);
    // A poll is one request (the wait's own loop polls again): two failed polls, no retries inside them.
    const pollFailures = h.lines.filter((l) =>
      /^a\.jsonl: polling failed, will try again \(GET \/files\/file-[\w-]+ failed with HTTP 503: empty answer/.test(l),
    );
    expect(pollFailures).toHaveLength(2);
    expect(h.lines.some((l) => /GET \/files\/file-.*retry \d of/.test(l))).toBe(false);
    expectStoredExactlyOnce(h, results);
  });

  it('deletes an ID that a failed answer still named', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3) });
    // A 500 that reserved an ID anyway: the server answers after reserving (X-Together-File-Id) but with an error.
    h.server.addFault({
      method: 'POST',
      path: '/v1/files',
      fault: { kind: 'status', status: 500, headers: { 'x-together-file-id': 'file-orphan' } },
    });
    const results = await h.run();
    expect(results[0]!.status).toBe('processed');
    expect(h.server.requests.some((r) => r.method === 'DELETE' && r.path === '/v1/files/file-orphan')).toBe(true);
  });

  it('cleans up after a lost answer to POST /files: the ID it reserved is found and deleted', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3) });
    h.server.addFault({ method: 'POST', path: '/v1/files', fault: { kind: 'drop-response' } });
    const results = await h.run();
    expect(results[0]!.status).toBe('processed');
    expect(h.server.deletedIds).toHaveLength(1);
    expect(h.server.requests.filter((r) => r.method === 'POST' && r.path === '/v1/files')).toHaveLength(2);
    expectStoredExactlyOnce(h, results);
  });

  it('does not retry a 400 or a 401', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3) });
    h.server.addFault({
      method: 'POST',
      path: '/v1/files',
      fault: { kind: 'status', status: 400, body: '{"error":{"message":"bad request"}}' },
    });
    const results = await h.run();
    expect(results[0]).toMatchObject({ status: 'failed', id: null });
    expect(results[0]!.error).toMatch(/POST \/files failed with HTTP 400: bad request/);
    expect(h.sleeps).toEqual([]);
    expect(h.server.files.size).toBe(0);
  });

  it('gives up after max-retries and reports the last error', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3) });
    h.server.addFault({ method: 'POST', path: '/v1/files', times: 10, fault: { kind: 'status', status: 503 } });
    const results = await h.run({}, { maxRetries: 2 });
    expect(results[0]).toMatchObject({ status: 'failed' });
    expect(h.server.requests.filter((r) => r.path === '/v1/files')).toHaveLength(3);
  });
});

describe('the storage PUT fails', () => {
  it('retries a connection reset in the middle of the PUT with a fresh read', async () => {
    const h = await harness({ 'big.jsonl': randomJsonl(6 * MiB) });
    h.server.addFault({ method: 'PUT', path: '/storage/', fault: { kind: 'reset', afterBytes: 2 * MiB } });
    const results = await h.run();
    expect(results[0]!.status).toBe('processed');
    expect(h.lines.some((l) => /big\.jsonl: PUT to storage: connection failed \(\w+\); retry 1 of 5/.test(l))).toBe(
      true,
    );
    expectStoredExactlyOnce(h, results);
  });

  it('retries storage 503s', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(50) });
    h.server.addFault({
      method: 'PUT',
      path: '/storage/',
      times: 2,
      fault: storageErrorFault(503, 'SlowDown', 'Please reduce your request rate.'),
    });
    const results = await h.run();
    expect(results[0]!.status).toBe('processed');
    expect(h.lines.some((l) => l.includes('PUT to storage: storage answered HTTP 503 SlowDown; retry 2 of 5'))).toBe(
      true,
    );
    expectStoredExactlyOnce(h, results);
  });

  it('gets a fresh URL when the presigned one expired, and deletes the abandoned ID', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(50) });
    h.server.addFault({
      method: 'PUT',
      path: '/storage/',
      fault: storageErrorFault(403, 'AccessDenied', 'Request has expired'),
    });
    const results = await h.run();
    expect(results[0]!.status).toBe('processed');
    expect(h.server.deletedIds).toHaveLength(1);
    expect(h.server.requests.filter((r) => r.path === '/v1/files')).toHaveLength(2);
    expect(h.lines.some((l) => l.includes('The upload URL expired; getting a fresh one'))).toBe(true);
    expectStoredExactlyOnce(h, results);
  });

  it('aborts a stalled upload and retries it', async () => {
    const h = await harness({ 'a.jsonl': randomJsonl(3 * MiB) });
    h.server.addFault({ method: 'PUT', path: '/storage/', fault: { kind: 'stall' } });
    const results = await h.run({}, { stallTimeoutMs: 300 });
    expect(results[0]!.status).toBe('processed');
    expect(
      h.lines.some((l) => /PUT to storage: no bytes moved for 0 s \(\d+ of \d+ sent\); retry 1 of 5/.test(l)),
    ).toBe(true);
    expectStoredExactlyOnce(h, results);
  });

  it('fails a file whose PUT keeps failing, deletes its ID, and uploads the others', async () => {
    const h = await harness({
      'a.jsonl': chatJsonl(5),
      'b.jsonl': chatJsonl(6),
      'c.jsonl': chatJsonl(7),
      'd.jsonl': chatJsonl(8),
      'e.jsonl': chatJsonl(9),
    });
    h.server.addFault({
      method: 'PUT',
      path: '/storage/',
      fault: storageErrorFault(403, 'AccessDenied', 'Access Denied'),
    });
    const results = await h.run();
    expect(results.map((r) => r.path)).toEqual(['a.jsonl', 'b.jsonl', 'c.jsonl', 'd.jsonl', 'e.jsonl']);
    expect(results.filter((r) => r.status === 'processed')).toHaveLength(4);
    const failed = results.filter((r) => r.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      id: null,
      error: expect.stringMatching(/upload failed: Storage upload failed with HTTP 403 \(AccessDenied\)/),
    });
    expect(h.server.deletedIds).toHaveLength(1);
    expectStoredExactlyOnce(
      h,
      results.filter((r) => r.status === 'processed'),
    );
  });
});

describe('concurrency', () => {
  it('never has more uploads in flight than concurrency, and keeps results in path order', async () => {
    const contents: Record<string, string> = {};
    for (let i = 0; i < 12; i += 1) contents[`f${String(i).padStart(2, '0')}.jsonl`] = chatJsonl(20 + i);
    const h = await harness(contents);
    for (let i = 0; i < 12; i += 1)
      h.server.addFault({ method: 'PUT', path: '/storage/', fault: { kind: 'delay', ms: 40 } });
    const results = await h.run({ concurrency: 3 });
    expect(results.map((r) => r.path)).toEqual(Object.keys(contents).sort());
    expect(results.every((r) => r.status === 'processed')).toBe(true);
    expect(h.server.storage.maxInFlight).toBe(3);
    expectStoredExactlyOnce(h, results);
  });

  it('prints each file as one whole group', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3), 'b.jsonl': chatJsonl(4) });
    await h.run({ concurrency: 2, wait: false });
    for (const name of ['a.jsonl', 'b.jsonl']) {
      const at = h.lines.findIndex((l) => l.startsWith(`group: Uploaded ${name}`));
      // Checks are off, so the file is read for its checksum first.
      expect(h.lines[at + 1]).toMatch(/\] Hashed for the checksum/);
      expect(h.lines[at + 2]).toMatch(/\] Reserved file-/);
      expect(h.lines[at + 3]).toMatch(/\] Uploaded .* sha256 /);
      expect(h.lines[at + 4]).toMatch(/\] Processing requested: QUEUED/);
    }
  });
});

describe('multipart', () => {
  const content = randomJsonl(12 * MiB + 12_345);

  it('uploads a large file in parts and completes it with their ETags', async () => {
    const h = await harness({ 'big.jsonl': content });
    const results = await h.run({}, { multipartThreshold: 6 * MiB });
    expect(results[0]).toMatchObject({ status: 'processed', sha256: sha256(content) });
    const [upload] = [...h.server.multipart.values()];
    expect(upload).toMatchObject({ numParts: 3, state: 'completed' });
    expect([...upload!.parts.entries()].sort(([a], [b]) => a - b).map(([, p]) => p.bytes)).toEqual([
      5 * MiB,
      5 * MiB,
      content.length - 10 * MiB,
    ]);
    expect(h.server.requests.some((r) => r.path.endsWith('/preprocess'))).toBe(false);
    expectStoredExactlyOnce(h, results);
  });

  it('retries each failing part on its own', async () => {
    const h = await harness({ 'big.jsonl': content });
    h.server.addFault({
      method: 'PUT',
      path: '/storage/',
      times: 2,
      fault: storageErrorFault(500, 'InternalError', 'We encountered an internal error.'),
    });
    h.server.addFault({ method: 'PUT', path: '/storage/', fault: { kind: 'reset', afterBytes: MiB } });
    const results = await h.run({}, { multipartThreshold: 6 * MiB });
    expect(results[0]).toMatchObject({ status: 'processed', sha256: sha256(content) });
    expect(h.lines.filter((l) => /PUT part \d of 3: .*retry 1 of 5/.test(l)).length).toBeGreaterThanOrEqual(2);
    expectStoredExactlyOnce(h, results);
  });

  it('keeps several multipart uploads at once within the read-buffer budget, byte-exact while parts fail', async () => {
    // Four files of three parts, four parts in flight each, and a SHA-256 read beside each: 16 readers want 4 MiB
    // of buffers, the budget holds 8. Buffers go from reader to reader, also after a part failed mid-way.
    const files = Object.fromEntries(['a', 'b', 'c', 'd'].map((n) => [`${n}.jsonl`, randomJsonl(12 * MiB + 999)]));
    const h = await harness(files, { latencyMs: 20 });
    h.server.addFault({ method: 'PUT', path: '/storage/', times: 3, fault: { kind: 'reset', afterBytes: MiB } });
    h.server.addFault({
      method: 'PUT',
      path: '/storage/',
      fault: storageErrorFault(503, 'SlowDown', 'Please reduce your request rate.'),
    });
    const results = await h.run({ concurrency: 4 }, { multipartThreshold: 6 * MiB });
    expect(results.map((r) => r.status)).toEqual(['processed', 'processed', 'processed', 'processed']);
    expectStoredExactlyOnce(h, results);
    expect(h.server.storage.maxInFlight).toBeLessThanOrEqual(8);
    expect(readBuffers.inUse).toBe(0);
  });

  it('aborts the multipart upload when a part finally fails, leaving nothing behind', async () => {
    const h = await harness({ 'big.jsonl': content });
    h.server.addFault({ method: 'PUT', path: '/storage/', times: 100, fault: { kind: 'status', status: 503 } });
    const results = await h.run({}, { multipartThreshold: 6 * MiB, maxRetries: 1 });
    expect(results[0]).toMatchObject({ status: 'failed', id: null });
    expect([...h.server.multipart.values()][0]!.state).toBe('aborted');
    expect(h.server.files.size).toBe(0);
  });

  it('refuses a file over 50.1 GiB before any request', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(1) });
    h.files[0]!.bytes = 54 * 1024 ** 3;
    const results = await h.run();
    expect(results[0]).toMatchObject({
      status: 'failed',
      error: expect.stringContaining("Together's SDKs accept at most 50.1 GiB per file"),
    });
    expect(h.server.requests).toHaveLength(0);
  });
});

describe("Together's 2026 API", () => {
  it('sends the SHA-256 the check computed as checksum, reading the file only for the check and the PUT', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3), 'b.jsonl': chatJsonl(5) });
    const results = await h.run({ check: 'full' });
    expect(results.map((r) => r.status)).toEqual(['processed', 'processed']);
    for (const r of results) expect(h.server.files.get(r.id!)!.checksum).toBe(sha256(h.contents.get(r.path)!));
    expect(h.lines.some((l) => l.includes('Hashed for the checksum'))).toBe(false);
    expectStoredExactlyOnce(h, results);
  });

  it('with checks off, reads the file once for its checksum before reserving', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3) });
    const [result] = await h.run({ check: 'off' });
    expect(h.server.files.get(result!.id!)!.checksum).toBe(sha256(h.contents.get('a.jsonl')!));
    expect(h.lines.some((l) => l.includes('Hashed for the checksum'))).toBe(true);
  });

  it('uses the file a 409 names instead of uploading: no retry, no PUT, its ID kept, waited for', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3) });
    const [first] = await h.run();
    const before = h.server.requests.length;
    const [again] = await h.run();
    const since = h.server.requests.slice(before);
    expect(again).toMatchObject({ id: first!.id, status: 'processed', reused: true, sha256: first!.sha256 });
    expect(since.filter((r) => r.method === 'POST' && r.path === '/v1/files').map((r) => r.status)).toEqual([409]);
    expect(since.some((r) => r.method === 'PUT')).toBe(false);
    expect(since.some((r) => r.method === 'GET' && r.path === `/v1/files/${first!.id}`)).toBe(true);
    expect(h.server.deletedIds).toEqual([]);
    expect(h.lines.some((l) => /POST \/files.*retry/.test(l))).toBe(false);
  });

  it('refuses to stand in a file of another purpose, saying how to fix it', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3) });
    const [first] = await h.run();
    const [again] = await h.run({ purpose: 'eval' });
    expect(again!.status).toBe('failed');
    expect(again!.error).toContain(`Together already holds this content as ${first!.id} with purpose fine-tune`);
    expect(again!.error).toContain(`delete it (together files delete ${first!.id})`);
    expect(h.server.files.has(first!.id!)).toBe(true);
  });

  it('sends the checksum with multipart initiate too', async () => {
    const content = randomJsonl(12 * MiB + 7);
    const h = await harness({ 'big.jsonl': content });
    const [result] = await h.run({}, { multipartThreshold: 6 * MiB });
    expect(result!.status).toBe('processed');
    expect(h.server.files.get(result!.id!)!.checksum).toBe(sha256(h.contents.get('big.jsonl')!));
  });
});

describe('a file that changes', () => {
  it('between its check and its upload is not sent, and fails by name', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3), 'b.jsonl': chatJsonl(3) });
    const results = await h.run(
      { check: 'full' },
      { beforeRequests: () => appendFileSync(h.files[0]!.absolutePath, '{"text": "late"}\n') },
    );
    expect(results[0]!.status).toBe('failed');
    expect(results[0]!.error).toMatch(/^a\.jsonl: upload failed: the file changed after it was checked/);
    expect(results[1]!.status).toBe('processed');
    expect([...h.server.files.values()].map((f) => f.filename)).toEqual(['b.jsonl']);
  });

  it('while it is sent fails, its reservation deleted, never processed with bytes nobody checked', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3) });
    const path = h.files[0]!.absolutePath;
    const original = readFileSync(path);
    // Rewritten (same size, so only the bytes tell) once its reservation is on its way.
    h.server.events.on('request', (request) => {
      if (request.method === 'POST' && request.path === '/v1/files')
        writeFileSync(path, Buffer.from(original).fill('x', 10, 20));
    });
    const [result] = await h.run({ check: 'full' });
    expect(result!.status).toBe('failed');
    expect(result!.error).toMatch(
      /the file changed while it was sent: its bytes hash to [0-9a-f]{64}, not to the [0-9a-f]{64} that was checked/,
    );
    expect(result!.id).toBeNull();
    expect(h.server.files.size).toBe(0);
    expect(h.server.deletedIds).toHaveLength(1);
  });

  it('that grows during its single PUT fails by name, its reservation deleted: the workspace no longer holds what was sent', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3), 'b.jsonl': chatJsonl(2) });
    const path = h.files[0]!.absolutePath;
    // A line appended while the PUT is in flight: the first `bytes` (the checked ones) still hash right.
    let appended = false;
    h.server.events.on('request', (request) => {
      if (request.method !== 'PUT' || appended) return;
      appended = true;
      appendFileSync(path, '{"text": "late"}\n');
    });
    const results = await h.run({ check: 'full', concurrency: 1 });
    expect(results[0]!.status).toBe('failed');
    expect(results[0]!.error).toMatch(
      /^a\.jsonl: upload failed: the file changed while it was sent \(\d+ bytes then, \d+ now\)/,
    );
    expect(results[0]!.id).toBeNull();
    expect(results[1]!.status).toBe('processed');
    expect(h.server.deletedIds).toHaveLength(1);
    expect([...h.server.files.values()].map((f) => f.filename)).toEqual(['b.jsonl']);
  });
});

describe('the wait deadline', () => {
  it('bounds every poll: with every poll answered 503, a 3 s wait-timeout ends at 3 s, the file timed out with its ID', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3) }, { neverFinish: true });
    h.server.addFault({
      method: 'GET',
      path: '/v1/files/',
      times: 1000,
      fault: { kind: 'status', status: 503, body: '' },
    });
    const results = await h.run({ waitTimeoutSeconds: 3 });
    expect(results[0]).toMatchObject({ status: 'timeout', id: expect.stringMatching(/^file-/) as unknown });
    expect(results[0]!.error).toMatch(
      /wait-timeout ran out .*last poll error: GET \/files\/file-[\w-]+ failed with HTTP 503/,
    );
    // Every pause counts on the test's clock: together they reach the deadline and never pass it. (With retries
    // inside each poll, the first poll alone waited 1 + 2 + 4 + 8 + 10 s.)
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3000);
    expect(h.lines.some((l) => /retry \d of/.test(l))).toBe(false);
    expect(h.server.files.get(results[0]!.id!)).toMatchObject({ state: 'uploaded' });
  });
});

describe('cancellation', () => {
  it('aborts uploads in flight, deletes their reserved IDs, and marks what did not finish', async () => {
    const h = await harness({ 'a.jsonl': chatJsonl(3), 'b.jsonl': randomJsonl(4 * MiB), 'c.jsonl': chatJsonl(3) });
    h.server.addFault({ method: 'PUT', path: '/storage/', times: 3, fault: { kind: 'stall' } });
    const controller = new AbortController();
    // Cancel once both uploads in flight are stalled: b.jsonl's PUT, and a.jsonl's second file never starts.
    let stalled = 0;
    h.server.events.on('stalled', () => (stalled += 1) === 2 && controller.abort('SIGTERM'));
    const results = await h.run({ concurrency: 2 }, { signal: controller.signal });
    expect(results.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(results[2]!.error).toBe('c.jsonl: the run was cancelled before the file was uploaded.');
    expect(h.server.files.size).toBe(0);
    expect(h.server.deletedIds).toHaveLength(2);
  });

  it('aborts a multipart upload in flight', async () => {
    const h = await harness({ 'big.jsonl': randomJsonl(12 * MiB) });
    h.server.addFault({ method: 'PUT', path: '/storage/', times: 3, fault: { kind: 'stall' } });
    const controller = new AbortController();
    h.server.events.once('stalled', () => controller.abort('SIGINT'));
    const results = await h.run({}, { signal: controller.signal, multipartThreshold: 6 * MiB });
    expect(results[0]!.status).toBe('cancelled');
    expect([...h.server.multipart.values()][0]!.state).toBe('aborted');
    expect(h.server.files.size).toBe(0);
  });
});
