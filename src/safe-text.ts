/**
 * Untrusted text (file names, paths, dataset keys and values, what a server says) made safe for where it goes.
 * The runner reads workflow commands from stdout: a line that starts with `::` (after spaces), or holds `##[`,
 * is a command. So text bound for the log keeps to one line and never reads as a command, whatever it holds.
 * The edge (runner.ts) applies these to everything it prints; the report applies its HTML escaping on top.
 */

/** Every character that can end a line somewhere (the runner splits on \n; browsers and editors on more). */
const LINE_BREAKS = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;
/**
 * Other control characters (terminal escapes among them), shown as escapes; tab is kept. So are the bidirectional
 * controls (U+202A-U+202E, U+2066-U+2069, the marks U+200E, U+200F, U+061C), which reorder what a reader sees:
 * `evil\u202Elmth.jsonl` would show as `evilhtml.jsonl`.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is matched here.
const CONTROLS = /[\u0000-\u0008\u000e-\u001f\u007f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const ZERO_WIDTH_SPACE = '\u200b';

/** The text on one line: each line break shown as `⏎`, each other control character as `\u001b` and the like. */
export function oneLine(text: string): string {
  return text
    .replace(LINE_BREAKS, ' ⏎ ')
    .replace(CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The data of a workflow command (a group title, an annotation): one line, with no `##[`, the older command form,
 * which the runner may find anywhere in a line. (@actions/core escapes the rest of a command's data.)
 */
export function safeCommandData(text: string): string {
  return oneLine(text).replace(/##\[/g, `##${ZERO_WIDTH_SPACE}[`);
}

/** One line that the runner cannot take for a workflow command (`::name::`, or the older `##[name]`). */
export function safeLogLine(text: string): string {
  return safeCommandData(text).replace(/^(\s*):(?=:)/, `$1:${ZERO_WIDTH_SPACE}`);
}

/** Characters of a value quoted from a dataset, at most. */
export const MAX_EXCERPT_CHARS = 120;

/** A value quoted from a dataset: at most `max` characters, on one line, the cut shown (`…`, and how much more). */
export function excerpt(text: string, max = MAX_EXCERPT_CHARS): string {
  const flat = oneLine(text);
  if (flat.length <= max) return flat;
  return `${flat.slice(0, max - 1)}… (${(flat.length - max + 1).toLocaleString('en-US')} more characters)`;
}

/**
 * What a server said, with the credentials that may be echoed in it removed: URLs (a presigned URL carries its
 * signature) and query strings become `<url>` / `?…`, and each of `secrets` (the API key) `***`.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  if (text.length === 0) return text;
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('***');
  return out
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]*/gi, '<url>')
    .replace(/\?[^\s"'<>]*(?:X-Amz-|Signature|Credential|token|sig=)[^\s"'<>]*/gi, '?…');
}

/** Levels of a server's answer walked by redactDeep; anything deeper is dropped (no answer of Together's nests so). */
const MAX_REDACT_DEPTH = 32;

/**
 * A server's parsed answer with every string in it redacted (see redact), keys included: what is stored of an answer
 * (a file object, its validation report, an estimate) carries no URL signature and no secret, wherever it ends up.
 */
export function redactDeep(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_REDACT_DEPTH) return null;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(out, redact(key, secrets), {
      value: redactDeep(item, secrets, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
