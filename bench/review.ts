/**
 * Review benchmark, through the bundled action (`dist/index.js`, check mode), on the 400 MiB conversational JSONL
 * of the check benchmark:
 * - the check with `review: true` against `review: false` (throughput kept: target >= 75%);
 * - the review of a pull request changing 10% of its samples (a git repository with base, head and the test merge
 *   commit), against checking the head alone with the review off (target <= 2.5x), with its peak RSS (<= 150 MiB);
 * - the same on two 1 GiB versions of about 4 million short samples each (generated here), whose hashes are
 *   partitioned to RUNNER_TEMP: peak RSS <= 150 MiB;
 * - 5,000 small files reviewed together, with the comment.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { FileReview } from '../src/review/analysis.js';
import { MAX_OVERLAP_FILES } from '../src/review/analysis.js';
import { startGitHubServer } from '../testkit/github-server.js';
import { actionEnvironment, actionMain, parseOutputFile, ROOT } from '../testkit/run-action.js';
import {
  BENCH_DIR,
  measureProcess,
  mib,
  printTable,
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

  const { repo, pr, headOnly } = await pullRequestChanging(file, 'review-repo');
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
        verify: verifyCompared,
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
  results.push(await benchLargeBaseHead());
  results.push(...(await benchManyReviewed()));
  return results;
}

const verifyCompared = (r: { exitCode: number | null; stdout: string }) => {
  if (r.exitCode !== 0 || !/ -> \d+ samples: \d+ added, \d+ removed, [1-9]\d* modified/.test(r.stdout))
    throw new Error(`the review did not compare with the base: ${r.stdout.slice(-1500)}`);
};

/**
 * A repository whose pull request (base, head, test merge commit) rewrites the last answer of every tenth line of
 * `file`; the environments of the review of that pull request and of the head's check alone.
 */
async function pullRequestChanging(file: string, name: string) {
  const repo = path.join(BENCH_DIR, name);
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
  return { repo, pr, headOnly };
}

/**
 * The base/head review of two 1 GiB versions of about 4 million short samples each, 10% changed: far past the
 * 500,000 samples held in memory, so both versions' hashes are partitioned to RUNNER_TEMP. One run: its peak RSS
 * is the target (<= 150 MiB).
 */
