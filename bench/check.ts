/**
 * Check benchmark: check mode of the bundled action (`dist/index.js`, full rules) on a generated conversational
 * JSONL of BENCH_CHECK_MIB (default 400) MiB, whole process, against a plain readline + JSON.parse loop on the same
 * file. Prints MB/s and peak RSS of each.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { actionEnvironment, actionMain, ROOT } from '../testkit/run-action.js';
import {
  BENCH_DIR,
  mbPerSecond,
  measureProcess,
  mib,
  runRounds,
  writeConversationJsonl,
  type RoundsSummary,
} from './lib.js';

export async function benchCheck(mebibytes = Number(process.env.BENCH_CHECK_MIB ?? 400)): Promise<void> {
  await mkdir(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, `conversation-${mebibytes}mib.jsonl`);
  await writeConversationJsonl(file, mebibytes * 1024 * 1024);
  const bytes = (await stat(file)).size;

  const env = await actionEnvironment({ path: path.relative(ROOT, file), mode: 'check' }, ROOT);
  const [action, baseline] = (await runRounds(
    [
      {
        name: 'action check mode (dist/index.js, full)',
        run: async () => measureProcess(process.execPath, [await actionMain()], { env }),
        verify: (r) => {
          if (!r.stdout.includes('✓')) throw new Error('the action did not pass the file');
        },
      },
      {
        name: 'baseline: readline + JSON.parse',
        run: () => measureProcess(process.execPath, ['bench/readline-baseline.mjs', file]),
      },
    ],
    bytes,
    `Check of a ${(bytes / 1e6).toFixed(0)} MB conversational JSONL`,
  )) as [RoundsSummary, RoundsSummary];
  console.log(
    `\naction vs readline baseline (medians): ${(baseline.wallMs / action.wallMs).toFixed(2)}x; action ${mbPerSecond(bytes, action.wallMs).toFixed(0)} MB/s (target >= 340), peak RSS ${mib(action.peak)} (limit 200 MiB)`,
  );
}
