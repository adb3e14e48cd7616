import { afterEach, describe, expect, it } from 'vitest';
import { type ServerProcess, spawnServer } from '../helpers/process.js';
import { tempDir } from '../helpers/server.js';

let server: ServerProcess | undefined;
afterEach(async () => {
  await server?.stop('SIGKILL');
  server = undefined;
});

describe('starting Parley', () => {
  it('prints one readable line saying where to open it, among the JSON logs', async () => {
    // LOG_LEVEL=info, as `npm start` runs: the ready line must stand out among the JSON lines.
    server = await spawnServer({ DATA_DIR: tempDir(), LOG_LEVEL: 'info' });
    const port = new URL(server.url).port;
    await expect.poll(() => server!.output()).toContain('Parley is ready');
    const lines = server.output().split('\n').filter(Boolean);
    const readable = lines.filter((line) => !line.startsWith('{'));
    expect(readable).toEqual([`Parley is ready at http://localhost:${port}`]);
    // And the JSON logs go on as before: they say the server listens, with its address.
    expect(lines.some((line) => line.includes('"parley is listening"'))).toBe(true);
  });
});
