/**
 * Together's rules for one JSONL sample as they are in 2026 (../shared/docs/dataset-rules-2026.md): the checker of
 * together-py 2.11.0, "version (a)", with the server's relaxations (a top-level per-sample `weight`). Format
 * detection, then the format's own rules; tool calling is allowed (role `tool`, assistant `tool_calls`, a `tools`
 * list). Rules only some sources state (role alternation, the contents of tool calls) are warnings: the action is
 * never stricter than Together's server. Pure: each function returns the first problem's message, or undefined,
 * and reports warnings through `warn`.
 */
import { excerpt, MAX_EXCERPT_CHARS } from '../safe-text.js';
import { PyFloat } from './python-json.js';
import type { DatasetFormat } from './types.js';

const DOCS = 'https://docs.together.ai/docs/fine-tuning-data-preparation';

/** Formats in the order the reference tries them, with their required keys. */
export const FORMAT_KEYS: ReadonlyArray<readonly [DatasetFormat, readonly string[]]> = [
  ['general', ['text']],
  ['conversation', ['messages']],
  ['instruction', ['prompt', 'completion']],
  ['preference_openai', ['input', 'preferred_output', 'non_preferred_output']],
];

/**
 * Keys allowed beside a format's own: `tools` next to `messages` (the reference's JSONL_EXTRA_COLUMNS_MAP), and a
 * per-sample `weight` in every format (Together's server accepts it: the data-format docs' "Sample Weights").
 */
const EXTRA_KEYS: Record<DatasetFormat, readonly string[]> = {
  general: ['weight'],
  conversation: ['tools', 'weight'],
  instruction: ['weight'],
  preference_openai: ['weight'],
};

const FORMAT_EXAMPLE: Record<DatasetFormat, string> = {
  general: '{"text": "..."}',
  conversation: '{"messages": [{"role": "user", "content": "..."}, {"role": "assistant", "content": "..."}]}',
  instruction: '{"prompt": "...", "completion": "..."}',
  preference_openai:
    '{"input": {"messages": [...]}, "preferred_output": [{"role": "assistant", "content": "..."}], "non_preferred_output": [...]}',
};

/** An assistant turn that calls a tool, and the tool's answer, as Together expects them. */
const TOOL_CALL_EXAMPLE =
  '{"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]}';
const TOOL_RESULT_EXAMPLE = '{"role": "tool", "tool_call_id": "call_1", "content": "{\\"temperature\\": 21}"}';

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);
const IMAGE_PREFIXES = ['data:image/jpeg;base64,', 'data:image/png;base64,', 'data:image/webp;base64,'];
/** `data:image/...;base64,` plus the base64 of 10 MiB. */
const MAX_IMAGE_URL_CHARS = 13_981_036;
const MAX_IMAGES = 10;

export type SampleVerdict = { format: DatasetFormat; error?: undefined } | { format?: undefined; error: string };

/** Receives a warning about the line being checked: a rule only some of Together's sources state. */
export type Warn = (message: string) => void;

/** A JSON value's type, in JSON's words. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof PyFloat) return 'number';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof PyFloat);
}

/** A value from the dataset, quoted as JSON and cut to a short excerpt: messages never carry a whole value. */
function quote(value: unknown): string {
  return excerpt(previewJson(value, MAX_EXCERPT_CHARS + 1));
}

/** Levels of a value shown in a message; deeper ones show as `…`. */
const PREVIEW_DEPTH = 8;

/**
 * The start of a value's JSON, at most about `budget` characters: never the whole of a huge value, and never a
 * recursion as deep as the value (JSON.stringify of 100,000 nested lists overflows the stack).
 */
export function previewJson(value: unknown, budget: number): string {
  let out = '';
  const write = (text: string) => {
    out += text.length > budget - out.length ? text.slice(0, Math.max(0, budget - out.length)) : text;
  };
  const visit = (item: unknown, depth: number): void => {
    if (out.length >= budget) return;
    if (item instanceof PyFloat) return write(item.token);
    if (typeof item === 'string') return write(JSON.stringify(item.slice(0, budget)));
    if (item === null || typeof item !== 'object') return write(String(JSON.stringify(item) ?? item));
    if (depth >= PREVIEW_DEPTH) return write(Array.isArray(item) ? '[…]' : '{…}');
    const entries: Array<[string | undefined, unknown]> = Array.isArray(item)
      ? item.map((v): [undefined, unknown] => [undefined, v])
      : Object.entries(item);
    write(Array.isArray(item) ? '[' : '{');
    for (const [i, [key, v]] of entries.entries()) {
      if (out.length >= budget) return;
      if (i > 0) write(', ');
      if (key !== undefined) write(`${JSON.stringify(key.slice(0, budget))}: `);
      visit(v, depth + 1);
    }
    write(Array.isArray(item) ? ']' : '}');
  };
  visit(value, 0);
  return out;
}

