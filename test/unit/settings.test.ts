import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PURPOSES } from '../../src/domain.js';
import type { GitHubContext } from '../../src/github/pull-request.js';
import { readSettings, SettingsError } from '../../src/settings.js';
import { isLoopbackHost } from '../../src/together/wire.js';
import { readActionYaml } from '../../testkit/run-action.js';

function read(values: Record<string, string>) {
  return (name: string) => (values[name] ?? '').trim();
}

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** A pull request's context, as @actions/github would give it. */
function prContext(overrides: Partial<GitHubContext> = {}): GitHubContext {
  return {
    eventName: 'pull_request',
    payload: { pull_request: { number: 7 } },
    repo: { owner: 'acme', repo: 'data' },
    workflow: 'Datasets',
    job: 'check',
    action: 'together',
    runId: 42,
    serverUrl: 'https://github.com',
    ...overrides,
  };
}

/** Settings from these inputs (check mode unless given, so no key is needed) and environment. */
async function inputs(
  values: Record<string, string>,
  env: Record<string, string> = {},
  context: GitHubContext = prContext(),
) {
  const masked: string[] = [];
  let contextLoads = 0;
  const result = await readSettings({
    read: read({ path: 'data', mode: 'check', ...values }),
    env,
    maskSecret: (s) => masked.push(s),
    loadGitHubContext: async () => {
      contextLoads += 1;
      return context;
    },
    cwd: '/cwd',
  });
  return { result, masked, contextLoads };
}

