/**
 * The embedded server's fine-tuning endpoints, after ../shared/docs/together-fine-tunes-api.md: model limits, jobs
 * that move through pending, queued, running (a step per poll), uploading and completed on the clock of the polls
 * (each `GET /fine-tunes/{id}` is one tick, so a test decides how far a job gets), with events and metrics; cancel;
 * and outcomes to inject: `error`, `user_error`, a restart into a new job, and a create that is recorded and then
 * answered with a 5xx (the case where a blind retry would start a second paid job).
 */
import { randomUUID } from 'node:crypto';

export type FineTuneOutcome = 'completed' | 'error' | 'user_error' | 'restart';

export interface FineTuneOptions {
  /** How new jobs end (default `completed`); a restarted job's successor always completes. */
  outcome?: FineTuneOutcome;
  /** Polls spent running, one training step each (default 4). */
  runningPolls?: number;
  /** The next `times` creates are recorded (a job is made) and then answered with `status`. */
  failCreatesAfterRecording?: { times: number; status: number };
}

export interface StandInEvent {
  object: 'fine-tune-event';
  created_at: string;
  type: string;
  level: string;
  message: string;
  step?: number;
  total_steps?: number;
  job_id?: string;
}

export interface StandInJob {
  id: string;
  status: string;
  model: string;
  training_file: string;
  validation_file?: string;
  suffix?: string;
  /** The request as received. */
  request: Record<string, unknown>;
  created_at: string;
  polls: number;
  step: number;
  events: StandInEvent[];
  metrics: Array<Record<string, unknown>>;
  outcome: FineTuneOutcome;
}

/** Limits of the few models the stand-in knows; any other answers 404. */
export const MODEL_LIMITS: Record<string, Record<string, unknown>> = {
  'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference': {
    model_name: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
    max_num_epochs: 20,
    max_num_evals: 100,
    max_num_checkpoints: 10,
    min_learning_rate: 1e-6,
    max_learning_rate: 1e-2,
    min_max_seq_length: 512,
    max_seq_length_sft: 131072,
    max_seq_length_dpo: 8192,
    supports_full_training: true,
    supports_vision: false,
    lora_training: { min_batch_size: 8, max_batch_size: 64, max_batch_size_dpo: 32, max_rank: 64 },
    full_training: { min_batch_size: 16, max_batch_size: 32, max_batch_size_dpo: 16 },
  },
  'Qwen/Qwen2.5-VL-7B-Instruct': {
    model_name: 'Qwen/Qwen2.5-VL-7B-Instruct',
    max_num_epochs: 10,
    max_num_evals: 50,
    max_num_checkpoints: 5,
    min_learning_rate: 1e-6,
    max_learning_rate: 1e-3,
    min_max_seq_length: 512,
    max_seq_length_sft: 32768,
    max_seq_length_dpo: 8192,
    supports_full_training: false,
    supports_vision: true,
    lora_training: { min_batch_size: 8, max_batch_size: 32, max_batch_size_dpo: 16, max_rank: 32 },
  },
};

export type Reply = (status: number, value: unknown) => void;

/** Whether a training file may start a job: the server's own file check. */
export type FileCheck = (fileId: string) => string | undefined;

export class FineTuneStandIn {
  readonly jobs = new Map<string, StandInJob>();
  /** Every `POST /fine-tunes` body received, in order (also the ones refused). */
  readonly creates: Array<Record<string, unknown>> = [];
  readonly cancels: string[] = [];
  private clock = Date.now();

  constructor(
    private readonly options: FineTuneOptions,
    private readonly checkFile: FileCheck,
  ) {}

  /** Handles a `/fine-tunes...` request (`path` without `/v1`); false when it is not one of these endpoints. */
  handle(method: string, path: string, query: URLSearchParams, body: unknown, reply: Reply): boolean {
    if (path === '/fine-tunes/models/limits' && method === 'GET') {
      const name = query.get('model_name') ?? '';
      const limits = MODEL_LIMITS[name];
      if (limits) reply(200, limits);
      else reply(404, { message: `Model ${name} not found or not available for fine-tuning` });
      return true;
    }
    if (path === '/fine-tunes' && method === 'POST') {
      this.create((body ?? {}) as Record<string, unknown>, reply);
      return true;
    }
    if (path === '/fine-tunes' && method === 'GET') {
      reply(200, { data: [...this.jobs.values()].map((job) => this.view(job)) });
      return true;
    }
    const match = /^\/fine-tunes\/([^/]+)(\/cancel|\/metrics|\/events)?$/.exec(path);
    if (!match) return false;
    const job = this.jobs.get(match[1]!);
    if (!job) {
      reply(404, { error: { message: `Job ${match[1]} not found`, type: 'invalid_request_error', code: 'not_found' } });
      return true;
    }
    if (match[2] === '/cancel' && method === 'POST') {
      this.cancels.push(job.id);
      if (!isTerminal(job.status)) {
        job.status = 'cancel_requested';
        this.event(job, 'cancel_requested', 'info', 'Cancellation requested');
      }
      reply(200, this.view(job));
    } else if (match[2] === '/metrics') {
      reply(200, { metrics: job.metrics });
    } else if (match[2] === '/events') {
      reply(200, { data: job.events });
    } else if (!match[2] && method === 'GET') {
      this.tick(job);
      reply(200, this.view(job));
    } else {
      reply(405, { error: { message: 'Method not allowed', type: 'invalid_request_error', code: null } });
    }
    return true;
  }

