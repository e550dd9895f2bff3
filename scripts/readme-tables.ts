/**
 * The README's input and output tables, generated from action.yml and fine-tune/action.yml. `npm run docs` rewrites them in place; a test
 * fails when the README and action.yml drift apart.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import { readActionYaml, ROOT } from '../testkit/run-action.js';

type ActionYaml = Awaited<ReturnType<typeof readActionYaml>>;

const cell = (text: string) => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();

export function renderInputsTable(action: ActionYaml): string {
  const rows = Object.entries(action.inputs).map(([name, spec]) => {
    const s = spec as { description?: string; required?: boolean; default?: string };
    const def = s.required
      ? '**required**'
      : s.default === '' || s.default === undefined
        ? '""'
        : `\`${cell(String(s.default))}\``;
    return `| \`${name}\` | ${def} | ${cell(s.description ?? '')} |`;
  });
  return ['| input | default | description |', '| --- | --- | --- |', ...rows].join('\n');
}

export function renderOutputsTable(action: ActionYaml): string {
  const rows = Object.entries(action.outputs).map(
    ([name, spec]) => `| \`${name}\` | ${cell((spec as { description?: string }).description ?? '')} |`,
  );
  return ['| output | description |', '| --- | --- |', ...rows].join('\n');
}

/** Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`. */
export function replaceSection(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start (generated from action.yml by npm run docs) -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no '${start}' ... '${end}' section`);
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}

/** The README with both tables rendered from action.yml, formatted by Prettier. */
export async function renderReadme(): Promise<string> {
  const action = await readActionYaml();
  const fineTune = await readActionYaml('fine-tune');
  const file = path.join(ROOT, 'README.md');
  const readme = await readFile(file, 'utf8');
  let rendered = replaceSection(readme, 'inputs', renderInputsTable(action));
  rendered = replaceSection(rendered, 'outputs', renderOutputsTable(action));
  rendered = replaceSection(rendered, 'fine-tune-inputs', renderInputsTable(fineTune));
  rendered = replaceSection(rendered, 'fine-tune-outputs', renderOutputsTable(fineTune));
  // Formatted as `npm run format` formats it, so the generated tables and Prettier agree.
  return prettier.format(rendered, { ...(await prettier.resolveConfig(file)), filepath: file });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await writeFile(path.join(ROOT, 'README.md'), await renderReadme());
  console.log('README.md tables updated from action.yml');
}
