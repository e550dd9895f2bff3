/**
 * Check benchmark: check mode of the bundled action (`dist/index.js`, full rules) on a generated conversational
 * JSONL of BENCH_CHECK_MIB (default 400) MiB, whole process, against a stand-in for Together's reference checker
 * (bench/reference_check.py: the same two passes, UTF-8 then json.loads and the 2026 rules per line, on Debian's
 * python3) on the same file. Target: at least 3x the reference's throughput.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { actionEnvironment, actionMain, ROOT } from '../testkit/run-action.js';
import {
  BENCH_DIR,
  mbPerSecond,
  measureProcess,
  mib,
  runRounds,
  target,
  writeConversationJsonl,
  type Contender,
  type RoundsSummary,
  type TargetResult,
} from './lib.js';

export async function benchCheck(mebibytes = Number(process.env.BENCH_CHECK_MIB ?? 400)): Promise<TargetResult[]> {
  await mkdir(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, `conversation-${mebibytes}mib.jsonl`);
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
  const ratio = reference.wallMs / action.wallMs;
  return [
    target('check speed vs the reference checker (400 MiB, 2026 rules)', `${ratio.toFixed(2)}x`, '>= 3x', ratio >= 3),
  ];
}

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
