/**
 * `tsx scripts/changelog-section.ts 1.2.0`: prints the CHANGELOG.md section of that version (its body, without
 * the heading), for the release notes; exits 1 when the CHANGELOG has no such section or it is empty.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The body of `## [version]` (up to the next `## ` heading or a link-reference list), or undefined. */
export function changelogSection(changelog: string, version: string): string | undefined {
  const lines = changelog.split(/\r?\n/);
  const heading = new RegExp(`^## \\[${version.replace(/[.+]/g, '\\$&')}\\](?:\\s|$)`);
  const start = lines.findIndex((line) => heading.test(line));
  if (start < 0) return undefined;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => line.startsWith('## ') || /^\[[^\]]+\]:\s/.test(line));
  const body = (end < 0 ? rest : rest.slice(0, end)).join('\n').trim();
  return body || undefined;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const version = process.argv[2] ?? '';
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const section = changelogSection(await readFile(path.join(root, 'CHANGELOG.md'), 'utf8'), version);
  if (!section) {
    console.error(`CHANGELOG.md has no section "## [${version}]": add one (rename [Unreleased]) before tagging.`);
    process.exit(1);
  }
  console.log(section);
}
