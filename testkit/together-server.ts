/**
 * A Together-compatible Files API server on loopback, faithful to ../shared/docs/together-files-api.md: `POST /files`
 * answers 302 with a presigned URL, the storage enforces S3's rules on the PUT, processing takes several polls,
 * rejections carry a `validation_report`, errors use Together's envelope, and faults can be injected.
 * Used by the tests, the demo and the benchmarks.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FineTuneStandIn, type FineTuneOptions } from './fine-tunes.js';
import { validateDatasetContent, type ServerVerdict } from './server-validation.js';

// The API's own lists, kept apart from src/inputs.ts on purpose: a stand-in that imported the action's list could
// never catch a mistake in it.
export const PURPOSES = ['fine-tune', 'eval', 'batch-api'];
export const FILE_TYPES = ['jsonl', 'csv', 'parquet'];
const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;

export interface TogetherServerOptions {
  /** The accepted API key (default `test-key`). */
  apiKey?: string;
  /** How many `GET /files/{id}` after the upload still answer RUNNING before the final status (default 2). */
  pollsBeforeDone?: number;
  /** Answer like the older API: no `processing_status`, `Processed` turns true once processed. */
  legacySchema?: boolean;
  /** Keep uploaded bytes up to this size to validate and to inspect (default 16 MiB); larger files are hashed only. */
  keepContentBytes?: number;
  /** Lifetime of presigned URLs (default 15 minutes). */
  uploadUrlTtlMs?: number;
  /** Never let processing finish (to test wait timeouts). */
  neverFinish?: boolean;
  /** Answer 404 to `/preprocess`, as a server without that endpoint would. */
  noPreprocess?: boolean;
  /** Added to every request before it is handled (a distant API). */
  latencyMs?: number;
  /**
   * Answer a reservation whose `checksum` an uploaded file already has with 409 (default true, as Together does
   * since 2026). Benchmarks that send the same bytes every round turn it off, to measure each upload.
   */
  detectDuplicates?: boolean;
  /** How fine-tune jobs behave (outcomes, running polls, creates answered 5xx after they were recorded). */
  fineTunes?: FineTuneOptions;
}

export type Fault =
  /** Answer with this status, headers and body instead of handling the request. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Destroy the connection without an answer (after reading `afterBytes` of the request body, default 0). */
  | { kind: 'reset'; afterBytes?: number }
  /** Handle the request normally after a delay. */
  | { kind: 'delay'; ms: number }
  /** Handle the request (a POST reserves its ID) but drop the connection instead of answering: a lost answer. */
  | { kind: 'drop-response' }
  /** Stop reading the request body and never answer (a stalled upload). */
  | { kind: 'stall' }
  /**
   * Answer with this status, then a body that never ends: `chunkBytes` at a time as fast as the client takes them
   * (an endless error page), or, with `intervalMs`, one byte each interval (a trickle). Ends when the client goes.
   */
  | { kind: 'endless-body'; status: number; chunkBytes?: number; intervalMs?: number };

export interface FaultRule {
  method?: string;
  /** Matched against the path: a prefix string (`/files`, `/storage/`) or a RegExp. */
  path?: string | RegExp;
  /** How many matching requests get the fault (default 1). */
  times?: number;
  fault: Fault;
}

export interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  fileType: string;
  createdAt: number;
  /** `reserved` after `POST /files`, `uploaded` after a successful PUT. */
  state: 'reserved' | 'uploaded';
  bytes: number;
  sha256: string | null;
  /** How many PUTs of this file's bytes succeeded (1 for a correct client). */
  uploads: number;
  content: Buffer | null;
  preprocessed: boolean;
  polls: number;
  /** The `checksum` the reservation named (2026 API), or null. */
  checksum: string | null;
  /** What validation found once the bytes arrived (fine-tune files only), or null before that. */
  verdict: ServerVerdict | null;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  status: number;
  bodyBytes: number;
}

