import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The script `npm start` runs before the server (plain JavaScript: it runs before any build).
import { buildIfStale } from '../../scripts/build-if-stale.mjs';
import { tempDir } from '../helpers/server.js';

const SOURCES = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'tsconfig.web.json',
  'vite.config.ts',
  'src/shared/protocol.ts',
  'src/server/main.ts',
  'src/server/app.ts',
  'src/web/index.html',
  'src/web/main.tsx',
];

const ancestors = (dir: string): string[] => (dir === '.' ? [] : [dir, ...ancestors(path.dirname(dir))]);

/** A project as a fresh clone has it: sources, no dist. Every source an hour old. */
function freshClone(): string {
  const root = tempDir('parley-build-');
  const anHourAgo = new Date(Date.now() - 3_600_000);
  for (const file of SOURCES) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), `// ${file}\n`);
  }
  // Their directories too: a directory's time changes when a file is added or removed in it.
  const dirs = new Set(SOURCES.flatMap((file) => ancestors(path.dirname(file))));
  for (const entry of [...SOURCES, ...dirs]) utimesSync(path.join(root, entry), anHourAgo, anHourAgo);
  return root;
}

/**
 * Build commands that do what the real ones leave behind — the output file — and note each run
 * in builds.log, so a test sees which builds ran. `fail` makes one exit non-zero, as tsc does
 * on a type error after writing its output anyway.
 */
function builders(fail?: 'server' | 'web') {
  const step = (name: string, output: string) => [
    process.execPath,
    '-e',
    `const fs=require('fs');fs.mkdirSync(require('path').dirname(${JSON.stringify(output)}),{recursive:true});` +
      `fs.writeFileSync(${JSON.stringify(output)},'built');fs.appendFileSync('builds.log',${JSON.stringify(`${name}\n`)});` +
      (fail === name ? 'process.exit(2)' : ''),
  ];
  return { server: step('server', 'dist/server/main.js'), web: step('web', 'dist/web/index.html') };
}

const runs = (root: string) =>
  existsSync(path.join(root, 'builds.log'))
    ? readFileSync(path.join(root, 'builds.log'), 'utf8').split('\n').filter(Boolean)
    : [];

/** Saves `file` now, as an editor would, and lets the clock move on so the next build starts after it. */
function touch(root: string, file: string) {
  const now = new Date();
  utimesSync(path.join(root, file), now, now);
  while (Date.now() <= now.getTime() + 1);
}

const quiet = { log: () => {} };

describe('npm start builds only what is stale', () => {
  it('builds both on a fresh clone, and nothing the next time', () => {
    const root = freshClone();
    const lines: string[] = [];
    expect(buildIfStale({ root, commands: builders(), log: (line) => lines.push(line) })).toEqual([
      'server',
      'web',
    ]);
    expect(existsSync(path.join(root, 'dist/server/main.js'))).toBe(true);
    expect(existsSync(path.join(root, 'dist/web/index.html'))).toBe(true);
    expect(lines).toEqual([
      'parley: building the server (dist/server/main.js is missing)',
      'parley: building the web (dist/web/index.html is missing)',
    ]);
    expect(buildIfStale({ root, commands: builders(), ...quiet })).toEqual([]);
    expect(runs(root)).toEqual(['server', 'web']);
  });

  it('rebuilds the web client alone after a web change, the server alone after a server change', () => {
    const root = freshClone();
    buildIfStale({ root, commands: builders(), ...quiet });
    touch(root, 'src/web/main.tsx');
    expect(buildIfStale({ root, commands: builders(), ...quiet })).toEqual(['web']);
    touch(root, 'src/server/app.ts');
    expect(buildIfStale({ root, commands: builders(), ...quiet })).toEqual(['server']);
    touch(root, 'vite.config.ts');
    expect(buildIfStale({ root, commands: builders(), ...quiet })).toEqual(['web']);
  });

  it('rebuilds both after a change to the shared protocol or to the dependencies', () => {
    const root = freshClone();
    buildIfStale({ root, commands: builders(), ...quiet });
    touch(root, 'src/shared/protocol.ts');
    expect(buildIfStale({ root, commands: builders(), ...quiet })).toEqual(['server', 'web']);
    touch(root, 'package-lock.json');
    expect(buildIfStale({ root, commands: builders(), ...quiet })).toEqual(['server', 'web']);
  });

  it('rebuilds after a source file is deleted, though no remaining file changed', () => {
    const root = freshClone();
    buildIfStale({ root, commands: builders(), ...quiet });
    rmSync(path.join(root, 'src/server/app.ts'));
    expect(buildIfStale({ root, commands: builders(), ...quiet })).toEqual(['server']);
  });

  it('does not count a failed build as done, though it left its output behind', () => {
    const root = freshClone();
    expect(() => buildIfStale({ root, commands: builders('server'), ...quiet })).toThrow(
      'the server build failed',
    );
    // The failing build wrote main.js (tsc does, on type errors); the next start tries again.
    expect(existsSync(path.join(root, 'dist/server/main.js'))).toBe(true);
    expect(buildIfStale({ root, commands: builders(), ...quiet })).toEqual(['server', 'web']);
  });

  it('builds only the builds it is asked for (the server, before `npm run parley`)', () => {
    const root = freshClone();
    expect(buildIfStale({ root, commands: builders(), ...quiet, only: ['server'] })).toEqual(['server']);
    expect(existsSync(path.join(root, 'dist/web/index.html'))).toBe(false);
    expect(buildIfStale({ root, commands: builders(), ...quiet, only: ['server'] })).toEqual([]);
    expect(buildIfStale({ root, commands: builders(), ...quiet })).toEqual(['web']);
    expect(() => buildIfStale({ root, commands: builders(), ...quiet, only: ['docs'] })).toThrow(
      'there is no build named docs',
    );
    const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'));
    expect(pkg.scripts.parley).toBe('node scripts/build-if-stale.mjs server && node dist/server/cli.js');
    expect(pkg.bin).toEqual({ parley: 'dist/server/cli.js' });
  });

  it('is what `npm start` runs before the server, instead of a full build', () => {
    const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'));
    expect(pkg.scripts.start).toBe('node scripts/build-if-stale.mjs && node dist/server/main.js');
    expect(pkg.scripts.build).toBe('node scripts/build-if-stale.mjs --force');
  });

  it('builds everything when forced (`npm run build`), and records it, so a start after builds nothing', () => {
    const root = freshClone();
    buildIfStale({ root, commands: builders(), ...quiet });
    expect(buildIfStale({ root, commands: builders(), ...quiet, force: true })).toEqual(['server', 'web']);
    expect(buildIfStale({ root, commands: builders(), ...quiet })).toEqual([]);
    expect(runs(root)).toEqual(['server', 'web', 'server', 'web']);
  });
});
