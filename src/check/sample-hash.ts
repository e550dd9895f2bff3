/**
 * A 64-bit hash of a JSON value's canonical form: object keys in sorted order, whitespace and number spelling
 * (`1.0`, `1`) irrelevant, so a file re-serialised by another tool hashes the same. The structure (types, lengths,
 * keys, short strings, numbers) is mixed in JavaScript as the value is walked; the long strings, where the bytes
 * are, go to xxHash64 (WebAssembly) in one call per value, since a call costs about a microsecond whatever its size.
 */
import xxhash from 'xxhash-wasm';
import { PyFloat } from './python-json.js';

/** Two 32-bit halves of a 64-bit hash. */
export interface Hash64 {
  hi: number;
  lo: number;
}

let h64Raw: ((input: Uint8Array) => bigint) | undefined;

/** Loads the WebAssembly hasher once; call before hashing. */
export async function loadHasher(): Promise<void> {
  if (h64Raw) return;
  const hasher = await xxhash();
  h64Raw = (input) => hasher.h64Raw(input);
}

/** Strings shorter than this are mixed in JavaScript (roles, keys, short values); longer ones go to xxHash64. */
const SHORT_STRING = 24;

let structA = 0;
let structB = 0;
let longBytes = Buffer.allocUnsafe(1 << 16);
let longLength = 0;
const longHash = new BigUint64Array(1);
const longHashWords = new Uint32Array(longHash.buffer);
const float = new Float64Array(1);
const floatWords = new Int32Array(float.buffer);

function mix(x: number): void {
  structA = Math.imul(structA ^ x, 0x01000193);
  structA = (structA << 13) | (structA >>> 19);
  structB = (Math.imul(structB, 31) + x) | 0;
  structB ^= structB >>> 15;
}

/** FNV-1a of short strings met before: keys and roles repeat on every line, and V8 keeps a string's own hash. */
const shortHashes = new Map<string, number>();
const MAX_SHORT_HASHES = 4096;

function mixShort(text: string): void {
  let h = shortHashes.get(text);
  if (h === undefined) {
    h = 0x811c9dc5 | 0;
    for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    if (shortHashes.size < MAX_SHORT_HASHES) shortHashes.set(text, h);
  }
  mix(h);
}

function appendLong(text: string): void {
  if (longLength + 3 * text.length > longBytes.length) {
    const grown = Buffer.allocUnsafe(Math.max(2 * longBytes.length, longLength + 3 * text.length));
    longBytes.copy(grown, 0, 0, longLength);
    longBytes = grown;
  }
  longLength += longBytes.write(text, longLength);
}

function mixNumber(value: number): void {
  float[0] = Number.isNaN(value) ? Number.NaN : value === 0 ? 0 : value;
  mix(2);
  mix(floatWords[0]!);
  mix(floatWords[1]!);
}

function walk(value: unknown): void {
  switch (typeof value) {
    case 'string':
      mix(1);
      mix(value.length);
      if (value.length < SHORT_STRING) mixShort(value);
      else appendLong(value);
      return;
    case 'number':
      mixNumber(value);
      return;
    case 'boolean':
      mix(value ? 3 : 4);
      return;
    case 'object': {
      if (value === null) return mix(5);
      if (value instanceof PyFloat) return mixNumber(value.value);
      if (Array.isArray(value)) {
        mix(6);
        mix(value.length);
        for (const item of value) walk(item);
        return;
      }
      walkObject(value as Record<string, unknown>, undefined);
      return;
    }
    default:
      mix(8);
  }
}

