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
  printTable,
  writeConversationJsonl,
  type ProcessMeasurement,
} from './lib.js';

export async function benchCheck(mebibytes = Number(process.env.BENCH_CHECK_MIB ?? 400)): Promise<void> {
  await mkdir(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, `conversation-${mebibytes}mib.jsonl`);
  await writeConversationJsonl(file, mebibytes * 1024 * 1024);
  const bytes = (await stat(file)).size;

  const env = await actionEnvironment({ path: path.relative(ROOT, file), mode: 'check' }, ROOT);
  // The two take turns, several rounds, and medians are compared: this machine's speed drifts between runs.
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const contenders: Array<[string, () => Promise<ProcessMeasurement>]> = [
    [
      'action check mode (dist/index.js, full)',
      async () => measureProcess(process.execPath, [await actionMain()], { env }),
    ],
    ['baseline: readline + JSON.parse', () => measureProcess(process.execPath, ['bench/readline-baseline.mjs', file])],
  ];
  const measured = new Map<string, ProcessMeasurement[]>(contenders.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, run] of contenders) {
      const result = await run();
      if (result.exitCode !== 0)
        throw new Error(`${name} failed (exit ${result.exitCode}): ${result.stderr || result.stdout.slice(-2000)}`);
      if (name.startsWith('action') && !result.stdout.includes('✓'))
        throw new Error('the action did not pass the file');
      measured.get(name)!.push(result);
    }
  }

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const summary = contenders.map(([name]) => {
    const runs = measured.get(name)!;
    return {
      name,
      wallMs: median(runs.map((r) => r.wallMs)),
      rates: runs.map((r) => mbPerSecond(bytes, r.wallMs)),
      peak: Math.max(...runs.map((r) => r.peakRssBytes)),
    };
  });
  console.log(
    `\nCheck of a ${(bytes / 1e6).toFixed(0)} MB conversational JSONL (whole process, wall clock, ${rounds} rounds)\n`,
  );
  printTable(
    summary.map((s) => ({
      run: s.name,
      'median MB/s': mbPerSecond(bytes, s.wallMs).toFixed(0),
      'each round': s.rates.map((r) => r.toFixed(0)).join(' / '),
      'peak RSS': mib(s.peak),
    })),
  );
  const [action, baseline] = summary as [(typeof summary)[0], (typeof summary)[0]];
  console.log(
    `\naction vs readline baseline (medians): ${(baseline.wallMs / action.wallMs).toFixed(2)}x; action ${mbPerSecond(bytes, action.wallMs).toFixed(0)} MB/s (target >= 340), peak RSS ${mib(action.peak)} (limit 200 MiB)`,
  );
}
