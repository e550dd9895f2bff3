import { describe, expect, it } from 'vitest';
import { InputError, isLoopbackHost, PURPOSES, readInputs } from '../../src/inputs.js';

function read(values: Record<string, string>) {
  return (name: string) => (values[name] ?? '').trim();
}

function inputs(values: Record<string, string>, env: Record<string, string> = {}) {
  const masked: string[] = [];
  const result = readInputs(read({ path: 'data', ...values }), env, (s) => masked.push(s), '/cwd');
  return { result, masked };
}

describe('readInputs', () => {
  it('applies the documented defaults', () => {
    const { result } = inputs({});
    expect(result).toEqual({
      mode: 'upload',
      check: 'full',
      patterns: ['data'],
      apiKey: '',
      purpose: 'fine-tune',
      fileType: 'auto',
      wait: true,
      waitTimeoutSeconds: 1800,
      ifNoFilesFound: 'error',
      includeHiddenFiles: false,
      baseUrl: 'https://api.together.ai/v1',
      concurrency: 4,
      maxRetries: 5,
      dedupe: false,
      comment: false,
      changedOnly: false,
      githubToken: '',
      workspace: '/cwd',
    });
  });

  it('reads patterns one per line, keeping excludes and dropping blanks and comments', () => {
    const { result } = inputs({ path: 'data/*.jsonl\n\n  !data/old.jsonl  \n# a comment\nextra.csv' });
    expect(result.patterns).toEqual(['data/*.jsonl', '!data/old.jsonl', 'extra.csv']);
  });

  it('refuses an empty path and a path of excludes only', () => {
    expect(() => inputs({ path: '' })).toThrow(/'path' is required/);
    expect(() => inputs({ path: '!a\n!b' })).toThrow(/only exclude patterns/);
  });

  it('masks the GitHub token too', () => {
    expect(inputs({ 'github-token': 'ghs_abc' }).masked).toEqual(['ghs_abc']);
  });

  it('masks the key from the input the moment it is read', () => {
    const { result, masked } = inputs({ 'api-key': 'sk-input' }, { TOGETHER_API_KEY: 'sk-env' });
    expect(result.apiKey).toBe('sk-input');
    expect(masked).toEqual(['sk-input']);
  });

  it('falls back to TOGETHER_API_KEY and masks it', () => {
    const { result, masked } = inputs({}, { TOGETHER_API_KEY: 'sk-env' });
    expect(result.apiKey).toBe('sk-env');
    expect(masked).toEqual(['sk-env']);
  });

  it('accepts every purpose and lists them when one is wrong', () => {
    for (const purpose of PURPOSES) expect(inputs({ purpose }).result.purpose).toBe(purpose);
    expect(() => inputs({ purpose: 'finetune' })).toThrow(
      "Input 'purpose' is 'finetune'; it must be one of: fine-tune, eval, eval-sample, eval-output, eval-summary, batch-generated, batch-api.",
    );
  });

  it('validates mode and check', () => {
    expect(inputs({ mode: 'check', check: 'structural' }).result).toMatchObject({ mode: 'check', check: 'structural' });
    expect(() => inputs({ mode: 'dry-run' })).toThrow("Input 'mode' is 'dry-run'; it must be one of: upload, check.");
    expect(() => inputs({ check: 'strict' })).toThrow(
      "Input 'check' is 'strict'; it must be one of: full, structural, off.",
    );
  });

  it('validates file-type, if-no-files-found and booleans with the allowed values', () => {
    expect(inputs({ 'file-type': 'parquet' }).result.fileType).toBe('parquet');
    expect(() => inputs({ 'file-type': 'json' })).toThrow(
      /'file-type' is 'json'; it must be one of: auto, jsonl, csv, parquet/,
    );
    expect(() => inputs({ 'if-no-files-found': 'fail' })).toThrow(/one of: error, warn, ignore/);
    expect(inputs({ wait: 'False' }).result.wait).toBe(false);
    expect(inputs({ 'include-hidden-files': 'TRUE' }).result.includeHiddenFiles).toBe(true);
    expect(() => inputs({ wait: 'yes' })).toThrow(/'wait' is 'yes'; it must be 'true' or 'false'/);
  });

  it('requires wait-timeout to be a positive number of seconds', () => {
    expect(inputs({ 'wait-timeout': '90' }).result.waitTimeoutSeconds).toBe(90);
    expect(inputs({ 'wait-timeout': '2.5' }).result.waitTimeoutSeconds).toBe(2.5);
    for (const bad of ['0', '-5', 'ten', '1e3']) {
      expect(() => inputs({ 'wait-timeout': bad }), bad).toThrow(InputError);
    }
  });

  it('reads concurrency and max-retries as bounded whole numbers', () => {
    expect(inputs({ concurrency: '8', 'max-retries': '0' }).result).toMatchObject({ concurrency: 8, maxRetries: 0 });
    expect(() => inputs({ concurrency: '0' })).toThrow(
      "Input 'concurrency' is '0'; it must be a whole number from 1 to 64.",
    );
    expect(() => inputs({ concurrency: '2.5' })).toThrow(/whole number/);
    expect(() => inputs({ 'max-retries': '99' })).toThrow(
      "Input 'max-retries' is '99'; it must be a whole number from 0 to 20.",
    );
  });

  it('takes the workspace from GITHUB_WORKSPACE', () => {
    expect(inputs({}, { GITHUB_WORKSPACE: '/home/runner/work/r/r' }).result.workspace).toBe('/home/runner/work/r/r');
  });

  describe('base-url', () => {
    it('strips a trailing slash', () => {
      expect(inputs({ 'base-url': 'https://api.together.xyz/v1/' }).result.baseUrl).toBe('https://api.together.xyz/v1');
    });

    it('accepts plain http only for loopback hosts', () => {
      expect(inputs({ 'base-url': 'http://127.0.0.1:8080/v1' }).result.baseUrl).toBe('http://127.0.0.1:8080/v1');
      expect(inputs({ 'base-url': 'http://localhost:3000/v1' }).result.baseUrl).toBe('http://localhost:3000/v1');
      expect(inputs({ 'base-url': 'http://[::1]:3000/v1' }).result.baseUrl).toBe('http://[::1]:3000/v1');
      expect(() => inputs({ 'base-url': 'http://api.together.ai/v1' })).toThrow(
        /plain http to api\.together\.ai; the API key would travel in clear/,
      );
      expect(() => inputs({ 'base-url': 'http://10.0.0.5/v1' })).toThrow(/travel in clear/);
    });

    it('refuses non-URLs, other schemes and embedded credentials', () => {
      expect(() => inputs({ 'base-url': 'api.together.ai' })).toThrow(/not a URL/);
      expect(() => inputs({ 'base-url': 'ftp://x/v1' })).toThrow(/must be an https URL/);
      expect(() => inputs({ 'base-url': 'https://user:pw@x/v1' })).toThrow(/user name or password/);
    });
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['[::1]', true],
    ['api.localhost', true],
    ['128.0.0.1', false],
    ['localhost.evil.com', false],
    ['127.0.0.1.nip.io', false],
  ])('%s -> %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
