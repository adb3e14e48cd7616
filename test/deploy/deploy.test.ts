import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * There is no Docker engine on the CI machines, so the image is never built there. These
 * checks keep the Docker files consistent with what CI does run: the same Node major, the
 * same build script, the entry point `npm start` uses, and a compose file Compose accepts.
 */
const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

const composeBinary = (() => {
  try {
    execFileSync('docker-compose', ['version'], { stdio: 'ignore' });
    return 'docker-compose';
  } catch {
    return null;
  }
})();
if (!composeBinary) {
  if (process.env.CI === 'true')
    throw new Error('CI=true but docker-compose is not installed: .ci/run installs it');
  console.warn('[parley tests] docker-compose not found: skipping the compose.yaml validation');
}

describe('deployment files', () => {
  const dockerfile = read('Dockerfile');
  const pkg = JSON.parse(read('package.json')) as {
    engines: { node: string };
    scripts: Record<string, string>;
  };

  it('builds and runs the image the way CI builds and `npm start` runs', () => {
    const nodeMajor = /^>=(\d+)/.exec(pkg.engines.node)![1];
    for (const from of dockerfile.matchAll(/^FROM node:(\d+)/gm)) expect(from[1]).toBe(nodeMajor);
    expect(dockerfile).toContain('RUN npm ci');
    expect(dockerfile).toContain('npm run build');
    const entry = /node (dist\/server\/main\.js)$/.exec(pkg.scripts.start!)![1];
    expect(dockerfile).toContain(`CMD ["node", "${entry}"]`);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('HEALTHCHECK');
    expect(dockerfile).toContain('/readyz');
  });

  it.skipIf(!composeBinary)(
    'has a compose file that Compose accepts, with the single node and the cluster profile',
    () => {
      execFileSync(composeBinary!, ['-f', 'compose.yaml', 'config', '-q'], { cwd: root });
      const services = execFileSync(
        composeBinary!,
        ['-f', 'compose.yaml', '--profile', 'cluster', 'config', '--services'],
        {
          cwd: root,
          encoding: 'utf8',
        },
      );
      expect(services.split('\n').filter(Boolean).sort()).toEqual([
        'nginx',
        'parley',
        'parley-1',
        'parley-2',
        'postgres',
        'redis',
      ]);
      expect(read('compose.yaml')).toContain('./deploy/nginx.conf:/etc/nginx/nginx.conf');
    },
  );
});
