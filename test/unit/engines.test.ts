import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
// npm's own range semantics; semver comes with Fastify and sharp, and ships no types of its own.
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
};

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
  optional?: boolean;
}

/** What a package says about the Node versions it runs on: its installed package.json, else the lockfile's copy. */
function nodeRange(lockPath: string, locked: LockedPackage): string | undefined {
  const manifest = path.join(root, lockPath, 'package.json');
  const engines = existsSync(manifest)
    ? (JSON.parse(readFileSync(manifest, 'utf8')) as LockedPackage).engines
    : locked.engines;
  return engines && !Array.isArray(engines) && typeof engines.node === 'string' ? engines.node : undefined;
}

describe('installed packages', () => {
  it('all accept the oldest Node that Parley supports, so `npm ci` prints no EBADENGINE warning', () => {
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, LockedPackage>;
    };
    const ours = lock.packages['']!;
    // The oldest Node that Parley promises to run on, not the one running the test: a CI on a
    // newer Node would otherwise let a package that needs it slip through.
    const oldest = semver.minVersion((ours.engines as { node: string }).node)!.version;
    const refused = Object.entries(lock.packages)
      .filter(([lockPath]) => lockPath !== '')
      .map(([lockPath, locked]) => ({
        lockPath,
        version: locked.version,
        range: nodeRange(lockPath, locked),
      }))
      .filter(({ range }) => range !== undefined && !semver.satisfies(oldest, range));
    expect(refused).toEqual([]);
    expect(oldest).toBe('20.19.0');
  });
});