async function benchLargeBaseHead(): Promise<TargetResult> {
  const file = conversationFile(1024, 'short');
  await writeConversationJsonl(file, 1024 * 1024 * 1024, 'short');
  const { repo, pr } = await pullRequestChanging(file, 'review-repo-1gib');
  try {
    const runnerTemp = path.join(repo, '.runner-temp');
    await mkdir(runnerTemp);
    const run = await measureProcess(process.execPath, [await actionMain()], {
      env: { ...pr, RUNNER_TEMP: runnerTemp },
      cwd: repo,
    });
    verifyCompared(run);
    const line = run.stdout.split('\n').find((l) => l.includes(' -> ')) ?? '';
    console.log(`\nBase/head review of two 1 GiB versions of short samples, 10% changed (dist/index.js, one run)\n`);
    printTable([
      {
        run: 'review against the base (git)',
        seconds: (run.wallMs / 1000).toFixed(2),
        'peak RSS': mib(run.peakRssBytes),
        review: line.replace(/^.*train\.jsonl: /, '').slice(0, 110),
      },
    ]);
    return target(
      'peak RSS of the base/head review of two 1 GiB versions of about 4 million short samples',
      mib(run.peakRssBytes),
      '<= 150 MiB',
      run.peakRssBytes <= 150 * 1024 * 1024,
    );
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}

const MANY_FILES = 5000;
const SUMMARY_BUDGET_BYTES = 512 * 1024;
/** GitHub refuses comments over 65,536 characters. */
const COMMENT_LIMIT_CHARS = 65_536;

/**
 * 5,000 small files of a pull request, every one sharing a sample with all the others and a prompt with its
 * neighbours, each compared with its base version: the overlap is computed across all of them, and the summary
 * and the comment (posted to the GitHub stand-in) stay within their budgets.
 */
export async function benchManyReviewed(): Promise<TargetResult[]> {
  const workspace = path.join(BENCH_DIR, 'review-many');
  await rm(workspace, { recursive: true, force: true });
  await mkdir(path.join(workspace, 'data'), { recursive: true });
  const chat = (q: string, a: string) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: q },
        { role: 'assistant', content: a },
      ],
    });
  const writePart = async (i: number, revision: string) => {
    const lines = [
      chat(`Question ${i}?`, `Answer ${i}.${revision}`),
      chat('What is shared by every file?', 'This sample.'),
      chat(`Question ${i + 1}?`, `Another answer to ${i + 1}.`),
    ];
    await writeFile(path.join(workspace, 'data', `part-${String(i).padStart(5, '0')}.jsonl`), `${lines.join('\n')}\n`);
  };
  // A pull request (base, head, test merge commit) revising one answer in every tenth file: each file is compared
  // with its base version, 500 of them read from git.
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: workspace, stdio: ['ignore', 'pipe', 'inherit'] });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'bench@example.com');
  git('config', 'user.name', 'bench');
  for (let i = 0; i < MANY_FILES; i += 1) await writePart(i, '');
  git('add', '.');
  git('commit', '-qm', 'base');
  git('checkout', '-qb', 'feature');
  for (let i = 0; i < MANY_FILES; i += 10) await writePart(i, ' Revised.');
  git('commit', '-qam', 'revise every tenth file');
  git('checkout', '-q', 'main');
  git('merge', '-q', '--no-ff', 'feature', '-m', 'merge');
  const github = await startGitHubServer();
  try {
    const temp = path.join(workspace, '.runner');
    await mkdir(temp);
    const summaryFile = path.join(temp, 'summary');
    const outputFile = path.join(temp, 'output');
    await writeFile(summaryFile, '');
    await writeFile(outputFile, '');
    const eventPath = path.join(temp, 'event.json');
    await writeFile(eventPath, JSON.stringify({ pull_request: { number: github.number } }));
    const env = {
      ...(await actionEnvironment(
        { mode: 'check', path: 'data', comment: 'true', 'github-token': 'gh-write' },
        workspace,
      )),
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
      GITHUB_API_URL: github.url,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: temp,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
    };
    const run = await measureProcess(process.execPath, [await actionMain()], { env, cwd: workspace });
    if (run.exitCode !== 0) throw new Error(`exit ${run.exitCode}\n${run.stdout.slice(-2000)}`);
    const outputs = parseOutputFile(await readFile(outputFile, 'utf8'));
    const manifest = JSON.parse(await readFile(outputs.manifest!, 'utf8')) as {
      files: Array<{ review: FileReview | null }>;
    };
    const overlapping = manifest.files.filter(
      (f) => f.review && Object.keys(f.review.overlap).length === MAX_OVERLAP_FILES,
    ).length;
    const compared = manifest.files.filter((f) => f.review?.base).length;
    const revised = manifest.files.filter((f) => f.review?.modified === 1).length;
    if (compared !== MANY_FILES || revised !== MANY_FILES / 10)
      throw new Error(`${compared} files compared with their base, ${revised} revised: expected all, and a tenth`);
    const summaryBytes = (await stat(summaryFile)).size;
    const comment = github.comments[0]?.body ?? '';
    console.log(
      `\nReview of ${MANY_FILES.toLocaleString('en-US')} small files sharing samples (dist/index.js, pull request, comment on)\n`,
    );
    printTable([
      {
        files: MANY_FILES.toLocaleString('en-US'),
        seconds: (run.wallMs / 1000).toFixed(2),
        'peak RSS': mib(run.peakRssBytes),
        'compared with the base (revised)': `${compared.toLocaleString('en-US')} (${revised})`,
        'files with overlap (10 named each)': overlapping.toLocaleString('en-US'),
        summary: `${(summaryBytes / 1024).toFixed(0)} KiB`,
        comment: `${comment.length.toLocaleString('en-US')} characters`,
      },
    ]);
    return [
      target(
        `overlap computed across ${MANY_FILES.toLocaleString('en-US')} files`,
        `${overlapping.toLocaleString('en-US')} files name ${MAX_OVERLAP_FILES} others`,
        `all ${MANY_FILES.toLocaleString('en-US')}`,
        overlapping === MANY_FILES,
      ),
      target(
        `summary and comment of ${MANY_FILES.toLocaleString('en-US')} reviewed files within budget`,
        `${(summaryBytes / 1024).toFixed(0)} KiB; ${comment.length.toLocaleString('en-US')} characters`,
        `<= 512 KiB; 1 to ${COMMENT_LIMIT_CHARS.toLocaleString('en-US')} characters`,
        summaryBytes <= SUMMARY_BUDGET_BYTES && comment.length > 0 && comment.length <= COMMENT_LIMIT_CHARS,
      ),
    ];
  } finally {
    await github.close();
    await rm(workspace, { recursive: true, force: true });
  }
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
