// Baseline 2, what someone would write instead of Parley: a bare Socket.IO server where every
// socket joins one room and each `msg` is acked and broadcast to it. No auth, no storage.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { answerHarness } from './control.js';

const http = createServer();
const io = new Server(http, { serveClient: false, perMessageDeflate: false });
io.on('connection', (socket) => {
  socket.join('room');
  socket.on('msg', (data: unknown, ack?: () => void) => {
    io.to('room').emit('msg', data);
    ack?.();
  });
});
http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as { port: number };
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}` });
});
answerHarness();
