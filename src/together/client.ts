/**
 * The only HTTP layer for Together: the Files API endpoints the action needs and the PUTs to the presigned
 * storage URLs they hand out, on undici with explicit timeouts. Every method takes one options object (`signal`,
 * `deadline`, `maxRetries`, `log`) and runs in the one retry loop (`runWithRetries`), with the policy of its kind:
 *
 * - API calls that can be repeated safely (retrieve, list, delete, preprocess, multipart complete and abort);
 * - reservations (`POST /files`, multipart initiate), which may reserve an ID on every call: an ID named by a
 *   failed answer is deleted at once, and after a lost answer the reservation it may have made is looked up and
 *   deleted;
 * - storage PUTs, retried with a fresh read of the file.
 */
import { messageOf } from '../error-text.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { redactDeep } from '../safe-text.js';
import { ConflictError, ProtocolError, TogetherApiError } from './errors.js';
import { exchange, tooLargeDetail, type BoundedAnswer } from './exchange.js';
import {
  API_ATTEMPT_DEADLINE_MS,
  API_TIMEOUT_MS,
  CLEANUP_TIMEOUT_MS,
  DEFAULT_RATE_LIMIT_BUDGET_MS,
  MAX_ANSWER_BYTES,
  MAX_LIST_ANSWER_BYTES,
} from './limits.js';
import { isConnectionError, RateLimitGate, runWithRetries, type RetryLoop } from './retry.js';
import { isValidFileId, isValidJobId, unsafeUploadUrlReason } from './wire.js';
import { putBytes, putFile, type PutResult } from './storage.js';
import type {
  CreateFileRequest,
  EstimatePriceAnswer,
  FileObject,
  FineTuneJob,
  MetricPoint,
  ModelLimits,
  MultipartUpload,
  ReservedUpload,
} from './types.js';

export interface RequestOptions {
  /** Aborts the request and its retries (default: the client's signal, the run's cancellation). */
  signal?: AbortSignal;
  /** Epoch ms: the request and its retries end by then (DeadlineError). */
  deadline?: number;
  /** Retries after the first attempt (default: the client's). */
  maxRetries?: number;
  /** Where retries are logged (default: the client's log). */
  log?: (message: string) => void;
}

export interface PutOptions extends RequestOptions {
  /** Called as bytes leave, with the running total of this attempt. */
  onProgress?: (bytesSent: number) => void;
}

export interface TogetherClientOptions {
  apiKey: string;
  /** e.g. `https://api.together.ai/v1`, without a trailing slash. */
  baseUrl: string;
  /** Retries per request after the first attempt (default 5). */
  maxRetries?: number;
  /** The run's cancellation: aborts every request. */
  signal?: AbortSignal;
  /** Logs retries of calls that name no log of their own. */
  log?: (message: string) => void;
  /** How long an upload may move no byte before it is aborted and retried (default 60 s). */
  stallTimeoutMs?: number;
  /** How long one API attempt may take, answer body included, however it trickles (default 120 s). */
  attemptDeadlineMs?: number;
  /** How long, in all, the step may wait on Together's rate limit (default 10 minutes). */
  rateLimitBudgetMs?: number;
  /** Test seams: the pause between retries, its jitter and the clock. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  dispatcher?: Dispatcher;
  userAgent?: string;
}

export const USER_AGENT = 'together-upload-action/0.1 (+https://github.com/features/actions)';

/**
 * The HTTP agent the client and the storage uploads share. It honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY, as
 * self-hosted runners behind a proxy need, and connects directly when they are unset.
 */
function createDispatcher(): Dispatcher {
  return new EnvHttpProxyAgent({
    connect: { timeout: 30_000 },
    headersTimeout: API_TIMEOUT_MS,
    bodyTimeout: API_TIMEOUT_MS,
  });
}

interface ApiCall {
  method: Dispatcher.HttpMethod;
  path: string;
  json?: unknown;
  form?: URLSearchParams;
  /** The most of the answer read (default MAX_ANSWER_BYTES). */
  maxBytes?: number;
}

/** What may go into a request path, by kind: the shape, and how a message names it. */
const ID_KINDS = {
  file: { valid: isValidFileId, prefix: '/files', shape: 'file-...' },
  job: { valid: isValidJobId, prefix: '/fine-tunes', shape: 'ft-...' },
} as const;

/**
 * The request path of a file or a job: only an ID of Together's shape goes into a URL (`..` as a file ID would make a
 * cleanup `DELETE /v1/`), whatever a server answered.
 */
function idPath(kind: keyof typeof ID_KINDS, id: string, operation: string, suffix = ''): string {
  const { valid, prefix, shape } = ID_KINDS[kind];
  if (!valid(id)) {
    throw new ProtocolError({
      operation,
      status: 0,
      detail: `the ${kind} ID ${JSON.stringify(id).slice(0, 80)} is not of Together's shape (${shape}); it is not used`,
    });
  }
  return `${prefix}/${id}${suffix}`;
}

export class TogetherClient {
  private readonly dispatcher: Dispatcher;
  private readonly userAgent: string;
  private readonly loopDefaults: Omit<RetryLoop, 'deadline' | 'onFailure'>;
  /** Kept out of every error built from an answer, whatever the server echoes. */
  private readonly secrets: readonly string[];

