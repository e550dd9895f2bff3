import { afterEach } from 'vitest';
import { runAction } from '../../testkit/run-action.js';
import { startTogetherServer, type TogetherServerOptions } from '../../testkit/together-server.js';
import { makeWorkspace } from './workspace.js';

/** What a test registers to be undone after it (servers closed, folders removed), in reverse order. */
export function cleanupsAfterEach(): Array<() => Promise<void>> {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  return cleanups;
}

/**
 * An embedded server (processing done at the first poll unless told otherwise) and a workspace of `files`, both
 * undone after the test, and `run`: the bundled action over that workspace, pointed at that server with its key.
 */
export async function serverAndWorkspace(
  cleanups: Array<() => Promise<void>>,
  files: Record<string, string | Buffer>,
  serverOptions: TogetherServerOptions = {},
  baseEnv: Record<string, string> = {},
) {
  const server = await startTogetherServer({ pollsBeforeDone: 0, ...serverOptions });
  const ws = await makeWorkspace(files);
  cleanups.push(
    () => server.close(),
    () => ws.cleanup(),
  );
  const run = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    runAction({
      workspace: ws.root,
      inputs: { 'api-key': server.apiKey, 'base-url': server.baseUrl, ...inputs },
      env: { ...baseEnv, ...env },
    });
  return { server, ws, run };
}
