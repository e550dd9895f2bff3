/**
 * The fine-tune action, through both bundles as the runner runs them: the upload action makes the file IDs, the
 * fine-tune action (fine-tune/action.yml -> dist/fine-tune/index.js) checks, creates once, waits and reports.
 */
import { describe, expect, it } from 'vitest';
import { runAction, type ActionRun } from '../../testkit/run-action.js';
import { startTogetherServer, type TogetherServerOptions } from '../../testkit/together-server.js';
import { cleanupsAfterEach } from '../helpers/e2e.js';
import { chatJsonl, makeWorkspace } from '../helpers/workspace.js';

const cleanups = cleanupsAfterEach();
const MODEL = 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference';
const WANDB_KEY = 'wandb-secret-4242';

/** A server, a workspace with a training and a validation file uploaded, and `fineTune`: the action over them. */
async function uploaded(serverOptions: TogetherServerOptions = {}) {
  const server = await startTogetherServer({ pollsBeforeDone: 0, ...serverOptions });
  const ws = await makeWorkspace({
    // Large enough for the stand-in's estimate to come to a cent (a token per 4 bytes, $0.50 per million).
    'data/train.jsonl': chatJsonl(600),
    'data/valid.jsonl': chatJsonl(2),
    'eval/scores.jsonl': chatJsonl(1),
  });
  cleanups.push(
    () => server.close(),
    () => ws.cleanup(),
  );
  const upload = await runAction({
    workspace: ws.root,
    inputs: { path: 'data', 'api-key': server.apiKey, 'base-url': server.baseUrl },
  });
  expect(upload.exitCode).toBe(0);
  const ids = JSON.parse(upload.outputs.ids!) as Record<string, string>;
  const fineTune = (inputs: Record<string, string>, extra: Partial<Parameters<typeof runAction>[0]> = {}) =>
    runAction({
      action: 'fine-tune',
      workspace: ws.root,
      inputs: {
        'api-key': server.apiKey,
        'base-url': server.baseUrl,
        'training-file': ids['data/train.jsonl']!,
        model: MODEL,
        ...inputs,
      },
      env: { TOGETHER_POLL_MAX_SECONDS: '0.05', ...extra.env },
      timeoutMs: 60_000,
      ...(extra.signalWhen ? { signalWhen: extra.signalWhen } : {}),
    });
  return { server, ws, ids, fineTune, train: ids['data/train.jsonl']!, valid: ids['data/valid.jsonl']! };
}

const visible = (run: ActionRun) => run.stdout.replace(/^::add-mask::.*$/gm, '');

