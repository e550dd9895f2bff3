/**
 * Runs the bundled action (`dist/index.js`) as the GitHub runner does: a clean environment, `INPUT_*` variables
 * (hyphens kept) with action.yml's defaults filled in, and empty GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface RunActionOptions {
  /** The folder of the action.yml to run (default: the repository's root, the upload action; `fine-tune`). */
  action?: string;
  /** Input values by their action.yml names (e.g. `api-key`); the rest get action.yml's defaults. */
  inputs: Record<string, string>;
  workspace: string;
  /** Extra environment variables (e.g. TOGETHER_API_KEY). */
  env?: Record<string, string>;
  /** Kill the run after this long (default 120 s). */
  timeoutMs?: number;
  /** Called with each chunk the action prints, as it prints it. */
  onOutput?: (chunk: string) => void;
  /** Run under this open-files limit (`ulimit -n`), as self-hosted runners (1,024) and macOS (256) have. */
  openFilesLimit?: number;
  /** Send this signal once `when` resolves: an event of the test's server, never a timer (to test cancellation). */
  signalWhen?: { signal: NodeJS.Signals; when: Promise<unknown> };
}

export interface ActionRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** The manifest the run wrote, read before its temporary folder (RUNNER_TEMP) is removed; undefined if none. */
  manifest: unknown;
}

interface ActionYaml {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, unknown>;
  runs: { using: string; main: string };
}

/** An action.yml, parsed: the upload action's, or the one in `action` (a folder of the repository). */
export async function readActionYaml(action = ''): Promise<ActionYaml> {
  return parse(await readFile(path.join(ROOT, action, 'action.yml'), 'utf8')) as ActionYaml;
}

/** The variable name the runner uses for an input: `INPUT_` + upper case, spaces to `_`, hyphens kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * The environment the runner gives the action: `INPUT_*` for every input of action.yml (the given value or the
 * default), the workspace, and PATH. Refuses inputs that action.yml does not declare.
 */
export async function actionEnvironment(
  inputs: Record<string, string>,
  workspace: string,
  actionDir = '',
): Promise<Record<string, string>> {
  const action = await readActionYaml(actionDir);
  for (const name of Object.keys(inputs)) {
    if (!(name in action.inputs)) throw new Error(`'${name}' is not an input of action.yml`);
  }
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', GITHUB_WORKSPACE: workspace };
  for (const [name, spec] of Object.entries(action.inputs))
    env[inputVariable(name)] = inputs[name] ?? runnerDefault(spec.default ?? '');
  return env;
}

/**
 * A default as the runner passes it: `${{ github.token }}` is the job's token, which a local run does not have,
 * so it is empty (a test that needs a token gives one).
 */
function runnerDefault(value: string): string {
  return value.replace(/\$\{\{\s*github\.token\s*\}\}/g, '');
}

/** The bundled action's entry point, as its action.yml's `runs.main` names it (relative to that folder). */
export async function actionMain(action = ''): Promise<string> {
  return path.join(ROOT, action, (await readActionYaml(action)).runs.main);
}

export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const temp = await mkdtemp(path.join(tmpdir(), 'action-run-'));
  const outputFile = path.join(temp, 'github_output');
  const summaryFile = path.join(temp, 'step_summary');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');

  const env: Record<string, string> = {
    ...(await actionEnvironment(options.inputs, options.workspace, options.action)),
    HOME: process.env.HOME ?? temp,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: temp,
    RUNNER_OS: 'Linux',
    ...options.env,
  };
  const main = await actionMain(options.action);
  // `exec` keeps the limit's shell out of the way: signals reach Node itself.
  const [command, args] = options.openFilesLimit
    ? ['/bin/sh', ['-c', `ulimit -n ${options.openFilesLimit} && exec "$0" "$1"`, process.execPath, main]]
    : [process.execPath, [main]];
  const child = spawn(command, args, {
    cwd: options.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
    options.onOutput?.(c);
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
    options.onOutput?.(c);
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  let exited = false;
  void options.signalWhen?.when.then(() => exited || child.kill(options.signalWhen!.signal));
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (code, sig) => resolve([code, sig])),
  );
  exited = true;
  clearTimeout(killer);

  const outputs = parseOutputFile(await readFile(outputFile, 'utf8'));
  const manifestText = outputs.manifest ? await readFile(outputs.manifest, 'utf8').catch(() => undefined) : undefined;
  const run: ActionRun = {
    exitCode,
    signal,
    stdout,
    stderr,
    outputs,
    summary: await readFile(summaryFile, 'utf8'),
    manifest: manifestText === undefined ? undefined : JSON.parse(manifestText),
  };
  await rm(temp, { recursive: true, force: true });
  return run;
}

/** Parses the `name<<delimiter` blocks that `core.setOutput` appends to GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const header = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (header) {
      const [, name, delimiter] = header;
      const end = lines.indexOf(delimiter!, i + 1);
      if (end < 0) throw new Error(`GITHUB_OUTPUT: no closing delimiter for '${name}'`);
      outputs[name!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i]!.includes('=')) {
      const at = lines[i]!.indexOf('=');
      outputs[lines[i]!.slice(0, at)] = lines[i]!.slice(at + 1);
    }
  }
  return outputs;
}
