import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { Transform } from 'node:stream';

/**
 * A TCP proxy on 127.0.0.1 in front of a real service (PostgreSQL, Redis), for making that
 * service fail the way it does in production: `cut()` drops every open connection at once —
 * a restart, a failover or a network blip while queries are running — and `refuse()` makes
 * new connections fail (ECONNREFUSED) until `heal()`, as while the server is down;
 * `latency(ms)` delays every byte, both ways, like a slow link between two machines.
 */
export interface FaultProxy {
  port: number;
  /** The target URL with its host and port replaced by the proxy's. */
  via(url: string): string;
  /** Destroys every open connection, in both directions, now. */
  cut(): void;
  /** Stops listening: new connections are refused until `heal`. Open ones are cut too. */
  refuse(): Promise<void>;
  heal(): Promise<void>;
  /** From now on, every chunk waits this long before it is forwarded (order kept; set it before traffic). */
  latency(ms: number): void;
  /** Connections open through the proxy right now. */
  openConnections(): number;
  close(): Promise<void>;
}

export async function startFaultProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
  const open = new Set<Socket>();
  const track = (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  let delayMs = 0;
  // Timers of equal length fire in the order they were set, so chunks keep their order.
  const delayed = () =>
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        if (delayMs === 0) return done(null, chunk);
        setTimeout(() => this.push(chunk), delayMs);
        done();
      },
    });
  const handle = (client: Socket) => {
    track(client);
    const upstream = createConnection({ host: targetHost, port: targetPort });
    track(upstream);
    client.pipe(delayed()).pipe(upstream);
    upstream.pipe(delayed()).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  };
  let server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as import('node:net').AddressInfo).port;
  let listening = true;
  const cut = () => {
    for (const socket of open) socket.destroy();
  };
  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      server.close(() => resolve());
      cut();
    });
  return {
    port,
    via(url: string) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    cut,
    refuse: stopListening,
    async heal() {
      if (listening) return;
      server = createServer(handle);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      listening = true;
    },
    latency(ms: number) {
      delayMs = ms;
    },
    openConnections: () => open.size,
    close: stopListening,
  };
}
