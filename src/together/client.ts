/** A small client for the Together Files API endpoints the action needs, on undici with explicit timeouts. */
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { apiErrorFromResponse, TogetherApiError } from './errors.js';
import type { CreateFileRequest, FileObject, ReservedUpload } from './types.js';

export interface TogetherClientOptions {
  apiKey: string;
  /** e.g. `https://api.together.ai/v1`, without a trailing slash. */
  baseUrl: string;
  /** Shared with the storage uploads; defaults to an Agent with the timeouts below. */
  dispatcher?: Dispatcher;
  userAgent?: string;
}

/** Time allowed for an API answer's headers, and between chunks of its body. */
export const API_TIMEOUT_MS = 60_000;

export const USER_AGENT = 'together-upload-action/0.1 (+https://github.com/features/actions)';

/**
 * Creates the HTTP agent the client and the storage uploads share. It honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY,
 * as self-hosted runners behind a proxy need, and connects directly when they are unset.
 */
export function createDispatcher(): Dispatcher {
  return new EnvHttpProxyAgent({ connect: { timeout: 30_000 }, headersTimeout: API_TIMEOUT_MS, bodyTimeout: API_TIMEOUT_MS });
}

export class TogetherClient {
  readonly dispatcher: Dispatcher;
  private readonly userAgent: string;

  constructor(private readonly options: TogetherClientOptions) {
    this.dispatcher = options.dispatcher ?? createDispatcher();
    this.userAgent = options.userAgent ?? USER_AGENT;
  }

  /**
   * `POST /files`: reserves a file ID and answers 302 with a presigned storage URL (protocol doc 5.1). Redirects
   * are not followed: the URL is where the bytes go, with a PUT.
   */
  async createFile(file: CreateFileRequest): Promise<ReservedUpload> {
    const operation = 'POST /files';
    const form = new URLSearchParams({ purpose: file.purpose, file_name: file.fileName, file_type: file.fileType });
    const res = await this.send('POST', '/files', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const bodyText = await res.body.text();
    if (res.statusCode !== 302) {
      if (res.statusCode >= 200 && res.statusCode < 300) {
        throw new TogetherApiError(operation, res.statusCode, 'expected a 302 redirect to the upload URL', undefined, undefined, undefined);
      }
      throw apiErrorFromResponse(operation, res.statusCode, res.headers, bodyText);
    }
    const uploadUrl = single(res.headers.location);
    const fileId = single(res.headers['x-together-file-id']);
    if (!uploadUrl || !fileId) {
      throw new TogetherApiError(
        operation,
        302,
        `the redirect lacks ${uploadUrl ? '' : 'a Location header'}${!uploadUrl && !fileId ? ' and ' : ''}${fileId ? '' : 'an X-Together-File-Id header'}`,
        undefined,
        undefined,
        undefined,
      );
    }
    return { fileId, uploadUrl: new URL(uploadUrl, this.options.baseUrl).toString() };
  }

  /**
   * `POST /files/{id}/preprocess`: asks Together to start processing. Returns undefined where the server has no
   * such endpoint (404/405): processing then starts on its own when the upload completes.
   */
  async preprocess(fileId: string): Promise<FileObject | undefined> {
    const res = await this.send('POST', `/files/${encodeURIComponent(fileId)}/preprocess`);
    const bodyText = await res.body.text();
    if (res.statusCode === 404 || res.statusCode === 405) return undefined;
    return this.parseFile(`POST /files/${fileId}/preprocess`, res, bodyText);
  }

  /** `GET /files/{id}`. */
  async retrieve(fileId: string): Promise<FileObject> {
    const res = await this.send('GET', `/files/${encodeURIComponent(fileId)}`);
    return this.parseFile(`GET /files/${fileId}`, res, await res.body.text());
  }

  /** `DELETE /files/{id}`; a file already gone counts as deleted. */
  async deleteFile(fileId: string): Promise<void> {
    const operation = `DELETE /files/${fileId}`;
    const res = await this.send('DELETE', `/files/${encodeURIComponent(fileId)}`);
    const bodyText = await res.body.text();
    if (res.statusCode === 404) return;
    if (res.statusCode < 200 || res.statusCode >= 300) {
      throw apiErrorFromResponse(operation, res.statusCode, res.headers, bodyText);
    }
  }

  /** `GET /files`: every file of the account (the API has no pagination). */
  async listFiles(): Promise<FileObject[]> {
    const operation = 'GET /files';
    const res = await this.send('GET', '/files');
    const bodyText = await res.body.text();
    if (res.statusCode !== 200) throw apiErrorFromResponse(operation, res.statusCode, res.headers, bodyText);
    const parsed = parseJson(operation, bodyText) as { data?: unknown };
    return Array.isArray(parsed.data) ? (parsed.data as FileObject[]) : [];
  }

  private parseFile(operation: string, res: Dispatcher.ResponseData, bodyText: string): FileObject {
    if (res.statusCode < 200 || res.statusCode >= 300) {
      throw apiErrorFromResponse(operation, res.statusCode, res.headers, bodyText);
    }
    const file = parseJson(operation, bodyText) as FileObject;
    if (!file || typeof file.id !== 'string') {
      throw new TogetherApiError(operation, res.statusCode, 'the answer is not a file object', undefined, undefined, undefined);
    }
    return file;
  }

  private send(
    method: Dispatcher.HttpMethod,
    path: string,
    { headers, body }: { headers?: Record<string, string>; body?: string } = {},
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