  constructor(private readonly options: TogetherClientOptions) {
    this.dispatcher = options.dispatcher ?? createDispatcher();
    this.userAgent = options.userAgent ?? USER_AGENT;
    this.secrets = [options.apiKey];
    const now = options.now ?? Date.now;
    this.loopDefaults = {
      gate: new RateLimitGate(options.rateLimitBudgetMs ?? DEFAULT_RATE_LIMIT_BUDGET_MS, now),
      maxRetries: options.maxRetries ?? 5,
      sleep: options.sleep ?? ((ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined)),
      random: options.random ?? Math.random,
      now,
      log: options.log ?? (() => undefined),
      signal: options.signal,
    };
  }

  /** Closes the connections. */
  async close(): Promise<void> {
    await this.dispatcher.close().catch(() => undefined);
  }

  /**
   * `POST /files`: reserves a file ID and answers 302 with a presigned storage URL (protocol doc 5.1). Redirects
   * are not followed: the URL is where the bytes go, with a PUT.
   */
  async reserve(file: CreateFileRequest, options: RequestOptions = {}): Promise<ReservedUpload> {
    const operation = 'POST /files';
    const form = new URLSearchParams({ purpose: file.purpose, file_name: file.fileName, file_type: file.fileType });
    if (file.checksum) form.set('checksum', file.checksum);
    return this.reservation(operation, file.fileName, options, async (signal) => {
      const res = await this.send({ method: 'POST', path: '/files', form }, signal);
      if (res.statusCode !== 302) {
        if (res.statusCode >= 200 && res.statusCode < 300) {
          throw new ProtocolError({
            operation,
            status: res.statusCode,
            detail: 'expected a 302 redirect to the upload URL',
          });
        }
        throw this.error(operation, res);
      }
      const location = single(res.headers.location);
      const rawId = single(res.headers['x-together-file-id']);
      const fileId = isValidFileId(rawId) ? rawId : undefined;
      if (!location || !fileId) {
        const missing = [
          location ? '' : 'a Location header',
          fileId ? '' : rawId ? "an X-Together-File-Id of Together's shape" : 'an X-Together-File-Id header',
        ];
        throw new ProtocolError({
          operation,
          status: 302,
          detail: `the redirect lacks ${missing.filter(Boolean).join(' and ')}`,
          fileId,
        });
      }
      const uploadUrl = this.uploadUrl(operation, location, fileId);
      return { fileId, uploadUrl };
    });
  }

