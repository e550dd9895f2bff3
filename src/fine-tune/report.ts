/**
 * What the fine-tune step hands on and shows: its outputs (bounded, secrets redacted) and its job summary (the job,
 * the hyperparameters as sent, the stages with their times, the last events, and a Mermaid chart of the loss by step
 * with a table of the same numbers under it, so email and mobile readers lose nothing). Pure renderers.
 */
import { escapeHtml, escapeText, formatDuration } from '../report/format.js';
import { redactDeep } from '../safe-text.js';
import type { FineTuneEvent, FineTuneJob, MetricPoint } from '../together/types.js';
import type { Stage } from './watch.js';

export interface FineTuneOutcome {
  /** `not-started` when the job was refused before creation (or creating it failed). */
  status: string;
  job: FineTuneJob | undefined;
  /** Why the step failed, if it did. */
  failure?: string;
  request: Record<string, unknown>;
  /** Secrets to keep out of everything shown. */
  secrets: readonly string[];
  estimate?: { price: number | null; tokens: number | null };
  stages: Stage[];
  events: FineTuneEvent[];
  metrics: MetricPoint[];
  restartedFrom: string[];
  /** Notes on how the job was had (reused, found after a lost answer), or what was done on cancel. */
  notes: string[];
}

/** The `job` output's budget: well under GitHub's 1 MB for a job's outputs. */
const MAX_JOB_OUTPUT_BYTES = 200_000;
const SHOWN_EVENTS = 15;
/** Points on the loss chart at most (every nth step beyond). */
const CHART_POINTS = 60;
const TABLE_ROWS = 100;
const ROW_OMITTED = '\u0000omitted';

/** Nanodollars (as Together reports `total_price`) as dollars, or undefined. */
export function dollars(job: FineTuneJob | undefined): string {
  return typeof job?.total_price === 'number' ? (job.total_price / 1e9).toFixed(2) : '';
}

export function fineTuneOutputs(outcome: FineTuneOutcome): Record<string, string> {
  const job = outcome.job ? (redactDeep(outcome.job, outcome.secrets) as FineTuneJob) : undefined;
  let jobJson = job ? JSON.stringify(job) : '';
  if (Buffer.byteLength(jobJson) > MAX_JOB_OUTPUT_BYTES && job) {
    // The events are what grows; the job without them still says all a later step needs.
    jobJson = JSON.stringify({ ...job, events: undefined, events_omitted: job.events?.length ?? 0 });
  }
  return {
    'job-id': job?.id ?? '',
    status: outcome.status,
    'model-name': typeof job?.model_output_name === 'string' ? job.model_output_name : '',
    'adapter-name': typeof job?.adapter_object_name === 'string' ? job.adapter_object_name : '',
    price: dollars(job),
    tokens: typeof job?.token_count === 'number' ? String(job.token_count) : '',
    job: jobJson,
  };
}

/** The loss by step: training points and evaluation points, each sorted by step. */
export function lossSeries(metrics: MetricPoint[]): { train: Array<[number, number]>; eval: Array<[number, number]> } {
  const series = (prefix: string) =>
    metrics
      .map((m) => [m[`${prefix}/global_step`] ?? m['train/global_step'] ?? m.step, m[`${prefix}/loss`]] as const)
      .filter(
        (p): p is readonly [number, number] =>
          typeof p[0] === 'number' && typeof p[1] === 'number' && Number.isFinite(p[1]),
      )
      .map(([step, loss]): [number, number] => [step, loss])
      .sort((a, b) => a[0] - b[0]);
  return { train: series('train'), eval: series('eval') };
}

/** A Mermaid `xychart-beta` of the loss: training as bars on the steps, evaluation (the last value at or before each step) as a line. */
export function lossChart(metrics: MetricPoint[]): string | undefined {
  const { train, eval: evaluation } = lossSeries(metrics);
  if (train.length === 0) return undefined;
  const every = Math.max(1, Math.ceil(train.length / CHART_POINTS));
  const points = train.filter((_, i) => i % every === 0 || i === train.length - 1);
  const evalAt = (step: number) => {
    let value: number | undefined;
    for (const [s, loss] of evaluation) if (s <= step) value = loss;
    return value;
  };
  const lines = [
    '```mermaid',
    'xychart-beta',
    '    title "Loss by step"',
    `    x-axis "step" [${points.map(([s]) => s).join(', ')}]`,
    '    y-axis "loss"',
    `    bar [${points.map(([, loss]) => round(loss)).join(', ')}]`,
  ];
  const evalLine = points.map(([s]) => evalAt(s));
  if (evalLine.every((v) => v !== undefined)) lines.push(`    line [${evalLine.map((v) => round(v)).join(', ')}]`);
  lines.push('```');
  return lines.join('\n');
}