/** An object, its keys in sorted order; `skip` leaves one key out (hashed apart by the caller). */
function walkObject(record: Record<string, unknown>, skip: string | undefined): void {
  const keys = Object.keys(record);
  // Most objects of a dataset are messages of exactly `role` and `content`: the same mixing as below, unsorted.
  if (keys.length === 2 && skip === undefined) {
    const [first, second] = keys;
    if ((first === 'role' && second === 'content') || (first === 'content' && second === 'role')) {
      mix(7);
      mix(2);
      mix(7);
      mixShort('content');
      walk(record.content);
      mix(4);
      mixShort('role');
      walk(record.role);
      return;
    }
  }
  if (keys.length === 1 && keys[0] === skip) {
    // A conversation of `messages` alone: what follows, with no keys left.
    mix(7);
    mix(0);
    return;
  }
  if (skip !== undefined) {
    const at = keys.indexOf(skip);
    if (at >= 0) keys.splice(at, 1);
  }
  // Insertion sort: objects in datasets have a handful of keys.
  for (let i = 1; i < keys.length; i += 1) {
    const key = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > key; j -= 1) keys[j + 1] = keys[j]!;
    keys[j + 1] = key;
  }
  mix(7);
  mix(keys.length);
  for (const key of keys) {
    mix(key.length);
    mixShort(key);
    walk(record[key]);
  }
}

/** Elements `from` to `to` of an array, as if they were an array of their own. */
function walkRange(items: readonly unknown[], from: number, to: number): void {
  mix(6);
  mix(to - from);
  for (let i = from; i < to; i += 1) walk(items[i]);
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The canonical hash of a parsed JSON value. */
export function hashValue(value: unknown): Hash64 {
  begin();
  walk(value);
  return finish();
}

/** Starts a hash: what is walked until finish() goes into it (no closure per part, on the hot path). */
function begin(): void {
  if (!h64Raw) throw new Error('loadHasher() was not awaited');
  structA = 0x1234567;
  structB = 0x7654321;
  longLength = 0;
}

function finish(): Hash64 {
  let a = structA;
  let b = structB;
  if (longLength > 0) {
    // Through a 64-bit array, not BigInt arithmetic: each `&` or `>>` on a BigInt made a new one.
    longHash[0] = h64Raw!(longBytes.subarray(0, longLength));
    a ^= longHashWords[0]!;
    b ^= longHashWords[1]!;
  }
  return { hi: fmix(a ^ Math.imul(b, 0x27d4eb2f)), lo: fmix(b ^ Math.imul(a, 0x165667b1)) };
}

/** Hex form, for tests and ordering. */
export function hashHex(hash: Hash64): string {
  return hash.hi.toString(16).padStart(8, '0') + hash.lo.toString(16).padStart(8, '0');
}

function combine(tag: number, parts: Hash64[]): Hash64 {
  let a = 0x3c6ef372 ^ tag;
  let b = 0x5be0cd19 ^ tag;
  for (const part of parts) {
    a = (fmix(a ^ part.hi) + 0x6b) | 0;
    b = (fmix(b ^ part.lo ^ a) + 0x1b) | 0;
  }
  return { hi: fmix(a ^ Math.imul(b, 0x27d4eb2f)), lo: fmix(b ^ Math.imul(a, 0x165667b1)) };
}

/**
 * A sample's hash and its prompt's, each string hashed once: the whole is composed of the prompt's hash, the rest
 * of the prompt's part (a conversation's answer) and the other keys. A function of the value alone, so equal
 * samples still hash the same. The prompt: a conversation's messages before its last assistant message; an
 * instruction's `prompt`; a preference sample's `input`; text has none.
 */
export function hashSample(
  sample: Record<string, unknown>,
  format: 'general' | 'conversation' | 'instruction' | 'preference_openai' | undefined,
): { whole: Hash64; prompt: Hash64 | undefined } {
  if (format === 'conversation' && Array.isArray(sample.messages)) {
    const messages = sample.messages as unknown[];
    let last = messages.length - 1;
    while (last >= 0 && (messages[last] as { role?: unknown } | null)?.role !== 'assistant') last -= 1;
    if (last >= 0) {
      begin();
      walkRange(messages, 0, last);
      const prompt = finish();
      begin();
      walkRange(messages, last, messages.length);
      const answer = finish();
      begin();
      walkObject(sample, 'messages');
      const rest = finish();
      return { whole: combine(1, [prompt, answer, rest]), prompt };
    }
  }
  const key = format === 'instruction' ? 'prompt' : format === 'preference_openai' ? 'input' : undefined;
  if (key !== undefined && key in sample) {
    const prompt = hashValue(sample[key]);
    begin();
    walkObject(sample, key);
    const rest = finish();
    return { whole: combine(2, [prompt, rest]), prompt };
  }
  return { whole: hashValue(sample), prompt: undefined };
}
