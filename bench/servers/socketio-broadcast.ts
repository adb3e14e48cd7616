// Baseline 2, what someone would write instead of Parley: a bare Socket.IO server where each
// `msg` is acked and broadcast to the sender's room. No auth, no storage. Sockets join the room
// named in their handshake auth (a DM pair in the write scenario), or the one shared room.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { answerHarness } from './control.js';

const http = createServer();
const io = new Server(http, { serveClient: false, perMessageDeflate: false });
io.on('connection', (socket) => {
  const room = typeof socket.handshake.auth.room === 'string' ? socket.handshake.auth.room : 'room';
  socket.join(room);
  socket.on('msg', (data: unknown, ack?: () => void) => {
    io.to(room).emit('msg', data);
    ack?.();
  });
});
http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as { port: number };
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}` });
});
answerHarness();
