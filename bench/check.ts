/**
 * Check benchmark: check mode of the bundled action (`dist/index.js`, full rules) on a generated conversational
 * JSONL of BENCH_CHECK_MIB (default 400) MiB, whole process, against a plain readline + JSON.parse loop on the same
 * file. Prints MB/s and peak RSS of each.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { actionEnvironment, actionMain, ROOT } from '../testkit/run-action.js';
import { BENCH_DIR, mbPerSecond, measureProcess, mib, printTable, writeConversationJsonl, type ProcessMeasurement } from './lib.js';

export async function benchCheck(mebibytes = Number(process.env.BENCH_CHECK_MIB ?? 400)): Promise<void> {
  await mkdir(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, `conversation-${mebibytes}mib.jsonl`);
  await writeConversationJsonl(file, mebibytes * 1024 * 1024);
  const bytes = (await stat(file)).size;

  const env = await actionEnvironment({ path: path.relative(ROOT, file), mode: 'check' }, ROOT);
  const runs: Array<[string, ProcessMeasurement]> = [
    ['action check mode (dist/index.js, full)', await measureProcess(process.execPath, [await actionMain()], { env })],
    ['baseline: readline + JSON.parse', await measureProcess(process.execPath, ['bench/readline-baseline.mjs', file])],
  ];
  for (const [name, run] of runs) {
    if (run.exitCode !== 0) throw new Error(`${name} failed (exit ${run.exitCode}): ${run.stderr || run.stdout.slice(-2000)}`);
  }
  if (!runs[0]![1].stdout.includes('✓')) throw new Error('the action did not pass the file');

  console.log(`\nCheck of a ${(bytes / 1e6).toFixed(0)} MB conversational JSONL (whole process, wall clock, ${bytes.toLocaleString('en-US')} bytes)\n`);
  printTable(
    runs.map(([name, r]) => ({
      run: name,
      'MB/s': mbPerSecond(bytes, r.wallMs).toFixed(0),
      'peak RSS': mib(r.peakRssBytes),
      seconds: (r.wallMs / 1000).toFixed(2),
    })),
  );
  const [actionRun, baseline] = runs.map(([, r]) => r) as [ProcessMeasurement, ProcessMeasurement];
  console.log(
    `\naction vs readline baseline: ${(baseline.wallMs / actionRun.wallMs).toFixed(2)}x; target >= 340 MB/s and peak RSS < 200 MiB`,
  );
}