describe('a job from start to finish', () => {
  it('is checked, created once, waited for through every stage with each event once, and hands on the model', async () => {
    const { server, fineTune, train, valid } = await uploaded();
    const run = await fineTune({
      'validation-file': valid,
      'n-epochs': '2',
      'n-evals': '2',
      suffix: 'support',
      'wandb-api-key': WANDB_KEY,
      'max-price': '5',
    });
    expect(run.exitCode).toBe(0);
    expect(server.fineTunes.creates).toHaveLength(1);
    const [job] = [...server.fineTunes.jobs.values()];
    expect(job!.request).toMatchObject({
      training_file: train,
      validation_file: valid,
      model: MODEL,
      n_epochs: 2,
      n_evals: 2,
      suffix: 'support',
      wandb_api_key: WANDB_KEY,
      training_type: { type: 'Lora' },
      training_method: { method: 'sft', train_on_inputs: 'auto' },
    });
    expect(run.outputs).toMatchObject({
      'job-id': job!.id,
      status: 'completed',
      'model-name': expect.stringMatching(/^acme\/Meta-Llama-3\.1-8B-Instruct-Reference-support-/) as unknown,
      'adapter-name': expect.stringMatching(/-adapter$/) as unknown,
      price: '0.01',
      tokens: '12000',
    });
    // Every event once, in order.
    for (const event of job!.events) {
      const line = `[${event.created_at}] ${event.type}: ${event.message}`;
      expect(run.stdout.split(line).length - 1, line).toBe(1);
    }
    expect(run.stdout).toMatch(/running · step 2 of 4 · about 60 s left/);
    expect(run.stdout).toContain('Together estimates $');
    // The summary: the chart and the same numbers in a table.
    expect(run.summary).toContain('## ✅ Together fine-tune: completed');
    expect(run.summary).toContain('```mermaid\nxychart-beta\n    title "Loss by step"\n    x-axis "step" [1, 2, 3, 4]');
    expect(run.summary).toContain('    bar [2.4, 1.2, 0.8, 0.6]');
    expect(run.summary).toContain('    line [2.6, 1.3, 0.867, 0.65]');
    expect(run.summary).toContain('<tr><td>2</td><td>1.2</td><td>1.3</td></tr>');
    expect(run.summary).not.toMatch(/<table>\n\n/);
    // No secret anywhere.
    for (const text of [visible(run), run.stderr, run.summary, JSON.stringify(run.outputs)]) {
      expect(text).not.toContain(WANDB_KEY);
      expect(text).not.toContain(server.apiKey);
    }
  });

  it('waits for a training file Together is still processing before it creates anything', async () => {
    const server = await startTogetherServer({ pollsBeforeDone: 3 });
    const ws = await makeWorkspace({ 'train.jsonl': chatJsonl(600) });
    cleanups.push(
      () => server.close(),
      () => ws.cleanup(),
    );
    const upload = await runAction({
      workspace: ws.root,
      inputs: { path: 'train.jsonl', wait: 'false', 'api-key': server.apiKey, 'base-url': server.baseUrl },
    });
    const run = await runAction({
      action: 'fine-tune',
      workspace: ws.root,
      inputs: {
        'api-key': server.apiKey,
        'base-url': server.baseUrl,
        'training-file': upload.outputs['file-id']!,
        model: MODEL,
      },
      env: { TOGETHER_POLL_MAX_SECONDS: '0.05' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/training-file file-[\w-]+: still processing \(\w+\); waiting for it/);
    expect(run.stdout).toMatch(/training-file: processed \(COMPLETED\)/);
    expect(server.fineTunes.creates).toHaveLength(1);
  });

  it('with wait: false, hands on the job at once', async () => {
    const { fineTune } = await uploaded();
    const run = await fineTune({ wait: 'false' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['job-id']).toMatch(/^ft-/);
    expect(run.outputs.status).toBe('pending');
  });
});

describe('refused before creation, nothing created, each with the fix', () => {
  const cases: Array<[string, (ids: { train: string; valid: string }) => Record<string, string>, RegExp]> = [
    [
      'n-epochs over the limit',
      () => ({ 'n-epochs': '30' }),
      /Input 'n-epochs' is 30; meta-llama\/Meta-Llama-3\.1-8B-Instruct-Reference allows 1 to 20/,
    ],
    [
      'n-evals over the limit',
      ({ valid }) => ({ 'validation-file': valid, 'n-evals': '200' }),
      /Input 'n-evals' is 200; .* allows 0 to 100/,
    ],
    [
      'n-checkpoints over the limit',
      () => ({ 'n-checkpoints': '11' }),
      /Input 'n-checkpoints' is 11; .* allows 1 to 10/,
    ],
    [
      'a batch size under the LoRA minimum',
      () => ({ 'batch-size': '4' }),
      /Input 'batch-size' is 4; .* allows 8 to 64 for LoRA SFT training/,
    ],
    [
      'a DPO batch size over its maximum',
      () => ({ 'batch-size': '48', 'training-method': 'dpo' }),
      /allows 8 to 32 for LoRA DPO training/,
    ],
    [
      'a LoRA rank over the maximum',
      () => ({ 'lora-r': '128' }),
      /Input 'lora-r' is 128; .* allows a LoRA rank of 1 to 64/,
    ],
    [
      'a learning rate out of range',
      () => ({ 'learning-rate': '0.5' }),
      /Input 'learning-rate' is 0\.5; .* allows 0\.000001 to 0\.01|Input 'learning-rate' is 0\.5; .* allows 1e-6 to 0\.01/,
    ],
    [
      'max-seq-length over the SFT maximum',
      () => ({ 'max-seq-length': '200000' }),
      /Input 'max-seq-length' is 200000; .* allows 512 to 131072/,
    ],
    [
      'full training on a model without it',
      () => ({ model: 'Qwen/Qwen2.5-VL-7B-Instruct', lora: 'false' }),
      /cannot be fully trained \('lora' is 'false'\): set lora: true/,
    ],
    [
      'vision on a model without it',
      () => ({ parameters: '{"multimodal_params": {"train_vision": true}}' }),
      /train_vision is true, but .* does not support vision/,
    ],
    [
      'n-evals without a validation file',
      () => ({ 'n-evals': '3' }),
      /Input 'n-evals' is 3, but there is no 'validation-file'/,
    ],
    [
      'early stopping without enough evals',
      ({ valid }) => ({ 'validation-file': valid, 'n-evals': '2', parameters: 'early_stopping_enabled: true' }),
      /Early stopping needs n-evals of at least patience \+ warmup evals \+ 1 = 4; it is 2/,
    ],
    [
      'a DPO-only option with SFT',
      () => ({ parameters: '{"training_method": {"dpo_beta": 0.2}}' }),
      /has dpo_beta, which only DPO takes: set training-method: dpo/,
    ],
    [
      'an unknown model',
      () => ({ model: 'acme/not-a-model' }),
      /Input 'model' is 'acme\/not-a-model', which Together does not fine-tune: Model acme\/not-a-model not found/,
    ],
    [
      'a training file Together does not have',
      () => ({ 'training-file': 'file-00000000-0000-0000-0000-000000000000' }),
      /Input 'training-file' is file-0{8}-.*, which Together does not have \(404\)/,
    ],
    [
      'a price over max-price',
      () => ({ 'max-price': '0.001' }),
      /Together estimates \$0\.0\d, over max-price \$0\.00: raise max-price/,
    ],
  ];
  it.each(cases)('%s', async (_, inputs, message) => {
    const { server, fineTune, train, valid } = await uploaded();
    const run = await fineTune(inputs({ train, valid }));
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(message);
    expect(server.fineTunes.creates).toHaveLength(0);
    expect(run.outputs.status).toBe('not-started');
    expect(run.summary).toContain('The job was not created (nothing was billed)');
  });

  it.each([
    [
      'an unknown field in parameters',
      { parameters: '{"weight_decay": 0.1, "learning_rat": 1}' },
      /Input 'parameters' has a field Together's fine-tune request does not know: "learning_rat"/,
    ],
    [
      'a path where an ID belongs',
      { 'training-file': 'data/train.jsonl' },
      /Input 'training-file' is 'data\/train\.jsonl', not a Together file ID \(file-\.\.\.\): it looks like a path/,
    ],
    ['no model and no checkpoint', { model: '' }, /Input 'model' is required/],
  ])('refuses %s before any request', async (_, inputs, message) => {
    const { server, fineTune } = await uploaded();
    const before = server.requests.length;
    const run = await fineTune(inputs);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(message);
    expect(server.requests.length).toBe(before);
  });

  it('a file of another purpose', async () => {
    const { server, ws, fineTune } = await uploaded();
    const evalUpload = await runAction({
      workspace: ws.root,
      inputs: { path: 'eval', purpose: 'eval', 'api-key': server.apiKey, 'base-url': server.baseUrl },
    });
    const run = await fineTune({ 'training-file': evalUpload.outputs['file-id']! });
    expect(run.stdout).toMatch(/a file of purpose eval: fine-tuning needs purpose fine-tune/);
    expect(server.fineTunes.creates).toHaveLength(0);
  });
});

describe('creating exactly once', () => {
  it('a create whose answer was lost is not retried blindly: the job it started is found and followed', async () => {
    const { server, fineTune } = await uploaded();
    server.addFault({ method: 'POST', path: /^\/v1\/fine-tunes$/, fault: { kind: 'drop-response' } });
    const run = await fineTune({});
    expect(run.exitCode).toBe(0);
    expect(server.fineTunes.jobs.size).toBe(1);
    expect(run.stdout).toMatch(
      /POST \/fine-tunes failed \(.*\), but it had started job ft-[\w-]+: following that job, not starting another/,
    );
    expect(run.summary).toContain('was found after a lost answer');
  });

  it('nor after a 5xx that came back once the job was recorded', async () => {
    const { server, fineTune } = await uploaded({
      fineTunes: { failCreatesAfterRecording: { times: 1, status: 503 } },
    });
    const run = await fineTune({});
    expect(run.exitCode).toBe(0);
    expect(server.fineTunes.creates).toHaveLength(1);
    expect(server.fineTunes.jobs.size).toBe(1);
  });

  it('with reuse, a re-run follows the running or completed job of the same request', async () => {
    const { server, fineTune } = await uploaded();
    const first = await fineTune({ suffix: 'a' });
    const again = await fineTune({ suffix: 'a', reuse: 'true' });
    expect(again.exitCode).toBe(0);
    expect(again.outputs['job-id']).toBe(first.outputs['job-id']);
    expect(again.stdout).toContain(`reuse: job ${first.outputs['job-id']} (completed) has the same request`);
    expect(server.fineTunes.creates).toHaveLength(1);
    // Another suffix is another request.
    await fineTune({ suffix: 'b', reuse: 'true' });
    expect(server.fineTunes.creates).toHaveLength(2);
  });
});

describe('how a job ends', () => {
  it.each([
    ['error', /Job ft-[\w-]+ ended error: Internal error during training/],
    ['user_error', /Job ft-[\w-]+ ended user_error: The training file has samples longer than max_seq_length/],
  ] as const)("%s fails the step with Together's last error event", async (outcome, message) => {
    const { fineTune } = await uploaded({ fineTunes: { outcome } });
    const run = await fineTune({});
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(message);
    expect(run.outputs.status).toBe(outcome);
  });

  it('a restart is followed to the new job, which completes', async () => {
    const { server, fineTune } = await uploaded({ fineTunes: { outcome: 'restart' } });
    const run = await fineTune({});
    expect(run.exitCode).toBe(0);
    const [first, second] = [...server.fineTunes.jobs.values()];
    expect(run.stdout).toContain(`Together restarted job ${first!.id} as ${second!.id}; following ${second!.id}.`);
    expect(run.outputs['job-id']).toBe(second!.id);
    expect(run.summary).toContain(`<tr><th align="left">Restarted from</th><td>${first!.id}</td></tr>`);
  });

  it('at wait-timeout the step fails and the job goes on, not cancelled', async () => {
    const { server, fineTune } = await uploaded({ fineTunes: { runningPolls: 10_000 } });
    const run = await fineTune({ 'wait-timeout': '1' });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(
      /was still running when wait-timeout \(1 s\) ran out; it goes on on Together \(not cancelled\)/,
    );
    expect(server.fineTunes.cancels).toEqual([]);
  });

  it('a cancelled workflow (SIGINT) cancels the job, saying what is billed', async () => {
    let polled: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (polled = resolve));
    const { server, fineTune } = await uploaded({ fineTunes: { runningPolls: 10_000 } });
    server.events.on('request', (r) => r.method === 'GET' && /^\/v1\/fine-tunes\/ft-/.test(r.path) && polled());
    const run = await fineTune({}, { signalWhen: { signal: 'SIGINT', when: running } });
    expect(run.signal).toBeNull();
    expect(run.exitCode).toBe(1);
    const [job] = [...server.fineTunes.jobs.values()];
    expect(server.fineTunes.cancels).toEqual([job!.id]);
    expect(run.stdout).toContain(
      `job ${job!.id} was cancelled on Together (cancel_requested); the steps it already ran are billed`,
    );
    expect(run.summary).toContain('the steps it already ran are billed');
  });
});
