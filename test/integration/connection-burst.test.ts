import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { spawnServer } from '../helpers/process.js';
import { tempDir } from '../helpers/server.js';

/**
 * After a network blip every client reconnects at once. The kernel completes TCP handshakes
 * for us up to the listen backlog while the event loop is busy; beyond it, it drops them and
 * those clients wait a second or more to retry. Node's default backlog is 511.
 */
describe('a burst of connections while the server is busy', () => {
  // Linux: the kernel's accept queue and /proc/sys/net/core/somaxconn are what is tested.
  it.skipIf(process.platform !== 'linux')(
    'has every handshake completed by the kernel, up to well past the default backlog',
    async () => {
      const burst = 1500;
      const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
      // The kernel caps any backlog at somaxconn; below the burst this test could not tell.
      expect(somaxconn, 'net.core.somaxconn').toBeGreaterThanOrEqual(burst);

      const server = await spawnServer({ DATA_DIR: tempDir() });
      const sockets: Socket[] = [];
      try {
        const { port } = new URL(server.url);
        // A stopped process accepts nothing: every connection must wait in the backlog.
        server.child.kill('SIGSTOP');
        let established = 0;
        for (let i = 0; i < burst; i++) {
          const socket = connect(Number(port), '127.0.0.1', () => established++);
          socket.on('error', () => {});
          sockets.push(socket);
        }
        const deadline = Date.now() + 5_000;
        while (established < burst && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect(established).toBe(burst);
      } finally {
        for (const socket of sockets) socket.destroy();
        server.child.kill('SIGCONT');
        await server.stop();
      }
    },
  );
});
