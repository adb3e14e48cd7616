// Baseline 1, the ceiling: a raw `ws` server that relays every frame to every client. No
// Socket.IO, no auth, no persistence, no ack.
import { type WebSocket, WebSocketServer } from 'ws';
import { answerHarness } from './control.js';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
const clients = new Set<WebSocket>();
wss.on('connection', (ws) => {
  clients.add(ws);
  ws.on('close', () => clients.delete(ws));
  ws.on('message', (data, isBinary) => {
    for (const client of clients) client.send(data, { binary: isBinary });
  });
});
wss.on('listening', () => {
  const { port } = wss.address() as { port: number };
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}` });
});
answerHarness();
