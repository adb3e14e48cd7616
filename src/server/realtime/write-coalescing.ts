import type { Duplex } from 'node:stream';

/*
 * Packets that pile up for a connection go out in one system call.
 *
 * Engine.IO writes the first packet for a socket at once and buffers the ones that follow until
 * that write has completed; then it hands them all to the WebSocket, which wrote each as a
 * separate frame: one `writev` per packet. Under load a connection is sent many packets in a
 * turn of the event loop — when a write batch commits, each sender gets the acks of its
 * messages, their broadcasts, and the messages of everyone in its rooms that were in the batch —
 * and those system calls were the largest single item in a profile of the write path
 * (docs/performance.md). Corking the TCP connection while Engine.IO flushes its buffer sends the
 * whole buffer in one `writev`.
 *
 * The first packet still goes out at once, so a broadcast to many sockets reaches the first of
 * them as soon as before. Deferring every flush to the end of the turn would save one more call
 * per connection, and was measured: more throughput, but a later delivery for everyone in a
 * large room (docs/performance.md).
 */

/** The parts of an Engine.IO socket this module touches. */
export interface EngineSocket {
  flush(): void;
  transport?: { socket?: { _socket?: Duplex } } | undefined;
}

/** The TCP connection under a WebSocket transport (none under long-polling). */
function connectionOf(socket: EngineSocket): Duplex | undefined {
  // `_socket` is ws's long-standing name for the connection it wraps; Engine.IO reaches into ws
  // the same way to send pre-encoded broadcast frames. Read at each flush: the transport can
  // change when a long-polling client upgrades.
  return socket.transport?.socket?._socket;
}

/** Makes each flush of this Engine.IO socket one system call. */
export function coalesceFlushes(socket: EngineSocket): void {
  const flush = socket.flush;
  socket.flush = () => {
    const connection = connectionOf(socket);
    if (!connection) return flush.call(socket);
    connection.cork();
    try {
      flush.call(socket);
    } finally {
      connection.uncork();
    }
  };
}

/** Coalesces the writes of every socket this Engine.IO server accepts. */
export function coalesceWrites(engine: {
  on(event: 'connection', listener: (socket: EngineSocket) => void): unknown;
}): void {
  engine.on('connection', coalesceFlushes);
}