/** Keys from the dataset, quoted, at most five. */
function quoteKeys(keys: readonly string[]): string {
  const shown = keys.slice(0, 5).map((k) => quote(k));
  return keys.length > 5 ? `${shown.join(', ')} and ${keys.length - 5} more` : shown.join(', ');
}

/** Python's truthiness, which decides whether the reference looks at a message's content at all. */
function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (value instanceof PyFloat) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/**
 * Detects the sample's format and checks it. `firstFormat` is line 1's format (undefined while checking line 1):
 * every line must have it.
 */
export function checkSample(
  sample: Record<string, unknown>,
  firstFormat: DatasetFormat | undefined,
  warn: Warn = () => undefined,
): SampleVerdict {
  const keys = Object.keys(sample);
  let format: DatasetFormat | undefined;
  for (const [candidate, required] of FORMAT_KEYS) {
    if (!required.every((key) => key in sample)) continue;
    const extra = keys.find((key) => !required.includes(key) && !EXTRA_KEYS[candidate].includes(key));
    if (extra !== undefined) {
      const allowed = [...required, ...EXTRA_KEYS[candidate]].map((k) => `"${k}"`).join(', ');
      return {
        error: `the ${candidate} format allows only the keys ${allowed}, but the line also has ${quote(extra)}. Remove it (Together refuses other top-level keys, even "id" or "metadata").`,
      };
    }
    format = candidate;
    break;
  }
  if (!format) {
    const shown = keys.length ? quoteKeys(keys) : 'no keys';
    return {
      error: `cannot tell the dataset format from ${shown}. Use one of: ${Object.values(FORMAT_EXAMPLE).slice(0, 3).join(' or ')}, or the preference format (see ${DOCS}).`,
    };
  }
  if (firstFormat !== undefined && format !== firstFormat) {
    return {
      error: `this line is in the ${format} format but line 1 is in the ${firstFormat} format; every line of a file must use the same format.`,
    };
  }
  const error = checkSampleWeight(sample) ?? checkFormatRules(sample, format, warn);
  return error === undefined ? { format } : { error };
}

/** A per-sample `weight`: a non-negative number (a loss multiplier; 0 leaves the sample out). */
function checkSampleWeight(sample: Record<string, unknown>): string | undefined {
  if (!('weight' in sample)) return undefined;
  const weight = sample.weight instanceof PyFloat ? sample.weight.value : sample.weight;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
    const found = sample.weight instanceof PyFloat ? excerpt(sample.weight.token) : jsonType(sample.weight);
    return `"weight" (the sample's weight, a loss multiplier) must be a number of 0 or more, such as 0.5; found ${typeof weight === 'number' || sample.weight instanceof PyFloat ? found : `a ${found}`}.`;
  }
  return undefined;
}

function checkFormatRules(sample: Record<string, unknown>, format: DatasetFormat, warn: Warn): string | undefined {
  switch (format) {
    case 'general':
      return checkContent(sample.text, { user: true, where: '"text"' }).error;
    case 'instruction':
      return (
        checkContent(sample.prompt, { user: true, where: '"prompt"' }).error ??
        checkContent(sample.completion, { user: false, where: '"completion"', role: 'the completion' }).error
      );
    case 'conversation':
      return checkMessages(sample.messages, {
        requireAssistant: true,
        where: '"messages"',
        tools: 'tools' in sample ? { value: sample.tools, where: '"tools"' } : undefined,
        warn,
      });
    case 'preference_openai':
      return checkPreference(sample, warn);
  }
}

interface ContentOptions {
  /** Images are allowed only in user content (text, prompt, user messages). */
  user: boolean;
  /** Where the content is, for messages: `"text"`, `messages[2].content`. */
  where: string;
  /** Who wrote a non-user content, for the image message. */
  role?: string;
}

