/**
 * Check benchmark: check mode of the bundled action (`dist/index.js`, full rules) on a generated conversational
 * JSONL of BENCH_CHECK_MIB (default 400) MiB, whole process, against a stand-in for Together's reference checker
 * (bench/reference_check.py: the same two passes, UTF-8 then json.loads and the 2026 rules per line, on Debian's
 * python3) on the same file. Target: at least 3x the reference's throughput.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { checkJsonlFile } from '../src/check/jsonl-file.js';
import { hashFile } from '../src/together/storage.js';
import { actionEnvironment, actionMain, ROOT } from '../testkit/run-action.js';
import {
  BENCH_DIR,
  mbPerSecond,
  measureProcess,
  median,
  mib,
  runRounds,
  target,
  conversationFile,
  writeConversationJsonl,
  type Contender,
  type RoundsSummary,
  type TargetResult,
} from './lib.js';

export async function benchCheck(mebibytes = Number(process.env.BENCH_CHECK_MIB ?? 400)): Promise<TargetResult[]> {
  await mkdir(BENCH_DIR, { recursive: true });
  const file = conversationFile(mebibytes);
  await writeConversationJsonl(file, mebibytes * 1024 * 1024);
  const bytes = (await stat(file)).size;
  const python = hasPython();

  const env = await actionEnvironment({ path: path.relative(ROOT, file), mode: 'check' }, ROOT);
  const contenders: Contender[] = [
    {
      name: 'action check mode (dist/index.js, full)',
      run: async () => measureProcess(process.execPath, [await actionMain()], { env }),
      verify: (r) => {
        if (!r.stdout.includes('✓')) throw new Error('the action did not pass the file');
      },
    },
  ];
  if (python) {
    contenders.push({
      name: "reference: Together's checker's work, in Python",
      run: () => measureProcess('python3', ['bench/reference_check.py', file]),
      verify: (r) => {
        if (!r.stdout.startsWith('passed')) throw new Error(`the reference did not pass the file: ${r.stdout}`);
      },
    });
  }
  const [action, reference] = (await runRounds(
    contenders,
    bytes,
    `Check of a ${(bytes / 1e6).toFixed(0)} MB conversational JSONL`,
  )) as [RoundsSummary, RoundsSummary | undefined];
  console.log(`
action: ${mbPerSecond(bytes, action.wallMs).toFixed(0)} MB/s, peak RSS ${mib(action.peak)}`);
  if (!reference) {
    return [target('check speed vs the reference', 'not measured (no python3 on this machine)', '>= 3x', false)];
  }
  await measureHashInCheck(file, bytes);
  const ratio = reference.wallMs / action.wallMs;
  return [
    target('check speed vs the reference checker (400 MiB, 2026 rules)', `${ratio.toFixed(2)}x`, '>= 3x', ratio >= 3),
  ];
}

/**
 * What the upload's SHA-256 costs inside the check (which reads every byte anyway), against a separate read for
 * it: the same file checked in this process without it, with it, and then hashed apart; medians of three rounds.
 */
async function measureHashInCheck(file: string, bytes: number): Promise<void> {
  const parallel = { workerScript: path.join(ROOT, 'dist/worker/index.js') };
  const runs = { check: [] as number[], withHash: [] as number[], hashApart: [] as number[] };
  const time = async (work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    return performance.now() - started;
  };
  for (let round = 0; round < 4; round += 1) {
    const check = await time(() => checkJsonlFile(file, bytes, 'full', parallel));
    const withHash = await time(() => checkJsonlFile(file, bytes, 'full', parallel, { sha256: true }));
    const hashApart = await time(() => hashFile(file, bytes));
    if (round === 0) continue; // warm-up
    runs.check.push(check);
    runs.withHash.push(withHash);
    runs.hashApart.push(hashApart);
  }
  const check = median(runs.check);
  const inside = median(runs.withHash) - check;
  const apart = median(runs.hashApart);
  console.log(
    `the SHA-256 computed inside the check (in-process, medians): +${inside.toFixed(0)} ms on ${check.toFixed(0)} ms; a separate read for it: ${apart.toFixed(0)} ms, so inside costs ${((inside / apart) * 100).toFixed(0)}% of a separate pass`,
  );
}

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
