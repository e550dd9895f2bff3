/**
 * A 64-bit hash of a JSON value's canonical form: object keys in sorted order, whitespace and number spelling
 * (`1.0`, `1`) irrelevant, so a file re-serialised by another tool hashes the same. The structure (types, lengths,
 * keys, short strings, numbers) is mixed in JavaScript as the value is walked; the long strings, where the bytes
 * are, are written one after another into the WebAssembly module's memory and hashed there by xxHash64, in one
 * call per value.
 */
import { PyFloat } from './python-json.js';
import { XXHASH_WASM_BASE64 } from './xxhash-module.js';

/** Two 32-bit halves of a 64-bit hash. */
export interface Hash64 {
  hi: number;
  lo: number;
}

/**
 * xxhash-wasm's module, used without its wrapper: what is hashed is written straight into the module's memory
 * (`memory`, a view that a grow replaces), and `xxh64` hashes it there.
 */
let xxh64: ((offset: number, length: number, seed: bigint) => bigint) | undefined;
let wasmMemory: WasmMemory;
let memory: Buffer;

/** What is used of the WebAssembly API, which TypeScript's ES libraries do not declare. */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: { instantiate(bytes: Uint8Array): Promise<{ instance: { exports: unknown } }> };
};

/** Loads the WebAssembly hasher once; call before hashing. */
export async function loadHasher(): Promise<void> {
  if (xxh64) return;
  const { instance } = await wasm.instantiate(Buffer.from(XXHASH_WASM_BASE64, 'base64'));
  const exports = instance.exports as { mem: WasmMemory; xxh64: typeof xxh64 };
  wasmMemory = exports.mem;
  memory = Buffer.from(wasmMemory.buffer);
  xxh64 = exports.xxh64;
  begin();
  mix(7);
  mix(0);
  finish();
  messagesOnlyHi = outHi;
  messagesOnlyLo = outLo;
}

/**
 * Buffer's own UTF-8 write, as `write` calls it after checking its arguments: those checks cost as much as the
 * write of a 1,000-character string (about 80 ns a call, and a worker writes some 600,000 strings). It is in
 * neither Node's documentation nor its types, so `write` stands in should it go.
 */
const writeUtf8: (buffer: Buffer, text: string, offset: number) => number =
  typeof (Buffer.prototype as Partial<Utf8Writer>).utf8Write === 'function'
    ? (buffer, text, offset) => (buffer as unknown as Utf8Writer).utf8Write(text, offset)
    : (buffer, text, offset) => buffer.write(text, offset);

interface Utf8Writer {
  utf8Write(text: string, offset: number): number;
}

/** At least `bytes` of the module's memory, from offset 0 (grown by doubling; only pages written take memory). */
function reserve(bytes: number): void {
  if (memory.length >= bytes) return;
  wasmMemory.grow(Math.max(Math.ceil((bytes - memory.length) / 65536), memory.length / 65536));
  memory = Buffer.from(wasmMemory.buffer);
}

/** The xxHash64 (seed 0) of the module's memory's first `length` bytes, into longHash. */
function hashMemory(length: number): void {
  longHash[0] = xxh64!(0, length, 0n);
}

/** Strings shorter than this are mixed in JavaScript (roles, keys, short values); longer ones go to xxHash64. */
const SHORT_STRING = 24;

let structA = 0;
let structB = 0;
/** Bytes of long strings written at the start of the module's memory for the value being hashed. */
let longLength = 0;
const longHash = new BigUint64Array(1);
const longHashWords = new Uint32Array(longHash.buffer);
const float = new Float64Array(1);
const floatWords = new Int32Array(float.buffer);

function mix(x: number): void {
  structA = mixA(structA, x);
  structB = mixB(structB, x);
}

/** mix()'s two halves as pure functions, so that a loop can keep the state in locals. */
function mixA(a: number, x: number): number {
  a = Math.imul(a ^ x, 0x01000193);
  return (a << 13) | (a >>> 19);
}
function mixB(b: number, x: number): number {
  b = (Math.imul(b, 31) + x) | 0;
  return b ^ (b >>> 15);
}

