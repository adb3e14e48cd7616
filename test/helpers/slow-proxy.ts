import { createConnection, createServer, type Server } from 'node:net';
import { Transform } from 'node:stream';

/**
 * A TCP proxy on 127.0.0.1 that forwards to `targetPort` but lets the client's bytes through
 * at `bytesPerSecond`: a slow uplink, for seeing upload progress in a browser. Responses pass
 * at full speed.
 */
export async function startSlowProxy(
  targetPort: number,
  bytesPerSecond: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const throttle = () =>
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        const pieces: Buffer[] = [];
        for (let i = 0; i < chunk.length; i += 4096) pieces.push(chunk.subarray(i, i + 4096));
        const push = () => {
          const piece = pieces.shift();
          if (!piece) return done();
          this.push(piece);
          setTimeout(push, (piece.length / bytesPerSecond) * 1000);
        };
        push();
      },
    });
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(throttle()).pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
