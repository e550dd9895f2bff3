import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readActionYaml, ROOT } from '../../testkit/run-action.js';

const dir = path.join(ROOT, '.github', 'workflows');

interface Workflow {
  on: unknown;
  jobs: Record<string, { steps: Array<{ uses?: string; run?: string; with?: Record<string, string> }> }>;
}

async function workflow(name: string): Promise<Workflow> {
  return parse(await readFile(path.join(dir, name), 'utf8')) as Workflow;
}

describe('workflows', () => {
  it('are valid YAML with jobs and steps', async () => {
    for (const name of await readdir(dir)) {
      const wf = await workflow(name);
      expect(Object.keys(wf.jobs).length, name).toBeGreaterThan(0);
      for (const job of Object.values(wf.jobs)) expect(job.steps.length, name).toBeGreaterThan(0);
    }
  });

  it('CI runs format, lint, typecheck and test, and self-tests the action with uses: ./', async () => {
    const ci = await workflow('ci.yml');
    const runs = ci.jobs.test!.steps.map((s) => s.run);
    for (const command of ['npm ci', 'npm run format:check', 'npm run lint', 'npm run typecheck', 'npm test'])
      expect(runs).toContain(command);
    const selfTest = ci.jobs['self-test']!.steps.filter((s) => s.uses === './');
    expect(selfTest.length).toBeGreaterThanOrEqual(2);
    const inputs = Object.keys((await readActionYaml()).inputs);
    for (const step of selfTest) for (const name of Object.keys(step.with ?? {})) expect(inputs).toContain(name);
  });

  it('check-dist rebuilds dist/ and fails on a difference', async () => {
    const steps = (await workflow('check-dist.yml')).jobs['check-dist']!.steps.map((s) => s.run ?? '');
    expect(steps).toContain('npm run package');
    expect(steps.join('\n')).toContain('git status --porcelain -- dist');
  });
});