interface ContentVerdict {
  error?: string;
  /** Images found in this content. */
  images: number;
  /** A list (multimodal) rather than a string. */
  multimodal: boolean;
}

/** A content value: a string, or an OpenAI-style list of text and image parts (rules doc section 6). */
export function checkContent(value: unknown, options: ContentOptions): ContentVerdict {
  if (typeof value === 'string') return { images: 0, multimodal: false };
  if (!Array.isArray(value)) {
    return {
      images: 0,
      multimodal: false,
      error: `${options.where} must be a string, or a list of {"type": "text", ...} and {"type": "image_url", ...} parts; found ${jsonType(value)}.`,
    };
  }
  let images = 0;
  for (const [index, part] of value.entries()) {
    const at = `${options.where}[${index}]`;
    const fail = (error: string): ContentVerdict => ({ images, multimodal: true, error });
    if (!isObject(part))
      return fail(`${at} must be an object such as {"type": "text", "text": "..."}; found ${jsonType(part)}.`);
    if (!('type' in part)) return fail(`${at} has no "type"; use "text" or "image_url".`);
    if (part.type === 'text') {
      if (typeof part.text !== 'string') {
        return fail(
          `${at} is a text part, so its "text" must be a string; found ${'text' in part ? jsonType(part.text) : 'nothing'}.`,
        );
      }
    } else if (part.type === 'image_url') {
      if (!options.user) {
        return fail(
          `${at} is an image, but only user content may contain images, not ${options.role ?? 'this message'}. Move the image to a user message.`,
        );
      }
      if (!isObject(part.image_url)) {
        return fail(
          `${at}.image_url must be an object {"url": "data:image/png;base64,..."}; found ${'image_url' in part ? jsonType(part.image_url) : 'nothing'}.`,
        );
      }
      const url = part.image_url.url;
      if (typeof url !== 'string' || url === '') {
        return fail(
          `${at}.image_url.url must be a non-empty string; found ${typeof url === 'string' ? 'an empty string' : 'url' in part.image_url ? jsonType(url) : 'nothing'}.`,
        );
      }
      if (!IMAGE_PREFIXES.some((prefix) => url.startsWith(prefix))) {
        return fail(
          `${at}.image_url.url must be a base64 data URL of a JPEG, PNG or WEBP image ("data:image/png;base64,..."); found "${excerpt(url, 40)}". Image links and other formats are not accepted.`,
        );
      }
      if (url.length > MAX_IMAGE_URL_CHARS) {
        return fail(
          `${at} is an image of about ${Math.floor((url.length * 3) / 4).toLocaleString('en-US')} bytes; each image must be under 10 MB.`,
        );
      }
      images += 1;
    } else {
      return fail(`${at} has "type": ${quote(part.type)}; only "text" and "image_url" are supported.`);
    }
  }
  if (images > MAX_IMAGES) {
    return {
      images,
      multimodal: true,
      error: `${options.where} has ${images} images; at most ${MAX_IMAGES} are allowed.`,
    };
  }
  return { images, multimodal: true };
}

interface MessagesOptions {
  requireAssistant: boolean;
  /** e.g. `"messages"` or `"input".messages`. */
  where: string;
  /** The sample's `tools` list, when it has one, that tool calls should name. */
  tools: { value: unknown; where: string } | undefined;
  warn: Warn;
}

/**
 * A conversation: the `messages` of a conversational sample or of a preference sample's input. In version (a)'s
 * order: every message's shape first (an object, a role, content or tool calls), then each message's weight, role
 * and, when it is truthy, its content.
 */
