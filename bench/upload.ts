/**
 * Upload benchmark: one large file PUT to the embedded server's presigned storage, three ways, in one script:
 * the bundled action (wait off), Node's global fetch with a stream body (baseline), and `curl -T`.
 * Prints MB/s and peak RSS of each process, and the ratios. Size: BENCH_UPLOAD_MB (default 1 GiB).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { TogetherClient } from '../src/together/client.js';
import { actionEnvironment, actionMain, ROOT } from '../testkit/run-action.js';
import { startTogetherServer } from '../testkit/together-server.js';
import { BENCH_DIR, mbPerSecond, measureProcess, mib, printTable, writeChatJsonl, type ProcessMeasurement } from './lib.js';

export async function benchUpload(megabytes = Number(process.env.BENCH_UPLOAD_MB ?? 1024 ** 3 / 1e6)): Promise<void> {
  const bytes = Math.round(megabytes * 1e6);
  await mkdir(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, `upload-${bytes}.jsonl`);
  await writeChatJsonl(file, bytes);
  // The server hashes what it receives but keeps none of it, so its memory stays out of the picture.
  const server = await startTogetherServer({ keepContentBytes: 0 });
  const client = new TogetherClient({ apiKey: server.apiKey, baseUrl: server.baseUrl });
  const presigned = async () => (await client.createFile({ purpose: 'fine-tune', fileName: 'bench.jsonl', fileType: 'jsonl' })).uploadUrl;

  try {
    const runs: Array<[string, ProcessMeasurement]> = [];
    runs.push(['action (dist/index.js, wait off)', await runActionProcess(server.baseUrl, server.apiKey, file)]);
    runs.push(['baseline: global fetch + stream', await measureProcess(process.execPath, ['bench/fetch-put.mjs', await presigned(), file])]);
    runs.push(['curl -T', await measureProcess('curl', ['-sS', '--fail', '-T', file, await presigned()])]);
    for (const [name, run] of runs) {
      if (run.exitCode !== 0) throw new Error(`${name} failed (exit ${run.exitCode}): ${run.stderr || run.stdout}`);
    }
    const stored = [...server.files.values()].filter((f) => f.state === 'uploaded');
    if (stored.length !== 3 || stored.some((f) => f.bytes !== bytes)) throw new Error('not every upload arrived whole');

    const [action, fetchRun, curl] = runs.map(([, r]) => r) as [ProcessMeasurement, ProcessMeasurement, ProcessMeasurement];
    console.log(`\nUpload of a ${(bytes / 1e6).toFixed(0)} MB JSONL to presigned storage on loopback (whole process, wall clock)\n`);
    printTable(
      runs.map(([name, r]) => ({
        client: name,
        'MB/s': mbPerSecond(bytes, r.wallMs).toFixed(0),
        'peak RSS': mib(r.peakRssBytes),
        seconds: (r.wallMs / 1000).toFixed(2),
      })),
    );
    console.log(
      `\naction vs curl: ${(curl.wallMs / action.wallMs).toFixed(2)}x throughput (target >= 0.9x); action peak RSS ${mib(action.peakRssBytes)} (limit 160 MiB), curl ${mib(curl.peakRssBytes)}; ` +
        `fetch baseline peak RSS ${mib(fetchRun.peakRssBytes)} (${(fetchRun.peakRssBytes / action.peakRssBytes).toFixed(1)}x the action's)`,
    );
  } finally {
    await client.dispatcher.close();
    await server.close();
  }
}

async function runActionProcess(baseUrl: string, apiKey: string, file: string): Promise<ProcessMeasurement> {
  // The upload alone is measured; checking is bench/check.ts's subject.
  const inputs = { path: path.relative(ROOT, file), 'api-key': apiKey, 'base-url': baseUrl, wait: 'false', check: 'off' };
  return measureProcess(process.execPath, [await actionMain()], { env: await actionEnvironment(inputs, ROOT) });
}
