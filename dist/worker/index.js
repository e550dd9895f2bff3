import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ // The require scope
/******/ var __nccwpck_require__ = {};
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

;// CONCATENATED MODULE: ./src/error-text.ts
/** The text of anything thrown: an Error's message, or the value as a string. Imports nothing. */
function messageOf(error) {
    return error instanceof Error ? error.message : String(error);
}

;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
;// CONCATENATED MODULE: ./src/safe-text.ts
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
function oneLine(text) {
    return text
        .replace(LINE_BREAKS, ' ⏎ ')
        .replace(CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
/**
 * The data of a workflow command (a group title, an annotation): one line, with no `##[`, the older command form,
 * which the runner may find anywhere in a line. (@actions/core escapes the rest of a command's data.)
 */
function safeCommandData(text) {
    return oneLine(text).replace(/##\[/g, `##${ZERO_WIDTH_SPACE}[`);
}
/** One line that the runner cannot take for a workflow command (`::name::`, or the older `##[name]`). */
function safeLogLine(text) {
    return safeCommandData(text).replace(/^(\s*):(?=:)/, `$1:${ZERO_WIDTH_SPACE}`);
}
/** Characters of a value quoted from a dataset, at most. */
const MAX_EXCERPT_CHARS = 120;
/** A value quoted from a dataset: at most `max` characters, on one line, the cut shown (`…`, and how much more). */
function excerpt(text, max = MAX_EXCERPT_CHARS) {
    const flat = oneLine(text);
    if (flat.length <= max)
        return flat;
    return `${flat.slice(0, max - 1)}… (${(flat.length - max + 1).toLocaleString('en-US')} more characters)`;
}
/**
 * What a server said, with the credentials that may be echoed in it removed: URLs (a presigned URL carries its
 * signature) and query strings become `<url>` / `?…`, and each of `secrets` (the API key) `***`.
 */
function redact(text, secrets = []) {
    if (text.length === 0)
        return text;
    let out = text;
    for (const secret of secrets)
        if (secret.length >= 4)
            out = out.split(secret).join('***');
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
function redactDeep(value, secrets = [], depth = 0) {
    if (typeof value === 'string')
        return redact(value, secrets);
    if (value === null || typeof value !== 'object')
        return value;
    if (depth >= MAX_REDACT_DEPTH)
        return null;
    if (Array.isArray(value))
        return value.map((item) => redactDeep(item, secrets, depth + 1));
    const out = {};
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

;// CONCATENATED MODULE: ./src/check/python-json.ts
/**
 * Parses a JSONL line the way Python's `json.loads` does, which is what Together's reference checker uses: it also
 * accepts `NaN`, `Infinity` and `-Infinity`, and where int versus float matters (a message's `weight`: `1` passes,
 * `1.0` fails) the raw number token decides.
 */
/** A `weight` number that Python would read as a float (its token has `.`, `e`, or is NaN/Infinity). */
class PyFloat {
    value;
    token;
    constructor(value, 
    /** The number as written, e.g. `1.0`. */
    token) {
        this.value = value;
        this.token = token;
    }
}
/**
 * Deeper than this, the slow path refuses a line: Python's json.loads stops near 1,000 levels too (with a
 * RecursionError, which crashes the reference checker).
 */
const MAX_DEPTH = 1000;
const FLOAT_TOKEN = /[.eEIN]/;
const keepWeightFloats = (key, value, context) => key === 'weight' && typeof value === 'number' && context?.source !== undefined && FLOAT_TOKEN.test(context.source)
    ? new PyFloat(value, context.source)
    : value;
/** Where Python's constants may stand in the text (inside strings too: see withJsonConstants). */
const CONSTANT = /NaN|Infinity/g;
/**
 * The line with Python's bare `NaN`, `Infinity` and `-Infinity` written as JSON numbers that JSON.parse reads as
 * infinite (`1e999`), so such a line (as Python's json.dumps writes float('nan')) parses natively, without a
 * thrown error per line: an exception cost ten times the parse. Only constants outside strings, where a value
 * starts (not in `1NaN` or `-NaN`, which Python refuses too), are rewritten; the string state comes from jumping
 * between quotes, so the line is never scanned character by character. Undefined when there is none. The values
 * are only checked for their type, never for which constant they were; a line with a "weight", whose value
 * matters, takes the exact parser.
 */
function withJsonConstants(text) {
    if (!text.includes('NaN') && !text.includes('Infinity'))
        return undefined;
    if (text.includes('"weight"'))
        return undefined;
    let out = '';
    let copied = 0;
    let inString = false;
    let quote = text.indexOf('"');
    CONSTANT.lastIndex = 0;
    for (let match = CONSTANT.exec(text); match; match = CONSTANT.exec(text)) {
        const at = match.index;
        while (quote >= 0 && quote < at) {
            if (!isEscaped(text, quote))
                inString = !inString;
            quote = text.indexOf('"', quote + 1);
        }
        if (inString)
            continue;
        const negative = match[0] === 'Infinity' && text.charCodeAt(at - 1) === 0x2d;
        const start = negative ? at - 1 : at;
        if (!startsValue(text, start) || continuesToken(text.charCodeAt(at + match[0].length)))
            continue;
        out += `${text.slice(copied, start)}${negative ? '-1e999' : '1e999'}`;
        copied = at + match[0].length;
    }
    return copied === 0 ? undefined : out + text.slice(copied);
}
/** A quote preceded by an odd number of backslashes is part of the string. */
function isEscaped(text, quote) {
    let slashes = 0;
    for (let i = quote - 1; i >= 0 && text.charCodeAt(i) === 0x5c; i -= 1)
        slashes += 1;
    return slashes % 2 === 1;
}
/** A value may start here: after `[`, `,`, `:` or whitespace (not after a letter, digit, `.` or `-`). */
function startsValue(text, at) {
    if (at === 0)
        return true;
    const c = text.charCodeAt(at - 1);
    return c === 0x5b || c === 0x2c || c === 0x3a || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
/** A letter, digit, `_` or `.` right after would make the token part of something else. */
function continuesToken(c) {
    return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2e;
}
/**
 * Parses one line (without its terminator). With `hints`, a file whose lines hold `NaN` or `Infinity` pays one
 * thrown error, on its first such line; a file without any pays nothing for them.
 */
function parsePythonJson(text, hints) {
    if (hints?.constantsSeen) {
        const rewritten = withJsonConstants(text);
        if (rewritten !== undefined)
            return parseRewritten(text, rewritten);
    }
    try {
        // Only lines that mention "weight" pay for a reviver (it receives each number's source text).
        const value = text.includes('"weight"') ? JSON.parse(text, keepWeightFloats) : JSON.parse(text);
        return { ok: true, value };
    }
    catch {
        const rewritten = withJsonConstants(text);
        if (rewritten !== undefined) {
            if (hints)
                hints.constantsSeen = true;
            return parseRewritten(text, rewritten);
        }
        // Python-only syntax in a weight line, a reviver that ran out of stack, or plain invalid JSON.
        return new PythonJsonParser(text).parseDocument();
    }
}
function parseRewritten(text, rewritten) {
    try {
        return { ok: true, value: JSON.parse(rewritten) };
    }
    catch {
        // Not valid even so: the exact parser says where.
        return new PythonJsonParser(text).parseDocument();
    }
}
class ParseError extends Error {
}
/** A small recursive-descent parser for the rare lines JSON.parse refuses. */
class PythonJsonParser {
    text;
    pos = 0;
    constructor(text) {
        this.text = text;
    }
    parseDocument() {
        try {
            this.skipWhitespace();
            const value = this.value(0, null);
            this.skipWhitespace();
            if (this.pos !== this.text.length)
                this.fail('extra data after the JSON value');
            return { ok: true, value };
        }
        catch (error) {
            if (error instanceof ParseError)
                return { ok: false, reason: `${error.message} at character ${this.pos + 1}` };
            if (error instanceof RangeError)
                return { ok: false, reason: `nesting deeper than ${MAX_DEPTH} levels` };
            throw error;
        }
    }
    fail(reason) {
        throw new ParseError(reason);
    }
    skipWhitespace() {
        const t = this.text;
        while (this.pos < t.length) {
            const c = t.charCodeAt(this.pos);
            if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d)
                break;
            this.pos += 1;
        }
    }
    value(depth, key) {
        if (depth > MAX_DEPTH)
            this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
        const t = this.text;
        const c = t[this.pos];
        if (c === '{')
            return this.object(depth);
        if (c === '[')
            return this.array(depth);
        if (c === '"')
            return this.string();
        if (t.startsWith('true', this.pos))
            return this.literal(4, true);
        if (t.startsWith('false', this.pos))
            return this.literal(5, false);
        if (t.startsWith('null', this.pos))
            return this.literal(4, null);
        if (t.startsWith('NaN', this.pos))
            return this.number(3, Number.NaN, 'NaN', key);
        if (t.startsWith('Infinity', this.pos))
            return this.number(8, Infinity, 'Infinity', key);
        if (t.startsWith('-Infinity', this.pos))
            return this.number(9, -Infinity, '-Infinity', key);
        const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
        match.lastIndex = this.pos;
        const token = match.exec(t)?.[0];
        if (!token)
            this.fail(c === undefined ? 'unexpected end of line' : `unexpected character ${JSON.stringify(c)}`);
        return this.number(token.length, Number(token), token, key);
    }
    literal(length, value) {
        this.pos += length;
        return value;
    }
    number(length, value, token, key) {
        this.pos += length;
        return key === 'weight' && FLOAT_TOKEN.test(token) ? new PyFloat(value, token) : value;
    }
    object(depth) {
        const result = {};
        this.pos += 1;
        this.skipWhitespace();
        if (this.text[this.pos] === '}') {
            this.pos += 1;
            return result;
        }
        for (;;) {
            if (this.text[this.pos] !== '"')
                this.fail('expected a property name in double quotes');
            const key = this.string();
            this.skipWhitespace();
            if (this.text[this.pos] !== ':')
                this.fail("expected ':' after a property name");
            this.pos += 1;
            this.skipWhitespace();
            // Own data property even for "__proto__", as JSON.parse does.
            Object.defineProperty(result, key, {
                value: this.value(depth + 1, key),
                enumerable: true,
                writable: true,
                configurable: true,
            });
            this.skipWhitespace();
            const next = this.text[this.pos];
            this.pos += 1;
            if (next === '}')
                return result;
            if (next !== ',')
                this.fail("expected ',' or '}' in an object");
            this.skipWhitespace();
        }
    }
    array(depth) {
        const result = [];
        this.pos += 1;
        this.skipWhitespace();
        if (this.text[this.pos] === ']') {
            this.pos += 1;
            return result;
        }
        for (;;) {
            result.push(this.value(depth + 1, null));
            this.skipWhitespace();
            const next = this.text[this.pos];
            this.pos += 1;
            if (next === ']')
                return result;
            if (next !== ',')
                this.fail("expected ',' or ']' in an array");
            this.skipWhitespace();
        }
    }
    string() {
        const t = this.text;
        const start = this.pos;
        let end = start + 1;
        // Find the closing quote, skipping escaped characters.
        for (;;) {
            if (end >= t.length)
                this.fail('unterminated string');
            const c = t.charCodeAt(end);
            if (c === 0x22)
                break;
            if (c === 0x5c)
                end += 1;
            else if (c < 0x20) {
                this.pos = end;
                this.fail('raw control character in a string (escape it, e.g. \\n)');
            }
            end += 1;
        }
        this.pos = end + 1;
        try {
            // The quoted token is valid JSON string syntax unless an escape is wrong; JSON.parse decodes it exactly.
            return JSON.parse(t.slice(start, end + 1));
        }
        catch {
            this.pos = start;
            return this.fail('invalid escape in a string');
        }
    }
}

;// CONCATENATED MODULE: ./src/check/jsonl-rules.ts
/**
 * Together's rules for one JSONL sample as they are in 2026 (../shared/docs/dataset-rules-2026.md): the checker of
 * together-py 2.11.0, "version (a)", with the server's relaxations (a top-level per-sample `weight`). Format
 * detection, then the format's own rules; tool calling is allowed (role `tool`, assistant `tool_calls`, a `tools`
 * list). Rules only some sources state (role alternation, the contents of tool calls) are warnings: the action is
 * never stricter than Together's server. Pure: each function returns the first problem's message, or undefined,
 * and reports warnings through `warn`.
 */


const DOCS = 'https://docs.together.ai/docs/fine-tuning-data-preparation';
/** Formats in the order the reference tries them, with their required keys. */
const FORMAT_KEYS = [
    ['general', ['text']],
    ['conversation', ['messages']],
    ['instruction', ['prompt', 'completion']],
    ['preference_openai', ['input', 'preferred_output', 'non_preferred_output']],
];
/**
 * Keys allowed beside a format's own: `tools` next to `messages` (the reference's JSONL_EXTRA_COLUMNS_MAP), and a
 * per-sample `weight` in every format (Together's server accepts it: the data-format docs' "Sample Weights").
 */
const EXTRA_KEYS = {
    general: ['weight'],
    conversation: ['tools', 'weight'],
    instruction: ['weight'],
    preference_openai: ['weight'],
};
const FORMAT_EXAMPLE = {
    general: '{"text": "..."}',
    conversation: '{"messages": [{"role": "user", "content": "..."}, {"role": "assistant", "content": "..."}]}',
    instruction: '{"prompt": "...", "completion": "..."}',
    preference_openai: '{"input": {"messages": [...]}, "preferred_output": [{"role": "assistant", "content": "..."}], "non_preferred_output": [...]}',
};
/** An assistant turn that calls a tool, and the tool's answer, as Together expects them. */
const TOOL_CALL_EXAMPLE = '{"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]}';
const TOOL_RESULT_EXAMPLE = '{"role": "tool", "tool_call_id": "call_1", "content": "{\\"temperature\\": 21}"}';
const ROLES = new Set(['system', 'user', 'assistant', 'tool']);
const IMAGE_PREFIXES = ['data:image/jpeg;base64,', 'data:image/png;base64,', 'data:image/webp;base64,'];
/** `data:image/...;base64,` plus the base64 of 10 MiB. */
const MAX_IMAGE_URL_CHARS = 13_981_036;
const MAX_IMAGES = 10;
/** A JSON value's type, in JSON's words. */
function jsonType(value) {
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return 'array';
    if (value instanceof PyFloat)
        return 'number';
    if (typeof value === 'object')
        return 'object';
    return typeof value;
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof PyFloat);
}
/** A value from the dataset, quoted as JSON and cut to a short excerpt: messages never carry a whole value. */
function quote(value) {
    return excerpt(previewJson(value, MAX_EXCERPT_CHARS + 1));
}
/** Levels of a value shown in a message; deeper ones show as `…`. */
const PREVIEW_DEPTH = 8;
/**
 * The start of a value's JSON, at most about `budget` characters: never the whole of a huge value, and never a
 * recursion as deep as the value (JSON.stringify of 100,000 nested lists overflows the stack).
 */
function previewJson(value, budget) {
    let out = '';
    const write = (text) => {
        out += text.length > budget - out.length ? text.slice(0, Math.max(0, budget - out.length)) : text;
    };
    const visit = (item, depth) => {
        if (out.length >= budget)
            return;
        if (item instanceof PyFloat)
            return write(item.token);
        if (typeof item === 'string')
            return write(JSON.stringify(item.slice(0, budget)));
        if (item === null || typeof item !== 'object')
            return write(String(JSON.stringify(item) ?? item));
        if (depth >= PREVIEW_DEPTH)
            return write(Array.isArray(item) ? '[…]' : '{…}');
        const entries = Array.isArray(item)
            ? item.map((v) => [undefined, v])
            : Object.entries(item);
        write(Array.isArray(item) ? '[' : '{');
        for (const [i, [key, v]] of entries.entries()) {
            if (out.length >= budget)
                return;
            if (i > 0)
                write(', ');
            if (key !== undefined)
                write(`${JSON.stringify(key.slice(0, budget))}: `);
            visit(v, depth + 1);
        }
        write(Array.isArray(item) ? ']' : '}');
    };
    visit(value, 0);
    return out;
}
/** Keys from the dataset, quoted, at most five. */
function quoteKeys(keys) {
    const shown = keys.slice(0, 5).map((k) => quote(k));
    return keys.length > 5 ? `${shown.join(', ')} and ${keys.length - 5} more` : shown.join(', ');
}
/** Python's truthiness, which decides whether the reference looks at a message's content at all. */
function isTruthy(value) {
    if (value === null || value === undefined || value === false || value === 0 || value === '')
        return false;
    if (value instanceof PyFloat)
        return value.value !== 0;
    if (Array.isArray(value))
        return value.length > 0;
    if (typeof value === 'object')
        return Object.keys(value).length > 0;
    return true;
}
/**
 * Detects the sample's format and checks it. `firstFormat` is line 1's format (undefined while checking line 1):
 * every line must have it.
 */
function checkSample(sample, firstFormat, warn = () => undefined) {
    const keys = Object.keys(sample);
    let format;
    for (const [candidate, required] of FORMAT_KEYS) {
        if (!required.every((key) => key in sample))
            continue;
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
function checkSampleWeight(sample) {
    if (!('weight' in sample))
        return undefined;
    const weight = sample.weight instanceof PyFloat ? sample.weight.value : sample.weight;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
        const found = sample.weight instanceof PyFloat ? excerpt(sample.weight.token) : jsonType(sample.weight);
        return `"weight" (the sample's weight, a loss multiplier) must be a number of 0 or more, such as 0.5; found ${typeof weight === 'number' || sample.weight instanceof PyFloat ? found : `a ${found}`}.`;
    }
    return undefined;
}
function checkFormatRules(sample, format, warn) {
    switch (format) {
        case 'general':
            return checkContent(sample.text, { user: true, where: '"text"' }).error;
        case 'instruction':
            return (checkContent(sample.prompt, { user: true, where: '"prompt"' }).error ??
                checkContent(sample.completion, { user: false, where: '"completion"', role: 'the completion' }).error);
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
/** A content value: a string, or an OpenAI-style list of text and image parts (rules doc section 6). */
function checkContent(value, options) {
    if (typeof value === 'string')
        return { images: 0, multimodal: false };
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
        const fail = (error) => ({ images, multimodal: true, error });
        if (!isObject(part))
            return fail(`${at} must be an object such as {"type": "text", "text": "..."}; found ${jsonType(part)}.`);
        if (!('type' in part))
            return fail(`${at} has no "type"; use "text" or "image_url".`);
        if (part.type === 'text') {
            if (typeof part.text !== 'string') {
                return fail(`${at} is a text part, so its "text" must be a string; found ${'text' in part ? jsonType(part.text) : 'nothing'}.`);
            }
        }
        else if (part.type === 'image_url') {
            if (!options.user) {
                return fail(`${at} is an image, but only user content may contain images, not ${options.role ?? 'this message'}. Move the image to a user message.`);
            }
            if (!isObject(part.image_url)) {
                return fail(`${at}.image_url must be an object {"url": "data:image/png;base64,..."}; found ${'image_url' in part ? jsonType(part.image_url) : 'nothing'}.`);
            }
            const url = part.image_url.url;
            if (typeof url !== 'string' || url === '') {
                return fail(`${at}.image_url.url must be a non-empty string; found ${typeof url === 'string' ? 'an empty string' : 'url' in part.image_url ? jsonType(url) : 'nothing'}.`);
            }
            if (!IMAGE_PREFIXES.some((prefix) => url.startsWith(prefix))) {
                return fail(`${at}.image_url.url must be a base64 data URL of a JPEG, PNG or WEBP image ("data:image/png;base64,..."); found "${excerpt(url, 40)}". Image links and other formats are not accepted.`);
            }
            if (url.length > MAX_IMAGE_URL_CHARS) {
                return fail(`${at} is an image of about ${Math.floor((url.length * 3) / 4).toLocaleString('en-US')} bytes; each image must be under 10 MB.`);
            }
            images += 1;
        }
        else {
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
/**
 * A conversation: the `messages` of a conversational sample or of a preference sample's input. In version (a)'s
 * order: every message's shape first (an object, a role, content or tool calls), then each message's weight, role
 * and, when it is truthy, its content.
 */
function checkMessages(messages, options) {
    const where = options.where;
    if (!Array.isArray(messages))
        return `${where} must be a list of messages; found ${jsonType(messages)}.`;
    if (messages.length === 0)
        return `${where} is empty; it needs at least one message.`;
    for (let i = 0; i < messages.length; i += 1) {
        const message = messages[i];
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
    const list = messages;
    const toolNames = options.tools ? checkTools(options.tools, options.warn) : undefined;
    let hasAssistant = false;
    let sampleImages = 0;
    let firstMultimodal;
    let previousRole;
    let warnedAlternation = false;
    for (let index = 0; index < list.length; index += 1) {
        const message = list[index];
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
        if (typeof role !== 'string')
            return `${at()}.role must be a string; found ${jsonType(role)}.`;
        if (!ROLES.has(role)) {
            return `${at()}.role is ${quote(role)}; it must be "system", "user", "assistant" or "tool" (a tool's answer: ${TOOL_RESULT_EXAMPLE}).`;
        }
        hasAssistant ||= role === 'assistant';
        // Together's docs ask for alternating user and assistant turns; its checker and server do not: a warning.
        if (!warnedAlternation && role === previousRole && role !== 'tool') {
            warnedAlternation = true;
            options.warn(`${at()} repeats the role ${quote(role)} of the message before it; Together's data-preparation docs ask for alternating user and assistant turns (its checker accepts this). Merge the two messages if that was not meant.`);
        }
        previousRole = role;
        if ('tool_calls' in message)
            checkToolCalls(message.tool_calls, role, at, toolNames, options.warn);
        // The reference looks at a content only when it is truthy: null, "", 0, false and [] skip every content rule.
        if (!isTruthy(message.content))
            continue;
        // A string is the common case and always valid: no need to look further.
        const multimodal = typeof message.content !== 'string';
        if (multimodal) {
            const content = checkContent(message.content, {
                user: role === 'user',
                where: `${at()}.content`,
                role: `${role} messages`,
            });
            if (content.error)
                return content.error;
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
function checkTools(tools, warn) {
    if (!Array.isArray(tools.value)) {
        warn(`${tools.where} should be a list of tools such as [{"type": "function", "function": {"name": "get_weather", "parameters": {...}}}]; found ${jsonType(tools.value)}.`);
        return undefined;
    }
    if (tools.value.length === 0) {
        warn(`${tools.where} is an empty list; leave it out, or list the functions the assistant may call.`);
        return undefined;
    }
    const names = new Set();
    for (const [i, tool] of tools.value.entries()) {
        const name = isObject(tool) && isObject(tool.function) ? tool.function.name : undefined;
        if (typeof name === 'string')
            names.add(name);
        else
            warn(`${tools.where}[${i}] has no function name; each tool is {"type": "function", "function": {"name": "...", ...}}.`);
    }
    return names.size > 0 ? names : undefined;
}
/** An assistant's `tool_calls` (warnings only, as in some of Together's clients): names in `tools`, JSON arguments. */
function checkToolCalls(calls, role, at, toolNames, warn) {
    if (calls === null || calls === undefined)
        return;
    if (role !== 'assistant') {
        warn(`${at()} is a ${quote(role)} message with "tool_calls"; only assistant messages call tools.`);
        return;
    }
    if (!Array.isArray(calls)) {
        warn(`${at()}.tool_calls should be a list such as ${TOOL_CALL_EXAMPLE.slice(TOOL_CALL_EXAMPLE.indexOf('['), -1)}; found ${jsonType(calls)}.`);
        return;
    }
    for (const [i, call] of calls.entries()) {
        const where = `${at()}.tool_calls[${i}]`;
        const fn = isObject(call) ? call.function : undefined;
        if (!isObject(fn) || typeof fn.name !== 'string') {
            warn(`${where} has no function name; a call is {"id": "call_1", "type": "function", "function": {"name": "...", "arguments": "{...}"}}.`);
            continue;
        }
        if (toolNames && !toolNames.has(fn.name)) {
            warn(`${where} calls ${quote(fn.name)}, which is not in "tools" (it lists ${quoteKeys([...toolNames])}).`);
        }
        if ('arguments' in fn) {
            const problem = argumentsProblem(fn.arguments);
            if (problem)
                warn(`${where}.function.arguments ${problem}; write the arguments as a JSON object in a string, such as "{\\"city\\": \\"Paris\\"}".`);
        }
    }
}
function argumentsProblem(value) {
    if (typeof value !== 'string')
        return `is a ${jsonType(value)}, not a string`;
    let parsed;
    try {
        parsed = JSON.parse(value);
    }
    catch {
        return 'is not valid JSON';
    }
    return isObject(parsed) ? undefined : `holds a JSON ${jsonType(parsed)}, not an object`;
}
/** The OpenAI preference (DPO) format. */
function checkPreference(sample, warn) {
    const input = sample.input;
    if (!isObject(input))
        return `"input" must be an object {"messages": [...]}; found ${jsonType(input)}.`;
    if (!('messages' in input))
        return '"input" has no "messages"; it must be {"messages": [...]}.';
    const messagesError = checkMessages(input.messages, {
        requireAssistant: false,
        where: '"input".messages',
        tools: 'tools' in input ? { value: input.tools, where: '"input".tools' } : undefined,
        warn,
    });
    if (messagesError)
        return messagesError;
    const messages = input.messages;
    if (messages.at(-1)?.role === 'assistant') {
        return 'the last message of "input".messages is from the assistant; it must end with the turn the preferred and non-preferred outputs answer.';
    }
    for (const key of ['preferred_output', 'non_preferred_output']) {
        const output = sample[key];
        if (!Array.isArray(output))
            return `"${key}" must be a list holding one assistant message; found ${jsonType(output)}.`;
        if (output.length !== 1)
            return `"${key}" must hold exactly one message; found ${output.length}.`;
        const [message] = output;
        if (!isObject(message))
            return `"${key}"[0] must be an object {"role": "assistant", "content": ...}; found ${jsonType(message)}.`;
        if (!('role' in message))
            return `"${key}"[0] has no "role"; it must be "assistant".`;
        if (message.role !== 'assistant')
            return `"${key}"[0].role is ${quote(message.role)}; it must be "assistant".`;
        if (!('content' in message) && !('tool_calls' in message)) {
            return `"${key}"[0] has neither "content" nor "tool_calls"; the output is one assistant message with one of them.`;
        }
        if ('content' in message) {
            const content = checkContent(message.content, {
                user: false,
                where: `"${key}"[0].content`,
                role: 'preference outputs',
            });
            if (content.error)
                return content.error;
        }
    }
    return undefined;
}

;// CONCATENATED MODULE: external "node:buffer"
const external_node_buffer_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");
;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:timers/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");
;// CONCATENATED MODULE: ./src/check/utf8.ts
/** Strict UTF-8 validation that says where and why, in the words of Python's decoder (which the reference uses). */
/**
 * Finds the first invalid sequence in `bytes[start, end)`, or undefined. Only called once a fast whole-chunk check
 * failed, so it favours clarity over speed. `atEof` says whether a sequence cut at `end` is truncated for good.
 */
function findUtf8Problem(bytes, start, end, atEof = true) {
    let i = start;
    while (i < end) {
        const b = bytes[i];
        if (b < 0x80) {
            i += 1;
            continue;
        }
        let need;
        let min = 0x80;
        let max = 0xbf;
        if (b >= 0xc2 && b <= 0xdf)
            need = 1;
        else if (b >= 0xe0 && b <= 0xef) {
            need = 2;
            if (b === 0xe0)
                min = 0xa0; // overlong
            if (b === 0xed)
                max = 0x9f; // surrogates
        }
        else if (b >= 0xf0 && b <= 0xf4) {
            need = 3;
            if (b === 0xf0)
                min = 0x90; // overlong
            if (b === 0xf4)
                max = 0x8f; // above U+10FFFF
        }
        else {
            return { offset: i, reason: 'invalid start byte', byte: b };
        }
        for (let k = 1; k <= need; k += 1) {
            if (i + k >= end) {
                if (atEof)
                    return { offset: i, reason: 'unexpected end of data', byte: b };
                return undefined;
            }
            const c = bytes[i + k];
            const lo = k === 1 ? min : 0x80;
            const hi = k === 1 ? max : 0xbf;
            if (c < lo || c > hi)
                return { offset: i, reason: 'invalid continuation byte', byte: b };
        }
        i += need + 1;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/check/lines.ts
/**
 * Reads a file (or a byte range of it, starting at 0 or just after a `\n`) line by line, as Python reads text
 * files: lines end at `\n`, `\r\n` or a bare `\r` (universal newlines). Validates UTF-8 on the way; the first
 * undecodable byte ends the read, since Together's reference refuses such a file before looking at any line.
 * One reused buffer, grown only for a line longer than it.
 */





/**
 * The longest line read by default, 16 MiB: no trainable sample comes near it (Together's longest contexts are
 * about 128k tokens, half a megabyte of text), and a line this long still checks within the memory target. A
 * longer line is refused with its number instead of being read whole (a 600 MB line took 2 GiB and ended in
 * "Cannot create a string longer than 0x1fffffe8 characters").
 */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Bytes read between two turns of the event loop, where a cancellation can be seen. */
const YIELD_BYTES = 16 * 1024 * 1024;
const READ_BYTES = 1024 * 1024;
/** A read buffer grown past this (for a very long line) is not kept for the next read. */
const MAX_KEPT_BUFFER_BYTES = 8 * READ_BYTES;
/**
 * This thread's read buffer between reads. A read takes it while it runs (another read meanwhile allocates its
 * own), so two never share it; keeping it spares each range of a large file a fresh 2 MiB that V8 would otherwise let pile
 * up as external memory before collecting it.
 */
let spareBuffer;
const LF = 10;
const CR = 13;
async function readLines(path, range, visitor, options = {}) {
    // Synchronous reads: checking is CPU-bound, and an async read per 1 MiB left the thread idle for each round
    // trip through libuv's pool (about 60 ms a thread on a 400 MiB file).
    const fd = (0,external_node_fs_namespaceObject.openSync)(path, 'r');
    const state = { lines: 0, utf8: null, ...(options.indexLines ? { lineIndex: [] } : {}) };
    const hash = options.sha256 ? (0,external_node_crypto_namespaceObject.createHash)('sha256') : undefined;
    const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
    try {
        let buffer = spareBuffer ?? Buffer.allocUnsafe(READ_BYTES * 2);
        spareBuffer = undefined;
        let carry = 0; // bytes at the start of `buffer` left over from the previous read
        let position = range.start ?? 0;
        let dataOffset = position; // file offset of buffer[0]
        let sinceYield = 0;
        for (;;) {
            if (carry > maxLineBytes) {
                // The line being read is already longer than any line may be: it is refused, not read on.
                state.overlong = { line: state.lines + 1, limit: maxLineBytes };
                break;
            }
            if (buffer.length - carry < READ_BYTES) {
                // Doubling, but never much past the longest line allowed: the buffer is bounded by the limit.
                const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxLineBytes + 2 * READ_BYTES));
                buffer.copy(bigger, 0, 0, carry);
                buffer = bigger;
            }
            const want = Math.min(buffer.length - carry, range.end - position);
            const bytesRead = want > 0 ? (0,external_node_fs_namespaceObject.readSync)(fd, buffer, carry, want, position) : 0;
            hash?.update(buffer.subarray(carry, carry + bytesRead));
            position += bytesRead;
            const length = carry + bytesRead;
            const atEof = position >= range.end || bytesRead === 0;
            const consumed = feed(buffer, length, dataOffset, atEof, state, visitor, maxLineBytes);
            if (state.utf8 || state.overlong)
                break;
            if (atEof) {
                if (hash)
                    state.sha256 = hash.digest('hex');
                break;
            }
            buffer.copy(buffer, 0, consumed, length);
            carry = length - consumed;
            dataOffset += consumed;
            sinceYield += bytesRead;
            if (sinceYield >= YIELD_BYTES) {
                // Let a cancellation (SIGINT, SIGTERM) in: the handler runs only between turns of the event loop.
                sinceYield = 0;
                await (0,promises_namespaceObject.setImmediate)();
                options.signal?.throwIfAborted();
            }
        }
        if (buffer.length <= MAX_KEPT_BUFFER_BYTES)
            spareBuffer = buffer;
        return state;
    }
    finally {
        (0,external_node_fs_namespaceObject.closeSync)(fd);
    }
}
/**
 * Visits the complete lines in `data[0, length)` and returns how many bytes were consumed; the rest is carried
 * into the next call. At EOF everything is consumed, the last line needing no terminator.
 */
function feed(data, length, dataOffset, atEof, state, visitor, maxLineBytes) {
    // A `\r` at the very end may be the first half of `\r\n`: the line it ends waits for the next read, which tells
    // (visited now, that line's `\n` would have started an empty line of its own).
    const last = data[length - 1] === CR ? length - 2 : length - 1;
    const end = atEof ? length : last < 0 ? 0 : Math.max(data.lastIndexOf(LF, last), data.lastIndexOf(CR, last)) + 1;
    if (end <= 0 && !visitor.wantsLines)
        return consumePartialLine(data, length, dataOffset, state);
    if (end <= 0)
        return 0;
    // The region starts where a line starts: after the last line of the previous read (whole lines are consumed).
    const index = state.lineIndex;
    if (index && visitor.wantsLines && index.at(-2) !== dataOffset)
        index.push(dataOffset, state.lines);
    const region = data.subarray(0, end);
    const valid = (0,external_node_buffer_namespaceObject.isUtf8)(region);
    const hasCR = region.indexOf(CR) >= 0;
    if (valid && !hasCR && !visitor.wantsLines) {
        // Fast path once the visitor is done: only count lines.
        for (let i = region.indexOf(LF); i >= 0; i = region.indexOf(LF, i + 1))
            state.lines += 1;
        if (atEof && region[end - 1] !== LF)
            state.lines += 1;
        return end;
    }
    let lineStart = 0;
    let lf = region.indexOf(LF);
    let cr = hasCR ? region.indexOf(CR) : -1;
    while (lineStart < end) {
        if (lf >= 0 && lf < lineStart)
            lf = region.indexOf(LF, lineStart);
        if (cr >= 0 && cr < lineStart)
            cr = region.indexOf(CR, lineStart);
        let terminator = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
        if (terminator < 0)
            terminator = end; // only at EOF: the region otherwise ends after a terminator
        state.lines += 1;
        if (!valid) {
            const bad = findUtf8Problem(region, lineStart, terminator);
            if (bad) {
                state.utf8 = { ...bad, offset: dataOffset + bad.offset, line: state.lines };
                return end;
            }
        }
        if (terminator - lineStart > maxLineBytes) {
            // Complete in the buffer, yet longer than any line may be: refused like one that never ends.
            state.overlong = { line: state.lines, limit: maxLineBytes };
            return end;
        }
        if (visitor.wantsLines)
            visitor.line(region, lineStart, terminator, state.lines);
        lineStart = terminator + (region[terminator] === CR && region[terminator + 1] === LF ? 2 : 1);
    }
    return end;
}
/**
 * A long line with no end in the buffer, when no visitor needs it whole (only its encoding is checked): its
 * bytes up to the last whole character are validated and let go, so the buffer never grows for it, whatever its
 * length. Returns the bytes consumed.
 */
function consumePartialLine(data, length, dataOffset, state) {
    let cut = length;
    // Back up to the start of a character that may be cut off (a UTF-8 sequence is at most 4 bytes).
    for (let i = length - 1; i >= Math.max(0, length - 3); i -= 1) {
        const byte = data[i];
        if (byte < 0x80)
            break;
        if (byte >= 0xc0) {
            cut = i;
            break;
        }
    }
    if (!(0,external_node_buffer_namespaceObject.isUtf8)(data.subarray(0, cut))) {
        const bad = findUtf8Problem(data, 0, cut);
        if (bad) {
            state.utf8 = { ...bad, offset: dataOffset + bad.offset, line: state.lines + 1 };
            return length;
        }
    }
    return cut;
}
/** What a line over the limit is told (see MAX_LINE_BYTES). */
function overlongLineMessage(limit) {
    return `The line is longer than ${Math.round(limit / (1024 * 1024))} MiB, the longest the check reads, so it was not read whole; no trainable sample comes near that (Together's longest contexts are about 128k tokens, half a megabyte of text). Split the sample, or remove what inflates it (inline images, repeated text). To check such lines anyway, raise TOGETHER_CHECK_MAX_LINE_BYTES.`;
}

;// CONCATENATED MODULE: ./src/check/types.ts
/** What a dataset check reports per file, and the levels of checking. */
/** Warnings listed per file; the rest are counted. */
const MAX_WARNINGS = 100;

;// CONCATENATED MODULE: ./src/check/release.ts
/**
 * Frees typed arrays' memory now. V8 frees an ArrayBuffer's memory only when a collection finds it dead, and the
 * review's buffers (a few hundred KB to a few MB each, made per range and per partition, with hardly any
 * JavaScript objects around them to start a collection) outlive young collections and wait for a full one: the
 * base/head review of 2 × 1 GiB left tens of MiB of dead buffers on each thread, and a malloc heap that stayed
 * grown after they went. Detaching a buffer (`transfer(0)`) frees it at once.
 *
 * Only for arrays nothing else reads: a released array (and every view of its buffer) reads as empty. A Buffer
 * that is part of a larger ArrayBuffer is left alone: small Buffers share Node's pool with every other.
 */
function release_release(...arrays) {
    for (const array of arrays) {
        const buffer = array?.buffer;
        if (!(buffer instanceof ArrayBuffer) || buffer.detached)
            continue;
        if (Buffer.isBuffer(array) && array.byteLength !== buffer.byteLength)
            continue;
        buffer.transfer(0);
    }
}

;// CONCATENATED MODULE: ./src/check/distribution.ts

/** Values below this are counted in an array (most characters and messages per sample); larger ones in a map. */
const DENSE_LIMIT = 1 << 14;
/** An exact distribution of whole numbers (characters or messages per sample): value -> count, mergeable. */
class distribution_Distribution {
    /**
     * Counts of the small values, by value (grown to the largest seen): a map's two lookups per sample were most of
     * the review's statistics time.
     */
    dense = new Uint32Array(0);
    denseDistinct = 0;
    sparse = new Map();
    total = 0;
    add(value, count = 1) {
        this.total += count;
        if (value >= 0 && value < DENSE_LIMIT && Number.isInteger(value)) {
            if (value >= this.dense.length) {
                const grown = new Uint32Array(Math.min(DENSE_LIMIT, Math.max(64, 2 ** Math.ceil(Math.log2(value + 1)))));
                grown.set(this.dense);
                this.dense = grown;
            }
            if (this.dense[value] === 0)
                this.denseDistinct += 1;
            this.dense[value] += count;
            return;
        }
        this.sparse.set(value, (this.sparse.get(value) ?? 0) + count);
    }
    /** Each distinct value with its count: the small values in order, then the others. */
    *entries() {
        for (let value = 0; value < this.dense.length; value += 1) {
            const count = this.dense[value];
            if (count > 0)
                yield [value, count];
        }
        yield* this.sparse;
    }
    /** Frees the counts' array now (see release); the distribution is not used after. */
    dispose() {
        release_release(this.dense);
    }
    /** Appended to `out` as: the number of distinct values n, the n values, then their n counts. */
    packInto(out) {
        // Loops, not spread arguments: a file can have hundreds of thousands of distinct values, past the call stack.
        // Plain loops, not entries(): every range of a large file packs its distributions (a generator step per
        // value of a 16,384-long array cost about 1% of a worker's time).
        out.push(this.denseDistinct + this.sparse.size);
        const counts = [];
        const dense = this.dense;
        for (let value = 0; value < dense.length; value += 1) {
            const count = dense[value];
            if (count === 0)
                continue;
            out.push(value);
            counts.push(count);
        }
        for (const [value, count] of this.sparse) {
            out.push(value);
            counts.push(count);
        }
        for (const count of counts)
            out.push(count);
    }
    /** The distribution packed at `at` (see packInto), and where the next one starts. */
    static unpack(packed, at) {
        const distribution = new distribution_Distribution();
        const end = distribution.addPacked(packed, at);
        return { distribution, end };
    }
    /**
     * Adds the distribution packed at `at` (see packInto); returns where the next one starts. Merging a file's
     * ranges this way makes no distribution per range (a file of 400 MiB has about a hundred ranges).
     */
    addPacked(packed, at) {
        const n = packed[at];
        for (let i = 0; i < n; i += 1)
            this.add(packed[at + 1 + i], packed[at + 1 + n + i]);
        return at + 1 + 2 * n;
    }
    sorted() {
        return [...this.entries()].sort((a, b) => a[0] - b[0]);
    }
    /** min, median, p95 and max (nearest rank), or null when empty. */
    summary() {
        if (this.total === 0)
            return null;
        const sorted = this.sorted();
        const rank = (q) => {
            const target = Math.max(1, Math.ceil(q * this.total));
            let seen = 0;
            for (const [value, count] of sorted)
                if ((seen += count) >= target)
                    return value;
            return sorted.at(-1)[0];
        };
        return { min: sorted[0][0], median: rank(0.5), p95: rank(0.95), max: sorted.at(-1)[0] };
    }
    /** Log-2 bins: `[0, 0]`, `[1, 1]`, `[2, 3]`, `[4, 7]`, … up to the largest value, empty bins kept. */
    histogram() {
        if (this.total === 0)
            return [];
        const bins = [];
        const binOf = (value) => (value <= 0 ? 0 : Math.floor(Math.log2(value)) + 1);
        for (const [value, count] of this.entries()) {
            const index = binOf(value);
            while (bins.length <= index) {
                const k = bins.length;
                bins.push({ from: k === 0 ? 0 : 2 ** (k - 1), to: k === 0 ? 0 : 2 ** k - 1, samples: 0 });
            }
            bins[index].samples += count;
        }
        return bins;
    }
}

;// CONCATENATED MODULE: ./src/check/xxhash-module.ts
/**
 * The WebAssembly module of xxhash-wasm 1.1.0 (`workerd/xxhash.wasm`, 3105 bytes), written by
 * scripts/embed-xxhash.ts. MIT License, Copyright (c) 2017 Michael Jungo (see dist/licenses.txt).
 * Exports: `mem`, and `xxh64(offset, length, seed: i64): i64` over that memory (with the streaming functions).
 */
const XXHASH_WASM_VERSION = '1.1.0';
const XXHASH_WASM_BASE64 = 'AGFzbQEAAAABMAhgA39/fwF/YAN/f38AYAJ/fwBgAX8Bf2ADf39+AX5gA35/fwF+YAJ/fgBgAX8BfgMLCgAAAgEDBAUGAQcFAwEA' +
    'AQdVCQNtZW0CAAV4eGgzMgAABmluaXQzMgACCHVwZGF0ZTMyAAMIZGlnZXN0MzIABAV4eGg2NAAFBmluaXQ2NAAHCHVwZGF0ZTY0' +
    'AAgIZGlnZXN0NjQACQr7FgryAQEEfyAAIAFqIQMgAUEQTwR/IANBEGshBiACQaiIjaECaiEDIAJBievQ0AdrIQQgAkHPjKKOBmoh' +
    'BQNAIAMgACgCAEH3lK+veGxqQQ13QbHz3fF5bCEDIAQgAEEEaiIAKAIAQfeUr694bGpBDXdBsfPd8XlsIQQgAiAAQQRqIgAoAgBB' +
    '95Svr3hsakENd0Gx893xeWwhAiAFIABBBGoiACgCAEH3lK+veGxqQQ13QbHz3fF5bCEFIAYgAEEEaiIATw0ACyACQQx3IAVBEndq' +
    'IARBB3dqIANBAXdqBSACQbHP2bIBagsgAWogACABQQ9xEAELkgEAIAEgAmohAgNAIAFBBGogAktFBEAgACABKAIAQb3cypV8bGpB' +
    'EXdBr9bTvgJsIQAgAUEEaiEBDAELCwNAIAEgAk9FBEAgACABLQAAQbHP2bIBbGpBC3dBsfPd8XlsIQAgAUEBaiEBDAELCyAAIABB' +
    'D3ZzQfeUr694bCIAQQ12IABzQb3cypV8bCIAQRB2IABzCz8AIABBCGogAUGoiI2hAmo2AgAgAEEMaiABQYnr0NAHazYCACAAQRBq' +
    'IAE2AgAgAEEUaiABQc+Moo4GajYCAAvDBAEGfyABIAJqIQYgAEEYaiEEIABBKGooAgAhAyAAIAAoAgAgAmo2AgAgAEEEaiIFIAUo' +
    'AgAgAkEQTyAAKAIAQRBPcnI2AgAgAiADakEQSQRAIAMgBGogASAC/AoAACAAQShqIAIgA2o2AgAPCyADBEAgAyAEaiABQRAgA2si' +
    'AvwKAAAgAEEIaiIDIAMoAgAgBCgCAEH3lK+veGxqQQ13QbHz3fF5bDYCACAAQQxqIgMgAygCACAEQQRqKAIAQfeUr694bGpBDXdB' +
    'sfPd8XlsNgIAIABBEGoiAyADKAIAIARBCGooAgBB95Svr3hsakENd0Gx893xeWw2AgAgAEEUaiIDIAMoAgAgBEEMaigCAEH3lK+v' +
    'eGxqQQ13QbHz3fF5bDYCACAAQShqQQA2AgAgASACaiEBCyABIAZBEGtNBEAgBkEQayEIIABBCGooAgAhAiAAQQxqKAIAIQMgAEEQ' +
    'aigCACEFIABBFGooAgAhBwNAIAIgASgCAEH3lK+veGxqQQ13QbHz3fF5bCECIAMgAUEEaiIBKAIAQfeUr694bGpBDXdBsfPd8Xls' +
    'IQMgBSABQQRqIgEoAgBB95Svr3hsakENd0Gx893xeWwhBSAHIAFBBGoiASgCAEH3lK+veGxqQQ13QbHz3fF5bCEHIAggAUEEaiIB' +
    'Tw0ACyAAQQhqIAI2AgAgAEEMaiADNgIAIABBEGogBTYCACAAQRRqIAc2AgALIAEgBkkEQCAEIAEgBiABayIB/AoAACAAQShqIAE2' +
    'AgALC2EBAX8gAEEQaigCACEBIABBBGooAgAEfyABQQx3IABBFGooAgBBEndqIABBDGooAgBBB3dqIABBCGooAgBBAXdqBSABQbHP' +
    '2bIBagsgACgCAGogAEEYaiAAQShqKAIAEAEL/wMCA34BfyAAIAFqIQYgAUEgTwR+IAZBIGshBiACQtbrgu7q/Yn14AB8IQMgAkKx' +
    'qazBrbjUpj19IQQgAkL56tDQ58mh5OEAfCEFA0AgAyAAKQMAQs/W077Sx6vZQn58Qh+JQoeVr6+Ytt6bnn9+IQMgBCAAQQhqIgAp' +
    'AwBCz9bTvtLHq9lCfnxCH4lCh5Wvr5i23puef34hBCACIABBCGoiACkDAELP1tO+0ser2UJ+fEIfiUKHla+vmLbem55/fiECIAUg' +
    'AEEIaiIAKQMAQs/W077Sx6vZQn58Qh+JQoeVr6+Ytt6bnn9+IQUgBiAAQQhqIgBPDQALIAJCDIkgBUISiXwgBEIHiXwgA0IBiXwg' +
    'A0LP1tO+0ser2UJ+Qh+JQoeVr6+Ytt6bnn9+hUKHla+vmLbem55/fkKdo7Xqg7GNivoAfSAEQs/W077Sx6vZQn5CH4lCh5Wvr5i2' +
    '3puef36FQoeVr6+Ytt6bnn9+Qp2jteqDsY2K+gB9IAJCz9bTvtLHq9lCfkIfiUKHla+vmLbem55/foVCh5Wvr5i23puef35CnaO1' +
    '6oOxjYr6AH0gBULP1tO+0ser2UJ+Qh+JQoeVr6+Ytt6bnn9+hUKHla+vmLbem55/fkKdo7Xqg7GNivoAfQUgAkLFz9my8eW66id8' +
    'CyABrXwgACABQR9xEAYLhgIAIAEgAmohAgNAIAIgAUEIak8EQCABKQMAQs/W077Sx6vZQn5CH4lCh5Wvr5i23puef34gAIVCG4lC' +
    'h5Wvr5i23puef35CnaO16oOxjYr6AH0hACABQQhqIQEMAQsLIAFBBGogAk0EQCAAIAE1AgBCh5Wvr5i23puef36FQheJQs/W077S' +
    'x6vZQn5C+fPd8Zn2masWfCEAIAFBBGohAQsDQCABIAJJBEAgACABMQAAQsXP2bLx5brqJ36FQguJQoeVr6+Ytt6bnn9+IQAgAUEB' +
    'aiEBDAELCyAAIABCIYiFQs/W077Sx6vZQn4iACAAQh2IhUL5893xmfaZqxZ+IgAgAEIgiIULTQAgAEEIaiABQtbrgu7q/Yn14AB8' +
    'NwMAIABBEGogAUKxqazBrbjUpj19NwMAIABBGGogATcDACAAQSBqIAFC+erQ0OfJoeThAHw3AwAL9AQCA38EfiABIAJqIQUgAEEo' +
    'aiEEIABByABqKAIAIQMgACAAKQMAIAKtfDcDACACIANqQSBJBEAgAyAEaiABIAL8CgAAIABByABqIAIgA2o2AgAPCyADBEAgAyAE' +
    'aiABQSAgA2siAvwKAAAgAEEIaiIDIAMpAwAgBCkDAELP1tO+0ser2UJ+fEIfiUKHla+vmLbem55/fjcDACAAQRBqIgMgAykDACAE' +
    'QQhqKQMAQs/W077Sx6vZQn58Qh+JQoeVr6+Ytt6bnn9+NwMAIABBGGoiAyADKQMAIARBEGopAwBCz9bTvtLHq9lCfnxCH4lCh5Wv' +
    'r5i23puef343AwAgAEEgaiIDIAMpAwAgBEEYaikDAELP1tO+0ser2UJ+fEIfiUKHla+vmLbem55/fjcDACAAQcgAakEANgIAIAEg' +
    'AmohAQsgAUEgaiAFTQRAIAVBIGshAiAAQQhqKQMAIQYgAEEQaikDACEHIABBGGopAwAhCCAAQSBqKQMAIQkDQCAGIAEpAwBCz9bT' +
    'vtLHq9lCfnxCH4lCh5Wvr5i23puef34hBiAHIAFBCGoiASkDAELP1tO+0ser2UJ+fEIfiUKHla+vmLbem55/fiEHIAggAUEIaiIB' +
    'KQMAQs/W077Sx6vZQn58Qh+JQoeVr6+Ytt6bnn9+IQggCSABQQhqIgEpAwBCz9bTvtLHq9lCfnxCH4lCh5Wvr5i23puef34hCSAC' +
    'IAFBCGoiAU8NAAsgAEEIaiAGNwMAIABBEGogBzcDACAAQRhqIAg3AwAgAEEgaiAJNwMACyABIAVJBEAgBCABIAUgAWsiAfwKAAAg' +
    'AEHIAGogATYCAAsLvAIBBX4gAEEYaikDACEBIAApAwAiAkIgWgR+IABBCGopAwAiA0IBiSAAQRBqKQMAIgRCB4l8IAFCDIkgAEEg' +
    'aikDACIFQhKJfHwgA0LP1tO+0ser2UJ+Qh+JQoeVr6+Ytt6bnn9+hUKHla+vmLbem55/fkKdo7Xqg7GNivoAfSAEQs/W077Sx6vZ' +
    'Qn5CH4lCh5Wvr5i23puef36FQoeVr6+Ytt6bnn9+Qp2jteqDsY2K+gB9IAFCz9bTvtLHq9lCfkIfiUKHla+vmLbem55/foVCh5Wv' +
    'r5i23puef35CnaO16oOxjYr6AH0gBULP1tO+0ser2UJ+Qh+JQoeVr6+Ytt6bnn9+hUKHla+vmLbem55/fkKdo7Xqg7GNivoAfQUg' +
    'AULFz9my8eW66id8CyACfCAAQShqIAJCH4OnEAYL';

;// CONCATENATED MODULE: ./src/check/sample-hash.ts
/**
 * A 64-bit hash of a JSON value's canonical form: object keys in sorted order, whitespace and number spelling
 * (`1.0`, `1`) irrelevant, so a file re-serialised by another tool hashes the same. The structure (types, lengths,
 * keys, short strings, numbers) is mixed in JavaScript as the value is walked; the long strings, where the bytes
 * are, are written one after another into the WebAssembly module's memory and hashed there by xxHash64, in one
 * call per value.
 */


/**
 * xxhash-wasm's module, used without its wrapper: what is hashed is written straight into the module's memory
 * (`memory`, a view that a grow replaces), and `xxh64` hashes it there.
 */
let xxh64;
let wasmMemory;
let memory;
const { WebAssembly: wasm } = globalThis;
/** Loads the WebAssembly hasher once; call before hashing. */
async function sample_hash_loadHasher() {
    if (xxh64)
        return;
    const { instance } = await wasm.instantiate(Buffer.from(XXHASH_WASM_BASE64, 'base64'));
    const exports = instance.exports;
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
const writeUtf8 = typeof Buffer.prototype.utf8Write === 'function'
    ? (buffer, text, offset) => buffer.utf8Write(text, offset)
    : (buffer, text, offset) => buffer.write(text, offset);
/** At least `bytes` of the module's memory, from offset 0 (grown by doubling; only pages written take memory). */
function reserve(bytes) {
    if (memory.length >= bytes)
        return;
    wasmMemory.grow(Math.max(Math.ceil((bytes - memory.length) / 65536), memory.length / 65536));
    memory = Buffer.from(wasmMemory.buffer);
}
/** The xxHash64 (seed 0) of the module's memory's first `length` bytes, into longHash. */
function hashMemory(length) {
    longHash[0] = xxh64(0, length, 0n);
}
/** Strings shorter than this are mixed in JavaScript (roles, keys, short values); longer ones go to xxHash64. */
const SHORT_STRING = 24;
let structA = 0;
let structB = 0;
/** Bytes of long strings written at the start of the module's memory for the value being hashed. */
let longLength = 0;
const longHash = new BigUint64Array(1);
const longHashWords = new Uint32Array(longHash.buffer);
const sample_hash_float = new Float64Array(1);
const floatWords = new Int32Array(sample_hash_float.buffer);
function mix(x) {
    structA = mixA(structA, x);
    structB = mixB(structB, x);
}
/** mix()'s two halves as pure functions, so that a loop can keep the state in locals. */
function mixA(a, x) {
    a = Math.imul(a ^ x, 0x01000193);
    return (a << 13) | (a >>> 19);
}
function mixB(b, x) {
    b = (Math.imul(b, 31) + x) | 0;
    return b ^ (b >>> 15);
}
/** FNV-1a of short strings met before: keys and roles repeat on every line, and V8 keeps a string's own hash. */
const shortHashes = new Map();
const MAX_SHORT_HASHES = 4096;
function fnv1a(text) {
    let h = 0x811c9dc5 | 0;
    for (let i = 0; i < text.length; i += 1)
        h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return h;
}
function mixShort(text) {
    mix(shortHash(text));
}
/** The FNV-1a of the roles nearly every message has, known without a lookup. */
const SYSTEM_HASH = fnv1a('system');
const USER_HASH = fnv1a('user');
const ASSISTANT_HASH = fnv1a('assistant');
function shortHash(text) {
    if (text === 'assistant')
        return ASSISTANT_HASH;
    if (text === 'user')
        return USER_HASH;
    if (text === 'system')
        return SYSTEM_HASH;
    let h = shortHashes.get(text);
    if (h === undefined) {
        h = fnv1a(text);
        if (shortHashes.size < MAX_SHORT_HASHES)
            shortHashes.set(text, h);
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
function appendLong(text) {
    // At most 3 bytes a UTF-16 unit, so the write never stops short.
    reserve(longLength + 3 * text.length);
    longLength += writeUtf8(memory, text, longLength);
}
function mixNumber(value) {
    sample_hash_float[0] = Number.isNaN(value) ? Number.NaN : value === 0 ? 0 : value;
    mix(2);
    mix(floatWords[0]);
    mix(floatWords[1]);
}
function walk(value) {
    switch (typeof value) {
        case 'string':
            mix(1);
            mix(value.length);
            if (value.length < SHORT_STRING)
                mixShort(value);
            else
                appendLong(value);
            return;
        case 'number':
            mixNumber(value);
            return;
        case 'boolean':
            mix(value ? 3 : 4);
            return;
        case 'object': {
            if (value === null)
                return mix(5);
            if (value instanceof PyFloat)
                return mixNumber(value.value);
            if (Array.isArray(value)) {
                mix(6);
                mix(value.length);
                for (const item of value)
                    walk(item);
                return;
            }
            walkObject(value, undefined);
            return;
        }
        default:
            mix(8);
    }
}
/** An object, its keys in sorted order; `skip` leaves one key out (hashed apart by the caller). */
function walkObject(record, skip) {
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
        if (at >= 0)
            keys.splice(at, 1);
    }
    // Insertion sort: objects in datasets have a handful of keys.
    for (let i = 1; i < keys.length; i += 1) {
        const key = keys[i];
        let j = i - 1;
        for (; j >= 0 && keys[j] > key; j -= 1)
            keys[j + 1] = keys[j];
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
function walkRange(items, from, to) {
    mix(6);
    mix(to - from);
    for (let i = from; i < to; i += 1)
        walk(items[i]);
}
function fmix(h) {
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
}
/** The canonical hash of a parsed JSON value. */
function hashValue(value) {
    begin();
    walk(value);
    finish();
    return { hi: outHi, lo: outLo };
}
/** The structure's two halves at the start of every hash. */
const STRUCT_A_SEED = 0x1234567;
const STRUCT_B_SEED = 0x7654321;
/** Starts a hash: what is walked until finish() goes into it (no closure per part, on the hot path). */
function begin() {
    if (!xxh64)
        throw new Error('loadHasher() was not awaited');
    structA = STRUCT_A_SEED;
    structB = STRUCT_B_SEED;
    longLength = 0;
}
/** The hash finish() or a combination last made (two numbers, not an object: one sample makes several). */
let outHi = 0;
let outLo = 0;
function finish() {
    let a = structA;
    let b = structB;
    if (longLength > 0) {
        // Read through a 64-bit array, not BigInt arithmetic (each `&` or `>>` on a BigInt makes a new one).
        hashMemory(longLength);
        a ^= longHashWords[0];
        b ^= longHashWords[1];
    }
    outHi = fmix(a ^ Math.imul(b, 0x27d4eb2f));
    outLo = fmix(b ^ Math.imul(a, 0x165667b1));
}
/** Hex form, for tests and ordering. */
function hashHex(hash) {
    return hash.hi.toString(16).padStart(8, '0') + hash.lo.toString(16).padStart(8, '0');
}
/** A combination of part hashes, in order: start, add each part, end (the result in outHi, outLo). */
let combinedA = 0;
let combinedB = 0;
function combineStart(tag) {
    combinedA = 0x3c6ef372 ^ tag;
    combinedB = 0x5be0cd19 ^ tag;
}
function combineAdd(hi, lo) {
    combinedA = (fmix(combinedA ^ hi) + 0x6b) | 0;
    combinedB = (fmix(combinedB ^ lo ^ combinedA) + 0x1b) | 0;
}
function combineEnd() {
    outHi = fmix(combinedA ^ Math.imul(combinedB, 0x27d4eb2f));
    outLo = fmix(combinedB ^ Math.imul(combinedA, 0x165667b1));
}
/**
 * A conversation's whole hash, written at `out[at]`: its prompt's (already at `out[at + 2]`), then its answer's
 * (the messages from the last assistant one) and the rest's (its other keys), combined in that order.
 */
function writeConversationHash(out, at, answerHi, answerLo, restHi, restLo) {
    combineStart(1);
    combineAdd(out[at + 2], out[at + 3]);
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
function hashSampleInto(sample, format, out, at) {
    if (format === 'conversation' && Array.isArray(sample.messages)) {
        const messages = sample.messages;
        let last = messages.length - 1;
        while (last >= 0 && messages[last]?.role !== 'assistant')
            last -= 1;
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
const plainConversation = { characters: 0, hasSystem: false, hasUser: false };
/** The part of a conversation beside its messages when it has no other key: a constant, mixed once. */
let messagesOnlyHi = 0;
let messagesOnlyLo = 0;
/**
 * hashSampleInto for the shape of nearly every conversation: `{"messages": [...]}` alone, each message exactly a
 * string `role` and a string `content`, with an assistant message. The same hashes as the general walk (a unit test
 * compares them), mixed in locals in one loop, with the statistics the review counts taken in the same pass.
 * Returns false, having written nothing, for any other shape.
 */
function hashPlainConversationInto(sample, out, at) {
    const messages = sample.messages;
    if (!Array.isArray(messages) || Object.keys(sample).length !== 1)
        return false;
    let last = -1;
    let characters = 0;
    let hasSystem = false;
    let hasUser = false;
    for (let i = 0; i < messages.length; i += 1) {
        const message = messages[i];
        if (typeof message !== 'object' || message === null || Array.isArray(message))
            return false;
        const role = message.role;
        const content = message.content;
        if (typeof role !== 'string' || typeof content !== 'string' || Object.keys(message).length !== 2)
            return false;
        characters += content.length;
        if (role === 'assistant')
            last = i;
        else if (role === 'user')
            hasUser = true;
        else if (role === 'system')
            hasSystem = true;
    }
    if (last < 0)
        return false;
    if (!xxh64)
        throw new Error('loadHasher() was not awaited');
    plainConversation.characters = characters;
    plainConversation.hasSystem = hasSystem;
    plainConversation.hasUser = hasUser;
    hashMessages(messages, 0, last);
    out[at + 2] = outHi;
    out[at + 3] = outLo;
    hashMessages(messages, last, messages.length);
    writeConversationHash(out, at, outHi, outLo, messagesOnlyHi, messagesOnlyLo);
    return true;
}
/** begin(), walkRange over plain messages, finish(): as walkObject's two-key path mixes each. */
function hashMessages(messages, from, to) {
    longLength = 0;
    let a = mixA(STRUCT_A_SEED, 6);
    let b = mixB(STRUCT_B_SEED, 6);
    a = mixA(a, to - from);
    b = mixB(b, to - from);
    for (let i = from; i < to; i += 1) {
        const { role, content } = messages[i];
        // Object of 2 keys; "content" (7 characters), its hash, then the string (type 1, its length, its text).
        a = mixA(mixA(mixA(mixA(mixA(mixA(a, 7), 2), 7), CONTENT_KEY), 1), content.length);
        b = mixB(mixB(mixB(mixB(mixB(mixB(b, 7), 2), 7), CONTENT_KEY), 1), content.length);
        if (content.length < SHORT_STRING) {
            const h = shortHash(content);
            a = mixA(a, h);
            b = mixB(b, h);
        }
        else
            appendLong(content);
        // "role" (4 characters), its hash, then the string.
        a = mixA(mixA(mixA(mixA(a, 4), ROLE_KEY), 1), role.length);
        b = mixB(mixB(mixB(mixB(b, 4), ROLE_KEY), 1), role.length);
        if (role.length < SHORT_STRING) {
            const h = shortHash(role);
            a = mixA(a, h);
            b = mixB(b, h);
        }
        else
            appendLong(role);
    }
    structA = a;
    structB = b;
    finish();
}
/**
 * The xxHash64 of raw bytes (a line as it is in the file), written to `out` at `at` (low word, then high). Lines
 * with equal bytes have equal values, so the base version's check takes what the head's found for them.
 */
function hashBytesInto(bytes, out, at) {
    if (!xxh64)
        throw new Error('loadHasher() was not awaited');
    reserve(bytes.length);
    memory.set(bytes, 0);
    hashMemory(bytes.length);
    out[at] = longHashWords[0];
    out[at + 1] = longHashWords[1];
}
const scratch = new Uint32Array(4);
/** hashSampleInto, as objects (for tests and callers that hash a few samples). */
function hashSample(sample, format) {
    const prompted = hashSampleInto(sample, format, scratch, 0);
    return {
        whole: { hi: scratch[0], lo: scratch[1] },
        prompt: prompted ? { hi: scratch[2], lo: scratch[3] } : undefined,
    };
}

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_namespaceObject);
;// CONCATENATED MODULE: ./src/check/review-record.ts
/**
 * The layout of a review record, one per hashed sample in a Uint32Array: the sample's hash (2 words), its prompt's
 * hash (2), its line, its flags.
 */
const review_record_RECORD_WORDS = 6;
const SAMPLE_HASH = 0;
const PROMPT_HASH = 2;
const LINE = 4;
const FLAGS = 5;
/** Flag: the sample has a prompt (its prompt hash is meaningful). */
const HAS_PROMPT = 1;
/**
 * With the head's lines hashed (for the base version's check to reuse): per hashed sample, beside its record, the
 * xxHash64 of its line's bytes (2 words), then its statistics as two numbers and a word of bits (FACT_*).
 */
const review_record_LINE_FACT_WORDS = 5;
const review_record_LINE_HASH = 0;
/** Characters: a conversation's or a text's; an instruction's or preference sample's prompt. */
const FACT_A = 2;
/** A conversation's messages; an instruction's or preference sample's answer characters. */
const FACT_B = 3;
/** The counters' bits (FACT_WITHOUT_SYSTEM…), and the format's code (FORMAT_CODES) from bit 8. */
const FACT_BITS = 4;
const FACT_WITHOUT_SYSTEM = 1;
const FACT_WITHOUT_USER = 2;
const FACT_WITH_TOOL_CALLS = 4;
const FACT_WITH_WEIGHTS = 8;
const FACT_FORMAT_SHIFT = 8;

;// CONCATENATED MODULE: ./src/check/record-spill.ts
/**
 * A file's review records past what the review holds in memory, partitioned to files on disk (under RUNNER_TEMP)
 * by the top bits of each record's key: its prompt hash, or its sample hash when it has no prompt. Equal samples
 * have equal prompts, so equal samples and equal prompts always share a partition, in one file as across files:
 * every count of the review is the sum of its counts over the partitions, and one partition at a time is all the
 * review needs in memory.
 */




/** Partitions of a spilled file (a power of two): 4 million samples make partitions of 1.5 MB each. */
const PARTITIONS = 64;
const PARTITION_SHIFT = 32 - Math.log2(PARTITIONS);
/**
 * The most records a partition may hold: the review reads a partition whole, at about 44 bytes a record with its
 * sort, so 1,000,000 take about 44 MB. Partitions fill evenly unless one prompt or sample repeats: it would take
 * 64 million distinct samples to reach this otherwise.
 */
const MAX_PARTITION_RECORDS = 1_000_000;
/** Records buffered per partition before they are appended to its file (64 KiB). */
const BUFFER_RECORDS = 2730;
/** The partition of the record at word `at` of `records`. */
function partitionOf(records, at) {
    const key = (records[at + FLAGS] & HAS_PROMPT) !== 0 ? records[at + PROMPT_HASH] : records[at + SAMPLE_HASH];
    return key >>> PARTITION_SHIFT;
}
/** Writes records to a new directory under `root`, one file per partition, in the order they are appended. */
class RecordSpill {
    maxPartitionRecords;
    dir;
    buffers = Array.from({ length: PARTITIONS }, () => new Uint32Array(BUFFER_RECORDS * review_record_RECORD_WORDS));
    used = new Array(PARTITIONS).fill(0);
    counts = new Array(PARTITIONS).fill(0);
    constructor(root, maxPartitionRecords = MAX_PARTITION_RECORDS) {
        this.maxPartitionRecords = maxPartitionRecords;
        (0,external_node_fs_namespaceObject.mkdirSync)(root, { recursive: true });
        this.dir = (0,external_node_fs_namespaceObject.mkdtempSync)(external_node_path_default().join(root, 'records-'));
    }
    /**
     * Appends records (in file order), their lines moved by `lineOffset`. Throws when writing fails or a partition
     * passes its bound (then `remove` what was written).
     */
    append(records, lineOffset = 0) {
        for (let at = 0; at < records.length; at += review_record_RECORD_WORDS) {
            const p = partitionOf(records, at);
            const buffer = this.buffers[p];
            const to = this.used[p];
            buffer.set(records.subarray(at, at + review_record_RECORD_WORDS), to);
            buffer[to + LINE] = records[at + LINE] + lineOffset;
            this.used[p] = to + review_record_RECORD_WORDS;
            if (this.used[p] === buffer.length)
                this.flush(p);
        }
    }
    /** Writes what is buffered; the records' whereabouts. */
    finish() {
        for (let p = 0; p < PARTITIONS; p += 1)
            this.flush(p);
        release_release(...this.buffers);
        return { dir: this.dir, counts: [...this.counts] };
    }
    /** Removes what was written (a spill given up on). */
    remove() {
        release_release(...this.buffers);
        (0,external_node_fs_namespaceObject.rmSync)(this.dir, { recursive: true, force: true });
    }
    /**
     * The ways to use a spill that give up rather than throw: a spill that cannot be made, written or finished (or
     * whose partition passed its bound) is removed, and the caller keeps statistics only.
     */
    static open(root) {
        if (root === undefined)
            return undefined;
        try {
            return new RecordSpill(root);
        }
        catch {
            return undefined;
        }
    }
    /** `append`, or false (and the spill removed) when it fails. */
    tryAppend(records, lineOffset = 0) {
        try {
            this.append(records, lineOffset);
            return true;
        }
        catch {
            this.remove();
            return false;
        }
    }
    /** `finish`, or undefined (and the spill removed) when it fails. */
    tryFinish() {
        try {
            return this.finish();
        }
        catch {
            this.remove();
            return undefined;
        }
    }
    flush(p) {
        const words = this.used[p];
        if (words === 0)
            return;
        const buffer = this.buffers[p];
        (0,external_node_fs_namespaceObject.appendFileSync)(partitionFile(this.dir, p), new Uint8Array(buffer.buffer, 0, words * 4));
        this.counts[p] += words / review_record_RECORD_WORDS;
        this.used[p] = 0;
        if (this.counts[p] > this.maxPartitionRecords)
            throw new Error(`more than ${this.maxPartitionRecords.toLocaleString('en-US')} records share one partition (one prompt or sample repeats that often)`);
    }
}
/** The records of one partition, in file order (read straight into the typed array: no copy of the file). */
function readPartition(spilled, p) {
    const words = new Uint32Array(spilled.counts[p] * RECORD_WORDS);
    if (words.length === 0)
        return words;
    const bytes = new Uint8Array(words.buffer);
    const fd = openSync(partitionFile(spilled.dir, p), 'r');
    try {
        for (let at = 0; at < bytes.length;) {
            const read = readSync(fd, bytes, at, bytes.length - at, at);
            if (read === 0)
                throw new Error(`the review's records on disk are shorter than written (${partitionFile(spilled.dir, p)})`);
            at += read;
        }
    }
    finally {
        closeSync(fd);
    }
    return words;
}
/** The records of `records` in partition `p`, in their order. */
function recordsInPartition(records, p) {
    let count = 0;
    for (let at = 0; at < records.length; at += RECORD_WORDS)
        if (partitionOf(records, at) === p)
            count += 1;
    const kept = new Uint32Array(count * RECORD_WORDS);
    for (let at = 0, to = 0; at < records.length; at += RECORD_WORDS) {
        if (partitionOf(records, at) !== p)
            continue;
        kept.set(records.subarray(at, at + RECORD_WORDS), to);
        to += RECORD_WORDS;
    }
    return kept;
}
function removeSpilled(spilled) {
    rmSync(spilled.dir, { recursive: true, force: true });
}
function partitionFile(dir, p) {
    return external_node_path_default().join(dir, `${p.toString().padStart(2, '0')}.bin`);
}

;// CONCATENATED MODULE: ./src/check/review-collector.ts
/**
 * What the check's parse hands the review, sample by sample: each sample's canonical hash and its prompt's, its
 * line, and the statistics. Only hashes are kept (24 bytes a sample, in typed arrays), never the samples.
 */








const COUNTERS = ['without_system', 'without_user', 'with_tool_calls', 'with_weights'];
const DISTRIBUTIONS = ['characters', 'messages', 'promptCharacters', 'answerCharacters'];
function reviewCounters(data) {
    const counters = {};
    COUNTERS.forEach((name, i) => (counters[name] = data.stats[i]));
    return counters;
}
function reviewDistribution(data, which) {
    let at = COUNTERS.length;
    // Each packed distribution takes 1 + 2n numbers: skip to the one wanted.
    for (let k = DISTRIBUTIONS.indexOf(which); k > 0; k -= 1)
        at += 1 + 2 * data.stats[at];
    return Distribution.unpack(data.stats, at).distribution;
}
function packStats(counters, distributions) {
    const packed = COUNTERS.map((name) => counters[name]);
    for (const name of DISTRIBUTIONS)
        distributions[name].packInto(packed);
    return Float64Array.from(packed);
}
/**
 * The most samples whose hashes a file's review holds in memory (24 bytes each, 12 MB). Past it, they are
 * partitioned to disk (RecordSpill); where that cannot be done, the review keeps statistics only and says so.
 */
const DEFAULT_MAX_HASHED_SAMPLES = 500_000;
/** Lets a file's line facts go once its base version is compared (on shared memory, they go with the last reference). */
function dropLineFacts(data) {
    release(data.lineFacts);
    delete data.lineFacts;
}
/** Whether every sample's hashes are kept, in `records` or on disk (false: statistics only). */
function isHashed(data) {
    return data.spilled !== undefined || data.records.length === data.samples * RECORD_WORDS;
}
class ReviewCollector {
    maxHashed;
    spillRoot;
    // Small to start: a step may check 20,000 files of a few samples each; it doubles as it fills.
    records = new Uint32Array(review_record_RECORD_WORDS * 16);
    count = 0;
    format = null;
    counters = {
        without_system: 0,
        without_user: 0,
        with_tool_calls: 0,
        with_weights: 0,
    };
    characters = new distribution_Distribution();
    messages = new distribution_Distribution();
    promptCharacters = new distribution_Distribution();
    answerCharacters = new distribution_Distribution();
    /** Samples seen, hashed or not. */
    samples = 0;
    /** Past the bound: the records on disk, `records` then being the buffer that fills them. */
    spill;
    /** Past the bound with no spill (none asked for, or writing it failed): statistics only. */
    unhashed = false;
    /**
     * With `hashLines`, each record's line hash and statistics (LINE_FACT_WORDS each), for a base version's check to
     * reuse; let go once the records are spilled (the table is for files whose records the review holds).
     */
    lineFacts;
    /**
     * `spillRoot`: where records past `maxHashed` are partitioned to disk; without one, statistics only past it.
     * `hashLines`: keep each record's line hash and statistics (see ReviewData.lineFacts).
     */
    constructor(maxHashed = DEFAULT_MAX_HASHED_SAMPLES, spillRoot, hashLines = false) {
        this.maxHashed = maxHashed;
        this.spillRoot = spillRoot;
        if (hashLines)
            this.lineFacts = new Uint32Array(review_record_LINE_FACT_WORDS * 16);
    }
    /** Whether `add` needs each sample's line (its bytes are hashed): until the records go to disk. */
    get hashesLines() {
        return this.lineFacts !== undefined;
    }
    /**
     * A sample that passed its check, with its detected format (undefined when the rules do not detect one), and
     * its line's bytes while `hashesLines`.
     */
    add(sample, format, line, raw) {
        const kind = format ?? detectFormat(sample);
        this.format ??= kind ?? null;
        this.samples += 1;
        const at = this.nextRecord();
        // The sample hash and the prompt hash, written in place (SAMPLE_HASH, then PROMPT_HASH); a plain conversation's
        // statistics found on the way.
        let prompted;
        if (at >= 0 && kind === 'conversation' && hashPlainConversationInto(sample, this.records, at)) {
            prompted = true;
            factsOfPlainConversation(sample);
        }
        else {
            factsOf(sample, kind);
            prompted = at >= 0 && hashSampleInto(sample, kind, this.records, at);
        }
        this.addFacts(kind, factA, factB, factBits);
        if (at < 0)
            return;
        this.records[at + LINE] = line;
        this.records[at + FLAGS] = prompted ? HAS_PROMPT : 0;
        if (this.lineFacts) {
            const facts = (at / review_record_RECORD_WORDS) * review_record_LINE_FACT_WORDS;
            hashBytesInto(raw, this.lineFacts, facts + review_record_LINE_HASH);
            this.lineFacts[facts + FACT_A] = factA;
            this.lineFacts[facts + FACT_B] = factB;
            this.lineFacts[facts + FACT_BITS] = factBits | ((kind ? FORMAT_CODES.indexOf(kind) : 0) << FACT_FORMAT_SHIFT);
        }
        this.count += 1;
    }
    /**
     * A sample whose line is byte for byte one the head's check saw: its record and statistics are those of the
     * head's `sample`, nothing parsed.
     */
    addKnown(known, sample, line) {
        const bits = known.fact(sample, FACT_BITS);
        const kind = FORMAT_CODES[bits >>> FACT_FORMAT_SHIFT] ?? undefined;
        this.format ??= kind ?? null;
        this.samples += 1;
        this.addFacts(kind, known.fact(sample, FACT_A), known.fact(sample, FACT_B), bits);
        const at = this.nextRecord();
        if (at < 0)
            return;
        known.copyRecord(sample, this.records, at);
        this.records[at + LINE] = line;
        // A table is only given to a base version's check, which hashes no lines of its own.
        this.lineFacts = undefined;
        this.count += 1;
    }
    /** Where the next record goes, the buffers grown or spilled as needed; -1 when the hashes are let go. */
    nextRecord() {
        if (this.samples > this.maxHashed && !this.spill && !this.unhashed)
            this.spillOrLetGo();
        if (this.unhashed)
            return -1;
        if (this.count * review_record_RECORD_WORDS === this.records.length) {
            if (this.spill)
                this.spillHeld();
            else {
                const grown = new Uint32Array(this.records.length * 2);
                grown.set(this.records);
                release_release(this.records);
                this.records = grown;
                if (this.lineFacts) {
                    const facts = new Uint32Array(this.lineFacts.length * 2);
                    facts.set(this.lineFacts);
                    release_release(this.lineFacts);
                    this.lineFacts = facts;
                }
            }
            if (this.unhashed)
                return -1;
        }
        return this.count * review_record_RECORD_WORDS;
    }
    /** Counts a sample's statistics, as factsOf found them (or a known line's entry holds them). */
    addFacts(kind, a, b, bits) {
        if (bits & FACT_WITH_WEIGHTS)
            this.counters.with_weights += 1;
        switch (kind) {
            case 'general':
                this.characters.add(a);
                return;
            case 'instruction':
            case 'preference_openai':
                this.promptCharacters.add(a);
                this.answerCharacters.add(b);
                this.characters.add(a + b);
                return;
            case 'conversation':
                if (bits & FACT_WITHOUT_SYSTEM)
                    this.counters.without_system += 1;
                if (bits & FACT_WITHOUT_USER)
                    this.counters.without_user += 1;
                if (bits & FACT_WITH_TOOL_CALLS)
                    this.counters.with_tool_calls += 1;
                this.messages.add(b);
                this.characters.add(a);
                return;
            default:
                return;
        }
    }
    /** The data collected; called once, at the end (the collector lets its buffer go). */
    data() {
        let spilled;
        if (this.spill) {
            this.spillHeld();
            spilled = this.spill?.tryFinish();
            if (!spilled)
                this.letGo();
        }
        // The collector is done: its buffer (most of it unused) goes now, the records in one of their own size.
        const records = this.records.slice(0, this.count * review_record_RECORD_WORDS);
        const lineFacts = spilled ? undefined : this.lineFacts?.slice(0, this.count * review_record_LINE_FACT_WORDS);
        release_release(this.records);
        release_release(this.lineFacts);
        this.records = new Uint32Array(0);
        this.lineFacts = undefined;
        this.count = 0;
        const stats = packStats(this.counters, this);
        for (const name of DISTRIBUTIONS)
            this[name].dispose();
        return {
            format: this.format,
            samples: this.samples,
            records,
            stats,
            ...(spilled ? { spilled } : {}),
            ...(lineFacts ? { lineFacts } : {}),
        };
    }
    /** Past the bound: the records held go to a spill, or (without one) are let go. */
    spillOrLetGo() {
        release_release(this.lineFacts);
        this.lineFacts = undefined;
        this.spill = RecordSpill.open(this.spillRoot);
        if (this.spill)
            this.spillHeld();
        else
            this.letGo();
    }
    /** The records held, appended to the spill; the buffer empty again. A failed write leaves statistics only. */
    spillHeld() {
        if (this.spill.tryAppend(this.records.subarray(0, this.count * review_record_RECORD_WORDS)))
            this.count = 0;
        else
            this.letGo();
    }
    /** Statistics only from now on: every hash let go, on disk too. */
    letGo() {
        this.spill?.remove();
        this.spill = undefined;
        this.unhashed = true;
        release_release(this.records);
        this.records = new Uint32Array(0);
        this.count = 0;
    }
}
/** What factsOf found last (module state, not an object: the check reads millions of samples). */
let factA = 0;
let factB = 0;
let factBits = 0;
/** factsOf for a conversation hashPlainConversationInto took: no weights, no tool calls, its counts already made. */
function factsOfPlainConversation(sample) {
    factA = plainConversation.characters;
    factB = sample.messages.length;
    factBits =
        (plainConversation.hasSystem ? 0 : FACT_WITHOUT_SYSTEM) | (plainConversation.hasUser ? 0 : FACT_WITHOUT_USER);
}
/** A sample's statistics as two numbers and the counters' bits (see FACT_A, FACT_B, FACT_BITS). */
function factsOf(sample, kind) {
    factA = 0;
    factB = 0;
    factBits = 'weight' in sample ? FACT_WITH_WEIGHTS : 0;
    switch (kind) {
        case 'general':
            factA = contentChars(sample.text);
            return;
        case 'instruction':
            factA = contentChars(sample.prompt);
            factB = contentChars(sample.completion);
            return;
        case 'preference_openai':
            factA = messagesChars(sample.input?.messages);
            factB = messagesChars(sample.preferred_output);
            return;
        case 'conversation': {
            const messages = Array.isArray(sample.messages) ? sample.messages : [];
            let system = false;
            let user = false;
            let tools = false;
            let weights = false;
            for (const message of messages) {
                // The base version is checked structurally only: a message may be anything.
                if (message === null || typeof message !== 'object')
                    continue;
                const m = message;
                system ||= m.role === 'system';
                user ||= m.role === 'user';
                tools ||= Array.isArray(m.tool_calls) && m.tool_calls.length > 0;
                weights ||= 'weight' in m;
            }
            if (!system)
                factBits |= FACT_WITHOUT_SYSTEM;
            if (!user)
                factBits |= FACT_WITHOUT_USER;
            if (tools)
                factBits |= FACT_WITH_TOOL_CALLS;
            if (weights)
                factBits |= FACT_WITH_WEIGHTS;
            factA = messagesChars(messages);
            factB = messages.length;
            return;
        }
        default:
            return;
    }
}
/** The review's format of a sample the rules did not classify (eval data): the first format whose keys it has. */
function detectFormat(sample) {
    return FORMAT_KEYS.find(([, keys]) => keys.every((key) => key in sample))?.[0];
}
/** Characters of a content: a string, or the text parts of a list (UTF-16 code units, as JavaScript counts). */
function contentChars(content) {
    if (typeof content === 'string')
        return content.length;
    if (!Array.isArray(content))
        return 0;
    let chars = 0;
    for (const part of content) {
        const text = part?.text;
        if (typeof text === 'string')
            chars += text.length;
    }
    return chars;
}
function messagesChars(messages) {
    if (!Array.isArray(messages))
        return 0;
    let chars = 0;
    for (const message of messages)
        chars += contentChars(message?.content);
    return chars;
}
/** The review data of no samples (the head of a deleted dataset). */
function emptyReviewData() {
    return new ReviewCollector().data();
}
/**
 * Joins ranges' data in file order, line numbers made absolute by each range's first line. With `spilled`, the
 * ranges' records are already on disk there (their `records` are empty).
 */
function mergeReviewData(parts, maxHashed = DEFAULT_MAX_HASHED_SAMPLES, spilled) {
    const samples = parts.reduce((sum, p) => sum + p.data.samples, 0);
    const hashed = !spilled && samples <= maxHashed && parts.every((p) => isHashed(p.data));
    const withFacts = hashed && parts.every((p) => p.data.lineFacts !== undefined);
    // With line facts, on shared memory: the base version's check reads them from its worker threads, uncopied.
    const records = withFacts
        ? new Uint32Array(new SharedArrayBuffer(4 * samples * RECORD_WORDS))
        : new Uint32Array(hashed ? samples * RECORD_WORDS : 0);
    const lineFacts = withFacts ? new Uint32Array(new SharedArrayBuffer(4 * samples * LINE_FACT_WORDS)) : undefined;
    let factsAt = 0;
    const counters = { without_system: 0, without_user: 0, with_tool_calls: 0, with_weights: 0 };
    const dists = {
        characters: new Distribution(),
        messages: new Distribution(),
        promptCharacters: new Distribution(),
        answerCharacters: new Distribution(),
    };
    let at = 0;
    let format = null;
    for (const { data, lineOffset } of parts) {
        format ??= data.format;
        if (hashed) {
            records.set(data.records, at);
            for (let i = at + 4; i < at + data.records.length; i += RECORD_WORDS)
                records[i] = records[i] + lineOffset;
            at += data.records.length;
        }
        if (lineFacts) {
            lineFacts.set(data.lineFacts, factsAt);
            factsAt += data.lineFacts.length;
        }
        COUNTERS.forEach((name, i) => (counters[name] += data.stats[i]));
        let packedAt = COUNTERS.length;
        for (const name of DISTRIBUTIONS)
            packedAt = dists[name].addPacked(data.stats, packedAt);
    }
    return {
        format,
        samples,
        records,
        stats: packStats(counters, dists),
        ...(spilled ? { spilled } : {}),
        ...(lineFacts ? { lineFacts } : {}),
    };
}
/** A file's data at most this many words (records and statistics) is copied into the store's shared arrays. */
const INLINE_WORDS = 4096;
/**
 * Where the check keeps each file's review data until the review: small files' data copied end to end into a few
 * shared typed arrays, so 20,000 files leave no object each behind them (their many small survivors made V8 grow
 * its young generation by about 150 MiB); a large file's data kept as it is (copying would double it).
 */
class ReviewStore {
    spillRoot;
    /**
     * `spillRoot`: the directory (made on first use) under which large files' records are partitioned to disk; it
     * is the run's, and `dispose` removes it.
     */
    constructor(spillRoot) {
        this.spillRoot = spillRoot;
    }
    words = new Uint32Array(4096);
    wordsUsed = 0;
    numbers = new Float64Array(1024);
    numbersUsed = 0;
    /** Per slot: where its records start, their words, its samples, where its stats start, their length, its format. */
    slots = new Float64Array(SLOT * 64);
    count = 0;
    large = new Map();
    /** Keeps the data; the slot to get it back with. */
    add(data) {
        const slot = this.count++;
        if (this.slots.length < this.count * SLOT)
            this.slots = grown(this.slots, this.count * SLOT);
        if (data.spilled || data.records.length + data.stats.length > INLINE_WORDS) {
            this.large.set(slot, data);
            return slot;
        }
        if (this.words.length < this.wordsUsed + data.records.length)
            this.words = grown(this.words, this.wordsUsed + data.records.length);
        if (this.numbers.length < this.numbersUsed + data.stats.length)
            this.numbers = grown(this.numbers, this.numbersUsed + data.stats.length);
        this.words.set(data.records, this.wordsUsed);
        this.numbers.set(data.stats, this.numbersUsed);
        this.slots.set([
            this.wordsUsed,
            data.records.length,
            data.samples,
            this.numbersUsed,
            data.stats.length,
            FORMAT_CODES.indexOf(data.format),
        ], slot * SLOT);
        this.wordsUsed += data.records.length;
        this.numbersUsed += data.stats.length;
        return slot;
    }
    /** Removes what the store's files put on disk. */
    dispose() {
        if (this.spillRoot !== undefined)
            rmSync(this.spillRoot, { recursive: true, force: true });
    }
    /** The data of a slot (views into the shared arrays: valid until the next add). */
    get(slot) {
        const large = this.large.get(slot);
        if (large)
            return large;
        const [records, words, samples, stats, statsLength, format] = this.slots.subarray(slot * SLOT, (slot + 1) * SLOT);
        return {
            format: FORMAT_CODES[format] ?? null,
            samples: samples,
            records: this.words.subarray(records, records + words),
            stats: this.numbers.subarray(stats, stats + statsLength),
        };
    }
}
const SLOT = 6;
const FORMAT_CODES = [null, ...FORMAT_KEYS.map(([format]) => format)];
function grown(array, needed) {
    const next = new array.constructor(Math.max(needed, array.length * 2));
    next.set(array);
    return next;
}

;// CONCATENATED MODULE: external "node:fs/promises"
const external_node_fs_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: ./src/check/known-lines.ts
/**
 * What the head's check found for each of its lines, found by the xxHash64 of the line's bytes: the base
 * version's check takes a byte-identical line's record and statistics from here instead of parsing it. In a pull
 * request most of a dataset's lines are unchanged, and parsing is most of a check's time.
 *
 * The head's records and line facts themselves, on SharedArrayBuffers (the check's worker threads read them
 * without a copy), and an open-addressing index over them: per slot, a sample's index + 1 (0 for none), at most
 * one sample per distinct line.
 */




/** An array on a SharedArrayBuffer: itself when it is on one, else a copy. */
function shared(array) {
    if (array.buffer instanceof SharedArrayBuffer)
        return array;
    const copy = new Uint32Array(new SharedArrayBuffer(array.byteLength));
    copy.set(array);
    return copy;
}
/** The table of a head's hashed samples: `records` (RECORD_WORDS each) and their `facts` (LINE_FACT_WORDS each). */
function buildKnownLines(records, facts) {
    const samples = Math.min(records.length / RECORD_WORDS, facts.length / LINE_FACT_WORDS);
    // At most two thirds full: a line is found within two probes on average (each probe a read of its facts).
    const slots = 2 ** Math.ceil(Math.log2(Math.max(16, samples * 1.5)));
    const index = new Uint32Array(new SharedArrayBuffer(4 * slots));
    const mask = slots - 1;
    for (let i = 0; i < samples; i += 1) {
        const lo = facts[i * LINE_FACT_WORDS + LINE_HASH];
        const hi = facts[i * LINE_FACT_WORDS + LINE_HASH + 1];
        let slot = lo & mask;
        while (index[slot] !== 0 && !sameLine(facts, index[slot] - 1, lo, hi))
            slot = (slot + 1) & mask;
        // A line that repeats is found at its first sample.
        if (index[slot] === 0)
            index[slot] = i + 1;
    }
    return { index, records: shared(records), facts: shared(facts) };
}
function sameLine(facts, sample, lo, hi) {
    const at = sample * review_record_LINE_FACT_WORDS + review_record_LINE_HASH;
    return facts[at] === lo && facts[at + 1] === hi;
}
/** Lookups in a table made by buildKnownLines (in any thread). */
class KnownLines {
    index;
    records;
    facts;
    mask;
    hash = new Uint32Array(2);
    constructor(data) {
        this.index = data.index;
        this.records = data.records;
        this.facts = data.facts;
        this.mask = data.index.length - 1;
    }
    /** The head's sample whose line has these bytes, or -1 (the hasher must be loaded). */
    find(line) {
        hashBytesInto(line, this.hash, 0);
        const lo = this.hash[0];
        const hi = this.hash[1];
        for (let slot = lo & this.mask; this.index[slot] !== 0; slot = (slot + 1) & this.mask) {
            const sample = this.index[slot] - 1;
            if (sameLine(this.facts, sample, lo, hi))
                return sample;
        }
        return -1;
    }
    /** Copies a sample's record to `out` at `at`, but its line: the hashes and the flags. */
    copyRecord(sample, out, at) {
        const from = sample * review_record_RECORD_WORDS;
        for (let word = 0; word < review_record_RECORD_WORDS; word += 1)
            if (word !== LINE)
                out[at + word] = this.records[from + word];
    }
    /** The sample's statistics: FACT_A, FACT_B, FACT_BITS. */
    fact(sample, which) {
        return this.facts[sample * review_record_LINE_FACT_WORDS + which];
    }
}
/** Windows of a file that knownShare reads, and their size. */
const SHARE_WINDOWS = 16;
const SHARE_WINDOW_BYTES = (/* unused pure expression or super */ null && (64 * 1024));
/**
 * The share of a file's lines that the table knows, estimated from the whole lines of 16 windows of 64 KiB spread
 * over the file: 0 when they hold no whole line, as nothing is known then. Lines end at `\n`; a `\r` before it
 * is not part of the line, as the check reads them.
 */
async function knownShare(file, bytes, data) {
    await loadHasher();
    const known = new KnownLines(data);
    // No larger than the file: a review of thousands of small files made as many 64 KiB buffers.
    const window = Buffer.allocUnsafeSlow(Math.min(SHARE_WINDOW_BYTES, bytes));
    let lines = 0;
    let found = 0;
    const handle = await open(file, 'r');
    try {
        for (let k = 0; k < SHARE_WINDOWS; k += 1) {
            const from = Math.floor((k * bytes) / SHARE_WINDOWS);
            const { bytesRead } = await handle.read(window, 0, window.length, from);
            const read = window.subarray(0, bytesRead);
            // Whole lines only: from the first line start in the window to its last `\n`.
            let start = from === 0 ? 0 : read.indexOf(10) + 1;
            if (start === 0 && from !== 0)
                continue;
            for (let end = read.indexOf(10, start); end >= 0; end = read.indexOf(10, start)) {
                const stop = end > start && read[end - 1] === 13 ? end - 1 : end;
                lines += 1;
                if (known.find(read.subarray(start, stop)) >= 0)
                    found += 1;
                start = end + 1;
            }
        }
    }
    finally {
        await handle.close();
        release(window);
    }
    return lines === 0 ? 0 : found / lines;
}

;// CONCATENATED MODULE: ./src/check/jsonl.ts
/** Together's line rules for JSONL, applied to each line as the file streams by (rules doc, sections 4 to 7). */







/** Python's str.strip() whitespace, for `structural`'s blank lines (not U+FEFF: a BOM is not blank). */
// eslint-disable-next-line no-control-regex -- Python counts \x1c-\x1f as whitespace, so this must too.
const BLANK = /^[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;
/**
 * Scans a JSONL file or byte range. `firstFormat` is line 1's format when the range does not start at line 1:
 * every line must share it.
 */
async function scanJsonl(path, range, rules, firstFormat, options = {}) {
    const collector = options.review && rules !== 'utf8'
        ? new ReviewCollector(options.reviewMaxSamples, options.reviewSpillRoot, options.reviewHashLines)
        : undefined;
    if (collector)
        await sample_hash_loadHasher();
    const known = collector && options.reviewKnownLines ? new KnownLines(options.reviewKnownLines) : undefined;
    const visitor = new JsonlVisitor(rules, firstFormat, (range.start ?? 0) === 0, collector, known);
    const read = await readLines(path, range, visitor, options);
    const overlong = read.overlong && { line: read.overlong.line, message: overlongLineMessage(read.overlong.limit) };
    return {
        ...read,
        samples: visitor.samples,
        problem: visitor.problem ?? overlong ?? null,
        firstFormat: visitor.rangeFirstFormat,
        warnings: visitor.warnings,
        omittedWarnings: visitor.omittedWarnings,
        ...(collector ? { review: collector.data() } : {}),
    };
}
class JsonlVisitor {
    rules;
    firstFormat;
    startsFile;
    collector;
    samples = 0;
    problem = null;
    rangeFirstFormat;
    warnings = [];
    omittedWarnings = 0;
    currentLine = 0;
    /** The value and format of the line just checked, for the review. */
    lastValue;
    lastFormat;
    hints = { constantsSeen: false };
    warn = (message) => {
        if (this.warnings.length < MAX_WARNINGS)
            this.warnings.push({ line: this.currentLine, message });
        else
            this.omittedWarnings += 1;
    };
    known;
    constructor(rules, firstFormat, startsFile, collector, known) {
        this.rules = rules;
        this.firstFormat = firstFormat;
        this.startsFile = startsFile;
        this.collector = collector;
        // Only the structural rules judge a line by itself alone (no format shared with line 1), so only they can
        // take a line's verdict from another file's check.
        this.known = rules === 'structural' ? known : undefined;
    }
    get wantsLines() {
        return this.problem === null && this.rules !== 'utf8';
    }
    line(data, start, end, line) {
        this.currentLine = line;
        if (this.known) {
            // A line the head's check passed, byte for byte: a sample, whose record and statistics are known.
            const sample = this.known.find(data.subarray(start, end));
            if (sample >= 0) {
                this.samples += 1;
                this.collector.addKnown(this.known, sample, line);
                return;
            }
        }
        const text = data.toString('utf8', start, end);
        // Nearly every line starts with '{': only others can be blank.
        const blank = text.charCodeAt(0) !== 0x7b && BLANK.test(text);
        if (blank && this.rules === 'structural')
            return;
        const problem = blank
            ? 'The line is blank; every line must be a JSON object (remove blank lines, including one at the end of the file).'
            : this.lineProblem(text, line);
        if (problem !== undefined) {
            this.problem = { line, message: problem };
            return;
        }
        this.samples += 1;
        if (this.collector && this.lastValue)
            this.collector.add(this.lastValue, this.lastFormat, line, this.collector.hashesLines ? data.subarray(start, end) : undefined);
    }
    /** The line's problem, or undefined; records line 1's format. */
    lineProblem(text, line) {
        this.lastValue = undefined;
        const parsed = parsePythonJson(text, this.hints);
        if (!parsed.ok) {
            if (line === 1 && this.startsFile && text.charCodeAt(0) === 0xfeff) {
                return 'The file starts with a byte order mark (BOM), which Together refuses; save it as UTF-8 without BOM.';
            }
            return `The line is not valid JSON (${parsed.reason}); each line must be one complete JSON object.`;
        }
        const value = parsed.value;
        // JSON.parse nests without limit; Python's json.loads, which Together reads with, stops near 1,000 levels.
        if (text.length > 2 * MAX_DEPTH && hasAtLeastBrackets(text, MAX_DEPTH) && nestsDeeperThan(value, MAX_DEPTH)) {
            return `The line is not valid JSON for Together (nesting deeper than ${MAX_DEPTH} levels, which Python's json.loads refuses); flatten the sample.`;
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
            return `The line is a JSON ${jsonType(value)}, not an object; each line must be one JSON object such as {"messages": [...]}.`;
        }
        this.lastValue = value;
        this.lastFormat = undefined;
        if (this.rules !== 'full')
            return undefined;
        const verdict = checkSample(value, this.firstFormat, this.warn);
        if (verdict.error !== undefined)
            return verdict.error;
        this.lastFormat = verdict.format;
        this.firstFormat ??= verdict.format;
        if (line === 1)
            this.rangeFirstFormat = verdict.format;
        return undefined;
    }
}
/** Whether a parsed value nests deeper than `limit` containers, found without recursion. */
function nestsDeeperThan(value, limit) {
    const stack = [[value, 1]];
    while (stack.length > 0) {
        const [item, depth] = stack.pop();
        if (item === null || typeof item !== 'object')
            continue;
        if (depth > limit)
            return true;
        const children = Array.isArray(item) ? item : Object.values(item);
        for (const child of children)
            if (child !== null && typeof child === 'object')
                stack.push([child, depth + 1]);
    }
    return false;
}
/**
 * Whether the text holds at least `count` of `[` and `{` together: a value cannot nest `count` deep with fewer. A
 * conversation holds a few dozen, found by native indexOf, so nearly no line pays for the walk of its value.
 */
function hasAtLeastBrackets(text, count) {
    let found = 0;
    for (const bracket of ['[', '{']) {
        for (let i = text.indexOf(bracket); i >= 0; i = text.indexOf(bracket, i + 1))
            if (++found >= count)
                return true;
    }
    return false;
}

;// CONCATENATED MODULE: ./src/check/worker.ts
/** Worker-thread entry (bundled to dist/worker/index.js): scans byte ranges of JSONL files for the checker. */



const port = external_node_worker_threads_namespaceObject.parentPort;
const reply = (message) => port.postMessage(message);
port.on('message', (message) => {
    switch (message.kind) {
        case 'scan': {
            const { index, task } = message;
            scanJsonl(task.path, task.range, task.rules, task.firstFormat, {
                maxLineBytes: task.maxLineBytes,
                review: task.review,
                reviewMaxSamples: task.reviewMaxSamples,
                reviewHashLines: task.reviewHashLines,
                reviewKnownLines: task.reviewKnownLines,
            }).then(
            // The review's arrays are handed over, not copied: a 1 GiB file sends the main thread 120 MB of them.
            (result) => port.postMessage({ kind: 'scan', index, ok: true, result }, result.review
                ? [
                    result.review.records.buffer,
                    result.review.stats.buffer,
                    ...(result.review.lineFacts ? [result.review.lineFacts.buffer] : []),
                ]
                : []), (error) => reply({ kind: 'scan', index, ok: false, error: messageOf(error) }));
            return;
        }
    }
});

