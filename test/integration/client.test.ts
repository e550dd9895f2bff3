import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { readFileSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TogetherClient } from '../../src/together/client.js';
import { AuthenticationError, ProtocolError, StorageError, TogetherApiError } from '../../src/together/errors.js';
import { uploadFile } from '../../src/together/upload.js';
import { startTogetherServer, type TogetherServer, storageErrorFault } from '../../testkit/together-server.js';
import { chatJsonl, makeWorkspace, REJECTED_JSONL } from '../helpers/workspace.js';

let server: TogetherServer;
let client: TogetherClient;
let ws: Awaited<ReturnType<typeof makeWorkspace>>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

beforeEach(async () => {
  server = await startTogetherServer({ pollsBeforeDone: 2 });
  client = new TogetherClient({ apiKey: server.apiKey, baseUrl: server.baseUrl });
  ws = await makeWorkspace({ 'train.jsonl': chatJsonl(500), 'bad.jsonl': REJECTED_JSONL, 'empty.jsonl': '' });
});

afterEach(async () => {
  await client.close();
  await server.close();
  await ws.cleanup();
});

function uploadDeps(log: (message: string) => void = () => undefined) {
  return {
    client,
    now: Date.now,
    log,
    live: () => undefined,
    multipart: { thresholdBytes: 5 * 2 ** 30, partBytes: 250 * 2 ** 20 },
  };
}

function local(name: string) {
  return { absolutePath: ws.file(name), bytes: statSync(ws.file(name)).size };
}

/** A workspace file as the upload flow takes it: with its checksum. */
function localWithChecksum(name: string) {
  return {
    ...local(name),
    sha256: createHash('sha256')
      .update(readFileSync(ws.file(name)))
      .digest('hex'),
  };
}

/** The upload of the workspace's train.jsonl as a fine-tuning dataset. */
function trainUpload() {
  return {
    path: 'train.jsonl',
    ...localWithChecksum('train.jsonl'),
    filename: 'train.jsonl',
    fileType: 'jsonl' as const,
    purpose: 'fine-tune' as const,
  };
}

