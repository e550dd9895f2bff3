/**
 * The server-side validation the embedded server applies to fine-tune files, in the style of Together's
 * `validation_report.error` ("Line 7: `messages[1]` must contain a `role` field"). Deliberately simpler than the
 * action's own checker: it stands for Together's server, which has the last word.
 */
export function validateDatasetContent(content: Buffer, fileType: string): string | null {
  if (fileType !== 'jsonl') return null;
  const lines = content.toString('utf8').split(/\r\n|\n|\r/);
  let samples = 0;
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const error = validateLine(line);
    if (error) return `Line ${index + 1}: ${error}`;
    samples += 1;
  }
  return samples === 0 ? 'The file contains no samples' : null;
}

function validateLine(line: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'Invalid JSON';
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'Each line must be a JSON object';
  const sample = value as Record<string, unknown>;
  if ('messages' in sample) {
    if (!Array.isArray(sample.messages) || sample.messages.length === 0) return '`messages` must be a non-empty list';
    for (const [i, message] of sample.messages.entries()) {
      if (!message || typeof message !== 'object') return `\`messages[${i}]\` must be an object`;
      if (!('role' in message)) return `\`messages[${i}]\` must contain a \`role\` field`;
      if (!('content' in message)) return `\`messages[${i}]\` must contain a \`content\` field`;
    }
    return null;
  }
  if ('text' in sample) return typeof sample.text === 'string' ? null : '`text` must be a string';
  if ('prompt' in sample && 'completion' in sample) return null;
  if ('input' in sample && 'preferred_output' in sample && 'non_preferred_output' in sample) return null;
  return `Could not detect the dataset format from the keys ${JSON.stringify(Object.keys(sample))}`;
}