export interface MultipartRecord {
  uploadId: string;
  fileId: string;
  numParts: number;
  fileSize: number;
  /** Received parts by number: size, ETag, and content when small. */
  parts: Map<number, { bytes: number; etag: string; content: Buffer | null }>;
  state: 'open' | 'completed' | 'aborted';
}

export interface TogetherServer {
  url: string;
  /** The base URL clients use: `${url}/v1`. */
  baseUrl: string;
  apiKey: string;
  files: Map<string, StoredFile>;
  requests: RecordedRequest[];
  deletedIds: string[];
  multipart: Map<string, MultipartRecord>;
  addFault(rule: FaultRule): void;
  /**
   * Server events, for tests that act when something happens rather than after a delay: `request` as each request
   * arrives, `stalled` when a `stall` fault takes a request (its client is now waiting on a stalled upload).
   */
  events: EventEmitter<{ request: [RecordedRequest]; stalled: [RecordedRequest] }>;
  /** The bodies of the `POST /fine-tunes/estimate-price` requests received. */
  estimates: Array<Record<string, unknown>>;
  /** Fine-tune jobs, as the stand-in runs them (testkit/fine-tunes.ts). */
  fineTunes: FineTuneStandIn;
  /** Requests in flight on the storage endpoint now, and the most seen at once. */
  storage: { inFlight: number; maxInFlight: number };
  close(): Promise<void>;
}

interface UploadGrant {
  fileId: string;
  expiresAt: number;
  /** Set for a multipart part's URL. */
  part?: { uploadId: string; partNumber: number };
}

const MIN_PART_BYTES = 5 * 1024 * 1024;