describe('readSettings', () => {
  it('applies the documented defaults', async () => {
    const { result } = await inputs({ mode: '', 'api-key': 'sk-1' });
    expect(result).toEqual({
      mode: 'upload',
      check: 'full',
      patterns: ['data'],
      apiKey: 'sk-1',
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
      review: true,
      failOn: [],
      reviewBase: undefined,
      workspace: '/cwd',
      multipart: { thresholdBytes: 5 * GiB, partBytes: 250 * MiB },
      stallTimeoutMs: 60_000,
      attemptDeadlineMs: 120_000,
      rateLimitBudgetMs: 600_000,
      githubDeadlineMs: 30_000,
      maxLineBytes: 16 * MiB,
      reviewMaxSamples: 500_000,
      pullRequest: undefined,
      notes: [],
      manifestPath: path.join(tmpdir(), 'together-upload-manifest-step.json'),
      tempRoot: tmpdir(),
      estimateModel: '',
      estimateEpochs: 1,
      run: { repository: '', commit: '', ref: '', workflow: '', job: '', runId: '', runAttempt: '', event: '' },
    });
  });

  it('puts the manifest under RUNNER_TEMP, named after the step, or where manifest-path says (in the workspace)', async () => {
    const env = { RUNNER_TEMP: '/runner/temp', GITHUB_ACTION: 'upload', GITHUB_WORKSPACE: '/ws' };
    expect((await inputs({}, env)).result.manifestPath).toBe('/runner/temp/together-upload-manifest-upload.json');
    expect((await inputs({}, env)).result.tempRoot).toBe('/runner/temp');
    expect((await inputs({ 'manifest-path': 'out/m.json' }, env)).result.manifestPath).toBe('/ws/out/m.json');
    expect((await inputs({ 'manifest-path': '/abs/m.json' }, env)).result.manifestPath).toBe('/abs/m.json');
  });

  it('reads the estimate inputs', async () => {
    const { result } = await inputs({ 'estimate-model': 'meta-llama/Llama-3-8b', 'estimate-epochs': '3' });
    expect(result).toMatchObject({ estimateModel: 'meta-llama/Llama-3-8b', estimateEpochs: 3 });
    await expect(inputs({ 'estimate-epochs': '0' })).rejects.toThrow(
      "Input 'estimate-epochs' is '0'; it must be a whole number from 1 to 100.",
    );
  });

  it("reads action.yml's own defaults to the same settings as no inputs at all, so the two cannot drift", async () => {
    const action = await readActionYaml();
    const defaults = Object.fromEntries(
      Object.entries(action.inputs).map(([name, spec]) => [name, name === 'github-token' ? '' : (spec.default ?? '')]),
    );
    const fromYaml = await inputs({ ...defaults, path: 'data', 'api-key': 'sk-1' });
    const fromNothing = await inputs({ mode: '', 'api-key': 'sk-1' });
    expect(fromYaml.result).toEqual(fromNothing.result);
    expect(action.inputs['github-token']!.default).toBe('${{ github.token }}');
  });

  it('reports every bad setting at once, each naming its input or variable', async () => {
    const error = await inputs(
      { mode: 'upload', concurrency: '0', wait: 'yes' },
      { TOGETHER_UPLOAD_STALL_SECONDS: 'soon' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message.split('\n')).toEqual([
      "Input 'wait' is 'yes'; it must be 'true' or 'false'.",
      "Input 'concurrency' is '0'; it must be a whole number from 1 to 64.",
      "The environment variable TOGETHER_UPLOAD_STALL_SECONDS is 'soon'; it must be a number of seconds above 0 and at most 2,147,483 (about 24.8 days, the longest a timer can wait).",
      expect.stringMatching(/^No Together API key: set the input 'api-key'/),
    ]);
  });

  it('refuses a wait or a stall no timer can hold, naming the input and the range', async () => {
    await expect(inputs({ 'wait-timeout': '5000000' })).rejects.toThrow(
      "Input 'wait-timeout' is '5000000'; it must be a number of seconds above 0 and at most 2,147,483",
    );
    await expect(inputs({}, { TOGETHER_UPLOAD_STALL_SECONDS: '3000000' })).rejects.toThrow(
      "The environment variable TOGETHER_UPLOAD_STALL_SECONDS is '3000000'; it must be a number of seconds above 0 and at most 2,147,483",
    );
    expect((await inputs({ 'wait-timeout': '2147483' })).result.waitTimeoutSeconds).toBe(2147483);
    const { result } = await inputs(
      {},
      { TOGETHER_API_DEADLINE_SECONDS: '3', TOGETHER_RATE_LIMIT_WAIT_SECONDS: '0.5' },
    );
    expect(result).toMatchObject({ attemptDeadlineMs: 3000, rateLimitBudgetMs: 500 });
  });

  it('refuses check mode with checks off', async () => {
    await expect(inputs({ check: 'off' })).rejects.toThrow("Input 'mode' is 'check' but 'check' is 'off'");
  });

  it('reads the tuning variables, refusing bad values', async () => {
    const { result } = await inputs(
      {},
      {
        TOGETHER_MULTIPART_THRESHOLD_BYTES: '1000',
        TOGETHER_MULTIPART_PART_BYTES: String(8 * MiB),
        TOGETHER_UPLOAD_STALL_SECONDS: '2.5',
      },
    );
    expect(result).toMatchObject({ multipart: { thresholdBytes: 1000, partBytes: 8 * MiB }, stallTimeoutMs: 2500 });
    await expect(inputs({}, { TOGETHER_MULTIPART_PART_BYTES: '1024' })).rejects.toThrow(
      /TOGETHER_MULTIPART_PART_BYTES is '1024'; it must be a whole number of bytes, at least 5242880/,
    );
    await expect(inputs({}, { TOGETHER_MULTIPART_THRESHOLD_BYTES: '5GB' })).rejects.toThrow(
      /TOGETHER_MULTIPART_THRESHOLD_BYTES/,
    );
  });

  describe('the pull request', () => {
    it('comes from the GitHub context on a pull request that comments or keeps changed files', async () => {
      const { result, contextLoads } = await inputs({ comment: 'true' }, { GITHUB_EVENT_NAME: 'pull_request' });
      expect(contextLoads).toBe(1);
      expect(result.pullRequest).toEqual({
        owner: 'acme',
        repo: 'data',
        number: 7,
        commentMarker: '<!-- together-upload-action:Datasets/check/together -->',
        runUrl: 'https://github.com/acme/data/actions/runs/42',
      });
    });

    it('is not looked up when nothing needs it, nor outside pull requests', async () => {
      expect(await inputs({}, { GITHUB_EVENT_NAME: 'pull_request' })).toMatchObject({
        contextLoads: 0,
        result: { pullRequest: undefined },
      });
      expect(await inputs({ 'changed-only': 'true', review: 'false' }, { GITHUB_EVENT_NAME: 'push' })).toMatchObject({
        contextLoads: 0,
        result: { pullRequest: undefined },
      });
    });

    it('gives the review its base: the pull request, or a push with its before commit', async () => {
      expect((await inputs({}, { GITHUB_EVENT_NAME: 'pull_request' })).result.reviewBase).toEqual({
        event: 'pull_request',
      });
      const before = 'ab'.repeat(20);
      const push = await inputs({}, { GITHUB_EVENT_NAME: 'push' }, prContext({ payload: { before } }));
      expect(push.result.reviewBase).toEqual({ event: 'push', before });
      const created = await inputs(
        {},
        { GITHUB_EVENT_NAME: 'push' },
        prContext({ payload: { before: '0'.repeat(40) } }),
      );
      expect(created.result.reviewBase).toBeUndefined();
      const hostile = await inputs(
        {},
        { GITHUB_EVENT_NAME: 'push' },
        prContext({ payload: { before: '--upload-pack=x' } }),
      );
      expect(hostile.result.reviewBase).toBeUndefined();
      expect(
        (await inputs({ review: 'false' }, { GITHUB_EVENT_NAME: 'pull_request' })).result.reviewBase,
      ).toBeUndefined();
    });

    it('reads fail-on as a list and refuses what it does not know', async () => {
      expect((await inputs({ 'fail-on': 'duplicates, overlap\nduplicates' })).result.failOn).toEqual([
        'duplicates',
        'overlap',
      ]);
      await expect(inputs({ 'fail-on': 'dupes' })).rejects.toThrow(/fail-on.*duplicates, conflicts, overlap.*"dupes"/);
    });

    it('is undefined when the payload has no pull request number or the repository is unknown', async () => {
      const env = { GITHUB_EVENT_NAME: 'pull_request_target' };
      expect((await inputs({ comment: 'true' }, env, prContext({ payload: {} }))).result.pullRequest).toBeUndefined();
      const noRepo = prContext();
      Object.defineProperty(noRepo, 'repo', {
        get: () => {
          throw new Error("context.repo requires a GITHUB_REPOSITORY environment variable like 'owner/repo'");
        },
      });
      expect((await inputs({ comment: 'true' }, env, noRepo)).result.pullRequest).toBeUndefined();
    });
  });

  it('reads patterns one per line, keeping excludes and dropping blanks and comments', async () => {
    const { result } = await inputs({ path: 'data/*.jsonl\n\n  !data/old.jsonl  \n# a comment\nextra.csv' });
    expect(result.patterns).toEqual(['data/*.jsonl', '!data/old.jsonl', 'extra.csv']);
  });

  it('refuses an empty path and a path of excludes only', async () => {
    await expect(inputs({ path: '' })).rejects.toThrow(/'path' is required/);
    await expect(inputs({ path: '!a\n!b' })).rejects.toThrow(/only exclude patterns/);
  });

  it('masks the GitHub token too', async () => {
    expect((await inputs({ 'github-token': 'ghs_abc' })).masked).toEqual(['ghs_abc']);
  });

  it('masks the key from the input the moment it is read', async () => {
    const { result, masked } = await inputs({ 'api-key': 'sk-input' }, { TOGETHER_API_KEY: 'sk-env' });
    expect(result.apiKey).toBe('sk-input');
    expect(masked).toEqual(['sk-input']);
  });

  it('falls back to TOGETHER_API_KEY and masks it', async () => {
    const { result, masked } = await inputs({}, { TOGETHER_API_KEY: 'sk-env' });
    expect(result.apiKey).toBe('sk-env');
    expect(masked).toEqual(['sk-env']);
  });

  it("accepts Together's three purposes and lists them when one is wrong", async () => {
    expect(PURPOSES).toEqual(['fine-tune', 'eval', 'batch-api']);
    for (const purpose of PURPOSES) expect((await inputs({ purpose })).result.purpose).toBe(purpose);
    await expect(inputs({ purpose: 'finetune' })).rejects.toThrow(
      "Input 'purpose' is 'finetune'; it must be one of: fine-tune, eval, batch-api.",
    );
  });

  it('refuses the purposes Together removed in 2026, saying so', async () => {
    for (const removed of ['eval-sample', 'eval-output', 'eval-summary', 'batch-generated']) {
      await expect(inputs({ purpose: removed }), removed).rejects.toThrow(
        `Input 'purpose' is '${removed}', a purpose Together no longer accepts (it removed eval-sample, eval-output, eval-summary, batch-generated in 2026); it must be one of: fine-tune, eval, batch-api.`,
      );
    }
  });

  it('validates mode and check', async () => {
    expect((await inputs({ mode: 'check', check: 'structural' })).result).toMatchObject({
      mode: 'check',
      check: 'structural',
    });
    await expect(inputs({ mode: 'dry-run' })).rejects.toThrow(
      "Input 'mode' is 'dry-run'; it must be one of: upload, check.",
    );
    await expect(inputs({ check: 'strict' })).rejects.toThrow(
      "Input 'check' is 'strict'; it must be one of: full, structural, off.",
    );
  });

  it('validates file-type, if-no-files-found and booleans with the allowed values', async () => {
    expect((await inputs({ 'file-type': 'parquet' })).result.fileType).toBe('parquet');
    await expect(inputs({ 'file-type': 'json' })).rejects.toThrow(
      /'file-type' is 'json'; it must be one of: auto, jsonl, csv, parquet/,
    );
    await expect(inputs({ 'if-no-files-found': 'fail' })).rejects.toThrow(/one of: error, warn, ignore/);
    expect((await inputs({ wait: 'False' })).result.wait).toBe(false);
    expect((await inputs({ 'include-hidden-files': 'TRUE' })).result.includeHiddenFiles).toBe(true);
    await expect(inputs({ wait: 'yes' })).rejects.toThrow(/'wait' is 'yes'; it must be 'true' or 'false'/);
  });

  it('requires wait-timeout to be a positive number of seconds', async () => {
    expect((await inputs({ 'wait-timeout': '90' })).result.waitTimeoutSeconds).toBe(90);
    expect((await inputs({ 'wait-timeout': '2.5' })).result.waitTimeoutSeconds).toBe(2.5);
    for (const bad of ['0', '-5', 'ten', '1e3']) {
      await expect(inputs({ 'wait-timeout': bad }), bad).rejects.toThrow(SettingsError);
    }
  });

  it('reads concurrency and max-retries as bounded whole numbers', async () => {
    expect((await inputs({ concurrency: '8', 'max-retries': '0' })).result).toMatchObject({
      concurrency: 8,
      maxRetries: 0,
    });
    await expect(inputs({ concurrency: '0' })).rejects.toThrow(
      "Input 'concurrency' is '0'; it must be a whole number from 1 to 64.",
    );
    await expect(inputs({ concurrency: '2.5' })).rejects.toThrow(/whole number/);
    await expect(inputs({ 'max-retries': '99' })).rejects.toThrow(
      "Input 'max-retries' is '99'; it must be a whole number from 0 to 20.",
    );
  });

  it('takes the workspace from GITHUB_WORKSPACE', async () => {
    expect((await inputs({}, { GITHUB_WORKSPACE: '/home/runner/work/r/r' })).result.workspace).toBe(
      '/home/runner/work/r/r',
    );
  });

  describe('base-url', () => {
    it('strips a trailing slash', async () => {
      expect((await inputs({ 'base-url': 'https://api.together.xyz/v1/' })).result.baseUrl).toBe(
        'https://api.together.xyz/v1',
      );
    });

    it('accepts plain http only for loopback hosts', async () => {
      expect((await inputs({ 'base-url': 'http://127.0.0.1:8080/v1' })).result.baseUrl).toBe(
        'http://127.0.0.1:8080/v1',
      );
      expect((await inputs({ 'base-url': 'http://localhost:3000/v1' })).result.baseUrl).toBe(
        'http://localhost:3000/v1',
      );
      expect((await inputs({ 'base-url': 'http://[::1]:3000/v1' })).result.baseUrl).toBe('http://[::1]:3000/v1');
      await expect(inputs({ 'base-url': 'http://api.together.ai/v1' })).rejects.toThrow(
        /plain http to api\.together\.ai; the API key would travel in clear/,
      );
      await expect(inputs({ 'base-url': 'http://10.0.0.5/v1' })).rejects.toThrow(/travel in clear/);
    });

    it('refuses non-URLs, other schemes and embedded credentials', async () => {
      await expect(inputs({ 'base-url': 'api.together.ai' })).rejects.toThrow(/not a URL/);
      await expect(inputs({ 'base-url': 'ftp://x/v1' })).rejects.toThrow(/must be an https URL/);
      await expect(inputs({ 'base-url': 'https://user:pw@x/v1' })).rejects.toThrow(/user name or password/);
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