  /** `POST /files/multipart/initiate` (protocol doc 5.3): reserves a file ID and presigned URLs for each part. */
  async initiateMultipart(
    file: CreateFileRequest & { fileSize: number; numParts: number },
    options: RequestOptions = {},
  ): Promise<MultipartUpload> {
    const operation = 'POST /files/multipart/initiate';
    const json = {
      file_name: file.fileName,
      file_size: file.fileSize,
      num_parts: file.numParts,
      purpose: file.purpose,
      file_type: file.fileType,
      ...(file.checksum ? { checksum: file.checksum } : {}),
    };
    return this.reservation(operation, file.fileName, options, async (signal) => {
      const data = (await this.attemptApi(
        operation,
        { method: 'POST', path: '/files/multipart/initiate', json },
        signal,
        { keepUrls: true },
      )) as {
        upload_id?: unknown;
        file_id?: unknown;
        parts?: unknown;
      };
      if (typeof data.upload_id !== 'string' || !isValidFileId(data.file_id) || !Array.isArray(data.parts)) {
        throw new ProtocolError({
          operation,
          status: 200,
          detail: "the answer lacks upload_id, parts or a file_id of Together's shape",
        });
      }
      const fileId = data.file_id;
      const parts = (data.parts as Array<Record<string, unknown>>).map((part) => {
        const url = typeof part.URL === 'string' ? part.URL : typeof part.UploadURL === 'string' ? part.UploadURL : '';
        return {
          partNumber: Number(part.PartNumber ?? part.part_number),
          url: url && this.uploadUrl(operation, url, fileId),
          headers: (part.Headers ?? {}) as Record<string, string>,
        };
      });
      if (parts.length !== file.numParts || parts.some((p) => !p.url || !(p.partNumber >= 1))) {
        throw new ProtocolError({
          operation,
          status: 200,
          detail: `expected ${file.numParts} parts with URLs, got ${parts.length}`,
          fileId,
        });
      }
      return {
        uploadId: data.upload_id,
        fileId,
        parts: parts.sort((a, b) => a.partNumber - b.partNumber),
      };
    });
  }

  /**
   * The whole file in one PUT to its presigned URL, with the SHA-256 of exactly the bytes sent. Retried with a
   * fresh read; an expired URL is not retried (StorageError.expired): it needs a fresh reservation.
   */
  async putFile(
    url: string,
    file: { absolutePath: string; bytes: number },
    options: PutOptions = {},
  ): Promise<PutResult & { sha256: string }> {
    return runWithRetries(
      'PUT to storage',
      (signal) => putFile(url, file, this.putOptions(options, signal)),
      this.loop(options),
    );
  }

  /** One part of a multipart upload, retried on its own with a fresh read of its range. */
  async putPart(
    part: { url: string; headers: Record<string, string>; partNumber: number },
    source: { absolutePath: string; start: number; length: number },
    numParts: number,
    options: PutOptions = {},
  ): Promise<PutResult> {
    return runWithRetries(
      `PUT part ${part.partNumber} of ${numParts}`,
      (signal) => putBytes(part.url, source, { ...this.putOptions(options, signal), headers: part.headers }),
      this.loop(options),
    );
  }

  /**
   * `POST /files/{id}/preprocess`: asks Together to start processing. Returns undefined where the server has no
   * such endpoint (404/405): processing then starts on its own when the upload completes.
   */
  async preprocess(fileId: string, options: RequestOptions = {}): Promise<FileObject | undefined> {
    const operation = `POST /files/${fileId}/preprocess`;
    return runWithRetries(
      operation,
      async (signal) => {
        const res = await this.send({ method: 'POST', path: idPath('file', fileId, operation, '/preprocess') }, signal);
        if (res.statusCode === 404 || res.statusCode === 405) return undefined;
        return this.fileObject(operation, res);
      },
      this.loop(options),
    );
  }

  /** `GET /files/{id}`. */
  async retrieve(fileId: string, options: RequestOptions = {}): Promise<FileObject> {
    const operation = `GET /files/${fileId}`;
    return runWithRetries(
      operation,
      async (signal) => {
        const res = await this.send({ method: 'GET', path: idPath('file', fileId, operation) }, signal);
        return this.fileObject(operation, res);
      },
      this.loop(options),
    );
  }

  /** `DELETE /files/{id}`; a file already gone counts as deleted. */
  async deleteFile(fileId: string, options: RequestOptions = {}): Promise<void> {
    const operation = `DELETE /files/${fileId}`;
    await runWithRetries(
      operation,
      async (signal) => {
        const res = await this.send({ method: 'DELETE', path: idPath('file', fileId, operation) }, signal);
        if (res.statusCode === 404) return;
        if (res.statusCode < 200 || res.statusCode >= 300) throw this.error(operation, res);
      },
      this.loop(options),
    );
  }