/** A raw request to the server, for checking its own rules. */
function raw(url: string, options: http.RequestOptions, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('POST /files', () => {
  it('reserves an ID and answers 302 with a presigned URL, sending the basename as a form', async () => {
    const reserved = await client.reserve({ purpose: 'fine-tune', fileName: 'train.jsonl', fileType: 'jsonl' });
    expect(reserved.fileId).toMatch(/^file-/);
    expect(reserved.uploadUrl).toMatch(/\/storage\/.+X-Amz-Signature=/);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/files', status: 302 });
    expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request!.headers.authorization).toBe(`Bearer ${server.apiKey}`);
    expect(server.files.get(reserved.fileId)).toMatchObject({
      filename: 'train.jsonl',
      purpose: 'fine-tune',
      fileType: 'jsonl',
      state: 'reserved',
    });
  });

  it("turns a wrong key into a 401 error with Together's message and code", async () => {
    const bad = new TogetherClient({ apiKey: 'wrong', baseUrl: server.baseUrl });
    const error = await bad
      .reserve({ purpose: 'fine-tune', fileName: 'a.jsonl', fileType: 'jsonl' })
      .catch((e: unknown) => e);
    await bad.close();
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toBeInstanceOf(TogetherApiError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect((error as Error).message).toMatch(
      /^POST \/files failed with HTTP 401 \(invalid_api_key\): Invalid API key provided/,
    );
    expect(server.files.size).toBe(0);
  });

  it('reports a 400 from the server with its message', async () => {
    const error = await client
      .reserve({ purpose: 'nonsense' as never, fileName: 'a.jsonl', fileType: 'jsonl' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 'invalid_purpose' });
  });

  it('refuses an answer that is not a redirect', async () => {
    server.addFault({ method: 'POST', path: '/v1/files', fault: { kind: 'status', status: 200, body: '{}' } });
    const error = await client
      .reserve({ purpose: 'fine-tune', fileName: 'a.jsonl', fileType: 'jsonl' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(/expected a 302 redirect/);
  });
});

describe('PUT to the presigned URL', () => {
  it('streams the bytes with Content-Length, no chunking and no Authorization, and hashes them', async () => {
    const reserved = await client.reserve({ purpose: 'fine-tune', fileName: 'train.jsonl', fileType: 'jsonl' });
    const progress: number[] = [];
    const sent = await client.putFile(reserved.uploadUrl, local('train.jsonl'), {
      onProgress: (n) => progress.push(n),
    });
    const stored = server.files.get(reserved.fileId)!;
    const content = chatJsonl(500);
    expect(sent.sha256).toBe(sha256(content));
    expect(stored).toMatchObject({
      state: 'uploaded',
      bytes: Buffer.byteLength(content),
      sha256: sha256(content),
      uploads: 1,
    });
    expect(progress.at(-1)).toBe(Buffer.byteLength(content));
    const put = server.requests.find((r) => r.method === 'PUT')!;
    expect(put.status).toBe(200);
    expect(put.headers['content-length']).toBe(String(Buffer.byteLength(content)));
    expect(put.headers['transfer-encoding']).toBeUndefined();
    expect(put.headers.authorization).toBeUndefined();
    expect(sent.etag).toMatch(/^[0-9a-f]{32}$/);
  });

  it('sends a multi-megabyte file byte-exact: pooled read buffers are refilled only after the socket took them', async () => {
    const content = randomBytes(9 * 1024 * 1024 + 12_345);
    await writeFile(ws.file('random.bin'), content);
    // A slow reader on the server side makes the client's socket queue fill up, the case where reuse would bite.
    server.addFault({ method: 'PUT', path: '/storage/', fault: { kind: 'delay', ms: 50 } });
    const reserved = await client.reserve({ purpose: 'fine-tune', fileName: 'random.jsonl', fileType: 'jsonl' });
    const sent = await client.putFile(reserved.uploadUrl, local('random.bin'), { maxRetries: 0 });
    const expected = createHash('sha256').update(content).digest('hex');
    expect(sent.sha256).toBe(expected);
    expect(server.files.get(reserved.fileId)).toMatchObject({ sha256: expected, bytes: content.length });
  });

  it('uploads an empty file with Content-Length 0', async () => {
    const reserved = await client.reserve({ purpose: 'fine-tune', fileName: 'empty.jsonl', fileType: 'jsonl' });
    const sent = await client.putFile(reserved.uploadUrl, local('empty.jsonl'), { maxRetries: 0 });
    expect(sent.sha256).toBe(sha256(''));
    expect(server.files.get(reserved.fileId)).toMatchObject({ state: 'uploaded', bytes: 0 });
  });

  it('fails with the S3 error of an expired URL, without showing the URL', async () => {
    await server.close();
    server = await startTogetherServer({ uploadUrlTtlMs: -1 });
    client = new TogetherClient({ apiKey: server.apiKey, baseUrl: server.baseUrl });
    const reserved = await client.reserve({ purpose: 'fine-tune', fileName: 'train.jsonl', fileType: 'jsonl' });
    const error = await client
      .putFile(reserved.uploadUrl, local('train.jsonl'), { maxRetries: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toBe('Storage upload failed with HTTP 403 (AccessDenied): Request has expired');
    expect((error as Error).message).not.toContain('X-Amz-Signature');
  });

  describe('the server enforces S3 rules on the PUT', () => {
    let url: string;
    beforeEach(async () => {
      url = (await client.reserve({ purpose: 'fine-tune', fileName: 'a.jsonl', fileType: 'jsonl' })).uploadUrl;
    });

    it('refuses an Authorization header', async () => {
      const res = await raw(
        url,
        { method: 'PUT', headers: { authorization: 'Bearer test-key', 'content-length': '2' } },
        '{}',
      );
      expect(res.status).toBe(400);
      expect(res.body).toContain('<Code>InvalidArgument</Code>');
    });

    it('refuses a chunked body', async () => {
      const res = await raw(url, { method: 'PUT', headers: { 'transfer-encoding': 'chunked' } }, '{}');
      expect(res.status).toBe(501);
      expect(res.body).toContain('<Code>NotImplemented</Code>');
    });

    it('refuses a PUT without Content-Length', async () => {
      // Node's client always adds a length or chunking, so this one is written by hand.
      const target = new URL(url);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(target.port), target.hostname, () =>
          socket.end(
            `PUT ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: close\r\n\r\n`,
          ),
        );
        let text = '';
        socket.setEncoding('utf8').on('data', (c: string) => (text += c));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 411 /);
      expect(answer).toContain('<Code>MissingContentLength</Code>');
    });

    it('refuses a GET (a client that followed the 302) and a tampered signature', async () => {
      expect((await raw(url, { method: 'GET' })).status).toBe(403);
      const tampered = url.replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000');
      const res = await raw(tampered, { method: 'PUT', headers: { 'content-length': '2' } }, '{}');
      expect(res.status).toBe(403);
      expect(res.body).toContain('SignatureDoesNotMatch');
    });
  });
});

describe('processing', () => {
  it('goes through non-terminal states before COMPLETED with a validation report', async () => {
    const uploaded = await uploadFile(trainUpload(), uploadDeps());
    expect(uploaded.afterUpload?.processing_status).toBe('QUEUED');
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await client.retrieve(uploaded.id)).processing_status);
    expect(statuses).toEqual(['RUNNING', 'RUNNING', 'COMPLETED', 'COMPLETED']);
    const done = await client.retrieve(uploaded.id);
    expect(done.validation_report).toMatchObject({ valid: true, nlines: 500 });
    expect(
      server.requests
        .map((r) => `${r.method} ${r.path.replace(/file-[\w-]+/, 'ID').replace(/storage\/[\w-]+/, 'storage/T')}`)
        .slice(0, 3),
    ).toEqual(['POST /v1/files', 'PUT /storage/T', 'POST /v1/files/ID/preprocess']);
  });

  it('rejects an invalid fine-tune file with INVALID_FORMAT and the reason', async () => {
    const uploaded = await uploadFile(
      {
        path: 'bad.jsonl',
        ...localWithChecksum('bad.jsonl'),
        filename: 'bad.jsonl',
        fileType: 'jsonl',
        purpose: 'fine-tune',
      },
      uploadDeps(),
    );
    let file = await client.retrieve(uploaded.id);
    while (file.processing_status !== 'INVALID_FORMAT') {
      expect(['QUEUED', 'RUNNING']).toContain(file.processing_status);
      file = await client.retrieve(uploaded.id);
    }
    expect(file.validation_report).toMatchObject({
      valid: false,
      error_type: 'INVALID_FORMAT',
      error: 'Line 2: `messages[0]` must contain a `role` field',
    });
  });

  it('speaks the older schema: no processing_status, Processed turns true', async () => {
    await server.close();
    server = await startTogetherServer({ legacySchema: true, pollsBeforeDone: 1 });
    client = new TogetherClient({ apiKey: server.apiKey, baseUrl: server.baseUrl });
    const uploaded = await uploadFile(trainUpload(), uploadDeps());
    const first = await client.retrieve(uploaded.id);
    expect(first.processing_status).toBeUndefined();
    expect(first.Processed).toBe(false);
    expect((await client.retrieve(uploaded.id)).Processed).toBe(true);
  });

  it('tolerates a server without /preprocess', async () => {
    await server.close();
    server = await startTogetherServer({ noPreprocess: true });
    client = new TogetherClient({ apiKey: server.apiKey, baseUrl: server.baseUrl });
    const log: string[] = [];
    const uploaded = await uploadFile(
      trainUpload(),
      uploadDeps((m) => log.push(m)),
    );
    expect(uploaded.afterUpload).toBeUndefined();
    expect(log).toContain('The server has no /preprocess endpoint; processing starts on its own');
  });
});

describe('uploadFile', () => {
  it('deletes the reserved ID when the PUT fails, so nothing is abandoned', async () => {
    server.addFault({
      method: 'PUT',
      path: '/storage/',
      fault: storageErrorFault(403, 'AccessDenied', 'Access Denied'),
    });
    const log: string[] = [];
    const error = await uploadFile(
      trainUpload(),
      uploadDeps((m) => log.push(m)),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(server.files.size).toBe(0);
    expect(server.deletedIds).toHaveLength(1);
    expect(log.at(-1)).toMatch(/^Deleted the reserved ID file-/);
  });

  it('lists and deletes files', async () => {
    const reserved = await client.reserve({ purpose: 'eval', fileName: 'x.csv', fileType: 'csv' });
    expect((await client.listFiles()).map((f) => f.id)).toEqual([reserved.fileId]);
    await client.deleteFile(reserved.fileId);
    await client.deleteFile(reserved.fileId); // already gone: still fine
    expect(await client.listFiles()).toEqual([]);
  });
});
