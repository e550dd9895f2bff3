/** A small client for the Together Files API endpoints the action needs, on undici with explicit timeouts. */
import { setTimeout as sleep } from 'node:timers/promises';
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { withRetries, type RetryOptions } from '../retry.js';
import { apiErrorFromResponse, TogetherApiError } from './errors.js';
import { classifyFailure } from './retryable.js';
import type { CreateFileRequest, FileObject, MultipartUpload, ReservedUpload } from './types.js';

export interface TogetherClientOptions {
  apiKey: string;
  /** e.g. `https://api.together.ai/v1`, without a trailing slash. */
  baseUrl: string;
  /** Shared with the storage uploads; defaults to an agent with the timeouts below. */
  dispatcher?: Dispatcher;
  userAgent?: string;
  /** Retries of idempotent calls (default: 5, real sleep, no log). */
  retry?: Partial<RetryOptions>;
}

/** Per call: a signal to abort it (defaults to the client's retry signal, the run's cancellation). */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Time allowed for an answer's headers, and between chunks of its body. */
export const API_TIMEOUT_MS = 60_000;

export const USER_AGENT = 'together-upload-action/0.1 (+https://github.com/features/actions)';

/**
 * Creates the HTTP agent the client and the storage uploads share. It honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY,
 * as self-hosted runners behind a proxy need, and connects directly when they are unset.
 */
export function createDispatcher(): Dispatcher {
  return new EnvHttpProxyAgent({
    connect: { timeout: 30_000 },
    headersTimeout: API_TIMEOUT_MS,
    bodyTimeout: API_TIMEOUT_MS,
  });
}

export class TogetherClient {
  readonly dispatcher: Dispatcher;
  readonly retry: RetryOptions;
  private readonly userAgent: string;

  constructor(private readonly options: TogetherClientOptions) {
    this.dispatcher = options.dispatcher ?? createDispatcher();
    this.userAgent = options.userAgent ?? USER_AGENT;
    this.retry = {
      maxRetries: 5,
      sleep: (ms) => sleep(ms),
      random: Math.random,
      now: Date.now,
      log: () => undefined,
      ...options.retry,
    };
  }

