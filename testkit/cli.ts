/**
 * `npm run server [-- --port 8787 --polls 2 --legacy --never-finish]`: runs the embedded Together-compatible
 * server in the foreground, to try the action or a client against it by hand.
 */
import { parseArgs } from 'node:util';
import { startTogetherServer } from './together-server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    key: { type: 'string', default: 'test-key' },
    polls: { type: 'string', default: '2' },
    legacy: { type: 'boolean', default: false },
    'never-finish': { type: 'boolean', default: false },
  },
});

const server = await startTogetherServer(
  {
    apiKey: values.key,
    pollsBeforeDone: Number(values.polls),
    legacySchema: values.legacy,
    neverFinish: values['never-finish'],
  },
  Number(values.port),
);
console.log(`Together-compatible server at ${server.baseUrl} (API key: ${server.apiKey}). Ctrl-C stops it.`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void server.close().then(() => process.exit(0)));
}
