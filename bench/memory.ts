/**
 * Memory benchmark: whole-process peak RSS of the bundled action in check mode and in upload mode (its defaults:
 * full check, then the upload; wait off) on a 400 MiB conversational file, a 1 GiB file of long lines and a 3 GiB
 * file, generated here. The target: at most 150 MiB each, flat from 400 MiB to 3 GiB.
 */
import { mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { actionEnvironment, actionMain, ROOT } from '../testkit/run-action.js';
import { startTogetherServer } from '../testkit/together-server.js';
import {
  BENCH_DIR,
  mbPerSecond,
  measureProcess,
  mib,
  printTable,
  target,
  writeChatJsonl,
  conversationFile,
  writeConversationJsonl,
  type TargetResult,
} from './lib.js';

const LIMIT_MIB = 150;
const MiB = 1024 * 1024;

export async function benchMemory(): Promise<TargetResult[]> {
  await mkdir(BENCH_DIR, { recursive: true });
  const files = [
    {
      label: '400 MiB conversational',
      file: conversationFile(400),
      write: writeConversationJsonl,
      bytes: 400 * MiB,
    },
    {
      label: '1 GiB of long lines (256 KiB)',
      file: path.join(BENCH_DIR, 'long-lines-1gib.jsonl'),
      write: writeLongLines,
      bytes: 1024 * MiB,
    },
    {
      label: '3 GiB conversational',
      file: path.join(BENCH_DIR, 'chat-3gib.jsonl'),
      write: writeChatJsonl,
      bytes: 3072 * MiB,
    },
  ];
  const server = await startTogetherServer({ keepContentBytes: 0, detectDuplicates: false });
  const rows: Array<Record<string, string>> = [];
  const peaks: number[] = [];
  try {
    for (const f of files) {
      await f.write(f.file, f.bytes);
      const bytes = (await stat(f.file)).size;
      for (const mode of ['check', 'upload'] as const) {
        const inputs = {
          path: path.relative(ROOT, f.file),
          mode,
          'api-key': server.apiKey,
          'base-url': server.baseUrl,
          wait: 'false',
          'include-hidden-files': 'true',
        };
        const run = await measureProcess(process.execPath, [await actionMain()], {
          env: await actionEnvironment(inputs, ROOT),
        });
        if (run.exitCode !== 0) throw new Error(`${mode} of ${f.label} failed: ${run.stdout.slice(-1500)}`);
        peaks.push(run.peakRssBytes);
        rows.push({
          file: f.label,
          mode: mode === 'check' ? 'check' : 'upload (full check, then upload)',
          'MB/s': mbPerSecond(bytes, run.wallMs).toFixed(0),
          'peak RSS': mib(run.peakRssBytes),
        });
      }
    }
  } finally {
    await server.close();
  }
  console.log('\nPeak RSS of the whole process (one run each)\n');
  printTable(rows);
  console.log('');
  const worst = Math.max(...peaks);
  // Growth with size: the same kind of content (conversational) at 3 GiB against 400 MiB, in each mode.
  const growth = Math.max(peaks[4]! - peaks[0]!, peaks[5]! - peaks[1]!);
  return [
    target(
      'peak RSS, check and upload mode, 400 MiB to 3 GiB',
      `at most ${mib(worst)}`,
      `<= ${LIMIT_MIB} MiB`,
      worst <= LIMIT_MIB * MiB,
    ),
    target(
      'memory flat with size: 3 GiB against 400 MiB of conversations, same mode',
      `${growth >= 0 ? '+' : '-'}${mib(Math.abs(growth))}`,
      '<= +10 MiB',
      growth <= 10 * MiB,
    ),
  ];
}

/** About `bytes` of conversations whose assistant turn is 256 KiB long: few, long lines. */
async function writeLongLines(file: string, bytes: number): Promise<void> {
  try {
    if ((await stat(file)).size >= bytes) return;
  } catch {
    // not there yet
  }
  const handle = await open(file, 'w');
  const words = 'the model answers the question about the order and the refund policy of the store '.repeat(3200);
  let written = 0;
  for (let i = 0; written < bytes; i += 1) {
    const line = `${JSON.stringify({
      messages: [
        { role: 'user', content: `Question ${i}: summarise the policy.` },
        { role: 'assistant', content: words.slice(0, 256 * 1024) },
      ],
    })}\n`;
    await handle.write(line);
    written += Buffer.byteLength(line);
  }
  await handle.close();
}
