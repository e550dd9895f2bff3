/**
 * The layout the code keeps (README, "Layout"): no import cycle, @actions/core only at the edge, HTTP to Together
 * only in src/together/, and the checker and the shared types free of everything above them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../testkit/run-action.js';

const SRC = path.join(ROOT, 'src');

/** Every module of src/ (relative path) with what it imports: other modules, and packages by name. */
function moduleGraph(): Map<string, { modules: string[]; packages: string[] }> {
  const graph = new Map<string, { modules: string[]; packages: string[] }>();
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const text = readFileSync(path.join(SRC, file), 'utf8');
    const specifiers = [
      ...text.matchAll(/(?:^|\n)\s*(?:import|export)(?:[^'";]*?from)?\s*'([^']+)'|import\('([^']+)'\)/g),
    ].map((m) => m[1] ?? m[2]!);
    const modules: string[] = [];
    const packages: string[] = [];
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) {
        modules.push(path.normalize(path.join(path.dirname(file), specifier)).replace(/\.js$/, '.ts'));
      } else if (!specifier.startsWith('node:')) {
        packages.push(specifier);
      }
    }
    graph.set(path.normalize(file), { modules, packages });
  }
  return graph;
}

describe('the module graph', () => {
  const graph = moduleGraph();

  it('is read (a test that found no modules would prove nothing)', () => {
    expect(graph.size).toBeGreaterThan(30);
    expect(graph.get('runner.ts')!.packages).toContain('@actions/core');
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of graph.get(file)?.modules ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('imports @actions/core only in runner.ts, the edge', () => {
    const users = [...graph].filter(([, m]) => m.packages.includes('@actions/core')).map(([file]) => file);
    expect(users).toEqual(['runner.ts']);
  });

  it('speaks HTTP to Together only from src/together/ (undici nowhere else)', () => {
    const users = [...graph].filter(([, m]) => m.packages.includes('undici')).map(([file]) => file);
    expect(users.length).toBeGreaterThan(0);
    expect(users.filter((file) => !file.startsWith('together/'))).toEqual([]);
  });

  it('keeps the checker and the bottom modules free of the layers above them', () => {
    // The bottom: the shared vocabulary, the sanitiser and the error text, which import nothing.
    const bottom = ['domain.ts', 'safe-text.ts', 'error-text.ts'];
    const above = (file: string) => !file.startsWith('check/') && !bottom.includes(file);
    const upward = [...graph]
      .filter(([file]) => file.startsWith('check/') || bottom.includes(file))
      .flatMap(([file, m]) => m.modules.filter(above).map((target) => `${file} -> ${target}`));
    expect(upward).toEqual([]);
    for (const file of bottom) expect(graph.get(file)!.modules, file).toEqual([]);
  });
});