  /** `GET /files`: every file of the account (the API has no pagination). */
  async listFiles(options: RequestOptions = {}): Promise<FileObject[]> {
    const operation = 'GET /files';
    const parsed = (await this.api(
      operation,
      { method: 'GET', path: '/files', maxBytes: MAX_LIST_ANSWER_BYTES },
      options,
    )) as { data?: unknown };
    // An entry without an ID of Together's shape is no file the action could use, delete or reuse.
    return Array.isArray(parsed.data)
      ? (parsed.data as FileObject[]).filter((f) => f && typeof f === 'object' && isValidFileId(f.id))
      : [];
  }

  /** `POST /files/multipart/complete` with the parts' ETags in order; answers the file (bare or as `{file}`). */
  async completeMultipart(
    upload: { uploadId: string; fileId: string; etags: string[] },
    options: RequestOptions = {},
  ): Promise<FileObject> {
    const json = {
      upload_id: upload.uploadId,
      file_id: upload.fileId,
      parts: upload.etags.map((etag, i) => ({ part_number: i + 1, etag })),
    };
    const data = (await this.api(
      'POST /files/multipart/complete',
      { method: 'POST', path: '/files/multipart/complete', json },
      options,
    )) as { file?: FileObject } & FileObject;
    return data.file ?? data;
  }

  /** `POST /files/multipart/abort`: gives up a multipart upload and its reserved ID. */
  async abortMultipart(upload: { uploadId: string; fileId: string }, options: RequestOptions = {}): Promise<void> {
    const json = { upload_id: upload.uploadId, file_id: upload.fileId };
    await this.api('POST /files/multipart/abort', { method: 'POST', path: '/files/multipart/abort', json }, options);
  }

  /**
   * `POST /fine-tunes/estimate-price` (together-typescript `src/resources/fine-tuning.ts`): Together's estimate for
   * a fine-tune job of `model` over `epochs` trained on the file. Safe to repeat: it only reads.
   */
  async estimatePrice(
    request: { trainingFile: string; model: string; epochs: number; extra?: Record<string, unknown> },
    options: RequestOptions = {},
  ): Promise<EstimatePriceAnswer> {
    const json = {
      ...request.extra,
      training_file: request.trainingFile,
      model: request.model,
      n_epochs: request.epochs,
    };
    return (await this.api(
      'POST /fine-tunes/estimate-price',
      { method: 'POST', path: '/fine-tunes/estimate-price', json },
      options,
    )) as EstimatePriceAnswer;
  }

  /** `GET /fine-tunes/models/limits?model_name=`: what a model allows (NotFoundError for an unknown model). */
  async modelLimits(model: string, options: RequestOptions = {}): Promise<ModelLimits> {
    const path = `/fine-tunes/models/limits?model_name=${encodeURIComponent(model)}`;
    return (await this.api('GET /fine-tunes/models/limits', { method: 'GET', path }, options)) as ModelLimits;
  }

  /**
   * `POST /fine-tunes`, one attempt and never retried here: the API has no idempotency key, so a retried create
   * can start a second paid job. What a failure means (whether a job may exist) is the caller's to find out.
   */
  async createFineTune(request: Record<string, unknown>, options: RequestOptions = {}): Promise<FineTuneJob> {
    const operation = 'POST /fine-tunes';
    const job = await runWithRetries(
      operation,
      (signal) => this.attemptApi(operation, { method: 'POST', path: '/fine-tunes', json: request }, signal),
      { ...this.loop(options), maxRetries: 0 },
    );
    return this.job(operation, job);
  }

  /** `GET /fine-tunes/{id}`: the job, its events included. */
  async retrieveFineTune(jobId: string, options: RequestOptions = {}): Promise<FineTuneJob> {
    const operation = `GET /fine-tunes/${jobId}`;
    const path = idPath('job', jobId, operation);
    return this.job(
      operation,
      await this.api(operation, { method: 'GET', path, maxBytes: MAX_LIST_ANSWER_BYTES }, options),
    );
  }

  /** `GET /fine-tunes`: the account's jobs (no pagination). */
  async listFineTunes(options: RequestOptions = {}): Promise<FineTuneJob[]> {
    const parsed = (await this.api(
      'GET /fine-tunes',
      { method: 'GET', path: '/fine-tunes', maxBytes: MAX_LIST_ANSWER_BYTES },
      options,
    )) as { data?: unknown };
    return Array.isArray(parsed.data)
      ? (parsed.data as FineTuneJob[]).filter((j) => j && typeof j === 'object' && isValidJobId(j.id))
      : [];
  }

