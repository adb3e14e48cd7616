import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { channelId, closeAllSockets, send, settle, signedIn } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

/** What the server handed the kernel for one connection: one entry per write system call. */
interface WriteLog {
  calls: string[];
}

/** Records each `_write`/`_writev` (one system call each) of every upgraded connection. */
function recordWrites(server: TestServer): WriteLog[] {
  const logs: WriteLog[] = [];
  server.parley.app.server.on('upgrade', (_request: IncomingMessage, connection: Duplex) => {
    const log: WriteLog = { calls: [] };
    logs.push(log);
    const stream = connection as Duplex & {
      _writev(chunks: { chunk: Buffer }[], callback: () => void): void;
    };
    const write = stream._write;
    const writev = stream._writev;
    stream._write = function (
      chunk: Buffer,
      encoding: BufferEncoding,
      callback: (error?: Error | null) => void,
    ) {
      log.calls.push(chunk.toString('latin1'));
      write.call(this, chunk, encoding, callback);
    };
    stream._writev = function (chunks: { chunk: Buffer }[], callback: () => void) {
      log.calls.push(chunks.map(({ chunk }) => chunk.toString('latin1')).join(''));
      writev.call(this, chunks, callback);
    };
  });
  return logs;
}

let server: TestServer;
let connections: WriteLog[];
beforeAll(async () => {
  server = await startTestServer({}, { rateRules: relaxedLimits });
  connections = recordWrites(server);
});
afterEach(() => closeAllSockets());
afterAll(async () => {
  await server.close();
});

describe('writes to a connection', () => {
  it('sends the packets that pile up while a write is in progress in one system call', async () => {
    const alice = await signedIn(server.url);
    const general = await channelId(alice.socket, 'general');
    const aliceConnection = connections.at(-1)!;
    await settle(100);
    aliceConnection.calls.length = 0;

    // Sent in one go, the messages are committed in one batch: the server then has twelve
    // packets for Alice in one turn (six acks, six broadcasts).
    const texts = Array.from({ length: 6 }, (_, i) => `burst ${i}`);
    const sent = await Promise.all(texts.map((text) => send(alice.socket, general, text)));
    for (const { message } of sent)
      await alice.recorder.wait('message:new', (e) => e.message.id === message.id);
    await settle(50);

    const written = aliceConnection.calls.join('');
    for (const text of texts) expect(written.match(new RegExp(text, 'g'))).toHaveLength(2);
    // Engine.IO writes the first packet at once and holds the rest until that write is done:
    // two calls for one batch (measured: 2, and 12 without coalescing). Four leaves room for
    // the sends arriving in two batches.
    expect(aliceConnection.calls.length).toBeLessThanOrEqual(4);
  });
});
