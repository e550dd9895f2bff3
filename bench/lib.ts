/** Helpers shared by the benchmarks: process measurement (wall time, peak RSS) and data generation. */
import { seededRandom } from '../testkit/random.js';
import { spawn } from 'node:child_process';
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from '../testkit/run-action.js';

export const BENCH_DIR = path.join(ROOT, '.bench-tmp');

export interface ProcessMeasurement {
  exitCode: number | null;
  wallMs: number;
  /** Peak resident set size of the process (VmHWM), bytes. */
  peakRssBytes: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command and samples its VmHWM (the kernel's own peak-RSS counter) until it exits; the last sample is the
 * peak over the whole run, so sampling often enough only matters for the last few milliseconds.
 */
export async function measureProcess(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<ProcessMeasurement> {
  const started = performance.now();
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd ?? ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  let peak = 0;
  const sample = async () => {
    try {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kb * 1024);
    } catch {
      // exited between samples
    }
  };
  const timer = setInterval(() => void sample(), 10);
  const exitCode = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  clearInterval(timer);
  return { exitCode, wallMs: performance.now() - started, peakRssBytes: peak, stdout, stderr };
}

/** Writes `bytes` of a realistic conversational JSONL (whole lines, padded with one last line). */
export async function writeChatJsonl(file: string, bytes: number): Promise<void> {
  try {
    if ((await stat(file)).size === bytes) return;
  } catch {
    // not there yet
  }
  const line = `${JSON.stringify({
    messages: [
      { role: 'system', content: 'You are a helpful assistant that answers questions about the product catalogue.' },
      { role: 'user', content: 'Which laptops have more than 16 GB of memory and weigh under 1.5 kg?' },
      {
        role: 'assistant',
        content:
          'Three models match: the Aero 14 (32 GB, 1.3 kg), the Slim 13 (24 GB, 1.2 kg) and the Pro 14 (32 GB, 1.45 kg).',
      },
    ],
  })}\n`;
  // Whole lines, then one last conversation padded to make the size exact: every line passes the full check.
  const padded = (length: number) => {
    const head = '{"messages":[{"role":"user","content":"Pad?"},{"role":"assistant","content":"';
    const tail = '"}]}\n';
    return `${head}${'x'.repeat(length - head.length - tail.length)}${tail}`;
  };
  const minLast = padded(100).length;
  const lineCount = Math.floor((bytes - minLast) / line.length);
  const perBlock = Math.floor((4 * 1024 * 1024) / line.length);
  const handle = await open(file, 'w');
  for (let written = 0; written < lineCount; written += perBlock) {
    await handle.write(line.repeat(Math.min(perBlock, lineCount - written)));
  }
  await handle.write(padded(bytes - lineCount * line.length));
  await handle.close();
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function mbPerSecond(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}

/** Prints rows as an aligned table. */
export function printTable(rows: Array<Record<string, string | number>>): void {
  const columns = Object.keys(rows[0] ?? {});
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(columns.map((c) => String(row[c]))));
}

const WORDS = (
  'the a of to and in is that for it as with was on be by at this have from or an they which one you had not but ' +
  'what all were when we there can more if out so said up would about into than them could time only new some ' +
  'model data train answer question customer order refund shipping account password invoice support product'
).split(' ');

/** Where the generated conversational file of this size lives (the name changes when the generator does). */
export function conversationFile(mebibytes: number, shape: 'long' | 'short' = 'long'): string {
  return path.join(BENCH_DIR, `conversation-${mebibytes}mib-${shape === 'short' ? 'short-' : ''}v2.jsonl`);
}

/**
 * Writes a conversational JSONL of about `bytes` (whole lines), from a fixed seed so every run checks the same
 * file. `long`: a system prompt, then 1 to 4 user/assistant turns of 5 to 200 words each (about 2.8 KB a sample).
 * `short`: one user/assistant turn of 3 to 25 words each (about 250 bytes a sample: 4 million in 1 GiB).
 */
export async function writeConversationJsonl(
  file: string,
  bytes: number,
  shape: 'long' | 'short' = 'long',
): Promise<void> {
  try {
    if ((await stat(file)).size >= bytes) return;
  } catch {
    // not there yet
  }
  const random = seededRandom(42);
  const words = (min: number, max: number) =>
    Array.from(
      { length: min + Math.floor(random() * (max - min + 1)) },
      () => WORDS[Math.floor(random() * WORDS.length)],
    ).join(' ');
  const handle = await open(file, 'w');
  let written = 0;
  while (written < bytes) {
    const lines: string[] = [];
    for (let i = 0; i < 2000; i += 1) {
      if (shape === 'short') {
        lines.push(
          JSON.stringify({
            messages: [
              { role: 'user', content: words(3, 25) },
              { role: 'assistant', content: words(3, 25) },
            ],
          }),
        );
        continue;
      }
      const messages = [{ role: 'system', content: `You are a helpful assistant. ${words(5, 30)}` }];
      const turns = 1 + Math.floor(random() * 4);
      for (let t = 0; t < turns; t += 1) {
        messages.push({ role: 'user', content: words(5, 200) }, { role: 'assistant', content: words(5, 200) });
      }
      lines.push(JSON.stringify({ messages }));
    }
    const block = `${lines.join('\n')}\n`;
    await handle.write(block);
    written += Buffer.byteLength(block);
  }
  await handle.close();
}

export interface Contender {
  name: string;
  run: () => Promise<ProcessMeasurement>;
  /** Throws when a run's output shows it did not do the work. */
  verify?: (run: ProcessMeasurement) => void;
}

export interface RoundsSummary {
  name: string;
  /** Median wall time over the rounds. */
  wallMs: number;
  /** MB/s of each round, in order. */
  rates: number[];
  /** The highest peak RSS of any round. */
  peak: number;
  runs: ProcessMeasurement[];
}

export function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** BENCH_ROUNDS measured rounds (default 3), after BENCH_WARMUP rounds that are run but not counted (default 1). */
export function benchRounds(): { rounds: number; warmup: number } {
  return { rounds: Number(process.env.BENCH_ROUNDS ?? 3), warmup: Number(process.env.BENCH_WARMUP ?? 1) };
}

/**
 * Runs the contenders in turn, round after round, in reverse order every other round: this machine's speed drifts
 * between runs, so alternating and comparing medians is fairer than one run each. The warm-up rounds let the
 * benchmark's own server compile its hot paths, which would otherwise slow whichever contender runs first. Prints a
 * table of medians and each round.
 */
export async function runRounds(contenders: Contender[], bytes: number, label: string): Promise<RoundsSummary[]> {
  const { rounds, warmup } = benchRounds();
  const measured = contenders.map(() => [] as ProcessMeasurement[]);
  for (let round = -warmup; round < rounds; round += 1) {
    // Every other round runs the contenders in reverse order, so that none always runs right after the same one.
    const order = contenders.map((_, i) => i);
    if (Math.abs(round) % 2 === 1) order.reverse();
    for (const i of order) {
      const contender = contenders[i]!;
      const result = await contender.run();
      if (result.exitCode !== 0) {
        throw new Error(
          `${contender.name} failed (exit ${result.exitCode}): ${result.stderr || result.stdout.slice(-2000)}`,
        );
      }
      contender.verify?.(result);
      if (round >= 0) measured[i]!.push(result);
    }
  }
  const summary = contenders.map((c, i) => {
    const runs = measured[i]!;
    return {
      name: c.name,
      wallMs: median(runs.map((r) => r.wallMs)),
      rates: runs.map((r) => mbPerSecond(bytes, r.wallMs)),
      peak: Math.max(...runs.map((r) => r.peakRssBytes)),
      runs,
    };
  });
  console.log(`\n${label} (whole process, wall clock, ${rounds} rounds after ${warmup} uncounted)\n`);
  printTable(
    summary.map((s) => ({
      run: s.name,
      'median MB/s': mbPerSecond(bytes, s.wallMs).toFixed(0),
      'each round': s.rates.map((r) => r.toFixed(0)).join(' / '),
      'peak RSS': mib(s.peak),
    })),
  );
  return summary;
}

/** A benchmark's target, its figure, and whether it held. */
export interface TargetResult {
  name: string;
  /** The figure as printed, e.g. `3.4x` or `112.3 MiB`. */
  figure: string;
  /** The target as printed, e.g. `>= 3x`. */
  target: string;
  held: boolean;
}

/** Prints one target's line, next to its figure, and returns it for the closing table. */
export function target(name: string, figure: string, target: string, held: boolean): TargetResult {
  console.log(`${held ? 'HELD  ' : 'MISSED'} ${name}: ${figure} (target ${target})`);
  return { name, figure, target, held };
}
