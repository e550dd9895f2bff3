/**
 * Together's rules for one JSONL sample, as its reference checker (together-python 1.5.34 `check_file`) applies
 * them: format detection, then the format's own rules (../shared/docs/dataset-rules.md, sections 5 to 7). Pure:
 * each function returns the first problem's message, or undefined.
 */
import { PyFloat } from './python-json.js';
import type { DatasetFormat } from './types.js';

const DOCS = 'https://docs.together.ai/docs/fine-tuning-data-preparation';

/** Formats in the order the reference tries them, with their required (and only allowed) top-level keys. */
export const FORMAT_KEYS: ReadonlyArray<readonly [DatasetFormat, readonly string[]]> = [
  ['general', ['text']],
  ['conversation', ['messages']],
  ['instruction', ['prompt', 'completion']],
  ['preference_openai', ['input', 'preferred_output', 'non_preferred_output']],
];

const FORMAT_EXAMPLE: Record<DatasetFormat, string> = {
  general: '{"text": "..."}',
  conversation: '{"messages": [{"role": "user", "content": "..."}, {"role": "assistant", "content": "..."}]}',
  instruction: '{"prompt": "...", "completion": "..."}',
  preference_openai:
    '{"input": {"messages": [...]}, "preferred_output": [{"role": "assistant", "content": "..."}], "non_preferred_output": [...]}',
};

const ROLES = new Set(['system', 'user', 'assistant']);
const REQUIRED_MESSAGE_KEYS = ['role', 'content'] as const;
const IMAGE_PREFIXES = ['data:image/jpeg;base64,', 'data:image/png;base64,', 'data:image/webp;base64,'];
/** `data:image/...;base64,` plus the base64 of 10 MiB. */
const MAX_IMAGE_URL_CHARS = 13_981_036;
const MAX_IMAGES = 10;

export type SampleVerdict = { format: DatasetFormat; error?: undefined } | { format?: undefined; error: string };

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

/**
 * Detects the sample's format and checks it. `firstFormat` is line 1's format (undefined while checking line 1):
 * every line must have it.
 */
export function checkSample(sample: Record<string, unknown>, firstFormat: DatasetFormat | undefined): SampleVerdict {
  const keys = Object.keys(sample);
  let format: DatasetFormat | undefined;
  for (const [candidate, required] of FORMAT_KEYS) {
    if (!required.every((key) => key in sample)) continue;
    const extra = keys.find((key) => !required.includes(key));
    if (extra !== undefined) {
      return {
        error: `the ${candidate} format allows only the key${required.length > 1 ? 's' : ''} ${required.map((k) => `"${k}"`).join(', ')}, but the line also has "${extra}". Remove "${extra}" (Together refuses extra top-level keys, even "id" or "metadata").`,
      };
    }
    format = candidate;
    break;
  }
  if (!format) {
    const shown = keys.length ? keys.map((k) => `"${k}"`).join(', ') : 'no keys';
    return {
      error: `cannot tell the dataset format from ${shown}. Use one of: ${Object.values(FORMAT_EXAMPLE).slice(0, 3).join(' or ')}, or the preference format (see ${DOCS}).`,
    };
  }
  if (firstFormat !== undefined && format !== firstFormat) {
    return {
      error: `this line is in the ${format} format but line 1 is in the ${firstFormat} format; every line of a file must use the same format.`,
    };
  }
  const error = checkFormatRules(sample, format);
  return error === undefined ? { format } : { error };
}