  /**
   * `POST /files`: reserves a file ID and answers 302 with a presigned storage URL (protocol doc 5.1). Redirects
   * are not followed: the URL is where the bytes go, with a PUT. Not retried here: a repeated POST may reserve a
   * second ID, so the caller decides (see upload.ts).
   */
  async createFile(file: CreateFileRequest, call: CallOptions = {}): Promise<ReservedUpload> {
    const operation = 'POST /files';
    const form = new URLSearchParams({ purpose: file.purpose, file_name: file.fileName, file_type: file.fileType });
    const res = await this.send('POST', '/files', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      signal: call.signal,
    });
    const bodyText = await res.body.text();
    if (res.statusCode !== 302) {
      if (res.statusCode >= 200 && res.statusCode < 300) {
        throw new TogetherApiError(
          operation,
          res.statusCode,
          'expected a 302 redirect to the upload URL',
          undefined,
          undefined,
          undefined,
        );
      }
      throw apiErrorFromResponse(operation, res.statusCode, res.headers, bodyText);
    }
    const uploadUrl = single(res.headers.location);
    const fileId = single(res.headers['x-together-file-id']);
    if (!uploadUrl || !fileId) {
      const missing = [uploadUrl ? '' : 'a Location header', fileId ? '' : 'an X-Together-File-Id header'].filter(
        Boolean,
      );
      throw new TogetherApiError(
        operation,
        302,
        `the redirect lacks ${missing.join(' and ')}`,
        undefined,
        undefined,
        undefined,
        undefined,
        fileId,
      );
    }
    return { fileId, uploadUrl: new URL(uploadUrl, this.options.baseUrl).toString() };
  }

  /**
   * `POST /files/{id}/preprocess`: asks Together to start processing. Returns undefined where the server has no
   * such endpoint (404/405): processing then starts on its own when the upload completes.
   */
  async preprocess(fileId: string, call: CallOptions = {}): Promise<FileObject | undefined> {
    const operation = `POST /files/${fileId}/preprocess`;
    return this.retrying(operation, call, async (signal) => {
      const res = await this.send('POST', `/files/${encodeURIComponent(fileId)}/preprocess`, { signal });
      const bodyText = await res.body.text();
      if (res.statusCode === 404 || res.statusCode === 405) return undefined;
      return this.parseFile(operation, res, bodyText);
    });
  }

  /** `GET /files/{id}`. */
  async retrieve(fileId: string, call: CallOptions = {}): Promise<FileObject> {
    const operation = `GET /files/${fileId}`;
    return this.retrying(operation, call, async (signal) => {
      const res = await this.send('GET', `/files/${encodeURIComponent(fileId)}`, { signal });
      return this.parseFile(operation, res, await res.body.text());
    });
  }

  /** `DELETE /files/{id}`; a file already gone counts as deleted. */
  async deleteFile(fileId: string, call: CallOptions = {}): Promise<void> {
    const operation = `DELETE /files/${fileId}`;
    await this.retrying(operation, call, async (signal) => {
      const res = await this.send('DELETE', `/files/${encodeURIComponent(fileId)}`, { signal });
      const bodyText = await res.body.text();
      if (res.statusCode === 404) return;
      if (res.statusCode < 200 || res.statusCode >= 300)
        throw apiErrorFromResponse(operation, res.statusCode, res.headers, bodyText);
    });
  }

  /** `GET /files`: every file of the account (the API has no pagination). */
  async listFiles(call: CallOptions = {}): Promise<FileObject[]> {
    const operation = 'GET /files';
    return this.retrying(operation, call, async (signal) => {
      const res = await this.send('GET', '/files', { signal });
      const bodyText = await res.body.text();
      if (res.statusCode !== 200) throw apiErrorFromResponse(operation, res.statusCode, res.headers, bodyText);
      const parsed = parseJson(operation, bodyText) as { data?: unknown };
      return Array.isArray(parsed.data) ? (parsed.data as FileObject[]) : [];
    });
  }

  /**
   * `POST /files/multipart/initiate` (protocol doc 5.3): reserves a file ID and presigned URLs for each part. Not
   * retried here, for the same reason as createFile.
   */
  async initiateMultipart(
    file: CreateFileRequest & { fileSize: number; numParts: number },
    call: CallOptions = {},
  ): Promise<MultipartUpload> {
    const operation = 'POST /files/multipart/initiate';
    const data = (await this.postJson(
      operation,
      '/files/multipart/initiate',
      {
        file_name: file.fileName,
        file_size: file.fileSize,
        num_parts: file.numParts,
        purpose: file.purpose,
        file_type: file.fileType,
      },
      call.signal,
    )) as { upload_id?: unknown; file_id?: unknown; parts?: unknown };
    if (typeof data.upload_id !== 'string' || typeof data.file_id !== 'string' || !Array.isArray(data.parts)) {
      throw new TogetherApiError(
        operation,
        200,
        'the answer lacks upload_id, file_id or parts',
        undefined,
        undefined,
        undefined,
      );
    }
    const parts = (data.parts as Array<Record<string, unknown>>).map((part) => ({
      partNumber: Number(part.PartNumber ?? part.part_number),
      url: typeof part.URL === 'string' ? part.URL : typeof part.UploadURL === 'string' ? part.UploadURL : '',
      headers: (part.Headers ?? {}) as Record<string, string>,
    }));
    if (parts.length !== file.numParts || parts.some((p) => !p.url || !(p.partNumber >= 1))) {
      throw new TogetherApiError(
        operation,
        200,
        `expected ${file.numParts} parts with URLs, got ${parts.length}`,
        undefined,
        undefined,
        undefined,
        undefined,
        data.file_id,
      );
    }
    return { uploadId: data.upload_id, fileId: data.file_id, parts: parts.sort((a, b) => a.partNumber - b.partNumber) };
  }

  /** `POST /files/multipart/complete` with the parts' ETags in order; answers the file (bare or as `{file}`). */
  async completeMultipart(
    upload: { uploadId: string; fileId: string; etags: string[] },
    call: CallOptions = {},
  ): Promise<FileObject> {
    const operation = 'POST /files/multipart/complete';
    return this.retrying(operation, call, async (signal) => {
      const data = (await this.postJson(
        operation,
        '/files/multipart/complete',
        {
          upload_id: upload.uploadId,
          file_id: upload.fileId,
          parts: upload.etags.map((etag, i) => ({ part_number: i + 1, etag })),
        },
        signal,
      )) as { file?: FileObject } & FileObject;
      return data.file ?? data;
    });
  }

  /** `POST /files/multipart/abort`: gives up a multipart upload and its reserved ID. */
  async abortMultipart(upload: { uploadId: string; fileId: string }, call: CallOptions = {}): Promise<void> {
    const operation = 'POST /files/multipart/abort';
    await this.retrying(operation, call, (signal) =>
      this.postJson(
        operation,
        '/files/multipart/abort',
        { upload_id: upload.uploadId, file_id: upload.fileId },
        signal,
      ),
    );
  }

  private async postJson(
    operation: string,
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const res = await this.send('POST', path, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
    const bodyText = await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300)
      throw apiErrorFromResponse(operation, res.statusCode, res.headers, bodyText);
    return parseJson(operation, bodyText);
  }

  /** Runs an idempotent call with the client's retry policy. */
  private retrying<T>(
    operation: string,
    call: CallOptions,
    attempt: (signal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T> {
    const signal = call.signal ?? this.retry.signal;
    return withRetries(operation, () => attempt(signal), classifyFailure, { ...this.retry, signal });
  }

  private parseFile(operation: string, res: Dispatcher.ResponseData, bodyText: string): FileObject {
    if (res.statusCode < 200 || res.statusCode >= 300) {
      throw apiErrorFromResponse(operation, res.statusCode, res.headers, bodyText);
    }
    const file = parseJson(operation, bodyText) as FileObject;
    if (!file || typeof file.id !== 'string') {
      throw new TogetherApiError(
        operation,
        res.statusCode,
        'the answer is not a file object',
        undefined,
        undefined,
        undefined,
      );
    }
    return file;
  }

  private send(
    method: Dispatcher.HttpMethod,
    path: string,
    {
      headers,
      body,
      signal,
    }: { headers?: Record<string, string>; body?: string; signal?: AbortSignal | undefined } = {},
  ): Promise<Dispatcher.ResponseData> {
    return request(`${this.options.baseUrl}${path}`, {
      method,
      dispatcher: this.dispatcher,
      headers: {
        authorization: `Bearer ${this.options.apiKey}`,
        accept: 'application/json',
        'user-agent': this.userAgent,
        ...headers,
      },
      body,
      signal: signal ?? this.retry.signal,
    });
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return (Array.isArray(value) ? value[0] : value) || undefined;
}

function parseJson(operation: string, bodyText: string): unknown {
  try {
    return JSON.parse(bodyText);
  } catch {
    throw new TogetherApiError(operation, 200, 'the answer is not JSON', undefined, undefined, undefined);
  }
}
