import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// A cycle makes module order matter at start-up and hides which layer depends on which
// (docs/architecture.md). Written out rather than taken from madge: it is forty lines, and
// madge would add a hundred packages to every install for this one check.

const SRC = path.resolve(import.meta.dirname, '../../src');
const IMPORT = /\b(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

function resolve(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier.replace(/\.js$/, ''));
  return [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')].find((file) => {
    try {
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/** Every cycle reachable in the graph, each as the list of files it passes through. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe('the source tree', () => {
  it('has no import cycles, type-only imports included', () => {
    const graph = new Map<string, string[]>();
    for (const file of sourceFiles(SRC)) {
      const text = readFileSync(file, 'utf8');
      const targets = [...text.matchAll(IMPORT)].flatMap((m) => resolve(file, (m[1] ?? m[2])!) ?? []);
      graph.set(file, targets);
    }
    expect(graph.size).toBeGreaterThan(100);
    const relative = cycles(graph).map((cycle) => cycle.map((f) => path.relative(SRC, f)).join(' → '));
    expect(relative).toEqual([]);
  });
});
