import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A temporary directory with the given files; `cleanup` removes it. */
export async function makeWorkspace(files: Record<string, string | Buffer>) {
  const root = await mkdtemp(path.join(tmpdir(), 'together-ws-'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), content);
  }
  return {
    root,
    file: (name: string) => path.join(root, name),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

export const CHAT_LINE = JSON.stringify({
  messages: [
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hello! How can I help?' },
  ],
});

/** A valid conversational JSONL of `lines` samples. */
export function chatJsonl(lines: number): string {
  return `${Array.from({ length: lines }, () => CHAT_LINE).join('\n')}\n`;
}

/** A JSONL that Together's server rejects: line 2's message has no role. */
export const REJECTED_JSONL = `${CHAT_LINE}\n{"messages":[{"content":"no role here"}]}\n`;

/** A valid general-format JSONL of about `bytes`, every line different (random hex), so any misplaced byte shows. */
export function randomJsonl(bytes: number): Buffer {
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const line = `{"text": "${randomBytes(500).toString('hex')}"}\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join(''));
}
