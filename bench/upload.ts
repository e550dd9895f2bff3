/**
 * Upload benchmark: one large file PUT to the embedded server's presigned storage, in one script: the bundled
 * action (wait off) with checks off and with the defaults, the action's check alone, `openssl dgst -sha256` then
 * `curl -T` (the limit the 2026 API sets: the SHA-256 before the first byte), the hash alone, `curl -T` alone, and
 * Node's global fetch with a stream body (baseline). Prints MB/s and peak RSS of each process, and the ratios. Size: BENCH_UPLOAD_MB (default 1 GiB). Then multipart uploads, for
 * their peak RSS (see benchMultipart).
 */
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { TogetherClient } from '../src/together/client.js';
import { DEFAULT_MULTIPART_THRESHOLD_BYTES } from '../src/together/multipart-plan.js';
import { actionEnvironment, actionMain, ROOT } from '../testkit/run-action.js';
import { startTogetherServer } from '../testkit/together-server.js';
import {
  BENCH_DIR,
  benchRounds,
  mbPerSecond,
  measureProcess,
  median,
  mib,
  runRounds,
  writeChatJsonl,
  target,
  type ProcessMeasurement,
  type RoundsSummary,
  type TargetResult,
} from './lib.js';

export async function benchUpload(
  megabytes = Number(process.env.BENCH_UPLOAD_MB ?? 1024 ** 3 / 1e6),
): Promise<TargetResult[]> {
  const targets: TargetResult[] = [];
  const bytes = Math.round(megabytes * 1e6);
  await mkdir(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, `chat-${bytes}.jsonl`);
  await writeChatJsonl(file, bytes);
  // The server hashes what it receives but keeps none of it, so its memory stays out of the picture; every round
  // sends the same bytes, so it stores each copy instead of answering 409 as Together would.
  const server = await startTogetherServer({ keepContentBytes: 0, detectDuplicates: false });
  const client = new TogetherClient({ apiKey: server.apiKey, baseUrl: server.baseUrl });
  const presigned = async () =>
    (await client.reserve({ purpose: 'fine-tune', fileName: 'bench.jsonl', fileType: 'jsonl' })).uploadUrl;

  try {
    // The action and "hash, then PUT" go back to back in every round (the order reverses every other round), so
    // the ratio within a round is the least exposed to the machine's drift.
    const [action, hashThenCurl, defaults, checkOnly, hashOnly, curl, fetchRun] = (await runRounds(
      [
        {
          name: 'action, checks off (dist/index.js, wait off)',
          run: () => runActionProcess(server.baseUrl, server.apiKey, file),
        },
        {
          // What the 2026 API asks of any client before it may reserve: the file's SHA-256, then the transfer.
          // openssl hashes with the CPU's SHA instructions, as Node's crypto does (coreutils' sha256sum does not).
          name: 'openssl sha256, then curl -T',
          run: async () => {
            const url = await presigned();
            return measureProcess('sh', [
              '-c',
              'openssl dgst -sha256 "$0" > /dev/null && curl -sS --fail -T "$0" "$1"',
              file,
              url,
            ]);
          },
        },
        {
          name: 'action, defaults: full check, then upload',
          run: () => runActionProcess(server.baseUrl, server.apiKey, file, { inputs: { check: 'full' } }),
        },
        {
          name: 'action, check mode (the check alone)',
          run: () =>
            runActionProcess(server.baseUrl, server.apiKey, file, { inputs: { mode: 'check', check: 'full' } }),
        },
        { name: 'openssl sha256 (one hash pass)', run: () => measureProcess('openssl', ['dgst', '-sha256', file]) },
        { name: 'curl -T', run: async () => measureProcess('curl', ['-sS', '--fail', '-T', file, await presigned()]) },
        {
          name: 'baseline: global fetch + stream',
          run: async () => measureProcess(process.execPath, ['bench/fetch-put.mjs', await presigned(), file]),
        },
      ],
      bytes,
      `Upload of a ${(bytes / 1e6).toFixed(0)} MB JSONL to presigned storage on loopback`,
    )) as [RoundsSummary, RoundsSummary, RoundsSummary, RoundsSummary, RoundsSummary, RoundsSummary, RoundsSummary];
    const stored = [...server.files.values()].filter((f) => f.state === 'uploaded');
    const { rounds, warmup } = benchRounds();
    if (stored.length !== (rounds + warmup) * 5 || stored.some((f) => f.bytes !== bytes)) {
      throw new Error('not every upload arrived whole');
    }
    // The action logs the PUT's own rate ("Uploaded 1.07 GB in 2.0 s (530.1 MB/s)"): the transfer without start-up.
    const transferRates = action.runs.map((r) =>
      Number(/Uploaded [\d.]+ \w+ in [\d.]+ \w+ \(([\d.]+) MB\/s\)/.exec(r.stdout)?.[1] ?? NaN),
    );
    console.log(
      `\nthe action's PUT alone (its own log): median ${median(transferRates).toFixed(0)} MB/s (${transferRates.map((r) => r.toFixed(0)).join(' / ')}); curl -T ${mbPerSecond(bytes, curl.wallMs).toFixed(0)} MB/s, so the PUT runs at ${(median(transferRates) / mbPerSecond(bytes, curl.wallMs)).toFixed(2)}x curl's while it hashes what it sends`,
    );
    console.log(
      `action peak RSS ${mib(action.peak)}, curl ${mib(curl.peak)}; fetch baseline peak RSS ${mib(fetchRun.peak)} (${(fetchRun.peak / action.peak).toFixed(1)}x the action's)`,
    );
    // The 2026 API wants the SHA-256 before the reservation, so no client can beat "hash, then PUT": that is the
    // limit the transfer is held to, in the same round.
    const paired = action.runs.map((run, i) => hashThenCurl.runs[i]!.wallMs / run.wallMs);
    const ratio = median(paired);
    console.log(
      `checks off against "openssl sha256, then curl -T" in the same round: median ${ratio.toFixed(2)}x (${paired.map((r) => r.toFixed(2)).join(' / ')})`,
    );
    // The defaults check the file (computing its SHA-256 on the check's own reads) and upload it: at best the
    // check's time plus the upload's, less the hash pass the check made unnecessary.
    const bound = checkOnly.wallMs + action.wallMs - hashOnly.wallMs;
    const overhead = defaults.wallMs / bound;
    console.log(
      `defaults ${(defaults.wallMs / 1000).toFixed(2)} s against check ${(checkOnly.wallMs / 1000).toFixed(2)} s + checks-off upload ${(action.wallMs / 1000).toFixed(2)} s - one hash pass ${(hashOnly.wallMs / 1000).toFixed(2)} s = ${(bound / 1000).toFixed(2)} s: ${overhead.toFixed(2)}x`,
    );
    targets.push(
      target(
        '1 GiB upload, checks off, vs openssl sha256 then curl -T (whole process, same round)',
        `${ratio.toFixed(2)}x`,
        '>= 0.95x',
        ratio >= 0.95,
      ),
      target(
        'defaults (full check, then upload) vs check + checks-off upload - one hash pass',
        `${overhead.toFixed(2)}x`,
        '<= 1.15x',
        overhead <= 1.15,
      ),
      target('peak RSS of that upload', mib(action.peak), '<= 150 MiB', action.peak <= 150 * 1024 ** 2),
    );
    console.log('');
    targets.push(...(await benchMultipart(server.baseUrl, server.apiKey)));
    return targets;
  } finally {
    await client.close();
    await server.close();
  }
}

