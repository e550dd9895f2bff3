import { describe, expect, it } from 'vitest';
import { apiErrorFromResponse, storageErrorFromResponse } from '../../src/together/errors.js';
import { parseOutputFile } from '../../testkit/run-action.js';

describe('apiErrorFromResponse', () => {
  it("parses Together's error envelope", () => {
    const error = apiErrorFromResponse(
      'POST /files',
      401,
      { 'x-request-id': 'req-1' },
      '{"error":{"message":"Invalid API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}',
    );
    expect(error.status).toBe(401);
    expect(error.code).toBe('invalid_api_key');
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toBe(
      'POST /files failed with HTTP 401 (invalid_api_key): Invalid API key provided. [request id req-1]',
    );
  });

  it("describes a gateway's HTML page by its title", () => {
    const error = apiErrorFromResponse(
      'GET /files/x',
      502,
      { 'cf-ray': 'abc-IAD' },
      '<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>',
    );
    expect(error.message).toBe('GET /files/x failed with HTTP 502: 502 Bad Gateway [request id abc-IAD]');
  });

  it('handles empty and plain-text bodies', () => {
    expect(apiErrorFromResponse('GET /files', 500, {}, '').detail).toBe('empty answer (HTTP 500)');
    expect(apiErrorFromResponse('GET /files', 500, {}, 'upstream connect error').detail).toBe('upstream connect error');
    expect(apiErrorFromResponse('GET /files', 400, {}, '{"message":"bad purpose"}').detail).toBe('bad purpose');
  });
});

describe('storageErrorFromResponse', () => {
  it("reads S3's XML error", () => {
    const error = storageErrorFromResponse(
      403,
      '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
    );
    expect(error.code).toBe('AccessDenied');
    expect(error.message).toBe('Storage upload failed with HTTP 403 (AccessDenied): Request has expired');
  });
});

describe('parseOutputFile', () => {
  it('reads the delimiter blocks core.setOutput writes, including multi-line values', () => {
    const text = 'file-id<<ghadelimiter_1\nfile-a\nghadelimiter_1\nfiles<<ghadelimiter_2\n[1,\n2]\nghadelimiter_2\n';
    expect(parseOutputFile(text)).toEqual({ 'file-id': 'file-a', files: '[1,\n2]' });
  });
});