  private create(request: Record<string, unknown>, reply: Reply) {
    this.creates.push(request);
    const trainingFile = request.training_file;
    if (typeof trainingFile !== 'string') return reply(400, envelope('training_file is required'));
    if (typeof request.model !== 'string' && typeof request.from_checkpoint !== 'string')
      return reply(400, envelope('model is required'));
    const problem = this.checkFile(trainingFile);
    if (problem) return reply(400, envelope(problem));
    const job = this.newJob(request, this.options.outcome ?? 'completed');
    const fault = this.options.failCreatesAfterRecording;
    if (fault && fault.times > 0) {
      fault.times -= 1;
      return reply(fault.status, envelope('upstream timed out', 'server_error'));
    }
    reply(200, this.view(job));
  }

  private newJob(request: Record<string, unknown>, outcome: FineTuneOutcome): StandInJob {
    const id = `ft-${randomUUID()}`;
    const job: StandInJob = {
      id,
      status: 'pending',
      model: typeof request.model === 'string' ? request.model : String(request.from_checkpoint),
      training_file: String(request.training_file),
      validation_file: typeof request.validation_file === 'string' ? request.validation_file : undefined,
      suffix: typeof request.suffix === 'string' ? request.suffix : undefined,
      request,
      created_at: this.now(),
      polls: 0,
      step: 0,
      events: [],
      metrics: [],
      outcome,
    };
    this.jobs.set(id, job);
    this.event(job, 'job_pending', 'info', 'Fine-tune job created');
    return job;
  }

  /** One poll's worth of progress. */
  private tick(job: StandInJob) {
    job.polls += 1;
    const steps = this.options.runningPolls ?? 4;
    switch (job.status) {
      case 'pending':
        job.status = 'queued';
        return this.event(job, 'job_queued', 'info', 'Job queued');
      case 'queued':
        job.status = 'running';
        this.event(job, 'job_start', 'info', 'Job started');
        return this.event(job, 'training_start', 'info', 'Training started');
      case 'running': {
        job.step += 1;
        const evals = Number(job.request.n_evals ?? 0);
        job.metrics.push({ 'train/loss': round(2.4 / job.step), 'train/global_step': job.step, 'train/epoch': 1 });
        if (evals > 0 && job.validation_file)
          job.metrics.push({ 'eval/loss': round(2.6 / job.step), 'eval/global_step': job.step });
        this.event(job, 'training_progress', 'info', `Step ${job.step} of ${steps}`, {
          step: job.step,
          total_steps: steps,
        });
        if (job.outcome === 'restart' && job.step === 2) {
          const successor = this.newJob(job.request, 'completed');
          job.status = 'error';
          this.event(
            job,
            'job_restarted',
            'warning',
            `The job was restarted as ${successor.id} after an internal error`,
            {
              job_id: successor.id,
            },
          );
          return;
        }
        if (job.step < steps) return;
        if (job.outcome === 'error' || job.outcome === 'user_error') {
          job.status = job.outcome;
          return this.event(
            job,
            'job_error',
            'error',
            job.outcome === 'error'
              ? 'Internal error during training; the job was stopped'
              : 'The training file has samples longer than max_seq_length; shorten them or raise max_seq_length',
          );
        }
        job.status = 'uploading';
        this.event(job, 'epoch_complete', 'info', 'Epoch 1 complete');
        return this.event(job, 'model_uploading', 'info', 'Uploading the model');
      }
      case 'uploading':
        job.status = 'completed';
        return this.event(job, 'job_complete', 'info', 'Job completed');
      case 'cancel_requested':
        job.status = 'cancelled';
        return this.event(job, 'job_cancelled', 'info', 'Job cancelled');
    }
  }

  private view(job: StandInJob): Record<string, unknown> {
    const steps = this.options.runningPolls ?? 4;
    const lora = (job.request.training_type as { type?: string } | undefined)?.type !== 'Full';
    const name = `acme/${job.model.split('/').pop()}${job.suffix ? `-${job.suffix}` : ''}-${job.id.slice(3, 11)}`;
    return {
      id: job.id,
      object: 'fine-tune',
      status: job.status,
      model: job.model,
      training_file: job.training_file,
      validation_file: job.validation_file,
      suffix: job.suffix,
      model_output_name: name,
      ...(lora && job.status === 'completed' ? { adapter_object_name: `${name}-adapter` } : {}),
      created_at: job.created_at,
      updated_at: job.events.at(-1)?.created_at ?? job.created_at,
      events: job.events,
      token_count: 12_000,
      total_price: 6_000_000,
      epochs_completed: job.status === 'completed' ? 1 : 0,
      progress:
        job.status === 'running'
          ? { estimate_available: true, seconds_remaining: (steps - job.step) * 30 }
          : { estimate_available: false },
      hyperparameters: { n_epochs: job.request.n_epochs ?? 1, learning_rate: job.request.learning_rate ?? 1e-5 },
    };
  }

  private event(job: StandInJob, type: string, level: string, message: string, extra: Partial<StandInEvent> = {}) {
    job.events.push({ object: 'fine-tune-event', created_at: this.now(), type, level, message, ...extra });
  }

  /** A clock that moves a second per event, so events order and differ in time. */
  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }
}

function isTerminal(status: string): boolean {
  return ['completed', 'error', 'user_error', 'cancelled'].includes(status);
}

function envelope(message: string, type = 'invalid_request_error') {
  return { error: { message, type, param: null, code: null } };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
