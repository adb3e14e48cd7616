import WebSocket from 'ws';

/**
 * A minimal Socket.IO client over a raw WebSocket: Engine.IO v4 open/ping/pong and Socket.IO
 * CONNECT, EVENT and ACK packets on the default namespace, nothing else. One generator
 * process can hold thousands of these; the full socket.io-client would spend more CPU than
 * the server we are measuring.
 *
 * Frames: server `0{…}` open, `2` ping (we answer `3`), `40{sid}` connected, `44{…}` refused,
 * `42[event,data]` event, `43<id>[data]` ack. We send `40{auth}` and `42<id>[event,data]`.
 */
export class LeanSocket {
  private ws: WebSocket;
  private nextAck = 1;
  private readonly acks = new Map<number, (data: unknown) => void>();
  /** Called with the raw frame text of every `42` event (parse only what you need). */
  onEvent: (frame: string) => void = () => {};
  onClose: () => void = () => {};
  readonly connected: Promise<void>;

  constructor(url: string, auth: Record<string, string> | null) {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
      perMessageDeflate: false,
    });
    this.ws = ws;
    this.connected = new Promise((resolve, reject) => {
      ws.on('error', reject);
      ws.on('close', () => {
        reject(new Error('closed before connecting'));
        this.onClose();
      });
      ws.on('message', (raw: Buffer) => {
        const frame = raw.toString();
        switch (frame.charCodeAt(0)) {
          case 0x30: // 0: engine open → namespace connect
            ws.send(auth ? `40${JSON.stringify(auth)}` : '40');
            return;
          case 0x32: // 2: ping
            ws.send('3');
            return;
          case 0x34: // 4: socket.io packet
            switch (frame.charCodeAt(1)) {
              case 0x30:
                resolve();
                return;
              case 0x34:
                reject(new Error(`refused: ${frame.slice(2)}`));
                return;
              case 0x32:
                this.onEvent(frame);
                return;
              case 0x33: {
                const bracket = frame.indexOf('[');
                const id = Number(frame.slice(2, bracket));
                const resolveAck = this.acks.get(id);
                if (resolveAck) {
                  this.acks.delete(id);
                  resolveAck(JSON.parse(frame.slice(bracket))[0]);
                }
                return;
              }
            }
        }
      });
    });
  }

  emit(event: string, data: unknown): void {
    this.ws.send(`42${JSON.stringify([event, data])}`);
  }

  emitWithAck<T = unknown>(event: string, data: unknown, timeoutMs = 30_000): Promise<T> {
    const id = this.nextAck++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(id);
        reject(new Error(`ack timeout for ${event}`));
      }, timeoutMs);
      this.acks.set(id, (value) => {
        clearTimeout(timer);
        resolve(value as T);
      });
      this.ws.send(`42${id}${JSON.stringify([event, data])}`);
    });
  }

  close(): void {
    this.ws.terminate();
  }
}