  /** `POST /fine-tunes/{id}/cancel`. */
  async cancelFineTune(jobId: string, options: RequestOptions = {}): Promise<FineTuneJob> {
    const operation = `POST /fine-tunes/${jobId}/cancel`;
    const path = idPath('job', jobId, operation, '/cancel');
    return this.job(operation, await this.api(operation, { method: 'POST', path }, options));
  }

  /** `GET /fine-tunes/{id}/metrics`: the training and evaluation points. */
  async fineTuneMetrics(jobId: string, options: RequestOptions = {}): Promise<MetricPoint[]> {
    const operation = `GET /fine-tunes/${jobId}/metrics`;
    const path = idPath('job', jobId, operation, '/metrics');
    const parsed = (await this.api(operation, { method: 'GET', path, maxBytes: MAX_LIST_ANSWER_BYTES }, options)) as {
      metrics?: unknown;
      data?: unknown;
    };
    const points = Array.isArray(parsed.metrics) ? parsed.metrics : Array.isArray(parsed.data) ? parsed.data : [];
    return points.filter((p): p is MetricPoint => !!p && typeof p === 'object');
  }

  /** A job object with an ID of Together's shape. */
  private job(operation: string, value: unknown): FineTuneJob {
    if (!value || typeof value !== 'object' || !isValidJobId((value as FineTuneJob).id)) {
      throw new ProtocolError({
        operation,
        status: 200,
        detail: "the answer is not a job with an ID of Together's shape (ft-...)",
      });
    }
    return value as FineTuneJob;
  }

  /** Deletes an ID that holds no upload, within the cleanup deadline; says in `log` what happened. Never throws. */
  async deleteReservation(fileId: string, log: (message: string) => void): Promise<void> {
    try {
      await this.deleteFile(fileId, { signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS), log });
      log(`Deleted the reserved ID ${fileId}, which holds no upload`);
    } catch (error) {
      log(`Could not delete the reserved ID ${fileId}: ${messageOf(error)}`);
    }
  }

  /** A JSON API call that is safe to repeat, in the retry loop. */
  private api(operation: string, call: ApiCall, options: RequestOptions): Promise<unknown> {
    return runWithRetries(operation, (signal) => this.attemptApi(operation, call, signal), this.loop(options));
  }

  /**
   * One attempt of a JSON API call: a 2xx answer's JSON, every string in it redacted (only the multipart
   * initiate's part URLs are kept, to send the parts, and never stored), or the error the answer stands for.
   */
  private async attemptApi(
    operation: string,
    call: ApiCall,
    signal: AbortSignal | undefined,
    { keepUrls = false } = {},
  ): Promise<unknown> {
    const res = await this.send(call, signal);
    if (res.statusCode < 200 || res.statusCode >= 300) throw this.error(operation, res);
    const parsed = this.parse(operation, res, call.maxBytes ?? MAX_ANSWER_BYTES);
    return keepUrls ? parsed : redactDeep(parsed, this.secrets);
  }

  /** The error a failed answer stands for. */
  private error(operation: string, res: BoundedAnswer): TogetherApiError {
    return TogetherApiError.generate(
      operation,
      res.statusCode,
      res.headers,
      res.text,
      this.secrets,
      res.tooLarge ? tooLargeDetail(res.maxBytes) : undefined,
    );
  }

  /** A 2xx answer's JSON. */
  private parse(operation: string, res: BoundedAnswer, maxBytes: number): unknown {
    if (res.tooLarge) throw new ProtocolError({ operation, status: res.statusCode, detail: tooLargeDetail(maxBytes) });
    try {
      return JSON.parse(res.text);
    } catch {
      throw new ProtocolError({ operation, status: res.statusCode, detail: 'the answer is not JSON' });
    }
  }

  /** A file object, redacted, with an ID of Together's shape. */
  private fileObject(operation: string, res: BoundedAnswer): FileObject {
    if (res.statusCode < 200 || res.statusCode >= 300) throw this.error(operation, res);
    const file = redactDeep(this.parse(operation, res, MAX_ANSWER_BYTES), this.secrets) as FileObject;
    if (!file || typeof file !== 'object' || !isValidFileId(file.id)) {
      throw new ProtocolError({
        operation,
        status: res.statusCode,
        detail: "the answer is not a file object with an ID of Together's shape",
      });
    }
    return file;
  }

