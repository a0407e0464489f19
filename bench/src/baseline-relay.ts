import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

/**
 * The physical floor: a bare Socket.IO relay with no auth, storage or encryption, and the
 * same transport settings as the server. Each socket joins the rooms named in its handshake;
 * `chat:message` is acked and goes to the conversation's room as the protocol delivers it:
 * to both participants, the sender's own devices included, as a `message` of the protocol's
 * shape. (Until 2026-12-03 it went to the peer alone, as a smaller object, so the floor
 * left out a third of the frames every send must write and its generator must read.)
 * Forked by baseline.ts; tells its port over IPC and exits with its parent.
 */
const http = createServer();
const io = new Server(http, {
  perMessageDeflate: false,
  serveClient: false,
  pingInterval: 20_000,
  pingTimeout: 20_000,
  maxHttpBufferSize: 64 * 1024,
});

interface SendInput {
  conversationId: string;
  clientMessageId: string;
  content: string;
}

// `peer`: the old shape (the peer alone, a smaller object), to compare with older figures.
const toPeerOnly = process.argv[2] === 'peer';
// One counter for every room: the relay stores nothing, so it only fills the field.
let seq = 0;

/** A `message` of the protocol's shape, or the old relay's five fields. */
function messageOf(input: SendInput, senderId: string) {
  const core = {
    id: randomUUID(),
    conversationId: input.conversationId,
    clientMessageId: input.clientMessageId,
    content: input.content,
    createdAt: new Date().toISOString(),
  };
  if (toPeerOnly) return core;
  seq++;
  return {
    ...core,
    seq,
    rev: seq,
    senderId,
    senderRole: 'PATIENT',
    replyTo: null,
    attachments: [],
    reactions: [],
    editedAt: null,
    deletedAt: null,
  };
}

io.on('connection', (socket) => {
  const rooms = (socket.handshake.auth as { rooms?: unknown }).rooms;
  if (Array.isArray(rooms)) for (const room of rooms) if (typeof room === 'string') void socket.join(room);
  socket.on('chat:message', (input: SendInput, ack?: (reply: unknown) => void) => {
    const message = messageOf(input, socket.id);
    (toPeerOnly ? socket.to(input.conversationId) : io.to(input.conversationId)).emit('chat:message', message);
    ack?.({ ok: true, message });
  });
});

http.listen(0, '127.0.0.1', () => process.send?.({ port: (http.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
