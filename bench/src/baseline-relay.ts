import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

/**
 * The physical floor: a bare Socket.IO relay with no auth, storage or encryption, and the
 * same transport settings as the server. Each socket joins the rooms named in its handshake;
 * `chat:message` goes to the conversation's room and is acked, like the real send's shape.
 * Forked by baseline.ts; tells its port over IPC and exits with its parent.
 */
const http = createServer();
const io = new Server(http, { perMessageDeflate: false, serveClient: false, pingInterval: 20_000, pingTimeout: 20_000, maxHttpBufferSize: 64 * 1024 });

interface SendInput {
  conversationId: string;
  clientMessageId: string;
  content: string;
}

io.on('connection', (socket) => {
  const rooms = (socket.handshake.auth as { rooms?: unknown }).rooms;
  if (Array.isArray(rooms)) for (const room of rooms) if (typeof room === 'string') void socket.join(room);
  socket.on('chat:message', (input: SendInput, ack?: (reply: unknown) => void) => {
    const message = { id: randomUUID(), conversationId: input.conversationId, clientMessageId: input.clientMessageId, content: input.content, createdAt: new Date().toISOString() };
    socket.to(input.conversationId).emit('chat:message', message);
    ack?.({ ok: true, message });
  });
});

http.listen(0, '127.0.0.1', () => process.send?.({ port: (http.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
