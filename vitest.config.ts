import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/hide-debug-lines.ts'],
    testTimeout: 60_000,
    // Print what a test logged only when it fails.
    silent: 'passed-only',
    hookTimeout: 60_000,
    // End-to-end tests spawn `node dist/index.js`; keep them from fighting the unit tests for the 2 cores.
    fileParallelism: true,
    maxWorkers: 2,
    // @actions/workflow-parser imports its schema JSON without `with { type: 'json' }`, which Node refuses;
    // inlined, Vite transforms it (and its JSON) as it does the tests' own modules.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