export function renderFineTuneSummary(outcome: FineTuneOutcome, now: number): string {
  const job = outcome.job ? (redactDeep(outcome.job, outcome.secrets) as FineTuneJob) : undefined;
  const request = redactDeep(outcome.request, outcome.secrets) as Record<string, unknown>;
  const ok = outcome.status === 'completed';
  const out: string[] = [];
  const icon = ok
    ? '✅'
    : outcome.status === 'not-started'
      ? '⛔'
      : ['running', 'pending', 'queued', 'uploading'].includes(outcome.status)
        ? '⏱️'
        : '❌';
  out.push(`## ${icon} Together fine-tune: ${escapeHtml(outcome.status)}`, '');
  if (outcome.failure) out.push(`<p>${escapeText(outcome.failure)}</p>`, '');
  for (const note of outcome.notes) out.push(`<p>${escapeText(note)}</p>`);
  if (outcome.notes.length) out.push('');
  // A row without a value is left out (ROW_OMITTED, dropped below): a blank line would end the HTML block in
  // GitHub's Markdown, and the rest of the table would show as text.
  const row = (name: string, value: string | undefined) =>
    value ? `<tr><th align="left">${name}</th><td>${escapeText(value)}</td></tr>` : ROW_OMITTED;
  out.push(
    '<table>',
    row('Job', job?.id),
    row('Restarted from', outcome.restartedFrom.join(', ')),
    row('Model', text(request.model) ?? text(request.from_checkpoint)),
    row('Training file', text(request.training_file)),
    row('Validation file', typeof request.validation_file === 'string' ? request.validation_file : undefined),
    row('Output model', typeof job?.model_output_name === 'string' ? job.model_output_name : undefined),
    row('Adapter', typeof job?.adapter_object_name === 'string' ? job.adapter_object_name : undefined),
    row(
      'Price',
      dollars(job)
        ? `$${dollars(job)}`
        : outcome.estimate?.price != null
          ? `$${outcome.estimate.price.toFixed(2)} (Together's estimate)`
          : undefined,
    ),
    row(
      'Tokens',
      typeof job?.token_count === 'number'
        ? job.token_count.toLocaleString('en-US')
        : outcome.estimate?.tokens != null
          ? `${outcome.estimate.tokens.toLocaleString('en-US')} (estimate)`
          : undefined,
    ),
    '</table>',
    '',
  );
  out.push('### Hyperparameters as sent', '', '<table>');
  for (const [key, value] of Object.entries(request)) {
    if (key === 'training_file' || key === 'validation_file' || key === 'model') continue;
    out.push(
      `<tr><td><code>${escapeHtml(key)}</code></td><td><code>${escapeText(JSON.stringify(value).slice(0, 300))}</code></td></tr>`,
    );
  }
  out.push('</table>', '');
  if (outcome.stages.length > 0) {
    out.push('### Stages', '', '<table>', '<tr><th>Status</th><th>From</th><th>For</th></tr>');
    outcome.stages.forEach((stage, i) => {
      const until = outcome.stages[i + 1]?.at ?? now;
      out.push(
        `<tr><td>${escapeText(stage.status)}</td><td>${new Date(stage.at).toISOString()}</td><td>${formatDuration(until - stage.at)}</td></tr>`,
      );
    });
    out.push('</table>', '');
  }
  if (outcome.events.length > 0) {
    const shown = outcome.events.slice(-SHOWN_EVENTS);
    out.push(`### Last events (${shown.length} of ${outcome.events.length})`, '', '<ul>');
    for (const e of shown) {
      out.push(
        `<li><code>${escapeText(String(e.created_at ?? ''))}</code> ${escapeText(String(e.type ?? ''))}: ${escapeText(String(e.message ?? '').slice(0, 300))}</li>`,
      );
    }
    out.push('</ul>', '');
  }
  const chart = lossChart(outcome.metrics);
  if (chart) {
    const { train, eval: evaluation } = lossSeries(outcome.metrics);
    out.push('### Loss', '', chart, '');
    out.push(
      evaluation.length > 0
        ? 'Bars: training loss; line: evaluation loss (the last evaluation at or before each step).'
        : 'Bars: training loss.',
      '',
    );
    const evalByStep = new Map(evaluation);
    const every = Math.max(1, Math.ceil(train.length / TABLE_ROWS));
    out.push('<table>', '<tr><th>Step</th><th>Training loss</th><th>Evaluation loss</th></tr>');
    train
      .filter((_, i) => i % every === 0 || i === train.length - 1)
      .forEach(([step, loss]) =>
        out.push(
          `<tr><td>${step}</td><td>${round(loss)}</td><td>${evalByStep.has(step) ? round(evalByStep.get(step)!) : ''}</td></tr>`,
        ),
      );
    out.push('</table>', '');
  }
  const lines = out.filter((line) => line !== ROW_OMITTED);
  return `${lines.filter((line, i, all) => !(line === '' && all[i - 1] === '')).join('\n')}\n`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
