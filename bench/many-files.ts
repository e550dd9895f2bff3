/**
 * Cost per file: the bundled action in check mode over 1,000, 5,000 and 20,000 small files (a sharded dataset), as
 * the runner runs it (outputs, summary and manifest written). Prints peak RSS, KiB per file and seconds per 1,000
 * files for each size, the median of three runs, next to the targets: at most 150 MiB at 20,000 files with every
 * record in the manifest and the summary and outputs within their budgets, and time linear in the files.
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { actionEnvironment, actionMain, parseOutputFile } from '../testkit/run-action.js';
import { BENCH_DIR, measureProcess, median, mib, printTable, target, type TargetResult } from './lib.js';

const SIZES = [1000, 5000, 20_000];
const RUNS = 3;
const MAX_PEAK_BYTES = 150 * 2 ** 20;
const SUMMARY_BUDGET_BYTES = 512 * 1024;
const OUTPUTS_BUDGET_BYTES = 1024 * 1024;

interface SizeResult {
  files: number;
  peakRssBytes: number;
  wallMs: number;
  manifestFiles: number;
  summaryBytes: number;
  outputsBytes: number;
}

export async function benchManyFiles(): Promise<TargetResult[]> {
  const results: SizeResult[] = [];
  for (const files of SIZES) results.push(await measureSize(files));
  console.log(`\nCheck mode over many small files (dist/index.js, full rules; median of ${RUNS} runs)\n`);
  const first = results[0]!;
  const last = results.at(-1)!;
  const perThousand = (r: SizeResult) => (r.wallMs / r.files) * 1000;
  printTable(
    results.map((r) => ({
      files: r.files.toLocaleString('en-US'),
      'peak RSS': mib(r.peakRssBytes),
      'KiB per file (above 1,000 files)':
        r === first ? '-' : ((r.peakRssBytes - first.peakRssBytes) / (r.files - first.files) / 1024).toFixed(2),
      seconds: (r.wallMs / 1000).toFixed(2),
      's per 1,000 files': (perThousand(r) / 1000).toFixed(3),
      'manifest records': r.manifestFiles,
      'summary / outputs': `${(r.summaryBytes / 1024).toFixed(0)} KiB / ${(r.outputsBytes / 1024).toFixed(0)} KiB`,
    })),
  );
  const ratio = perThousand(last) / perThousand(first);
  const complete = results.every((r) => r.manifestFiles === r.files);
  const withinBudgets = results.every(
    (r) => r.summaryBytes <= SUMMARY_BUDGET_BYTES && r.outputsBytes <= OUTPUTS_BUDGET_BYTES,
  );
  console.log('');
  return [
    target(
      'peak RSS, check mode, 20,000 small files (every record in the manifest, summary and outputs in budget)',
      `${mib(last.peakRssBytes)}; manifests ${complete ? 'complete' : 'INCOMPLETE'}; budgets ${withinBudgets ? 'kept' : 'EXCEEDED'}`,
      '<= 150 MiB',
      last.peakRssBytes <= MAX_PEAK_BYTES && complete && withinBudgets,
    ),
    target('time per 1,000 files at 20,000 files against at 1,000', `${ratio.toFixed(2)}x`, '<= 1.25x', ratio <= 1.25),
  ];
}

async function measureSize(files: number): Promise<SizeResult> {
  const workspace = path.join(BENCH_DIR, `many-files-${files}`);
  await rm(workspace, { recursive: true, force: true });
  await mkdir(path.join(workspace, 'data'), { recursive: true });
  for (let i = 0; i < files; i += 1) {
    const line = JSON.stringify({
      messages: [
        { role: 'user', content: `Question ${i}?` },
        { role: 'assistant', content: `Answer ${i}.` },
      ],
    });
    await writeFile(path.join(workspace, 'data', `part-${String(i).padStart(5, '0')}.jsonl`), `${line}\n`);
  }
  const runs: SizeResult[] = [];
  try {
    for (let round = 0; round < RUNS; round += 1) {
      const temp = path.join(workspace, '.runner');
      await rm(temp, { recursive: true, force: true });
      await mkdir(temp);
      const outputFile = path.join(temp, 'output');
      const summaryFile = path.join(temp, 'summary');
      await writeFile(outputFile, '');
      await writeFile(summaryFile, '');
      const env = {
        ...(await actionEnvironment({ mode: 'check', path: 'data' }, workspace)),
        GITHUB_ACTIONS: 'true',
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        RUNNER_TEMP: temp,
      };
      const run = await measureProcess(process.execPath, [await actionMain()], { env, cwd: workspace });
      if (run.exitCode !== 0) throw new Error(`${files} files: exit ${run.exitCode}\n${run.stderr.slice(-2000)}`);
      const outputs = parseOutputFile(await readFile(outputFile, 'utf8'));
      const manifest = JSON.parse(await readFile(outputs.manifest!, 'utf8')) as { files: unknown[] };
      runs.push({
        files,
        peakRssBytes: run.peakRssBytes,
        wallMs: run.wallMs,
        manifestFiles: manifest.files.length,
        summaryBytes: (await stat(summaryFile)).size,
        outputsBytes: (await stat(outputFile)).size,
      });
    }
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
  return {
    files,
    peakRssBytes: median(runs.map((r) => r.peakRssBytes)),
    wallMs: median(runs.map((r) => r.wallMs)),
    manifestFiles: Math.min(...runs.map((r) => r.manifestFiles)),
    summaryBytes: Math.max(...runs.map((r) => r.summaryBytes)),
    outputsBytes: Math.max(...runs.map((r) => r.outputsBytes)),
  };
}
