/**
 * `npm run demo`: starts the embedded Together-compatible server on loopback and runs the bundled upload action over
 * examples/datasets exactly as the GitHub runner would, then the fine-tune action on the chat dataset's ID, and
 * prints the outputs, the job summaries and the trained model's name.
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
  if (run.exitCode !== 0) {
    process.exitCode = run.exitCode ?? 1;
  } else {
    // The next step of the workflow: the fine-tune action, on the chat dataset's ID.
    const ids = JSON.parse(run.outputs.ids ?? '{}') as Record<string, string>;
    console.log('\n─── fine-tune action log (uses: your-org/together-upload-action/fine-tune@v1) ───');
    const fineTune = await runAction({
      action: 'fine-tune',
      workspace: ROOT,
      inputs: {
        'api-key': server.apiKey,
        'base-url': server.baseUrl,
        'training-file': ids['examples/datasets/support-chat.jsonl'] ?? '',
        model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
        'n-epochs': '2',
        suffix: 'support',
        'max-price': '5',
      },
      // The stand-in's jobs move a stage per poll: poll often, so the demo takes seconds.
      env: { TOGETHER_POLL_MAX_SECONDS: '0.3' },
      onOutput: log.write,
    });
    log.flush();
    console.log('\n─── fine-tune outputs ────────────────────────────────────────');
    for (const name of ['job-id', 'status', 'model-name', 'adapter-name', 'price', 'tokens'])
      console.log(`${name.padEnd(13)} ${fineTune.outputs[name] ?? ''}`);
    console.log('\n─── fine-tune job summary ────────────────────────────────────');
    console.log(fineTune.summary);
    console.log(`The trained model: ${fineTune.outputs['model-name']} (exit code ${fineTune.exitCode})`);
    process.exitCode = fineTune.exitCode ?? 1;
  }
} finally {
  await server.close();
}
