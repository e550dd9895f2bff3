/**
 * What is checked before a job is created, so that nothing is paid for a job Together would refuse or fail: the
 * request against the model's limits (`GET /fine-tunes/models/limits`) and the rules that hold between inputs.
 * Pure: each problem names the input (or `parameters.<field>`), its value, what is allowed, and the fix.
 */
import type { ModelLimits } from '../together/types.js';
import { INPUT_OF, isPlainObject, type TrainingMethod } from './settings.js';

export interface PreflightRequest {
  request: Record<string, unknown>;
  fromParameters: ReadonlySet<string>;
  method: TrainingMethod;
  lora: boolean;
  model: string | undefined;
}

/** Options of `training_method` that only DPO takes. */
const DPO_ONLY = ['dpo_beta', 'rpo_alpha', 'dpo_normalize_logratios_by_length', 'dpo_reference_free', 'simpo_gamma'];

/** The problems of the request against the model's limits and the rules between inputs; empty when none. */
export function preflightProblems(input: PreflightRequest, limits: ModelLimits | undefined): string[] {
  const { request } = input;
  const problems: string[] = [];
  const name = (field: string) =>
    input.fromParameters.has(field) ? `parameters.${field}` : (INPUT_OF[field] ?? `parameters.${field}`);
  const numberOf = (field: string): number | undefined =>
    typeof request[field] === 'number' ? request[field] : undefined;
  const model = input.model ?? 'the model';
  const within = (field: string, value: number | undefined, min: number | undefined, max: number | undefined) => {
    if (value === undefined) return;
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
      problems.push(
        `Input '${name(field)}' is ${value}; ${model} allows ${min ?? '…'} to ${max ?? '…'}${field === 'learning_rate' ? '' : ''}.`,
      );
    }
  };

  if (limits) {
    within('n_epochs', numberOf('n_epochs'), 1, limits.max_num_epochs);
    within('n_evals', numberOf('n_evals'), 0, limits.max_num_evals);
    within('n_checkpoints', numberOf('n_checkpoints'), 1, limits.max_num_checkpoints);
    within('learning_rate', numberOf('learning_rate'), limits.min_learning_rate, limits.max_learning_rate);
    const maxSeq = input.method === 'dpo' ? limits.max_seq_length_dpo : limits.max_seq_length_sft;
    within('max_seq_length', numberOf('max_seq_length'), limits.min_max_seq_length, maxSeq);
    if (!input.lora && limits.supports_full_training === false) {
      problems.push(
        `${model} cannot be fully trained ('lora' is 'false'): set lora: true, or choose a model that supports full training.`,
      );
    }
    const batch = input.lora ? limits.lora_training : limits.full_training;
    const batchSize = numberOf('batch_size');
    if (batch && batchSize !== undefined) {
      const max = input.method === 'dpo' ? (batch.max_batch_size_dpo ?? batch.max_batch_size) : batch.max_batch_size;
      if (
        (batch.min_batch_size !== undefined && batchSize < batch.min_batch_size) ||
        (max !== undefined && batchSize > max)
      ) {
        problems.push(
          `Input '${name('batch_size')}' is ${batchSize}; ${model} allows ${batch.min_batch_size ?? '…'} to ${max ?? '…'} for ${input.lora ? 'LoRA' : 'full'} ${input.method.toUpperCase()} training (or 'max').`,
        );
      }
    }
    const loraR = (request.training_type as { lora_r?: unknown } | undefined)?.lora_r;
    const maxRank = limits.lora_training?.max_rank;
    if (input.lora && typeof loraR === 'number' && maxRank !== undefined && loraR > maxRank) {
      problems.push(`Input '${name('lora_r')}' is ${loraR}; ${model} allows a LoRA rank of 1 to ${maxRank}.`);
    }
    const vision = (request.multimodal_params as { train_vision?: unknown } | undefined)?.train_vision;
    if (vision === true && limits.supports_vision === false) {
      problems.push(
        `parameters.multimodal_params.train_vision is true, but ${model} does not support vision: drop it, or choose a vision model.`,
      );
    }
  }

  // The rules between inputs, whatever the model.
  const evals = numberOf('n_evals') ?? 0;
  const validation = typeof request.validation_file === 'string';
  if (evals > 0 && !validation) {
    problems.push(
      `Input '${name('n_evals')}' is ${evals}, but there is no 'validation-file' to evaluate on: set one, or n-evals: 0.`,
    );
  }
  if (request.early_stopping_enabled === true) {
    const patience = numberOf('early_stopping_patience') ?? 2;
    const warmup = numberOf('early_stopping_warmup_evals') ?? 1;
    if (!validation) problems.push("Early stopping (parameters.early_stopping_enabled) needs a 'validation-file'.");
    if (evals < patience + warmup + 1) {
      problems.push(
        `Early stopping needs n-evals of at least patience + warmup evals + 1 = ${patience + warmup + 1}; it is ${evals}.`,
      );
    }
  }
  const method = isPlainObject(request.training_method) ? request.training_method : {};
  if (input.method === 'sft') {
    const dpoOnly = DPO_ONLY.filter((key) => key in method);
    if (dpoOnly.length > 0)
      problems.push(
        `parameters.training_method has ${dpoOnly.join(', ')}, which only DPO takes: set training-method: dpo, or drop ${dpoOnly.length === 1 ? 'it' : 'them'}.`,
      );
  }
  const warmupRatio = numberOf('warmup_ratio');
  if (warmupRatio !== undefined && (warmupRatio < 0 || warmupRatio > 1))
    problems.push(`Input '${name('warmup_ratio')}' is ${warmupRatio}; it must be from 0 to 1.`);
  const dropout = (request.training_type as { lora_dropout?: unknown } | undefined)?.lora_dropout;
  if (typeof dropout === 'number' && (dropout < 0 || dropout >= 1))
    problems.push(`Input '${name('lora_dropout')}' is ${dropout}; it must be at least 0 and below 1.`);
  return problems;
}
