/**
 * The server-side validation the embedded server applies to fine-tune files, in the style of Together's
 * `validation_report` (2026: `valid`, `dataset_format`, the `dataset_has_*` flags, `nlines`; on a refusal `error`
 * such as "Line 7: `messages[1]` must contain a `role` field"). Deliberately simpler than the action's own checker:
 * it stands for Together's server, which has the last word, and accepts what Together accepts in 2026 (tool calls,
 * the tool role, roles in any order, per-sample weights).
 */

export interface DatasetReport {
  dataset_format: string | null;
  dataset_has_tools: boolean;
  dataset_has_parallel_tool_calls: boolean;
  dataset_has_reasoning: boolean;
  dataset_has_message_weights: boolean;
  dataset_has_sample_weights: boolean;
  dataset_is_multimodal: boolean;
  nlines: number;
}

export type ServerVerdict = { error: string; report?: undefined } | { error: null; report: DatasetReport };

export function validateDatasetContent(content: Buffer, fileType: string): ServerVerdict {
  const report: DatasetReport = {
    dataset_format: fileType === 'jsonl' ? null : fileType,
    dataset_has_tools: false,
    dataset_has_parallel_tool_calls: false,
    dataset_has_reasoning: false,
    dataset_has_message_weights: false,
    dataset_has_sample_weights: false,
    dataset_is_multimodal: false,
    nlines: 0,
  };
  if (fileType !== 'jsonl') return { error: null, report };
  const lines = content.toString('utf8').split(/\r\n|\n|\r/);
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const error = validateLine(line, report);
    if (error) return { error: `Line ${index + 1}: ${error}` };
    report.nlines += 1;
  }
  return report.nlines === 0 ? { error: 'The file contains no samples' } : { error: null, report };
}

function validateLine(line: string, report: DatasetReport): string | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'Invalid JSON';
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'Each line must be a JSON object';
  const sample = value as Record<string, unknown>;
  if ('weight' in sample) {
    if (typeof sample.weight !== 'number' || sample.weight < 0) return '`weight` must be a non-negative number';
    report.dataset_has_sample_weights = true;
  }
  const format = formatOf(sample);
  if (!format) return `Could not detect the dataset format from the keys ${JSON.stringify(Object.keys(sample))}`;
  report.dataset_format ??= format;
  if (format === 'conversation') {
    if (Array.isArray(sample.tools) && sample.tools.length > 0) report.dataset_has_tools = true;
    return validateMessages(sample.messages, report);
  }
  if (format === 'preference_openai') {
    const input = sample.input as { messages?: unknown } | null;
    return validateMessages(input?.messages, report);
  }
  if (format === 'general') return typeof sample.text === 'string' ? null : '`text` must be a string';
  return null;
}

function formatOf(sample: Record<string, unknown>): string | null {
  if ('messages' in sample) return 'conversation';
  if ('text' in sample) return 'general';
  if ('prompt' in sample && 'completion' in sample) return 'instruction';
  if ('input' in sample && 'preferred_output' in sample && 'non_preferred_output' in sample) return 'preference_openai';
  return null;
}

function validateMessages(messages: unknown, report: DatasetReport): string | null {
  if (!Array.isArray(messages) || messages.length === 0) return '`messages` must be a non-empty list';
  for (const [i, message] of messages.entries()) {
    if (!message || typeof message !== 'object') return `\`messages[${i}]\` must be an object`;
    const m = message as Record<string, unknown>;
    if (!('role' in m)) return `\`messages[${i}]\` must contain a \`role\` field`;
    const calls = Array.isArray(m.tool_calls) ? m.tool_calls : [];
    if (m.role === 'assistant' ? !('content' in m) && calls.length === 0 : !('content' in m)) {
      return `\`messages[${i}]\` must contain a \`content\` field${m.role === 'assistant' ? ' or `tool_calls`' : ''}`;
    }
    if (calls.length > 0) report.dataset_has_tools = true;
    if (calls.length > 1) report.dataset_has_parallel_tool_calls = true;
    if ('reasoning' in m || 'reasoning_content' in m) report.dataset_has_reasoning = true;
    if ('weight' in m) report.dataset_has_message_weights = true;
    if (Array.isArray(m.content) && m.content.some((part) => (part as { type?: unknown })?.type === 'image_url')) {
      report.dataset_is_multimodal = true;
    }
  }
  return null;
}