function checkFormatRules(sample: Record<string, unknown>, format: DatasetFormat): string | undefined {
  switch (format) {
    case 'general':
      return checkContent(sample.text, { user: true, where: '"text"' }).error;
    case 'instruction':
      return (
        checkContent(sample.prompt, { user: true, where: '"prompt"' }).error ??
        checkContent(sample.completion, { user: false, where: '"completion"', role: 'the completion' }).error
      );
    case 'conversation':
      return checkMessages(sample.messages, { requireAssistant: true, where: '"messages"' });
    case 'preference_openai':
      return checkPreference(sample);
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

/** A content value: a string, or an OpenAI-style list of text and image parts (section 6). */
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
        const shown = url.length > 40 ? `${url.slice(0, 40)}…` : url;
        return fail(
          `${at}.image_url.url must be a base64 data URL of a JPEG, PNG or WEBP image ("data:image/png;base64,..."); found "${shown}". Image links and other formats are not accepted.`,
        );
      }
      if (url.length > MAX_IMAGE_URL_CHARS) {
        return fail(
          `${at} is an image of about ${Math.floor((url.length * 3) / 4).toLocaleString('en-US')} bytes; each image must be under 10 MB.`,
        );
      }
      images += 1;
    } else {
      return fail(`${at} has "type": ${JSON.stringify(part.type)}; only "text" and "image_url" are supported.`);
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
}

/** A conversation: the `messages` of a conversational sample or of a preference sample's input (section 7). */
export function checkMessages(messages: unknown, options: MessagesOptions): string | undefined {
  const where = options.where;
  if (!Array.isArray(messages)) return `${where} must be a list of messages; found ${jsonType(messages)}.`;
  if (messages.length === 0) return `${where} is empty; it needs at least one message.`;
  // The whole list is checked for objects, then for "role", then for "content", in the reference's order.
  for (let i = 0; i < messages.length; i += 1) {
    if (!isObject(messages[i])) {
      return `${where}[${i}] must be an object {"role": ..., "content": ...}; found ${jsonType(messages[i])}.`;
    }
  }
  const list = messages as Array<Record<string, unknown>>;
  for (const key of REQUIRED_MESSAGE_KEYS) {
    for (let i = 0; i < list.length; i += 1) {
      if (!(key in list[i]!)) return `${where}[${i}] has no "${key}"; every message needs "role" and "content".`;
    }
  }

  let previousRole: unknown;
  let sampleImages = 0;
  let firstMultimodal: boolean | undefined;
  for (let index = 0; index < list.length; index += 1) {
    const message = list[index]!;
    // Paths like `"messages"[2]` are built only for a message that has a problem: this loop runs for every message.
    const at = () => `${where}[${index}]`;
    if ('weight' in message) {
      const weight = message.weight;
      // Python's int: true and false count (bool is an int); 1.0 does not.
      if (typeof weight !== 'boolean' && typeof weight !== 'number') {
        return `${at()}.weight must be the integer 0 or 1; found ${weight instanceof PyFloat ? weight.token : jsonType(weight)}. Write 0 or 1 without a decimal point.`;
      }
      if (weight !== true && weight !== false && weight !== 0 && weight !== 1) {
        return `${at()}.weight must be 0 or 1; found ${weight}.`;
      }
    }
    const role = message.role;
    if (typeof role !== 'string') return `${at()}.role must be a string; found ${jsonType(role)}.`;
    if (!ROLES.has(role)) return `${at()}.role is ${JSON.stringify(role)}; it must be "system", "user" or "assistant".`;
    if (role === previousRole) {
      return `${at()} repeats the role "${role}" of the message before it; after an optional system message, roles must alternate user/assistant. Merge the two messages or insert the missing turn.`;
    }
    previousRole = role;

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
  if (options.requireAssistant && !list.some((m) => m.role === 'assistant')) {
    return `${where} has no assistant message; a training sample needs at least one message with "role": "assistant".`;
  }
  return undefined;
}

/** The OpenAI preference (DPO) format. */
function checkPreference(sample: Record<string, unknown>): string | undefined {
  const input = sample.input;
  if (!isObject(input)) return `"input" must be an object {"messages": [...]}; found ${jsonType(input)}.`;
  if (!('messages' in input)) return '"input" has no "messages"; it must be {"messages": [...]}.';
  const messagesError = checkMessages(input.messages, { requireAssistant: false, where: '"input".messages' });
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
    if (message.role !== 'assistant')
      return `"${key}"[0].role is ${JSON.stringify(message.role)}; it must be "assistant".`;
    if (!('content' in message)) return `"${key}"[0] has no "content".`;
    const content = checkContent(message.content, {
      user: false,
      where: `"${key}"[0].content`,
      role: 'preference outputs',
    });
    if (content.error) return content.error;
  }
  return undefined;
}