export function checkMessages(messages: unknown, options: MessagesOptions): string | undefined {
  const where = options.where;
  if (!Array.isArray(messages)) return `${where} must be a list of messages; found ${jsonType(messages)}.`;
  if (messages.length === 0) return `${where} is empty; it needs at least one message.`;
  for (let i = 0; i < messages.length; i += 1) {
    const message: unknown = messages[i];
    if (!isObject(message)) {
      return `${where}[${i}] must be an object {"role": ..., "content": ...}; found ${jsonType(message)}.`;
    }
    if (!('role' in message)) {
      return `${where}[${i}] has no "role"; every message needs one ("system", "user", "assistant" or "tool").`;
    }
    if (message.role !== 'assistant' && !('content' in message)) {
      const who = typeof message.role === 'string' ? `a ${quote(message.role)} message` : 'this message';
      return `${where}[${i}] has no "content"; ${who} needs "content" (only an assistant message may have "tool_calls" instead). A tool's answer looks like ${TOOL_RESULT_EXAMPLE}.`;
    }
    if (!('content' in message) && !('tool_calls' in message)) {
      return `${where}[${i}] has neither "content" nor "tool_calls"; an assistant message needs one of them, such as ${TOOL_CALL_EXAMPLE}.`;
    }
  }

  const list = messages as Array<Record<string, unknown>>;
  const toolNames = options.tools ? checkTools(options.tools, options.warn) : undefined;
  let hasAssistant = false;
  let sampleImages = 0;
  let firstMultimodal: boolean | undefined;
  let previousRole: unknown;
  let warnedAlternation = false;
  for (let index = 0; index < list.length; index += 1) {
    const message = list[index]!;
    // Paths like `"messages"[2]` are built only for a message that has a problem: this loop runs for every message.
    const at = () => `${where}[${index}]`;
    if ('weight' in message) {
      const weight = message.weight;
      // Python's int: true and false count (bool is an int); 1.0 does not.
      if (typeof weight !== 'boolean' && typeof weight !== 'number') {
        return `${at()}.weight must be the integer 0 or 1; found ${weight instanceof PyFloat ? excerpt(weight.token) : jsonType(weight)}. Write 0 or 1 without a decimal point.`;
      }
      if (weight !== true && weight !== false && weight !== 0 && weight !== 1) {
        return `${at()}.weight must be 0 or 1; found ${excerpt(String(weight))}.`;
      }
    }
    const role = message.role;
    if (typeof role !== 'string') return `${at()}.role must be a string; found ${jsonType(role)}.`;
    if (!ROLES.has(role)) {
      return `${at()}.role is ${quote(role)}; it must be "system", "user", "assistant" or "tool" (a tool's answer: ${TOOL_RESULT_EXAMPLE}).`;
    }
    hasAssistant ||= role === 'assistant';
    // Together's docs ask for alternating user and assistant turns; its checker and server do not: a warning.
    if (!warnedAlternation && role === previousRole && role !== 'tool') {
      warnedAlternation = true;
      options.warn(
        `${at()} repeats the role ${quote(role)} of the message before it; Together's data-preparation docs ask for alternating user and assistant turns (its checker accepts this). Merge the two messages if that was not meant.`,
      );
    }
    previousRole = role;
    if ('tool_calls' in message) checkToolCalls(message.tool_calls, role, at, toolNames, options.warn);

    // The reference looks at a content only when it is truthy: null, "", 0, false and [] skip every content rule.
    if (!isTruthy(message.content)) continue;
    // A string is the common case and always valid: no need to look further.
    const multimodal = typeof message.content !== 'string';
    if (multimodal) {
      const content = checkContent(message.content, {
        user: role === 'user',
        where: `${at()}.content`,
        role: `${role} messages`,
      });
      if (content.error) return content.error;
      if (content.images > 0 && (message.weight === 1 || message.weight === true)) {
        return `${at()} contains an image, so its weight must be 0; found 1.`;
      }
      sampleImages += content.images;
    }
    firstMultimodal ??= multimodal;
    if (multimodal !== firstMultimodal) {
      return `${at()}.content is ${multimodal ? 'a list of parts' : 'a string'} while earlier messages use ${firstMultimodal ? 'lists of parts' : 'strings'}; within one sample, all contents must be strings or all must be lists.`;
    }
  }
  if (sampleImages > MAX_IMAGES)
    return `the sample has ${sampleImages} images; at most ${MAX_IMAGES} are allowed per sample.`;
  if (options.requireAssistant && !hasAssistant) {
    return `${where} has no assistant message; a training sample needs at least one message with "role": "assistant".`;
  }
  return undefined;
}

/**
 * The sample's `tools` (warnings only: Together's checker does not look inside). Returns the function names it
 * declares, for the tool calls to be held against; undefined when it declares none.
 */
