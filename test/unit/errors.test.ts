import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConflictError,
  NotFoundError,
  retryAfterMs,
  StorageError,
  TogetherApiError,
} from '../../src/together/errors.js';

describe('TogetherApiError.generate', () => {
  it("parses Together's error envelope", () => {
    const error = TogetherApiError.generate(
      'POST /files',
      401,
      { 'x-request-id': 'req-1' },
      '{"error":{"message":"Invalid API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}',
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.status).toBe(401);
    expect(error.code).toBe('invalid_api_key');
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toBe(
      'POST /files failed with HTTP 401 (invalid_api_key): Invalid API key provided. [request id req-1]. Together answers 401 when the API key is wrong or revoked (check the api-key secret against Settings -> API Keys on api.together.ai), or when the free-trial credits are used up (see Settings -> Billing on api.together.ai).',
    );
  });

  it("describes a gateway's HTML page by its title", () => {
    const error = TogetherApiError.generate(
      'GET /files/x',
      502,
      { 'cf-ray': 'abc-IAD' },
      '<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>',
    );
    expect(error.message).toBe('GET /files/x failed with HTTP 502: 502 Bad Gateway [request id abc-IAD]');
  });

  it('picks the class callers branch on, with the fields named', () => {
    expect(TogetherApiError.generate('GET /files/x', 403, {}, '')).toBeInstanceOf(AuthenticationError);
    expect(TogetherApiError.generate('GET /files/x', 404, {}, '')).toBeInstanceOf(NotFoundError);
    const conflict = TogetherApiError.generate(
      'POST /files',
      409,
      {},
      '{"error":{"message":"exists"},"file_id":"file-9"}',
    );
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(conflict).toMatchObject({ operation: 'POST /files', status: 409, detail: 'exists', fileId: 'file-9' });
    const plain = TogetherApiError.generate('GET /files', 503, { 'retry-after': '2' }, '');
    expect(plain.constructor).toBe(TogetherApiError);
    expect(plain.retryAfterMs).toBe(2000);
  });

  it('keeps a file ID the failed answer named in its headers (a reservation to delete)', () => {
    const error = TogetherApiError.generate('POST /files', 500, { 'x-together-file-id': 'file-1' }, '');
    expect(error.fileId).toBe('file-1');
  });

  it('handles empty and plain-text bodies', () => {
    expect(TogetherApiError.generate('GET /files', 500, {}, '').detail).toBe('empty answer (HTTP 500)');
    expect(TogetherApiError.generate('GET /files', 500, {}, 'upstream connect error').detail).toBe(
      'upstream connect error',
    );
    expect(TogetherApiError.generate('GET /files', 400, {}, '{"message":"bad purpose"}').detail).toBe('bad purpose');
  });
});

describe('StorageError.fromResponse', () => {
  it("reads S3's XML error", () => {
    const error = StorageError.fromResponse(
      403,
      '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
    );
    expect(error.code).toBe('AccessDenied');
    expect(error.message).toBe('Storage upload failed with HTTP 403 (AccessDenied): Request has expired');
  });
});

describe('retryAfterMs', () => {
  it('reads retry-after-ms, Retry-After seconds and dates, capped at 60 s', () => {
    const now = Date.parse('2026-11-21T10:00:00Z');
    expect(retryAfterMs({ 'retry-after-ms': '1500' }, now)).toBe(1500);
    expect(retryAfterMs({ 'retry-after': '3' }, now)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': 'Sat, 21 Nov 2026 10:00:20 GMT' }, now)).toBe(20_000);
    expect(retryAfterMs({ 'retry-after': '3600' }, now)).toBe(60_000);
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs({}, now)).toBeUndefined();
  });
});
