/**
 * Parsers of input and environment values, shared by both actions: each returns the value or throws a
 * SettingsError whose message names the input or variable, its value and what it accepts.
 */
import { MAX_TIMER_MS } from './together/limits.js';
import { isLoopbackHost } from './together/wire.js';

/** A setting that cannot be used; the message names each input or variable and what it accepts. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

/**
 * Collects the problems of many settings: `field` runs one reader, and on a SettingsError notes the problem and
 * returns the fallback, so every other setting is still read and every problem is reported together.
 */
export function problemCollector(): { problems: string[]; field: <T>(parse: () => T, fallback: T) => T } {
  const problems: string[] = [];
  const field = <T>(parse: () => T, fallback: T): T => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      problems.push(error.message);
      return fallback;
    }
  };
  return { problems, field };
}

/** The Together API key, from the input or TOGETHER_API_KEY, masked the moment it is read; '' when neither is set. */
export function readApiKey(source: {
  read: (name: string) => string;
  env: Record<string, string | undefined>;
  maskSecret: (secret: string) => void;
}): string {
  const apiKey = source.read('api-key') || (source.env.TOGETHER_API_KEY ?? '').trim();
  if (apiKey) source.maskSecret(apiKey);
  return apiKey;
}

export const TRUE_VALUES = ['true', 'True', 'TRUE'];
export const FALSE_VALUES = ['false', 'False', 'FALSE'];

export function oneOf<const T extends readonly string[]>(name: string, value: string, allowed: T): T[number] {
  if ((allowed as readonly string[]).includes(value)) return value;
  throw new SettingsError(`Input '${name}' is '${value}'; it must be one of: ${allowed.join(', ')}.`);
}

export function bool(name: string, value: string): boolean {
  if (TRUE_VALUES.includes(value)) return true;
  if (FALSE_VALUES.includes(value)) return false;
  throw new SettingsError(`Input '${name}' is '${value}'; it must be 'true' or 'false'.`);
}

/** The most seconds a timer can wait (2^31 - 1 ms, about 24.8 days): a longer wait would fire at once, or never. */
export const MAX_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/** A number of seconds above 0 that a timer can hold; `what` names the input or variable in the message. */
export function positiveSeconds(what: string, value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_SECONDS) {
    throw new SettingsError(
      `${what} is '${value}'; it must be a number of seconds above 0 and at most ${MAX_SECONDS.toLocaleString('en-US')} (about 24.8 days, the longest a timer can wait).`,
    );
  }
  return seconds;
}

export function wholeNumber(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new SettingsError(`Input '${name}' is '${value}'; it must be a whole number from ${min} to ${max}.`);
  }
  return n;
}

export function bytesVariable(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  unit = 'bytes',
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new SettingsError(
      `The environment variable ${name} is '${raw}'; it must be a whole number of ${unit}, ${range}.`,
    );
  }
  return Number(raw);
}

/** The longest string V8 can make (0x1fffffe8 characters): a line longer than that could never be checked. */
export const MAX_STRING_BYTES = 0x1fffffe8;

/** A tuning variable in seconds, as milliseconds; `fallbackMs` when unset. */
export function secondsVariable(env: Record<string, string | undefined>, name: string, fallbackMs: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallbackMs;
  return positiveSeconds(`The environment variable ${name}`, raw) * 1000;
}

/** Plain http would send the key in clear, so it is allowed only to this machine. */
export function baseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SettingsError(
      `Input 'base-url' is '${value}', which is not a URL; the default is https://api.together.ai/v1.`,
    );
  }
  if (url.username || url.password) {
    throw new SettingsError("Input 'base-url' must not contain a user name or password; pass the key as 'api-key'.");
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new SettingsError(
      `Input 'base-url' uses plain http to ${url.hostname}; the API key would travel in clear. Use https (plain http is accepted only for localhost and 127.0.0.0/8).`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SettingsError(`Input 'base-url' must be an https URL; got '${url.protocol}'.`);
  }
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}