/**
 * Multipart uploads, to show that memory does not grow with the file nor with the files in flight: one file with
 * the default settings (over 5 GiB: parts of ~250 MiB, four in flight, a sequential read alongside for the
 * SHA-256), then four files at once, cut into 64 MiB parts (the tuning variables), so that 16 parts and four
 * SHA-256 reads want buffers at the same time. The files are sparse (zeros, no disk space).
 * BENCH_MULTIPART_GIB: the single file's size (default 6; 0 skips both).
 */
async function benchMultipart(baseUrl: string, apiKey: string): Promise<TargetResult[]> {
  const gib = Number(process.env.BENCH_MULTIPART_GIB ?? 6);
  if (!(gib > 0)) return [];
  if (gib * 1024 ** 3 <= DEFAULT_MULTIPART_THRESHOLD_BYTES) {
    throw new Error(
      `BENCH_MULTIPART_GIB is ${gib}: it must be over 5 (GiB), or the default settings do not use multipart`,
    );
  }
  const dir = path.join(BENCH_DIR, 'multipart');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  try {
    const single = await sparseFile(path.join(dir, 'single', 'big.jsonl'), gib * 1024 ** 3);
    const one = reportMultipart(
      `one ${gib} GiB file, default settings`,
      await runActionProcess(baseUrl, apiKey, single),
      gib * 1024 ** 3,
    );
    const fourGib = 2;
    for (const name of ['a', 'b', 'c', 'd'])
      await sparseFile(path.join(dir, 'four', `${name}.jsonl`), fourGib * 1024 ** 3);
    const four = await runActionProcess(baseUrl, apiKey, path.join(dir, 'four'), {
      inputs: { concurrency: '4' },
      env: {
        TOGETHER_MULTIPART_THRESHOLD_BYTES: String(1024 ** 3),
        TOGETHER_MULTIPART_PART_BYTES: String(64 * 1024 ** 2),
      },
    });
    const many = reportMultipart(`four ${fourGib} GiB files at once, 64 MiB parts`, four, 4 * fourGib * 1024 ** 3);
    const worst = Math.max(one, many);
    return [
      target(
        'peak RSS of multipart uploads (one 6 GiB file; four at once)',
        `at most ${mib(worst)}`,
        '<= 150 MiB',
        worst <= 150 * 1024 ** 2,
      ),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function sparseFile(file: string, bytes: number): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  const handle = await open(file, 'w');
  await handle.truncate(bytes);
  await handle.close();
  return file;
}

/** Prints one multipart case's figures; returns its peak RSS. */
function reportMultipart(label: string, run: ProcessMeasurement, bytes: number): number {
  const parts = [...run.stdout.matchAll(/in (\d+) parts/g)].map((m) => m[1]);
  if (run.exitCode !== 0 || parts.length === 0)
    throw new Error(`the multipart upload failed: ${run.stdout.slice(-2000)}`);
  console.log(
    `multipart, ${label}: ${parts.join(' + ')} parts, ${mbPerSecond(bytes, run.wallMs).toFixed(0)} MB/s whole process, peak RSS ${mib(run.peakRssBytes)}`,
  );
  return run.peakRssBytes;
}

async function runActionProcess(
  baseUrl: string,
  apiKey: string,
  file: string,
  extra: { inputs?: Record<string, string>; env?: Record<string, string> } = {},
): Promise<ProcessMeasurement> {
  // The upload alone is measured; checking is bench/check.ts's subject.
  const inputs = {
    path: path.relative(ROOT, file),
    'api-key': apiKey,
    'base-url': baseUrl,
    wait: 'false',
    check: 'off',
    ...extra.inputs,
  };
  const env = { ...(await actionEnvironment(inputs, ROOT)), ...extra.env };
  return measureProcess(process.execPath, [await actionMain()], { env });
}