/** FNV-1a of short strings met before: keys and roles repeat on every line, and V8 keeps a string's own hash. */
const shortHashes = new Map<string, number>();
const MAX_SHORT_HASHES = 4096;

function fnv1a(text: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

function mixShort(text: string): void {
  mix(shortHash(text));
}

/** The FNV-1a of the roles nearly every message has, known without a lookup. */
const SYSTEM_HASH = fnv1a('system');
const USER_HASH = fnv1a('user');
const ASSISTANT_HASH = fnv1a('assistant');

function shortHash(text: string): number {
  if (text === 'assistant') return ASSISTANT_HASH;
  if (text === 'user') return USER_HASH;
  if (text === 'system') return SYSTEM_HASH;
  let h = shortHashes.get(text);
  if (h === undefined) {
    h = fnv1a(text);
    if (shortHashes.size < MAX_SHORT_HASHES) shortHashes.set(text, h);
  }
  return h;
}

/** The keys of a message, mixed as mixShort would, without a lookup. */
const CONTENT_KEY = fnv1a('content');
const ROLE_KEY = fnv1a('role');

/**
 * Written where they are hashed, not joined first: joining strings makes V8 copy them into a new one, a young
 * object as large as the answer, and the scavenges cost more than the write saves.
 */
function appendLong(text: string): void {
  // At most 3 bytes a UTF-16 unit, so the write never stops short.
  reserve(longLength + 3 * text.length);
  longLength += writeUtf8(memory, text, longLength);
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
    const first = keys[0];
    const second = keys[1];
    if ((first === 'role' && second === 'content') || (first === 'content' && second === 'role')) {
      mix(7);
      mix(2);
      mix(7);
      mix(CONTENT_KEY);
      walk(record.content);
      mix(4);
      mix(ROLE_KEY);
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
  finish();
  return { hi: outHi, lo: outLo };
}

/** The structure's two halves at the start of every hash. */
const STRUCT_A_SEED = 0x1234567;
const STRUCT_B_SEED = 0x7654321;

/** Starts a hash: what is walked until finish() goes into it (no closure per part, on the hot path). */
function begin(): void {
  if (!xxh64) throw new Error('loadHasher() was not awaited');
  structA = STRUCT_A_SEED;
  structB = STRUCT_B_SEED;
  longLength = 0;
}

/** The hash finish() or a combination last made (two numbers, not an object: one sample makes several). */
let outHi = 0;
let outLo = 0;

function finish(): void {
  let a = structA;
  let b = structB;
  if (longLength > 0) {
    // Read through a 64-bit array, not BigInt arithmetic (each `&` or `>>` on a BigInt makes a new one).
    hashMemory(longLength);
    a ^= longHashWords[0]!;
    b ^= longHashWords[1]!;
  }
  outHi = fmix(a ^ Math.imul(b, 0x27d4eb2f));
  outLo = fmix(b ^ Math.imul(a, 0x165667b1));
}

/** Hex form, for tests and ordering. */
export function hashHex(hash: Hash64): string {
  return hash.hi.toString(16).padStart(8, '0') + hash.lo.toString(16).padStart(8, '0');
}

/** A combination of part hashes, in order: start, add each part, end (the result in outHi, outLo). */
let combinedA = 0;
let combinedB = 0;
function combineStart(tag: number): void {
  combinedA = 0x3c6ef372 ^ tag;
  combinedB = 0x5be0cd19 ^ tag;
}
function combineAdd(hi: number, lo: number): void {
  combinedA = (fmix(combinedA ^ hi) + 0x6b) | 0;
  combinedB = (fmix(combinedB ^ lo ^ combinedA) + 0x1b) | 0;
}
function combineEnd(): void {
  outHi = fmix(combinedA ^ Math.imul(combinedB, 0x27d4eb2f));
  outLo = fmix(combinedB ^ Math.imul(combinedA, 0x165667b1));
}

/**
 * A conversation's whole hash, written at `out[at]`: its prompt's (already at `out[at + 2]`), then its answer's
 * (the messages from the last assistant one) and the rest's (its other keys), combined in that order.
 */
function writeConversationHash(
  out: Uint32Array,
  at: number,
  answerHi: number,
  answerLo: number,
  restHi: number,
  restLo: number,
): void {
  combineStart(1);
  combineAdd(out[at + 2]!, out[at + 3]!);
  combineAdd(answerHi, answerLo);
  combineAdd(restHi, restLo);
  combineEnd();
  out[at] = outHi;
  out[at + 1] = outLo;
}

/**
 * A sample's hash and its prompt's, each string hashed once: the whole is composed of the prompt's hash, the rest
 * of the prompt's part (a conversation's answer) and the other keys. A function of the value alone, so equal
 * samples still hash the same. The prompt: a conversation's messages before its last assistant message; an
 * instruction's `prompt`; a preference sample's `input`; text has none.
 *
 * Written to `out` from word `at`: the whole's two words, then the prompt's (zeros without one). Returns whether
 * the sample has a prompt. No object is made: the check hashes millions of samples.
 */
export function hashSampleInto(
  sample: Record<string, unknown>,
  format: 'general' | 'conversation' | 'instruction' | 'preference_openai' | undefined,
  out: Uint32Array,
  at: number,
): boolean {
  if (format === 'conversation' && Array.isArray(sample.messages)) {
    const messages = sample.messages as unknown[];
    let last = messages.length - 1;
    while (last >= 0 && (messages[last] as { role?: unknown } | null)?.role !== 'assistant') last -= 1;
    if (last >= 0) {
      begin();
      walkRange(messages, 0, last);
      finish();
      out[at + 2] = outHi;
      out[at + 3] = outLo;
      begin();
      walkRange(messages, last, messages.length);
      finish();
      const answerHi = outHi;
      const answerLo = outLo;
      begin();
      walkObject(sample, 'messages');
      finish();
      writeConversationHash(out, at, answerHi, answerLo, outHi, outLo);
      return true;
    }
  }
  const key = format === 'instruction' ? 'prompt' : format === 'preference_openai' ? 'input' : undefined;
  if (key !== undefined && key in sample) {
    begin();
    walk(sample[key]);
    finish();
    out[at + 2] = outHi;
    out[at + 3] = outLo;
    combineStart(2);
    combineAdd(outHi, outLo);
    begin();
    walkObject(sample, key);
    finish();
    combineAdd(outHi, outLo);
    combineEnd();
    out[at] = outHi;
    out[at + 1] = outLo;
    return true;
  }
  begin();
  walk(sample);
  finish();
  out[at] = outHi;
  out[at + 1] = outLo;
  out[at + 2] = 0;
  out[at + 3] = 0;
  return false;
}

/**
 * What hashPlainConversationInto found besides the hashes, for the review's statistics: the characters of the
 * messages' contents, and whether a system and a user message are among them.
 */
export const plainConversation = { characters: 0, hasSystem: false, hasUser: false };

/** The part of a conversation beside its messages when it has no other key: a constant, mixed once. */
let messagesOnlyHi = 0;
let messagesOnlyLo = 0;

/**
 * hashSampleInto for the shape of nearly every conversation: `{"messages": [...]}` alone, each message exactly a
 * string `role` and a string `content`, with an assistant message. The same hashes as the general walk (a unit test
 * compares them), mixed in locals in one loop, with the statistics the review counts taken in the same pass.
 * Returns false, having written nothing, for any other shape.
 */
export function hashPlainConversationInto(sample: Record<string, unknown>, out: Uint32Array, at: number): boolean {
  const messages = sample.messages;
  if (!Array.isArray(messages) || Object.keys(sample).length !== 1) return false;
  let last = -1;
  let characters = 0;
  let hasSystem = false;
  let hasUser = false;
  for (let i = 0; i < messages.length; i += 1) {
    const message = messages[i] as Record<string, unknown> | null;
    if (typeof message !== 'object' || message === null || Array.isArray(message)) return false;
    const role = message.role;
    const content = message.content;
    if (typeof role !== 'string' || typeof content !== 'string' || Object.keys(message).length !== 2) return false;
    characters += content.length;
    if (role === 'assistant') last = i;
    else if (role === 'user') hasUser = true;
    else if (role === 'system') hasSystem = true;
  }
  if (last < 0) return false;
  if (!xxh64) throw new Error('loadHasher() was not awaited');
  plainConversation.characters = characters;
  plainConversation.hasSystem = hasSystem;
  plainConversation.hasUser = hasUser;
  hashMessages(messages as Array<{ role: string; content: string }>, 0, last);
  out[at + 2] = outHi;
  out[at + 3] = outLo;
  hashMessages(messages as Array<{ role: string; content: string }>, last, messages.length);
  writeConversationHash(out, at, outHi, outLo, messagesOnlyHi, messagesOnlyLo);
  return true;
}

/** begin(), walkRange over plain messages, finish(): as walkObject's two-key path mixes each. */
function hashMessages(messages: ReadonlyArray<{ role: string; content: string }>, from: number, to: number): void {
  longLength = 0;
  let a = mixA(STRUCT_A_SEED, 6);
  let b = mixB(STRUCT_B_SEED, 6);
  a = mixA(a, to - from);
  b = mixB(b, to - from);
  for (let i = from; i < to; i += 1) {
    const { role, content } = messages[i]!;
    // Object of 2 keys; "content" (7 characters), its hash, then the string (type 1, its length, its text).
    a = mixA(mixA(mixA(mixA(mixA(mixA(a, 7), 2), 7), CONTENT_KEY), 1), content.length);
    b = mixB(mixB(mixB(mixB(mixB(mixB(b, 7), 2), 7), CONTENT_KEY), 1), content.length);
    if (content.length < SHORT_STRING) {
      const h = shortHash(content);
      a = mixA(a, h);
      b = mixB(b, h);
    } else appendLong(content);
    // "role" (4 characters), its hash, then the string.
    a = mixA(mixA(mixA(mixA(a, 4), ROLE_KEY), 1), role.length);
    b = mixB(mixB(mixB(mixB(b, 4), ROLE_KEY), 1), role.length);
    if (role.length < SHORT_STRING) {
      const h = shortHash(role);
      a = mixA(a, h);
      b = mixB(b, h);
    } else appendLong(role);
  }
  structA = a;
  structB = b;
  finish();
}

/**
 * The xxHash64 of raw bytes (a line as it is in the file), written to `out` at `at` (low word, then high). Lines
 * with equal bytes have equal values, so the base version's check takes what the head's found for them.
 */
export function hashBytesInto(bytes: Uint8Array, out: Uint32Array, at: number): void {
  if (!xxh64) throw new Error('loadHasher() was not awaited');
  reserve(bytes.length);
  memory.set(bytes, 0);
  hashMemory(bytes.length);
  out[at] = longHashWords[0]!;
  out[at + 1] = longHashWords[1]!;
}

const scratch = new Uint32Array(4);

/** hashSampleInto, as objects (for tests and callers that hash a few samples). */
export function hashSample(
  sample: Record<string, unknown>,
  format: 'general' | 'conversation' | 'instruction' | 'preference_openai' | undefined,
): { whole: Hash64; prompt: Hash64 | undefined } {
  const prompted = hashSampleInto(sample, format, scratch, 0);
  return {
    whole: { hi: scratch[0]!, lo: scratch[1]! },
    prompt: prompted ? { hi: scratch[2]!, lo: scratch[3]! } : undefined,
  };
}