  /** A URL the server handed out for the bytes, resolved, and refused unless https (or loopback http). */
  private uploadUrl(operation: string, location: string, fileId: string): string {
    let url: URL;
    try {
      url = new URL(location, this.options.baseUrl);
    } catch {
      throw new ProtocolError({ operation, status: 302, detail: 'the upload URL is not a URL', fileId });
    }
    const unsafe = unsafeUploadUrlReason(url);
    if (unsafe) throw new ProtocolError({ operation, status: 302, detail: unsafe, fileId });
    return url.toString();
  }

  /**
   * A reservation in the retry loop. Every attempt may reserve an ID, so an ID named by a failed answer is deleted
   * at once, and when an answer was lost (the connection broke after sending), the empty reservations of this name
   * made since are looked up and deleted, but the one kept.
   */
  private async reservation<T extends { fileId: string }>(
    operation: string,
    fileName: string,
    options: RequestOptions,
    attempt: (signal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T> {
    const log = options.log ?? this.loopDefaults.log;
    let lostSince: number | undefined;
    let reserved: T | undefined;
    try {
      reserved = await runWithRetries(operation, attempt, {
        ...this.loop(options),
        onFailure: async (error) => {
          // A 409's file ID is the file that already holds the content: never delete it.
          if (error instanceof TogetherApiError && error.fileId && !(error instanceof ConflictError))
            await this.deleteReservation(error.fileId, log);
          if (isConnectionError(error)) lostSince ??= this.loopDefaults.now();
        },
      });
      return reserved;
    } finally {
      if (lostSince !== undefined) await this.deleteLostReservations(fileName, lostSince, reserved?.fileId, log);
    }
  }

  /** Deletes empty files of this name reserved since `since` (the answers that were lost), but `keep`. */
  private async deleteLostReservations(
    fileName: string,
    since: number,
    keep: string | undefined,
    log: (message: string) => void,
  ): Promise<void> {
    try {
      const files = await this.listFiles({ signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS), log });
      // Allow for clock skew between this machine and Together's; `created_at` is in seconds.
      const earliest = Math.floor((since - 60_000) / 1000);
      const lost = files.filter(
        (f) =>
          f.id !== keep &&
          f.filename === fileName &&
          !f.bytes &&
          (f.created_at ?? 0) >= earliest &&
          f.processing_status !== 'COMPLETED',
      );
      for (const f of lost) await this.deleteReservation(f.id, log);
    } catch (error) {
      log(`Could not look for reservations left by lost answers: ${messageOf(error)}`);
    }
  }

  private loop(options: RequestOptions): RetryLoop {
    return {
      ...this.loopDefaults,
      maxRetries: options.maxRetries ?? this.loopDefaults.maxRetries,
      log: options.log ?? this.loopDefaults.log,
      signal: options.signal ?? this.loopDefaults.signal,
      deadline: options.deadline,
    };
  }

  private putOptions(options: PutOptions, signal: AbortSignal | undefined) {
    return {
      dispatcher: this.dispatcher,
      onProgress: options.onProgress,
      signal,
      stallTimeoutMs: this.options.stallTimeoutMs,
    };
  }

  /** One API request, its answer bounded in size and time (exchange.ts). */
  private send(call: ApiCall, signal: AbortSignal | undefined): Promise<BoundedAnswer> {
    const contentType = call.form
      ? 'application/x-www-form-urlencoded'
      : call.json !== undefined
        ? 'application/json'
        : undefined;
    return exchange(
      `${this.options.baseUrl}${call.path}`,
      {
        method: call.method,
        dispatcher: this.dispatcher,
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          accept: 'application/json',
          'user-agent': this.userAgent,
          ...(contentType ? { 'content-type': contentType } : {}),
        },
        body: call.form ? call.form.toString() : call.json !== undefined ? JSON.stringify(call.json) : undefined,
        signal,
      },
      {
        maxBytes: call.maxBytes ?? MAX_ANSWER_BYTES,
        deadlineMs: this.options.attemptDeadlineMs ?? API_ATTEMPT_DEADLINE_MS,
        label: `${call.method} ${call.path}`,
      },
    );
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return (Array.isArray(value) ? value[0] : value) || undefined;
}
