/**
 * Review benchmark, through the bundled action (`dist/index.js`, check mode), on the 400 MiB conversational JSONL
 * of the check benchmark:
 * - the check with `review: true` against `review: false` (throughput kept: target >= 75%);
 * - the review of a pull request changing 10% of its samples (a git repository with base, head and the test merge
 *   commit), against checking the head alone with the review off (target <= 2.5x), with its peak RSS (<= 150 MiB).
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { actionEnvironment, actionMain, ROOT } from '../testkit/run-action.js';
import {
  BENCH_DIR,
  measureProcess,
  mib,
  runRounds,
  target,
  conversationFile,
  writeConversationJsonl,
  type Contender,
  type TargetResult,
} from './lib.js';

export async function benchReview(mebibytes = Number(process.env.BENCH_CHECK_MIB ?? 400)): Promise<TargetResult[]> {
  await mkdir(BENCH_DIR, { recursive: true });
  const file = conversationFile(mebibytes);
  await writeConversationJsonl(file, mebibytes * 1024 * 1024);
  const bytes = (await stat(file)).size;
  const results: TargetResult[] = [];

  const withReview = await actionEnvironment({ path: path.relative(ROOT, file), mode: 'check', review: 'true' }, ROOT);
  const without = await actionEnvironment({ path: path.relative(ROOT, file), mode: 'check', review: 'false' }, ROOT);
  const passed = (r: { stdout: string }) => {
    if (!r.stdout.includes('✓')) throw new Error('the action did not pass the file');
  };
  const contenders: Contender[] = [
    {
      name: 'check, review: false',
      run: async () => measureProcess(process.execPath, [await actionMain()], { env: without }),
      verify: passed,
    },
    {
      name: 'check, review: true',
      run: async () => measureProcess(process.execPath, [await actionMain()], { env: withReview }),
      verify: passed,
    },
  ];
  const [off, on] = await runRounds(
    contenders,
    bytes,
    `Review of a ${(bytes / 1e6).toFixed(0)} MB conversational JSONL`,
  );
  const kept = off!.wallMs / on!.wallMs;
  results.push(
    target(
      'check throughput kept with review: true (400 MiB conversational file)',
      `${(kept * 100).toFixed(0)}%`,
      '>= 75%',
      kept >= 0.75,
    ),
  );

  // A pull request that changes every tenth sample.
  const repo = path.join(BENCH_DIR, 'review-repo');
  await rm(repo, { recursive: true, force: true });
  await mkdir(repo, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'bench@example.com');
  git('config', 'user.name', 'bench');
  git('config', 'core.compression', '0');
  const dataset = path.join(repo, 'train.jsonl');
  await copyChanging(file, dataset, () => false);
  git('add', '.');
  git('commit', '-qm', 'base');
  git('checkout', '-qb', 'feature');
  await rm(dataset);
  await copyChanging(file, dataset, (line) => line % 10 === 0);
  git('commit', '-qam', 'revise every tenth answer');
  git('checkout', '-q', 'main');
  git('merge', '-q', '--no-ff', 'feature', '-m', 'merge');
  await writeFile(path.join(repo, '.keep'), '');
  const pr = {
    ...(await actionEnvironment({ path: 'train.jsonl', mode: 'check', review: 'true' }, repo)),
    GITHUB_EVENT_NAME: 'pull_request',
    PATH: process.env.PATH ?? '/usr/bin:/bin',
  };
  const headOnly = await actionEnvironment({ path: 'train.jsonl', mode: 'check', review: 'false' }, repo);
  const [alone, compared] = await runRounds(
    [
      {
        name: 'check of the head alone, review: false',
        run: async () => measureProcess(process.execPath, [await actionMain()], { env: headOnly, cwd: repo }),
        verify: passed,
      },
      {
        name: 'review against the base (git)',
        run: async () => measureProcess(process.execPath, [await actionMain()], { env: pr, cwd: repo }),
        verify: (r) => {
          if (!/ -> \d+ samples: \d+ added, \d+ removed, [1-9]\d* modified/.test(r.stdout))
            throw new Error(`the review did not compare with the base: ${r.stdout.slice(-1500)}`);
        },
      },
    ],
    bytes,
    'Base/head review of two 400 MiB versions, 10% of samples changed',
  );
  console.log(compared!.runs[0]!.stdout.split('\n').find((l) => l.includes(' -> ')) ?? '');
  const ratio = compared!.wallMs / alone!.wallMs;
  results.push(
    target('base/head review time against checking the head alone', `${ratio.toFixed(2)}x`, '<= 2.5x', ratio <= 2.5),
  );
  results.push(
    target(
      'peak RSS of the base/head review of two 400 MiB versions',
      mib(compared!.peak),
      '<= 150 MiB',
      compared!.peak <= 150 * 1024 * 1024,
    ),
  );
  await rm(repo, { recursive: true, force: true });
  return results;
}

/** Copies a JSONL file line by line, rewriting the last answer of the lines `change` picks. */
async function copyChanging(from: string, to: string, change: (line: number) => boolean): Promise<void> {
  const out = createWriteStream(to);
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(from), crlfDelay: Infinity })) {
    line += 1;
    const written = change(line) ? text.replace(/"\}\]\}$/, ' (revised)"}]}') : text;
    if (!out.write(`${written}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}