function checkTools(tools: { value: unknown; where: string }, warn: Warn): Set<string> | undefined {
  if (!Array.isArray(tools.value)) {
    warn(
      `${tools.where} should be a list of tools such as [{"type": "function", "function": {"name": "get_weather", "parameters": {...}}}]; found ${jsonType(tools.value)}.`,
    );
    return undefined;
  }
  if (tools.value.length === 0) {
    warn(`${tools.where} is an empty list; leave it out, or list the functions the assistant may call.`);
    return undefined;
  }
  const names = new Set<string>();
  for (const [i, tool] of tools.value.entries()) {
    const name = isObject(tool) && isObject(tool.function) ? tool.function.name : undefined;
    if (typeof name === 'string') names.add(name);
    else
      warn(
        `${tools.where}[${i}] has no function name; each tool is {"type": "function", "function": {"name": "...", ...}}.`,
      );
  }
  return names.size > 0 ? names : undefined;
}

/** An assistant's `tool_calls` (warnings only, as in some of Together's clients): names in `tools`, JSON arguments. */
function checkToolCalls(
  calls: unknown,
  role: string,
  at: () => string,
  toolNames: Set<string> | undefined,
  warn: Warn,
): void {
  if (calls === null || calls === undefined) return;
  if (role !== 'assistant') {
    warn(`${at()} is a ${quote(role)} message with "tool_calls"; only assistant messages call tools.`);
    return;
  }
  if (!Array.isArray(calls)) {
    warn(
      `${at()}.tool_calls should be a list such as ${TOOL_CALL_EXAMPLE.slice(TOOL_CALL_EXAMPLE.indexOf('['), -1)}; found ${jsonType(calls)}.`,
    );
    return;
  }
  for (const [i, call] of calls.entries()) {
    const where = `${at()}.tool_calls[${i}]`;
    const fn = isObject(call) ? call.function : undefined;
    if (!isObject(fn) || typeof fn.name !== 'string') {
      warn(
        `${where} has no function name; a call is {"id": "call_1", "type": "function", "function": {"name": "...", "arguments": "{...}"}}.`,
      );
      continue;
    }
    if (toolNames && !toolNames.has(fn.name)) {
      warn(`${where} calls ${quote(fn.name)}, which is not in "tools" (it lists ${quoteKeys([...toolNames])}).`);
    }
    if ('arguments' in fn) {
      const problem = argumentsProblem(fn.arguments);
      if (problem)
        warn(
          `${where}.function.arguments ${problem}; write the arguments as a JSON object in a string, such as "{\\"city\\": \\"Paris\\"}".`,
        );
    }
  }
}

function argumentsProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `is a ${jsonType(value)}, not a string`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return 'is not valid JSON';
  }
  return isObject(parsed) ? undefined : `holds a JSON ${jsonType(parsed)}, not an object`;
}

/** The OpenAI preference (DPO) format. */
function checkPreference(sample: Record<string, unknown>, warn: Warn): string | undefined {
  const input = sample.input;
  if (!isObject(input)) return `"input" must be an object {"messages": [...]}; found ${jsonType(input)}.`;
  if (!('messages' in input)) return '"input" has no "messages"; it must be {"messages": [...]}.';
  const messagesError = checkMessages(input.messages, {
    requireAssistant: false,
    where: '"input".messages',
    tools: 'tools' in input ? { value: input.tools, where: '"input".tools' } : undefined,
    warn,
  });
  if (messagesError) return messagesError;
  const messages = input.messages as Array<Record<string, unknown>>;
  if (messages.at(-1)?.role === 'assistant') {
    return 'the last message of "input".messages is from the assistant; it must end with the turn the preferred and non-preferred outputs answer.';
  }
  for (const key of ['preferred_output', 'non_preferred_output']) {
    const output = sample[key];
    if (!Array.isArray(output))
      return `"${key}" must be a list holding one assistant message; found ${jsonType(output)}.`;
    if (output.length !== 1) return `"${key}" must hold exactly one message; found ${output.length}.`;
    const [message] = output as unknown[];
    if (!isObject(message))
      return `"${key}"[0] must be an object {"role": "assistant", "content": ...}; found ${jsonType(message)}.`;
    if (!('role' in message)) return `"${key}"[0] has no "role"; it must be "assistant".`;
    if (message.role !== 'assistant') return `"${key}"[0].role is ${quote(message.role)}; it must be "assistant".`;
    if (!('content' in message) && !('tool_calls' in message)) {
      return `"${key}"[0] has neither "content" nor "tool_calls"; the output is one assistant message with one of them.`;
    }
    if ('content' in message) {
      const content = checkContent(message.content, {
        user: false,
        where: `"${key}"[0].content`,
        role: 'preference outputs',
      });
      if (content.error) return content.error;
    }
  }
  return undefined;
}
