/**
 * Concurrency benchmark: 60 small files against the embedded server with 50 ms added to every request, uploaded
 * by the bundled action with concurrency 1 and 8 (wait off: the uploads themselves are measured; the wait phase
 * polls all files together either way). Prints wall time, peak RSS and the speed-up.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { actionEnvironment, actionMain } from '../testkit/run-action.js';
import { startTogetherServer } from '../testkit/together-server.js';
import {
  BENCH_DIR,
  measureProcess,
  mib,
  printTable,
  type ProcessMeasurement,
  target,
  type TargetResult,
} from './lib.js';

const FILES = 60;
const LATENCY_MS = 50;

export async function benchConcurrency(): Promise<TargetResult[]> {
  const dir = path.join(BENCH_DIR, 'small-files');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < FILES; i += 1) {
    const line = JSON.stringify({
      messages: [
        { role: 'user', content: `Question ${i}?` },
        { role: 'assistant', content: `Answer ${i}.` },
      ],
    });
    await writeFile(path.join(dir, `part-${String(i).padStart(2, '0')}.jsonl`), `${`${line}\n`.repeat(100)}`);
  }
  const runs: Array<[number, ProcessMeasurement]> = [];
  for (const concurrency of [1, 8]) {
    const server = await startTogetherServer({ latencyMs: LATENCY_MS, pollsBeforeDone: 0 });
    try {
      const env = await actionEnvironment(
        {
          path: dir,
          'api-key': server.apiKey,
          'base-url': server.baseUrl,
          concurrency: String(concurrency),
          wait: 'true',
          check: 'off',
        },
        BENCH_DIR,
      );
      const run = await measureProcess(process.execPath, [await actionMain()], { env });
      const uploaded = [...server.files.values()].filter((f) => f.state === 'uploaded').length;
      if (run.exitCode !== 0 || uploaded !== FILES)
        throw new Error(`concurrency ${concurrency}: exit ${run.exitCode}, ${uploaded} uploaded`);
      runs.push([concurrency, run]);
    } finally {
      await server.close();
    }
  }
  console.log(
    `\n${FILES} small files, ${LATENCY_MS} ms added to every request (POST, PUT, preprocess, then polls), waiting for processing\n`,
  );
  printTable(
    runs.map(([concurrency, r]) => ({
      concurrency,
      seconds: (r.wallMs / 1000).toFixed(2),
      'peak RSS': mib(r.peakRssBytes),
    })),
  );
  const ratio = runs[0]![1].wallMs / runs[1]![1].wallMs;
  console.log('');
  return [
    target('60 small files with waiting on, concurrency 8 vs 1', `${ratio.toFixed(1)}x faster`, '>= 5x', ratio >= 5),
  ];
}
