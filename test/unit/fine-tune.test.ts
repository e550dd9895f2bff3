import { describe, expect, it } from 'vitest';
import { sameRequest } from '../../src/fine-tune/create.js';
import { preflightProblems } from '../../src/fine-tune/preflight.js';
import { lossChart, lossSeries } from '../../src/fine-tune/report.js';
import { parseParameters } from '../../src/fine-tune/settings.js';
import { jobPollDelayMs, lastError } from '../../src/fine-tune/watch.js';
import { SettingsError } from '../../src/input-parsers.js';

const LIMITS = {
  max_num_epochs: 20,
  max_num_evals: 100,
  max_num_checkpoints: 10,
  min_learning_rate: 1e-6,
  max_learning_rate: 1e-2,
  min_max_seq_length: 512,
  max_seq_length_sft: 8192,
  max_seq_length_dpo: 4096,
  supports_full_training: false,
  supports_vision: false,
  lora_training: { min_batch_size: 8, max_batch_size: 64, max_batch_size_dpo: 32, max_rank: 64 },
};
const input = (request: Record<string, unknown>, extra: Partial<Parameters<typeof preflightProblems>[0]> = {}) => ({
  request: { training_file: 'file-a', model: 'm', ...request },
  fromParameters: new Set<string>(),
  method: 'sft' as const,
  lora: true,
  model: 'm',
  ...extra,
});

describe('preflightProblems', () => {
  it('passes a request within every limit', () => {
    expect(preflightProblems(input({ n_epochs: 3, batch_size: 16, learning_rate: 1e-5 }), LIMITS)).toEqual([]);
  });

  it('names the input, or the parameters field, its value and the range', () => {
    expect(preflightProblems(input({ n_epochs: 21 }), LIMITS)).toEqual(["Input 'n-epochs' is 21; m allows 1 to 20."]);
    expect(preflightProblems(input({ n_epochs: 21 }, { fromParameters: new Set(['n_epochs']) }), LIMITS)).toEqual([
      "Input 'parameters.n_epochs' is 21; m allows 1 to 20.",
    ]);
  });

  it("uses the method's own limits: DPO's sequence length and batch size", () => {
    const dpo = { method: 'dpo' as const, request: { training_file: 'f', max_seq_length: 6000, batch_size: 48 } };
    const problems = preflightProblems(input({}, dpo), LIMITS);
    expect(problems).toEqual([
      "Input 'max-seq-length' is 6000; m allows 512 to 4096.",
      "Input 'batch-size' is 48; m allows 8 to 32 for LoRA DPO training (or 'max').",
    ]);
  });

  it('checks the rules between inputs without limits too', () => {
    expect(preflightProblems(input({ n_evals: 2, warmup_ratio: 2 }), undefined)).toEqual([
      "Input 'n-evals' is 2, but there is no 'validation-file' to evaluate on: set one, or n-evals: 0.",
      "Input 'warmup-ratio' is 2; it must be from 0 to 1.",
    ]);
  });
});

describe('parseParameters', () => {
  it('reads JSON and YAML objects', () => {
    expect(parseParameters('{"weight_decay": 0.1}')).toEqual({ weight_decay: 0.1 });
    expect(parseParameters('weight_decay: 0.1\nlr_scheduler:\n  lr_scheduler_type: cosine')).toEqual({
      weight_decay: 0.1,
      lr_scheduler: { lr_scheduler_type: 'cosine' },
    });
    expect(parseParameters('  ')).toEqual({});
  });

  it('refuses what is not an object, and fields the request does not know, by name', () => {
    expect(() => parseParameters('[1, 2]')).toThrow(SettingsError);
    expect(() => parseParameters('{"epochs": 3}')).toThrow(
      /does not know: "epochs"\. The fields it knows: training_file/,
    );
    expect(() => parseParameters('{"a": ')).toThrow(/not valid JSON or YAML/);
  });
});

describe('sameRequest', () => {
  const request = { training_file: 'file-a', model: 'm', suffix: 's' };
  it('matches the training file, the model, the validation file and the suffix', () => {
    expect(sameRequest({ id: 'ft-1', training_file: 'file-a', model: 'm', suffix: 's' }, request)).toBe(true);
    expect(sameRequest({ id: 'ft-1', training_file: 'file-b', model: 'm', suffix: 's' }, request)).toBe(false);
    expect(sameRequest({ id: 'ft-1', training_file: 'file-a', model: 'm', suffix: 't' }, request)).toBe(false);
    expect(sameRequest({ id: 'ft-1', training_file: 'file-a', model: 'm', validation_file: 'file-v' }, request)).toBe(
      false,
    );
  });
});

describe('the loss', () => {
  const metrics = [
    { 'train/loss': 2, 'train/global_step': 2 },
    { 'train/loss': 3, 'train/global_step': 1 },
    { 'eval/loss': 2.5, 'eval/global_step': 1 },
    { 'train/loss': 1, 'train/global_step': 3 },
    { 'eval/loss': 1.5, 'eval/global_step': 3 },
    { 'train/loss': 'NaN', 'train/global_step': 4 },
  ];

  it('is read by step, sorted, leaving out what is not a number', () => {
    expect(lossSeries(metrics)).toEqual({
      train: [
        [1, 3],
        [2, 2],
        [3, 1],
      ],
      eval: [
        [1, 2.5],
        [3, 1.5],
      ],
    });
  });

  it('charts training as bars and evaluation as the last value at or before each step', () => {
    expect(lossChart(metrics)).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '    title "Loss by step"',
        '    x-axis "step" [1, 2, 3]',
        '    y-axis "loss"',
        '    bar [3, 2, 1]',
        '    line [2.5, 2.5, 1.5]',
        '```',
      ].join('\n'),
    );
    expect(lossChart([])).toBeUndefined();
  });

  it('keeps the chart to 60 points however long the training', () => {
    const long = Array.from({ length: 1000 }, (_, i) => ({ 'train/loss': 1 / (i + 1), 'train/global_step': i + 1 }));
    const axis = /x-axis "step" \[([^\]]*)\]/.exec(lossChart(long)!)![1]!.split(', ');
    expect(axis.length).toBeLessThanOrEqual(61);
    expect(axis.at(-1)).toBe('1000');
  });
});

describe('polling and errors', () => {
  it('polls after 1 s, growing by half, never more than the cap apart', () => {
    expect([0, 1, 2, 3].map((r) => jobPollDelayMs(r, 60_000))).toEqual([1000, 1500, 2250, 3375]);
    expect(jobPollDelayMs(50, 60_000)).toBe(60_000);
  });

  it("takes Together's last error event, whatever its casing", () => {
    expect(
      lastError([
        { type: 'job_start', message: 'start' },
        { type: 'JOB_ERROR', level: 'ERROR', message: 'out of memory' },
        { type: 'job_cancelled', level: 'info', message: 'x' },
      ]),
    ).toBe('out of memory');
    expect(lastError([{ type: 'job_start', message: 'x' }])).toBeUndefined();
  });
});
