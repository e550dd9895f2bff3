/**
 * The fine-tune action's settings, read once: the inputs, checked for form (a number is a number, an ID an ID),
 * and the `POST /fine-tunes` request they make, `parameters` merged last. Ranges that depend on the model are
 * checked later, against Together's limits (preflight.ts). Every bad value is reported together.
 */
import { parse as parseYaml } from 'yaml';
import {
  baseUrl,
  bool,
  oneOf,
  positiveSeconds,
  problemCollector,
  readApiKey,
  secondsVariable,
  SettingsError,
  wholeNumber,
} from '../input-parsers.js';
import { API_ATTEMPT_DEADLINE_MS, DEFAULT_RATE_LIMIT_BUDGET_MS } from '../together/limits.js';
import { hasFileIdShape } from '../together/wire.js';

/** Every top-level field of `POST /fine-tunes` (fine-tunes doc): `parameters` may set these and no others. */
export const REQUEST_FIELDS = [
  'training_file',
  'validation_file',
  'model',
  'packing',
  'max_seq_length',
  'n_epochs',
  'n_checkpoints',
  'n_evals',
  'batch_size',
  'gradient_accumulation_steps',
  'learning_rate',
  'lr_scheduler',
  'warmup_ratio',
  'max_grad_norm',
  'weight_decay',
  'random_seed',
  'early_stopping_enabled',
  'early_stopping_patience',
  'early_stopping_min_delta',
  'early_stopping_warmup_evals',
  'suffix',
  'wandb_api_key',
  'wandb_base_url',
  'wandb_project_name',
  'wandb_name',
  'wandb_entity',
  'training_method',
  'training_type',
  'multimodal_params',
  'from_checkpoint',
  'from_hf_model',
  'hf_model_revision',
  'hf_api_token',
  'hf_output_repo_name',
] as const;

/** Secrets a request may hold: masked the moment they are read, shown as `***` wherever the request is shown. */
export const SECRET_FIELDS = ['wandb_api_key', 'hf_api_token'] as const;

export type TrainingMethod = 'sft' | 'dpo';

export interface FineTuneSettings {
  apiKey: string;
  baseUrl: string;
  maxRetries: number;
  trainingFile: string;
  validationFile: string | undefined;
  model: string | undefined;
  fromCheckpoint: string | undefined;
  method: TrainingMethod;
  lora: boolean;
  /** The request to send, `parameters` merged in. */
  request: Record<string, unknown>;
  /** The request fields `parameters` set (so a message about one names `parameters.<field>`). */
  fromParameters: ReadonlySet<string>;
  /** Secrets in the request, kept out of everything shown. */
  secrets: string[];
  /** Dollars: refuse to start when Together's estimate is higher. */
  maxPrice: number | undefined;
  wait: boolean;
  waitTimeoutSeconds: number;
  cancelOnCancel: boolean;
  reuse: boolean;
  /** The longest pause between two polls of the job (TOGETHER_POLL_MAX_SECONDS, default 60 s). */
  pollMaxMs: number;
  attemptDeadlineMs: number;
  rateLimitBudgetMs: number;
}

export interface FineTuneSource {
  read: (name: string) => string;
  env: Record<string, string | undefined>;
  maskSecret: (secret: string) => void;
}

const DEFAULT_POLL_MAX_MS = 60_000;

/** Which input a request field comes from, for messages. */
export const INPUT_OF: Record<string, string> = {
  n_epochs: 'n-epochs',
  n_evals: 'n-evals',
  n_checkpoints: 'n-checkpoints',
  batch_size: 'batch-size',
  learning_rate: 'learning-rate',
  max_seq_length: 'max-seq-length',
  warmup_ratio: 'warmup-ratio',
  suffix: 'suffix',
  validation_file: 'validation-file',
  lora_r: 'lora-r',
  lora_alpha: 'lora-alpha',
  lora_dropout: 'lora-dropout',
};

