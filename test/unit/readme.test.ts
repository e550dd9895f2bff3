import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readActionYaml, ROOT } from '../../testkit/run-action.js';
import { renderReadme } from '../../scripts/readme-tables.js';

describe('README', () => {
  it('has the input and output tables of action.yml (run `npm run docs` after changing action.yml)', async () => {
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toBe(await renderReadme());
  });

  it('documents every input and output by name', async () => {
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    const action = await readActionYaml();
    // Prettier pads table cells, so a name may be followed by spaces.
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) {
      expect(readme).toMatch(new RegExp(`\\| \`${name}\` +\\|`));
    }
  });

  it('shows the two quick-start commands', async () => {
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm install && npm run demo');
    expect(readme).toContain('npm test');
  });
});
