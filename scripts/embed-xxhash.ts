/**
 * Writes src/check/xxhash-module.ts: the WebAssembly module of the xxhash-wasm package, as base64. The action
 * instantiates it itself to write strings straight into its memory and call its xxh64 export, which the package's
 * wrapper does not allow (it copies every input once more and makes two BigInts a call). Run after upgrading
 * xxhash-wasm; a unit test fails while the embedded module differs from the package's.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from '../testkit/run-action.js';

const PACKAGE_DIR = path.join(ROOT, 'node_modules', 'xxhash-wasm');
const MODULE_FILE = path.join(PACKAGE_DIR, 'workerd', 'xxhash.wasm');

const version = (JSON.parse(await readFile(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string })
  .version;
const bytes = await readFile(MODULE_FILE);
const base64 = bytes.toString('base64');
const lines = base64.match(/.{1,100}/g)!.map((line) => `  '${line}' +`);
lines[lines.length - 1] = lines[lines.length - 1]!.slice(0, -2) + ';';
await writeFile(
  path.join(ROOT, 'src', 'check', 'xxhash-module.ts'),
  `/**
 * The WebAssembly module of xxhash-wasm ${version} (\`workerd/xxhash.wasm\`, ${bytes.length} bytes), written by
 * scripts/embed-xxhash.ts. MIT License, Copyright (c) 2017 Michael Jungo (see dist/licenses.txt).
 * Exports: \`mem\`, and \`xxh64(offset, length, seed: i64): i64\` over that memory (with the streaming functions).
 */
export const XXHASH_WASM_VERSION = '${version}';

export const XXHASH_WASM_BASE64 =
${lines.join('\n')}
`,
);
console.log(`src/check/xxhash-module.ts: xxhash-wasm ${version}, ${bytes.length} bytes`);