/** Starts the server on 127.0.0.1 and an ephemeral port (or `port`). */
export async function startTogetherServer(options: TogetherServerOptions = {}, port = 0): Promise<TogetherServer> {
  const apiKey = options.apiKey ?? 'test-key';
  const pollsBeforeDone = options.pollsBeforeDone ?? 2;
  const keepContentBytes = options.keepContentBytes ?? 16 * 1024 * 1024;
  const uploadUrlTtlMs = options.uploadUrlTtlMs ?? 15 * 60_000;
  const signingKey = randomUUID();
  const files = new Map<string, StoredFile>();
  const grants = new Map<string, UploadGrant>();
  const requests: RecordedRequest[] = [];
  const deletedIds: string[] = [];
  const multipart = new Map<string, MultipartRecord>();
  const faults: (FaultRule & { times: number })[] = [];
  const storage = { inFlight: 0, maxInFlight: 0 };
  const events = new EventEmitter<{ request: [RecordedRequest]; stalled: [RecordedRequest] }>();
  const estimates: Array<Record<string, unknown>> = [];
  const fineTunes = new FineTuneStandIn(options.fineTunes ?? {}, (fileId) => {
    const file = files.get(fileId);
    if (!file) return `File ${fileId} not found`;
    const finished = file.state === 'uploaded' && !options.neverFinish && file.polls > pollsBeforeDone;
    if (!finished || file.verdict?.error) return `File ${file.id} is not a processed, valid dataset`;
    if (file.purpose !== 'fine-tune') return `File ${file.id} has purpose ${file.purpose}, not fine-tune`;
    return undefined;
  });
  let origin = '';

  const sign = (token: string, expires: number) =>
    createHmac('sha256', signingKey).update(`${token}:${expires}`).digest('hex');

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const record: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      headers: req.headers,
      status: 0,
      bodyBytes: 0,
    };
    requests.push(record);
    events.emit('request', record);
    res.on('finish', () => (record.status = res.statusCode));
    if (url.pathname.startsWith('/storage/')) {
      // In flight from arrival to the end of the exchange, delays and stalls included.
      storage.inFlight += 1;
      storage.maxInFlight = Math.max(storage.maxInFlight, storage.inFlight);
      res.once('close', () => (storage.inFlight -= 1));
    }

    const fault = takeFault(req.method ?? '', url.pathname);
    if (fault?.kind === 'status') {
      void drain(req).then(() => {
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(fault.body ?? envelope(`injected ${fault.status}`, 'server_error', null));
      });
      return;
    }
    if (fault?.kind === 'reset') {
      resetAfter(req, fault.afterBytes ?? 0);
      return;
    }
    if (fault?.kind === 'stall') {
      req.pause();
      events.emit('stalled', record);
      return;
    }
    if (fault?.kind === 'endless-body') {
      void drain(req).then(() => sendEndlessly(res, fault, record));
      return;
    }
    if (fault?.kind === 'drop-response') {
      // Whatever the handler answers is thrown away with the connection.
      res.writeHead = () => {
        req.socket.destroy();
        return res;
      };
      res.end = (() => res) as typeof res.end;
    }
    const handle = (): void => {
      if (url.pathname.startsWith('/storage/')) void handleStorage(req, res, url, record);
      else if (url.pathname.startsWith('/v1/')) void handleApi(req, res, url, record);
      else sendError(res, 404, `Unknown path ${url.pathname}`, 'invalid_request_error', 'not_found');
    };
    const delay = (options.latencyMs ?? 0) + (fault?.kind === 'delay' ? fault.ms : 0);
    if (delay > 0) setTimeout(handle, delay);
    else handle();
  });

  function takeFault(method: string, path: string): Fault | undefined {
    const index = faults.findIndex(
      (rule) =>
        (!rule.method || rule.method === method) &&
        (!rule.path || (typeof rule.path === 'string' ? path.startsWith(rule.path) : rule.path.test(path))),
    );
    if (index < 0) return undefined;
    const rule = faults[index]!;
    rule.times -= 1;
    if (rule.times <= 0) faults.splice(index, 1);
    return rule.fault;
  }

  /** Headers, then body bytes until the client hangs up; `record.bodyBytes` counts what was sent. */
  function sendEndlessly(
    res: http.ServerResponse,
    fault: Extract<Fault, { kind: 'endless-body' }>,
    record: RecordedRequest,
  ) {
    res.writeHead(fault.status, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(fault.intervalMs ? 1 : (fault.chunkBytes ?? 64 * 1024), 'x');
    let closed = false;
    res.on('close', () => (closed = true));
    const more = () => {
      if (closed) return;
      record.bodyBytes += chunk.length;
      const flushed = res.write(chunk);
      if (fault.intervalMs) setTimeout(more, fault.intervalMs);
      else if (flushed) setImmediate(more);
      else res.once('drain', more);
    };
    more();
  }

  function resetAfter(req: http.IncomingMessage, afterBytes: number) {
    let seen = 0;
    if (afterBytes <= 0) return req.socket.destroy();
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen >= afterBytes) req.socket.destroy();
    });
    req.on('end', () => req.socket.destroy());
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL, record: RecordedRequest) {
    const body = await readBody(req);
    record.bodyBytes = body.length;
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return sendError(
        res,
        401,
        'Invalid API key provided. You can find your API key at https://api.together.xyz/settings/api-keys.',
        'invalid_request_error',
        'invalid_api_key',
      );
    }
    const path = url.pathname.slice('/v1'.length);
    const method = req.method ?? '';
    const fileMatch = /^\/files\/([^/]+)(\/preprocess)?$/.exec(path);

    if (path === '/files' && method === 'POST') return createFile(req, res, url, body);
    if (path === '/files/multipart/initiate' && method === 'POST') return initiateMultipart(res, body);
    if (path === '/files/multipart/complete' && method === 'POST') return completeMultipart(res, body);
    if (path === '/files/multipart/abort' && method === 'POST') return abortMultipart(res, body);
    if (path === '/fine-tunes/estimate-price' && method === 'POST') return estimatePrice(res, body);
    if (path.startsWith('/fine-tunes') && !path.startsWith('/fine-tunes/estimate-price')) {
      const handled = fineTunes.handle(method, path, url.searchParams, parseJsonBody(body), (status, value) =>
        sendJson(res, status, value),
      );
      if (handled) return;
    }
    if (path === '/files' && method === 'GET') {
      return sendJson(res, 200, { object: 'list', data: [...files.values()].map(fileObject) });
    }
    if (fileMatch) {
      const file = files.get(decodeURIComponent(fileMatch[1]!));
      if (!file) return sendError(res, 404, `File ${fileMatch[1]} not found`, 'invalid_request_error', 'not_found');
      if (fileMatch[2]) {
        if (method !== 'POST') return sendError(res, 405, 'Method not allowed', 'invalid_request_error', null);
        if (options.noPreprocess) return sendError(res, 404, 'Not found', 'invalid_request_error', 'not_found');
        file.preprocessed = true;
        return sendJson(res, 200, fileObject(file));
      }
      if (method === 'GET') {
        if (file.state === 'uploaded') file.polls += 1;
        return sendJson(res, 200, fileObject(file));
      }
      if (method === 'DELETE') {
        files.delete(file.id);
        deletedIds.push(file.id);
        return sendJson(res, 200, { id: file.id, object: 'file', deleted: true });
      }
    }
    sendError(res, 404, `Unknown endpoint ${method} ${url.pathname}`, 'invalid_request_error', 'not_found');
  }

  function createFile(req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer) {
    const params = new URLSearchParams(url.search);
    const contentType = req.headers['content-type'] ?? '';
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
    }
    const purpose = params.get('purpose');
    const fileName = params.get('file_name');
    const fileType = params.get('file_type') ?? 'jsonl';
    if (!purpose || !PURPOSES.includes(purpose)) {
      return sendError(
        res,
        400,
        `Invalid purpose '${purpose ?? ''}'`,
        'invalid_request_error',
        'invalid_purpose',
        'purpose',
      );
    }
    if (!fileName) return sendError(res, 400, 'file_name is required', 'invalid_request_error', null, 'file_name');
    if (!FILE_TYPES.includes(fileType)) {
      return sendError(res, 400, `Invalid file_type '${fileType}'`, 'invalid_request_error', null, 'file_type');
    }
    const checksum = params.get('checksum');
    if (checksum !== null && !/^[0-9a-f]{64}$/.test(checksum)) {
      return sendError(res, 400, 'checksum must be a hex SHA-256', 'invalid_request_error', null, 'checksum');
    }
    const holder = holderOf(checksum);
    if (holder) return sendConflict(res, holder);
    const id = reserveFile(fileName, purpose, fileType, checksum);
    res.writeHead(302, { location: presign(id), 'x-together-file-id': id, 'content-length': '0' });
    res.end();
  }

  function reserveFile(filename: string, purpose: string, fileType: string, checksum: string | null): string {
    const id = `file-${randomUUID()}`;
    files.set(id, {
      id,
      filename,
      purpose,
      fileType,
      createdAt: Math.floor(Date.now() / 1000),
      state: 'reserved',
      bytes: 0,
      sha256: null,
      uploads: 0,
      content: null,
      preprocessed: false,
      polls: 0,
      checksum,
      verdict: null,
    });
    return id;
  }

  /** The stored file whose bytes have this SHA-256 (2026: Together refuses a second copy with 409). */
  function holderOf(checksum: string | null): StoredFile | undefined {
    if (!checksum || options.detectDuplicates === false) return undefined;
    return [...files.values()].find((f) => f.state === 'uploaded' && f.sha256 === checksum);
  }

  function sendConflict(res: http.ServerResponse, holder: StoredFile) {
    const body = JSON.stringify({
      error: {
        message: `A file with the same content already exists: ${holder.id}`,
        type: 'invalid_request_error',
        param: 'checksum',
        code: 'file_already_exists',
      },
      file_id: holder.id,
    });
    res.writeHead(409, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  /** Validation once the bytes are in: fine-tune files only, as Together does; a checksum that lies fails. */
  function verdictOf(file: StoredFile): ServerVerdict | null {
    if (file.checksum && file.sha256 && file.checksum !== file.sha256) {
      return { error: `The uploaded content does not match the checksum ${file.checksum}` };
    }
    return file.purpose === 'fine-tune' && file.content ? validateDatasetContent(file.content, file.fileType) : null;
  }

  function presign(fileId: string, part?: UploadGrant['part']): string {
    const token = randomUUID();
    const expires = Date.now() + uploadUrlTtlMs;
    grants.set(token, { fileId, expiresAt: expires, part });
    const partQuery = part ? `&partNumber=${part.partNumber}&uploadId=${part.uploadId}` : '';
    return `${origin}/storage/${token}?X-Amz-Expires=${expires}${partQuery}&X-Amz-Signature=${sign(token, expires)}`;
  }

  function initiateMultipart(res: http.ServerResponse, body: Buffer) {
    const request = parseJsonBody(body) as
      | {
          file_name?: string;
          file_size?: number;
          num_parts?: number;
          purpose?: string;
          file_type?: string;
          checksum?: unknown;
        }
      | undefined;
    if (!request?.file_name || !request.purpose || !PURPOSES.includes(request.purpose)) {
      return sendError(res, 400, 'file_name and a valid purpose are required', 'invalid_request_error', null);
    }
    const numParts = Number(request.num_parts);
    if (!Number.isInteger(numParts) || numParts < 1 || numParts > 250) {
      return sendError(res, 400, 'num_parts must be between 1 and 250', 'invalid_request_error', null, 'num_parts');
    }
    const checksum = typeof request.checksum === 'string' ? request.checksum : null;
    const holder = holderOf(checksum);
    if (holder) return sendConflict(res, holder);
    const fileId = reserveFile(request.file_name, request.purpose, request.file_type ?? 'jsonl', checksum);
    const uploadId = `upload-${randomUUID()}`;
    multipart.set(uploadId, {
      uploadId,
      fileId,
      numParts,
      fileSize: Number(request.file_size),
      parts: new Map(),
      state: 'open',
    });
    const parts = Array.from({ length: numParts }, (_, i) => ({
      PartNumber: i + 1,
      URL: presign(fileId, { uploadId, partNumber: i + 1 }),
      Headers: { 'x-amz-meta-part': String(i + 1) },
    }));
    sendJson(res, 200, { upload_id: uploadId, file_id: fileId, parts });
  }

  function completeMultipart(res: http.ServerResponse, body: Buffer) {
    const request = parseJsonBody(body) as
      { upload_id?: string; file_id?: string; parts?: Array<{ part_number?: number; etag?: string }> } | undefined;
    const upload = request?.upload_id ? multipart.get(request.upload_id) : undefined;
    if (!upload || upload.fileId !== request?.file_id || upload.state !== 'open') {
      return sendError(res, 404, 'No such multipart upload', 'invalid_request_error', 'not_found');
    }
    const listed = request.parts ?? [];
    if (listed.length !== upload.numParts) {
      return sendError(
        res,
        400,
        `expected ${upload.numParts} parts, got ${listed.length}`,
        'invalid_request_error',
        'InvalidPart',
      );
    }
    const contents: Buffer[] = [];
    let total = 0;
    for (const [index, listedPart] of listed.entries()) {
      const stored = upload.parts.get(index + 1);
      if (listedPart.part_number !== index + 1 || !stored || stored.etag !== listedPart.etag) {
        return sendError(
          res,
          400,
          `part ${index + 1} is missing or its ETag does not match`,
          'invalid_request_error',
          'InvalidPart',
        );
      }
      if (index < listed.length - 1 && stored.bytes < MIN_PART_BYTES) {
        return sendError(
          res,
          400,
          `part ${index + 1} is smaller than 5 MiB`,
          'invalid_request_error',
          'EntityTooSmall',
        );
      }
      total += stored.bytes;
      if (stored.content) contents.push(stored.content);
    }
    const file = files.get(upload.fileId);
    if (!file) return sendError(res, 404, 'The file record no longer exists', 'invalid_request_error', 'not_found');
    const content = contents.length === upload.numParts ? Buffer.concat(contents) : null;
    upload.state = 'completed';
    file.state = 'uploaded';
    file.bytes = total;
    file.uploads += 1;
    file.content = content;
    file.sha256 = content ? createHash('sha256').update(content).digest('hex') : null;
    file.polls = 0;
    file.preprocessed = true;
    file.verdict = verdictOf(file);
    sendJson(res, 200, { file: fileObject(file) });
  }

  /**
   * A deterministic stand-in for Together's price estimate, not its prices: a token per 4 bytes, $0.50 per million
   * tokens and epoch, a $100 credit limit. Together's reasons for no estimate are kept (unprocessed, invalid,
   * multimodal).
   */
  function estimatePrice(res: http.ServerResponse, body: Buffer) {
    const request = parseJsonBody(body) as { training_file?: unknown; model?: unknown; n_epochs?: unknown } | undefined;
    estimates.push(request ?? {});
    if (typeof request?.training_file !== 'string' || typeof request.model !== 'string' || !request.model) {
      return sendError(res, 400, 'training_file and model are required', 'invalid_request_error', null);
    }
    const file = files.get(request.training_file);
    if (!file)
      return sendError(res, 404, `File ${request.training_file} not found`, 'invalid_request_error', 'not_found');
    const unavailable = (reason: string) =>
      sendJson(res, 200, { estimation_available: false, unavailable_reason: reason });
    const finished = file.state === 'uploaded' && !options.neverFinish && file.polls > pollsBeforeDone;
    if (!finished) return unavailable('train_file_not_validated');
    if (file.verdict?.error) return unavailable('train_file_invalid');
    if (file.verdict?.report?.dataset_is_multimodal) return unavailable('multimodal_dataset');
    const epochs = typeof request.n_epochs === 'number' && request.n_epochs > 0 ? request.n_epochs : 1;
    const tokens = Math.ceil(file.bytes / 4);
    const price = Math.round(tokens * epochs * 0.5e-6 * 100) / 100;
    sendJson(res, 200, {
      estimated_train_token_count: tokens * epochs,
      estimated_eval_token_count: 0,
      estimated_total_price: price,
      allowed_to_proceed: price <= 100,
      user_limit: 100,
    });
  }

  function abortMultipart(res: http.ServerResponse, body: Buffer) {
    const request = parseJsonBody(body) as { upload_id?: string; file_id?: string } | undefined;
    const upload = request?.upload_id ? multipart.get(request.upload_id) : undefined;
    if (!upload || upload.fileId !== request?.file_id)
      return sendError(res, 404, 'No such multipart upload', 'invalid_request_error', 'not_found');
    upload.state = 'aborted';
    if (files.delete(upload.fileId)) deletedIds.push(upload.fileId);
    sendJson(res, 200, { success: true });
  }

  function handleStorage(req: http.IncomingMessage, res: http.ServerResponse, url: URL, record: RecordedRequest) {
    const token = url.pathname.slice('/storage/'.length);
    const expires = Number(url.searchParams.get('X-Amz-Expires'));
    const grant = grants.get(token);
    const rejectWith = (status: number, code: string, message: string) =>
      drain(req).then(() => sendS3Error(res, status, code, message));

    if (!grant || url.searchParams.get('X-Amz-Signature') !== sign(token, expires)) {
      return rejectWith(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    if (req.method !== 'PUT') {
      return rejectWith(
        403,
        'SignatureDoesNotMatch',
        `The request signature we calculated does not match: this URL is signed for PUT, not ${req.method}.`,
      );
    }
    if (req.headers.authorization) {
      return rejectWith(
        400,
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      );
    }
    if (Date.now() > grant.expiresAt) return rejectWith(403, 'AccessDenied', 'Request has expired');
    if (req.headers['transfer-encoding']) {
      return rejectWith(
        501,
        'NotImplemented',
        'A header you provided implies functionality that is not implemented (Transfer-Encoding).',
      );
    }
    const declared = req.headers['content-length'];
    if (declared === undefined)
      return rejectWith(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
    const length = Number(declared);
    if (length > MAX_SINGLE_PUT_BYTES) {
      return rejectWith(
        400,
        'EntityTooLarge',
        'Your proposed upload exceeds the maximum allowed size (5 GB for a single PUT).',
      );
    }

    const sha256 = createHash('sha256');
    const kept: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      sha256.update(chunk);
      if (length <= keepContentBytes) kept.push(chunk);
    });
    req.on('end', () => {
      record.bodyBytes = received;
      if (received !== length) {
        return sendS3Error(
          res,
          400,
          'IncompleteBody',
          'You did not provide the number of bytes specified by the Content-Length HTTP header.',
        );
      }
      const content = length <= keepContentBytes ? Buffer.concat(kept) : null;
      const digest = sha256.digest('hex');
      // An ETag is opaque to clients; S3's is an MD5, but hashing twice would make this server the bottleneck.
      const etag = `"${digest.slice(0, 32)}"`;
      if (grant.part) {
        const upload = multipart.get(grant.part.uploadId);
        if (!upload || upload.state !== 'open')
          return sendS3Error(res, 404, 'NoSuchUpload', 'The multipart upload does not exist or is closed.');
        upload.parts.set(grant.part.partNumber, { bytes: received, etag: etag.replace(/"/g, ''), content });
        res.writeHead(200, { etag, 'content-length': '0' });
        return res.end();
      }
      const file = files.get(grant.fileId);
      if (!file) return sendS3Error(res, 404, 'NoSuchUpload', 'The file record no longer exists.');
      file.state = 'uploaded';
      file.bytes = received;
      file.sha256 = digest;
      file.uploads += 1;
      file.content = content;
      file.polls = 0;
      file.verdict = verdictOf(file);
      res.writeHead(200, { etag, 'content-length': '0' });
      res.end();
    });
  }

  function fileObject(file: StoredFile): Record<string, unknown> {
    const finished = file.state === 'uploaded' && !options.neverFinish && file.polls > pollsBeforeDone;
    const base = {
      id: file.id,
      object: 'file',
      created_at: file.createdAt,
      filename: file.filename,
      bytes: file.bytes,
      purpose: file.purpose,
      FileType: file.fileType,
    };
    const error = file.verdict?.error ?? null;
    if (options.legacySchema) return { ...base, Processed: finished && !error };
    const checked = file.purpose === 'fine-tune';
    return {
      ...base,
      Processed: file.state === 'uploaded',
      processing_status: processingStatus(file, finished),
      ...(finished && checked
        ? {
            validation_report: error
              ? { valid: false, error, error_type: 'INVALID_FORMAT', file_id: file.id }
              : { valid: true, file_id: file.id, ...file.verdict?.report },
          }
        : {}),
    };
  }

  function processingStatus(file: StoredFile, finished: boolean): string {
    if (file.state !== 'uploaded') return 'PENDING';
    if (finished) return file.verdict?.error ? 'INVALID_FORMAT' : 'COMPLETED';
    if (file.polls === 0) return file.preprocessed ? 'QUEUED' : 'PENDING';
    return 'RUNNING';
  }

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    baseUrl: `${origin}/v1`,
    apiKey,
    files,
    requests,
    deletedIds,
    multipart,
    storage,
    events,
    estimates,
    fineTunes,
    addFault: (rule) => faults.push({ ...rule, times: rule.times ?? 1 }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function envelope(message: string, type: string, code: string | null, param: string | null = null): string {
  return JSON.stringify({ error: { message, type, param, code } });
}

function sendError(
  res: http.ServerResponse,
  status: number,
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
) {
  const body = envelope(message, type, code, param);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': randomUUID(),
  });
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown) {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': randomUUID(),
  });
  res.end(body);
}

/** The XML body S3 answers an error with. */
export function s3ErrorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
}

/** A fault that makes the storage answer a PUT as S3 does with an error (e.g. 403 AccessDenied). */
export function storageErrorFault(status: number, code: string, message: string): Fault {
  return { kind: 'status', status, headers: { 'content-type': 'application/xml' }, body: s3ErrorXml(code, message) };
}

function sendS3Error(res: http.ServerResponse, status: number, code: string, message: string) {
  const body = s3ErrorXml(code, message);
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
}

function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function drain(req: http.IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (req.readableEnded) return resolve();
    req.on('end', resolve);
    req.on('error', () => resolve());
    req.resume();
  });
}
