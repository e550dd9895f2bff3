/**
 * Hostile files and answers, measured: the bundled action against files built to hurt (a 600 MB JSONL line, a
 * 600 MB CSV field, Parquet footers that claim 500 MB and 2 GB, a folder of 100,000 entries) and a server whose
 * error body never ends, each for its peak RSS and its verdict; and 500,000 eval lines holding NaN against the same
 * lines holding null, for time and memory. Prints each figure next to its target.
 */
import { mkdir, open, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { actionEnvironment, actionMain } from '../testkit/run-action.js';
import { startTogetherServer } from '../testkit/together-server.js';
import { BENCH_DIR, measureProcess, median, mib, printTable, target, type TargetResult } from './lib.js';

const MAX_PEAK_BYTES = 150 * 2 ** 20;
const MiB = 2 ** 20;

interface HostileRun {
  name: string;
  peakRssBytes: number;
  wallMs: number;
  verdict: string;
  refused: boolean;
}

export async function benchHostile(): Promise<TargetResult[]> {
  const dir = path.join(BENCH_DIR, 'hostile');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  try {
    const runs: HostileRun[] = [];
    await writeLongLine(path.join(dir, 'line.jsonl'), '{"text": "', '"}\n', 600 * MiB);
    runs.push(await checkOne(dir, 'line.jsonl', 'a 600 MB JSONL line', /longer than 16 MiB/));
    await writeLongLine(path.join(dir, 'field.csv'), 'q,a\n1,"', '"\n', 600 * MiB);
    runs.push(await checkOne(dir, 'field.csv', 'a 600 MB CSV field', /longer than 16 MiB/, 'eval'));
    for (const [claim, size] of [
      [500 * MiB, 600 * MiB],
      [2000 * MiB, 2100 * MiB],
    ] as const) {
      const name = `footer-${claim / MiB}.parquet`;
      await writeLyingParquet(path.join(dir, name), claim, size);
      runs.push(await checkOne(dir, name, `a Parquet footer claiming ${claim / MiB} MB`, /its footer claims/));
    }
    const wide = path.join(dir, 'wide');
    await mkdir(path.join(wide, 'data'), { recursive: true });
    for (let i = 0; i < 100_000; i += 1) await writeFile(path.join(wide, 'data', `f${i}.txt`), '');
    for (let i = 0; i < 10; i += 1) await writeFile(path.join(wide, 'data', `d${i}.jsonl`), '{"text": "hi"}\n');
    runs.push(await checkOne(wide, 'data', 'a folder of 100,000 entries (10 datasets)', /^$/));
    runs.push(await endlessErrorBody(dir));

    console.log('\nHostile files and answers (dist/index.js, one run each)\n');
    printTable(
      runs.map((r) => ({
        input: r.name,
        'peak RSS': mib(r.peakRssBytes),
        seconds: (r.wallMs / 1000).toFixed(2),
        verdict: r.verdict.slice(0, 90),
      })),
    );
    const worst = Math.max(...runs.map((r) => r.peakRssBytes));
    const targets = [
      target(
        'peak RSS on hostile files and an endless error body, each refused with its reason',
        `at most ${mib(worst)}${runs.every((r) => r.refused) ? '' : '; NOT ALL REFUSED AS EXPECTED'}`,
        '<= 150 MiB',
        worst <= MAX_PEAK_BYTES && runs.every((r) => r.refused),
      ),
    ];
    targets.push(...(await nanAgainstNull(dir)));
    console.log('');
    return targets;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `head`, then `bytes` of `x`, then `tail`, written in 16 MiB blocks. */
async function writeLongLine(file: string, head: string, tail: string, bytes: number): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.write(head);
    const block = Buffer.alloc(16 * MiB, 'x');
    for (let written = 0; written < bytes; written += block.length) await handle.write(block);
    await handle.write(tail);
  } finally {
    await handle.close();
  }
}

/** A sparse file of `size` bytes ending in a footer length of `claim` and `PAR1`: the footer it claims is zeros. */
async function writeLyingParquet(file: string, claim: number, size: number): Promise<void> {
  await writeFile(file, 'PAR1');
  await truncate(file, size);
  const handle = await open(file, 'r+');
  try {
    const tail = Buffer.alloc(8);
    tail.writeUInt32LE(claim, 0);
    tail.write('PAR1', 4, 'latin1');
    await handle.write(tail, 0, 8, size - 8);
  } finally {
    await handle.close();
  }
}

async function checkOne(
  workspace: string,
  pattern: string,
  name: string,
  refusal: RegExp,
  purpose = 'fine-tune',
): Promise<HostileRun> {
  const env = await actionEnvironment({ mode: 'check', path: pattern, purpose }, workspace);
  const run = await measureProcess(process.execPath, [await actionMain()], { env, cwd: workspace });
  const error = /^::error title=[^:]*::(.*)$/m.exec(run.stdout)?.[1] ?? '';
  // The folder holds valid datasets: its run must pass; the others must be refused with their reason.
  const refused = refusal.source === '^$' ? run.exitCode === 0 : run.exitCode === 1 && refusal.test(error);
  return {
    name,
    peakRssBytes: run.peakRssBytes,
    wallMs: run.wallMs,
    verdict: refusal.source === '^$' ? `exit ${run.exitCode}, all checked` : error || `exit ${run.exitCode}`,
    refused,
  };
}

async function endlessErrorBody(dir: string): Promise<HostileRun> {
  const server = await startTogetherServer({ pollsBeforeDone: 0 });
  try {
    await writeFile(path.join(dir, 'a.jsonl'), '{"text": "hi"}\n');
    server.addFault({ method: 'POST', path: '/v1/files', times: 100, fault: { kind: 'endless-body', status: 500 } });
    const env = await actionEnvironment(
      { path: 'a.jsonl', 'api-key': server.apiKey, 'base-url': server.baseUrl, 'max-retries': '2' },
      dir,
    );
    const run = await measureProcess(process.execPath, [await actionMain()], { env, cwd: dir });
    const error = /^::error title=[^:]*::(.*)$/m.exec(run.stdout)?.[1] ?? '';
    return {
      name: 'an error body that never ends (3 attempts)',
      peakRssBytes: run.peakRssBytes,
      wallMs: run.wallMs,
      verdict: error,
      refused: run.exitCode === 1 && /larger than 1 MiB/.test(error),
    };
  } finally {
    await server.close();
  }
}

/** 500,000 eval lines with NaN (as Python's json.dumps writes it) against the same lines with null. */
async function nanAgainstNull(dir: string): Promise<TargetResult[]> {
  const lines = 500_000;
  const line = (value: string) => `{"question": "What is 2+2?", "answer": "4", "score": ${value}, "tags": ["math"]}\n`;
  for (const [name, value] of [
    ['nan.jsonl', 'NaN'],
    ['null.jsonl', 'null'],
  ] as const)
    await writeFile(path.join(dir, name), line(value).repeat(lines));
  const measure = async (name: string) => {
    const runs = [];
    for (let round = 0; round < 3; round += 1) {
      const env = await actionEnvironment({ mode: 'check', path: name, purpose: 'eval' }, dir);
      const run = await measureProcess(process.execPath, [await actionMain()], { env, cwd: dir });
      if (run.exitCode !== 0) throw new Error(`${name}: exit ${run.exitCode}\n${run.stdout.slice(-1000)}`);
      runs.push(run);
    }
    return { wallMs: median(runs.map((r) => r.wallMs)), peak: median(runs.map((r) => r.peakRssBytes)) };
  };
  const nan = await measure('nan.jsonl');
  const nul = await measure('null.jsonl');
  console.log(`\n500,000 eval lines, check mode (median of 3 runs)\n`);
  printTable([
    { lines: 'with NaN', seconds: (nan.wallMs / 1000).toFixed(2), 'peak RSS': mib(nan.peak) },
    { lines: 'with null', seconds: (nul.wallMs / 1000).toFixed(2), 'peak RSS': mib(nul.peak) },
  ]);
  const time = nan.wallMs / nul.wallMs;
  const memory = nan.peak / nul.peak;
  return [
    target('NaN lines against null lines, time (500,000 eval lines)', `${time.toFixed(2)}x`, '<= 2x', time <= 2),
    target('NaN lines against null lines, peak RSS', `${memory.toFixed(2)}x`, '<= 1.1x', memory <= 1.1),
  ];
}
