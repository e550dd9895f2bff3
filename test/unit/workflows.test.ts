import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { changelogSection } from '../../scripts/changelog-section.js';
import { readActionYaml, ROOT } from '../../testkit/run-action.js';

const dir = path.join(ROOT, '.github', 'workflows');

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}

interface Workflow {
  on: unknown;
  permissions?: Record<string, string>;
  jobs: Record<string, { permissions?: Record<string, string>; needs?: string; steps: Step[] }>;
}

async function workflow(name: string): Promise<Workflow> {
  return parse(await readFile(path.join(dir, name), 'utf8')) as Workflow;
}

describe('workflows', () => {
  it("are valid workflows by GitHub's own parser (@actions/workflow-parser), schema errors included", async () => {
    const names = await readdir(dir);
    expect(names.sort()).toEqual(['check-dist.yml', 'ci.yml', 'codeql.yml', 'release.yml']);
    for (const name of names) {
      const content = await readFile(path.join(dir, name), 'utf8');
      const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
      expect(
        parsed.context.errors.getErrors().map((e) => e.message),
        name,
      ).toEqual([]);
      const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
      expect(template.errors ?? [], name).toEqual([]);
      expect(template.jobs.length, name).toBeGreaterThan(0);
    }
  });

  it('the parser check can fail: a misspelt key is an error', () => {
    const parsed = parseWorkflow(
      { name: 'bad.yml', content: 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n' },
      new NoOperationTraceWriter(),
    );
    expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([
      "bad.yml (Line: 5, Col: 5): Unexpected value 'stepz'",
    ]);
  });

  it('pin every action of another repository by commit SHA, with its version in a comment', async () => {
    for (const name of await readdir(dir)) {
      const lines = (await readFile(path.join(dir, name), 'utf8')).split('\n');
      for (const line of lines.filter((l) => /^\s*-?\s*uses:/.test(l))) {
        const uses = /uses:\s*(\S+)/.exec(line)![1]!;
        if (uses.startsWith('./')) continue;
        expect(line, `${name}: ${line.trim()}`).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/);
      }
    }
  });

  it('grant least permissions: read by default, a write only on the job that needs it', async () => {
    for (const name of await readdir(dir)) {
      const wf = await workflow(name);
      expect(wf.permissions, name).toEqual({ contents: 'read' });
    }
    expect((await workflow('release.yml')).jobs.release!.permissions).toEqual({ contents: 'write' });
    expect((await workflow('release.yml')).jobs.verify!.permissions).toEqual({ contents: 'read' });
    expect((await workflow('codeql.yml')).jobs.analyze!.permissions).toEqual({
      contents: 'read',
      'security-events': 'write',
    });
  });

  it('release on a tag vX.Y.Z: version, dist/ and tests verified, the CHANGELOG section published, the major tag moved', async () => {
    const release = await workflow('release.yml');
    expect(release.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } });
    const verify = release.jobs.verify!.steps.map((s) => s.run ?? '').join('\n');
    expect(verify).toContain('require("./package.json").version');
    expect(verify).toContain('npm run package');
    expect(verify).toContain('git status --porcelain -- dist');
    expect(verify).toContain('npm test');
    expect(verify).toContain('scripts/changelog-section.ts "${GITHUB_REF_NAME#v}"');
    expect(release.jobs.release!.needs).toBe('verify');
    const publish = release.jobs.release!.steps.map((s) => s.run ?? '').join('\n');
    expect(publish).toContain('gh release create "$GITHUB_REF_NAME"');
    expect(publish).toContain('--notes "$NOTES"');
    expect(publish).toContain('major="${GITHUB_REF_NAME%%.*}"');
    expect(publish).toContain('git push --force origin "refs/tags/$major"');
    // Untrusted text never goes into a script by expression: the notes come through the environment.
    expect(publish).not.toContain('${{');
  });

  it('CodeQL analyses the TypeScript, on pull requests and weekly', async () => {
    const codeql = await workflow('codeql.yml');
    expect(Object.keys(codeql.on as object).sort()).toEqual(['pull_request', 'push', 'schedule']);
    const init = codeql.jobs.analyze!.steps.find((s) => s.uses?.startsWith('github/codeql-action/init@'))!;
    expect(init.with).toMatchObject({ languages: 'javascript-typescript', 'build-mode': 'none' });
    expect(codeql.jobs.analyze!.steps.some((s) => s.uses?.startsWith('github/codeql-action/analyze@'))).toBe(true);
  });

  it('Dependabot updates npm and GitHub Actions weekly, grouped', async () => {
    const config = parse(await readFile(path.join(ROOT, '.github', 'dependabot.yml'), 'utf8')) as {
      updates: Array<{ 'package-ecosystem': string; schedule: { interval: string }; groups: object }>;
    };
    expect(config.updates.map((u) => u['package-ecosystem'])).toEqual(['npm', 'github-actions']);
    for (const update of config.updates) {
      expect(update.schedule.interval).toBe('weekly');
      expect(Object.keys(update.groups).length).toBeGreaterThan(0);
    }
  });

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
    // The fine-tune action runs there too, chained on the upload's IDs.
    const fineTune = ci.jobs['self-test']!.steps.filter((s) => s.uses === './fine-tune');
    expect(fineTune).toHaveLength(1);
    const fineTuneInputs = Object.keys((await readActionYaml('fine-tune')).inputs);
    for (const name of Object.keys(fineTune[0]!.with ?? {})) expect(fineTuneInputs).toContain(name);
    expect(fineTune[0]!.with!['training-file']).toContain('steps.upload.outputs.ids');
  });

  it('check-dist rebuilds dist/ and fails on a difference', async () => {
    const steps = (await workflow('check-dist.yml')).jobs['check-dist']!.steps.map((s) => s.run ?? '');
    expect(steps).toContain('npm run package');
    expect(steps.join('\n')).toContain('git status --porcelain -- dist');
  });
});

describe('changelogSection', () => {
  const changelog = [
    '# Changelog',
    '',
    '## [Unreleased]',
    '',
    '- next',
    '',
    '## [1.2.0] - 2026-12-01',
    '',
    '### Added',
    '',
    '- the thing',
    '',
    '## [1.1.0] - 2026-11-01',
    '',
    '- older',
    '',
    '[1.2.0]: https://example.com/compare/v1.1.0...v1.2.0',
  ].join('\n');

  it("returns a version's section without its heading, up to the next one", () => {
    expect(changelogSection(changelog, '1.2.0')).toBe('### Added\n\n- the thing');
    expect(changelogSection(changelog, '1.1.0')).toBe('- older');
  });

  it('is undefined for a version it does not have, or whose section is empty', () => {
    expect(changelogSection(changelog, '1.3.0')).toBeUndefined();
    expect(changelogSection(changelog, '1.2')).toBeUndefined();
    expect(changelogSection('## [2.0.0]\n\n## [1.0.0]\n- x', '2.0.0')).toBeUndefined();
  });
});