export function readFineTuneSettings(source: FineTuneSource): FineTuneSettings {
  const { read, env } = source;
  const apiKey = readApiKey(source);
  const wandbApiKey = read('wandb-api-key');
  if (wandbApiKey) source.maskSecret(wandbApiKey);

  const { problems, field } = problemCollector();
  const optional = <T>(name: string, parse: (value: string) => T): T | undefined => {
    const value = read(name);
    return value === '' ? undefined : field(() => parse(value), undefined);
  };

  if (!apiKey) {
    problems.push(
      "No Together API key: set the input 'api-key' (for example `api-key: ${{ secrets.TOGETHER_API_KEY }}`) or the environment variable TOGETHER_API_KEY.",
    );
  }
  const trainingFile = field(() => fileId('training-file', read('training-file')), '');
  const validationFile = optional('validation-file', (v) => fileId('validation-file', v));
  const model = read('model') || undefined;
  const fromCheckpoint = read('from-checkpoint') || undefined;
  if (!model && !fromCheckpoint) {
    problems.push(
      "Input 'model' is required (the base model to train, e.g. meta-llama/Meta-Llama-3.1-8B-Instruct-Reference), unless 'from-checkpoint' names a job or model to continue from.",
    );
  }
  const method = field(
    () => oneOf('training-method', read('training-method') || 'sft', ['sft', 'dpo'] as const),
    'sft',
  );
  const lora = field(() => bool('lora', read('lora') || 'true'), true);

  const request: Record<string, unknown> = { training_file: trainingFile };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) request[key] = value;
  };
  set('validation_file', validationFile);
  set('model', model);
  set('from_checkpoint', fromCheckpoint);
  set(
    'n_epochs',
    optional('n-epochs', (v) => wholeNumber('n-epochs', v, 1, 1000)),
  );
  set(
    'n_evals',
    optional('n-evals', (v) => wholeNumber('n-evals', v, 0, 10_000)),
  );
  set(
    'n_checkpoints',
    optional('n-checkpoints', (v) => wholeNumber('n-checkpoints', v, 1, 1000)),
  );
  set(
    'batch_size',
    optional('batch-size', (v) => (v === 'max' ? 'max' : wholeNumber('batch-size', v, 1, 1_000_000))),
  );
  set(
    'learning_rate',
    optional('learning-rate', (v) => positiveNumber('learning-rate', v)),
  );
  set(
    'max_seq_length',
    optional('max-seq-length', (v) => wholeNumber('max-seq-length', v, 1, 100_000_000)),
  );
  set(
    'warmup_ratio',
    optional('warmup-ratio', (v) => number('warmup-ratio', v)),
  );
  set(
    'suffix',
    optional('suffix', (v) => suffix(v)),
  );
  set('wandb_api_key', wandbApiKey || undefined);
  set('wandb_project_name', read('wandb-project-name') || undefined);

  if (lora) {
    const type: Record<string, unknown> = { type: 'Lora' };
    const loraR = optional('lora-r', (v) => wholeNumber('lora-r', v, 1, 100_000));
    if (loraR !== undefined) type.lora_r = loraR;
    const alpha = optional('lora-alpha', (v) => positiveNumber('lora-alpha', v));
    if (alpha !== undefined) type.lora_alpha = alpha;
    const dropout = optional('lora-dropout', (v) => number('lora-dropout', v));
    if (dropout !== undefined) type.lora_dropout = dropout;
    const modules = read('lora-trainable-modules');
    if (modules) type.lora_trainable_modules = modules;
    request.training_type = type;
  } else {
    for (const name of ['lora-r', 'lora-alpha', 'lora-dropout', 'lora-trainable-modules'])
      if (read(name))
        problems.push(`Input '${name}' is set but 'lora' is 'false': full training has no LoRA settings.`);
    request.training_type = { type: 'Full' };
  }
  const trainOnInputs = optional('train-on-inputs', (v) => (v === 'auto' ? 'auto' : bool('train-on-inputs', v)));
  if (method === 'sft') request.training_method = { method: 'sft', train_on_inputs: trainOnInputs ?? 'auto' };
  else {
    if (trainOnInputs !== undefined)
      problems.push(
        "Input 'train-on-inputs' applies to training-method sft only; DPO trains on the preferred outputs.",
      );
    request.training_method = { method: 'dpo' };
  }

  const parameters = field(() => parseParameters(read('parameters')), {});
  const fromParameters = new Set<string>();
  for (const [key, value] of Object.entries(parameters)) {
    fromParameters.add(key);
    const current = request[key];
    request[key] = isPlainObject(current) && isPlainObject(value) ? { ...current, ...value } : value;
  }
  const secrets = [apiKey, wandbApiKey];
  for (const key of SECRET_FIELDS) {
    const value = request[key];
    if (typeof value === 'string' && value && !secrets.includes(value)) {
      source.maskSecret(value);
      secrets.push(value);
    }
  }

  const settings: FineTuneSettings = {
    apiKey,
    baseUrl: field(() => baseUrl(read('base-url') || 'https://api.together.ai/v1'), ''),
    maxRetries: field(() => wholeNumber('max-retries', read('max-retries') || '5', 0, 20), 5),
    trainingFile,
    validationFile: typeof request.validation_file === 'string' ? request.validation_file : undefined,
    model: typeof request.model === 'string' ? request.model : undefined,
    fromCheckpoint,
    method: (request.training_method as { method?: string }).method === 'dpo' ? 'dpo' : 'sft',
    lora: (request.training_type as { type?: string } | undefined)?.type !== 'Full',
    request,
    fromParameters,
    secrets: secrets.filter((s) => s.length > 0),
    maxPrice: optional('max-price', (v) => number('max-price', v, 0)),
    wait: field(() => bool('wait', read('wait') || 'true'), true),
    waitTimeoutSeconds: field(() => positiveSeconds("Input 'wait-timeout'", read('wait-timeout') || '21600'), 21600),
    cancelOnCancel: field(() => bool('cancel-on-cancel', read('cancel-on-cancel') || 'true'), true),
    reuse: field(() => bool('reuse', read('reuse') || 'false'), false),
    pollMaxMs: field(() => secondsVariable(env, 'TOGETHER_POLL_MAX_SECONDS', DEFAULT_POLL_MAX_MS), DEFAULT_POLL_MAX_MS),
    attemptDeadlineMs: field(
      () => secondsVariable(env, 'TOGETHER_API_DEADLINE_SECONDS', API_ATTEMPT_DEADLINE_MS),
      API_ATTEMPT_DEADLINE_MS,
    ),
    rateLimitBudgetMs: field(
      () => secondsVariable(env, 'TOGETHER_RATE_LIMIT_WAIT_SECONDS', DEFAULT_RATE_LIMIT_BUDGET_MS),
      DEFAULT_RATE_LIMIT_BUDGET_MS,
    ),
  };
  if (problems.length > 0) throw new SettingsError(problems.join('\n'));
  return settings;
}

