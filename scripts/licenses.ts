/**
 * Writes dist/licenses.txt: the license of every package bundled into dist/ (ncc's own --license option keeps only
 * the last chunk's when the bundle is split). The packages are read from the module paths ncc leaves in the
 * bundle, nested copies included; the output is sorted, so a rebuild gives the same file.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from '../testkit/run-action.js';

/** Package directories, relative to the project (e.g. `node_modules/@actions/github/node_modules/@actions/http-client`). */
async function bundledPackages(dir: string): Promise<Set<string>> {
  const packages = new Set<string>();
  for (const entry of await readdir(dir, { recursive: true })) {
    if (!entry.endsWith('.js')) continue;
    const text = await readFile(path.join(dir, entry), 'utf8');
    for (const match of text.matchAll(/\.\/((?:node_modules\/(?:@[\w.-]+\/)?[\w.-]+\/)+)/g)) {
      packages.add(match[1]!.slice(0, -1));
    }
  }
  return packages;
}

async function licenseOf(packageDir: string): Promise<{ title: string; text: string }> {
  const dir = path.join(ROOT, packageDir);
  const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as {
    name?: string;
    license?: string;
    version?: string;
  };
  const file = (await readdir(dir)).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  const text = file ? (await readFile(path.join(dir, file), 'utf8')).trim() : '(no license file in the package)';
  const title = `${manifest.name ?? packageDir} ${manifest.version ?? ''}`.trim();
  return { title, text: `${title}\n${manifest.license ?? 'UNKNOWN'}\n${text}` };
}

/** Packages whose code is in the bundle without a module path: xxhash-wasm's module, embedded as base64. */
const EMBEDDED = ['node_modules/xxhash-wasm'];

const bundled = new Set([...(await bundledPackages(path.join(ROOT, 'dist'))), ...EMBEDDED]);
const licenses = await Promise.all([...bundled].map(licenseOf));
const unique = [...new Map(licenses.map((l) => [l.title, l.text])).entries()].sort(([a], [b]) => (a < b ? -1 : 1));
await writeFile(path.join(ROOT, 'dist', 'licenses.txt'), `${unique.map(([, text]) => text).join('\n\n')}\n`);
console.log(`dist/licenses.txt: ${unique.length} packages`);
