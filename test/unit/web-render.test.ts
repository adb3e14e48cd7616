// @vitest-environment happy-dom
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createElement, type ProfilerOnRenderCallback } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Member, PublicUser, Self } from '../../src/shared/protocol.js';
import { ConfirmProvider } from '../../src/web/components/dialogs/ConfirmContext.js';
import { RoomView } from '../../src/web/components/room/RoomView.js';
import { ChatProvider } from '../../src/web/hooks/ChatContext.js';
import { ChatClient } from '../../src/web/state/client.js';
import { MemoryStorage } from '../helpers/storage.js';
import { message, room } from '../helpers/web-fixtures.js';

/**
 * The message list re-renders for what it shows, and not for what it does not: a typing notice
 * or someone going offline re-renders the typing line and the header, never the list. The whole
 * RoomView renders here, in a DOM (happy-dom), fed by a real ChatClient over a real socket from
 * a stand-in server, so the events take the path they take in the app.
 */

// The real MessageList, inside a <Profiler> of its own (vi.mock is hoisted above the imports, so
// RoomView gets this one). The Profiler reports a render when the list re-rendered itself (one
// of its selections changed) or when RoomView re-rendered it.
const counted = vi.hoisted(() => ({ renders: 0 }));
vi.mock(import('../../src/web/components/messages/MessageList.js'), async (importOriginal) => {
  const { MessageList } = await importOriginal();
  const { createElement, Profiler } = await import('react');
  const onRender: ProfilerOnRenderCallback = () => {
    counted.renders++;
  };
  const ProfiledMessageList: typeof MessageList = ((props: Parameters<typeof MessageList>[0]) =>
    createElement(Profiler, { id: 'MessageList', onRender }, createElement(MessageList, props))) as never;
  return { MessageList: ProfiledMessageList };
});
const me: Self = {
  id: 'me',
  username: 'maria',
  guest: false,
  role: 'member',
  may: { createRoom: true, openDm: true, createInvite: false },
};
const bob: PublicUser = { id: 'bob', username: 'bob', guest: false };
const general = room({ id: 'room-1', lastSeq: 1, lastReadSeq: 1 });
const member = (user: PublicUser): Member => ({
  ...user,
  role: 'member',
  mutedUntil: null,
  online: true,
  lastSeenAt: null,
  joinedAt: 0,
});

/** Answers what the client asks on connect, and what opening the members list asks. */
async function standInServer() {
  const http = createServer();
  const io = new Server(http);
  io.on('connection', (socket) => {
    const answer = (event: string, body: object) =>
      socket.on(event, (_payload: unknown, ack: (response: object) => void) => ack({ ok: true, ...body }));
    answer('rooms:list', { rooms: [general], presence: [] });
    answer('sync', { events: [], gone: [], more: false });
    answer('room:members', { members: [member(me), member(bob)] });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return { io, url: `http://127.0.0.1:${port}`, close: () => io.close() };
}

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.reverse()) step();
  cleanup = [];
  counted.renders = 0;
});

async function renderRoom() {
  const server = await standInServer();
  const client = new ChatClient({
    me,
    baseUrl: server.url,
    storage: new MemoryStorage(),
    onUnauthorized() {},
  });
  client.start();
  cleanup.push(
    () => server.close(),
    () => client.stop(),
  );
  await vi.waitFor(() => expect(client.getState().rooms[general.id]).toBeDefined());
  await client.loadMembers(general.id);
  const container = document.createElement('div');
  document.body.append(container);
  const root: Root = createRoot(container);
  cleanup.push(() => root.unmount());
  root.render(
    createElement(
      ChatProvider,
      { client },
      createElement(
        ConfirmProvider,
        null,
        createElement(RoomView, { roomId: general.id, onOpenSidebar: undefined, onOpenSearch: () => {} }),
      ),
    ),
  );
  const header = () => container.querySelector('.room-title p')?.textContent ?? '';
  const typingLine = () => container.querySelector('.typing-indicator')?.textContent ?? '';
  await vi.waitFor(() => expect(header()).toContain('2 online'));
  return { server, client, header, typingLine };
}

/** Lets anything React still has to do (a re-render that a store change scheduled) happen. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('what re-renders the message list', () => {
  it('not a typing notice, not a presence change — a new message does', async () => {
    const { server, client, header, typingLine } = await renderRoom();
    await settle();
    const before = counted.renders;
    expect(before).toBeGreaterThan(0);

    server.io.emit('typing', { roomId: general.id, userId: bob.id, typing: true });
    await vi.waitFor(() => expect(typingLine()).toBe('bob is typing…'));
    server.io.emit('presence', { userId: bob.id, online: false, lastSeenAt: Date.now() });
    await vi.waitFor(() => expect(header()).toContain('1 online'));
    server.io.emit('typing', { roomId: general.id, userId: bob.id, typing: false });
    await vi.waitFor(() => expect(typingLine()).toBe(''));
    await settle();
    expect(counted.renders - before, 'renders of the message list').toBe(0);

    // The counter does count: a message is what the list shows.
    server.io.emit('message:new', {
      type: 'message:new',
      roomId: general.id,
      seq: 2,
      at: Date.now(),
      message: message(2, { roomId: general.id, author: bob, text: 'hi', createdAt: Date.now() }),
    });
    await vi.waitFor(() => expect(client.getState().rooms[general.id]?.messages).toHaveLength(1));
    await settle();
    expect(counted.renders - before).toBeGreaterThan(0);
  });
});