function fileId(name: string, value: string): string {
  if (!value) {
    throw new SettingsError(
      `Input '${name}' is required: the ID of an uploaded file, e.g. \${{ fromJSON(steps.upload.outputs.ids)['data/train.jsonl'] }}.`,
    );
  }
  const raw = value;
  if (!hasFileIdShape(raw)) {
    const looksLikePath = /[/\\]|\.(jsonl|csv|parquet)$/.test(raw);
    throw new SettingsError(
      `Input '${name}' is '${raw.slice(0, 100)}', not a Together file ID (file-...)${looksLikePath ? `: it looks like a path. Upload the file first and pass its ID, e.g. \${{ fromJSON(steps.upload.outputs.ids)['${raw.slice(0, 100)}'] }}` : ''}.`,
    );
  }
  return value;
}

function number(name: string, value: string, min = -Infinity): number {
  const n = Number(value);
  if (!/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(value) || !Number.isFinite(n) || n < min) {
    throw new SettingsError(
      `Input '${name}' is '${value}'; it must be a number${min > -Infinity ? ` of at least ${min}` : ''}.`,
    );
  }
  return n;
}

function positiveNumber(name: string, value: string): number {
  const n = number(name, value);
  if (n <= 0) throw new SettingsError(`Input '${name}' is '${value}'; it must be a number above 0.`);
  return n;
}

/** Together keeps a suffix of up to 64 characters (the spec; the Python docstring says 40). */
function suffix(value: string): string {
  if (value.length > 64 || !/^[\w.-]+$/.test(value)) {
    throw new SettingsError(
      `Input 'suffix' is '${value.slice(0, 80)}'; it must be at most 64 letters, digits, '-', '_' or '.' (it becomes part of the model's name).`,
    );
  }
  return value;
}

/** `parameters`: a JSON or YAML object of request fields, each a field Together knows. */
export function parseParameters(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new SettingsError(
      `Input 'parameters' is not valid JSON or YAML (${error instanceof Error ? error.message.split('\n')[0] : 'unreadable'}); give an object of request fields, e.g. {"weight_decay": 0.01}.`,
    );
  }
  if (!isPlainObject(value)) {
    throw new SettingsError('Input \'parameters\' must be an object of request fields, e.g. {"weight_decay": 0.01}.');
  }
  const unknown = Object.keys(value).filter((key) => !(REQUEST_FIELDS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    throw new SettingsError(
      `Input 'parameters' has ${unknown.length === 1 ? 'a field' : 'fields'} Together's fine-tune request does not know: ${unknown
        .slice(0, 5)
        .map((k) => JSON.stringify(k.slice(0, 60)))
        .join(', ')}. The fields it knows: ${REQUEST_FIELDS.join(', ')}.`,
    );
  }
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
