/**
 * `npm run demo`: starts the embedded Together-compatible server on loopback and runs the bundled action over
 * examples/datasets exactly as the GitHub runner would, then prints the outputs and the job summary.
 * No API key and no network needed.
 */
import { runAction, ROOT } from '../testkit/run-action.js';
import { startTogetherServer } from '../testkit/together-server.js';

/** Prints the action's output line by line, leaving out `::debug::` lines as the runner does unless debugging is on. */
function printWithoutDebugLines(): { write: (chunk: string) => void; flush: () => void } {
  let pending = '';
  const print = (line: string) => {
    if (!line.startsWith('::debug::')) process.stdout.write(`${line}\n`);
  };
  return {
    write: (chunk) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      lines.forEach(print);
    },
    flush: () => pending && print(pending),
  };
}

const server = await startTogetherServer({ pollsBeforeDone: 2 });
const log = printWithoutDebugLines();
console.log(`Embedded Together-compatible server at ${server.baseUrl}\n`);
console.log('─── action log ───────────────────────────────────────────────');
try {
  const run = await runAction({
    workspace: ROOT,
    inputs: {
      path: 'examples/datasets',
      'api-key': server.apiKey,
      'base-url': server.baseUrl,
      'estimate-model': 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
    },
    onOutput: log.write,
  });
  log.flush();
  console.log('\n─── outputs ──────────────────────────────────────────────────');
  console.log(`file-id:  ${run.outputs['file-id']}`);
  console.log(`file-ids: ${run.outputs['file-ids']}`);
  console.log(`ids:      ${run.outputs.ids}`);
  console.log(`manifest: ${run.outputs.manifest} (${(run.manifest as { files: unknown[] }).files.length} files)`);
  console.log("(The estimates come from the embedded server: a deterministic stand-in, not Together's prices.)");
  console.log('files:');
  console.log(JSON.stringify(JSON.parse(run.outputs.files ?? '[]'), null, 2));
  console.log('\n─── job summary (GITHUB_STEP_SUMMARY) ────────────────────────');
  console.log(run.summary);
  console.log(`exit code: ${run.exitCode}`);
  process.exitCode = run.exitCode ?? 1;
} finally {
  await server.close();
}
