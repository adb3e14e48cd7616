import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, isInView, launchBrowser, watchCsp, wheelUntilInView } from '../helpers/browser.js';
import { channelId, connect, ok, send, uniqueName } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';
import { messageList, registerInBrowser } from '../helpers/web-people.js';

/**
 * Issue #16, places you can link to: every room has an address, Back and Forward move between
 * rooms, a reload comes back to the room you were in.
 */
describe.skipIf(!chromiumPath)('addresses and coming back', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let contextB: BrowserContext;
  let a: Page;
  let b: Page;
  const cspViolations: string[] = [];
  const alice = { name: uniqueName('alice'), token: '', id: '' };
  const bob = { name: uniqueName('bob'), token: '', id: '' };
  const rooms = { general: '', tech: '', group: '' };

  beforeAll(async () => {
    server = await startTestServer({}, { rateRules: relaxedLimits });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    await watchCsp(context, cspViolations);
    contextB = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    await watchCsp(contextB, cspViolations);
    await registerInBrowser(context, server.url, alice);
    await registerInBrowser(contextB, server.url, bob);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const socket = await connect(server.url, alice.token);
    rooms.general = await channelId(socket, 'general');
    rooms.tech = await channelId(socket, 'tech');
    await ok(socket, 'room:join', { roomId: rooms.tech });
    rooms.group = (
      await ok(socket, 'room:create', { kind: 'group', name: 'plans', memberIds: [bob.id] })
    ).room.id;
    socket.disconnect();
    a = await context.newPage();
    b = await contextB.newPage();
    for (const page of [a, b]) page.setDefaultTimeout(10_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(() => {
    expect(cspViolations).toEqual([]);
  });

  const heading = (page: Page) => page.getByRole('main').getByRole('heading', { level: 1 });
  const hash = (page: Page) => page.evaluate(() => location.hash);
  const openRoom = (page: Page, name: string) =>
    page
      .getByRole('navigation', { name: 'Rooms' })
      .getByRole('button', { name: new RegExp(name) })
      .click();
  const roomIs = async (page: Page, title: string, address: string) => {
    await expect.poll(() => heading(page).textContent()).toBe(title);
    await expect.poll(() => hash(page)).toBe(address);
  };

  it('gives each room an address; Back and Forward move between the rooms you opened', async () => {
    await a.goto(server.url);
    await roomIs(a, '#general', '#/c/general');
    await openRoom(a, 'tech');
    await roomIs(a, '#tech', '#/c/tech');
    await openRoom(a, 'plans');
    await roomIs(a, 'plans', `#/r/${rooms.group}`);

    await a.goBack();
    await roomIs(a, '#tech', '#/c/tech');
    await a.goBack();
    await roomIs(a, '#general', '#/c/general');
    await a.goForward();
    await roomIs(a, '#tech', '#/c/tech');
    await a.goForward();
    await roomIs(a, 'plans', `#/r/${rooms.group}`);
  });

  it('reopens the room you were in after a reload', async () => {
    await openRoom(a, 'tech');
    await roomIs(a, '#tech', '#/c/tech');
    await a.reload();
    await roomIs(a, '#tech', '#/c/tech');
    // The composer is that room's, ready to type in.
    await expect.poll(() => a.getByRole('combobox', { name: 'Message #tech' }).isVisible()).toBe(true);
  });

  it('opens the room an address names, by id or by channel name', async () => {
    await a.goto(`${server.url}/#/r/${rooms.group}`);
    await roomIs(a, 'plans', `#/r/${rooms.group}`);
    await a.goto(`${server.url}/#/c/TECH`);
    await expect.poll(() => heading(a).textContent()).toBe('#tech');
    await a.goBack();
    await roomIs(a, 'plans', `#/r/${rooms.group}`);
  });

  it('falls back to #general with a notice for a room that is not yours', async () => {
    const { room } = await ok(await connect(server.url, bob.token), 'room:create', {
      kind: 'group',
      name: 'secret',
    });
    for (const address of [`#/r/${room.id}`, '#/r/no-such-room', '#/c/nowhere']) {
      await a.goto(`${server.url}/#/c/tech`);
      await roomIs(a, '#tech', '#/c/tech');
      await a.goto(`${server.url}/${address}`);
      await roomIs(a, '#general', '#/c/general');
      await expect.poll(() => a.getByRole('status').filter({ hasText: 'not in' }).isVisible()).toBe(true);
    }
    // Also on a fresh load, not only a hash change.
    await a.goto(`${server.url}/#/r/no-such-room`);
    await a.reload();
    await roomIs(a, '#general', '#/c/general');
  });

  it('keeps the code share link working, and gives the joined room its address', async () => {
    const { room, code } = await ok(await connect(server.url, bob.token), 'code:create', { name: 'standup' });
    await a.goto(`${server.url}/#/code/${code}`);
    await roomIs(a, 'standup', `#/r/${room.id}`);
    await a.reload();
    await roomIs(a, 'standup', `#/r/${room.id}`);
  });

  describe('links to messages', () => {
    let roomId = '';
    const ids: string[] = [];
    const article = (page: Page, id: string) => page.locator(`article[data-message-id="${id}"]`);
    /** In view and near the middle of the list, not just somewhere on screen. */
    const centred = async (page: Page, id: string) => {
      const box = await article(page, id).boundingBox();
      const list = await page.locator('.message-list').boundingBox();
      if (!box || !list) return false;
      const middle = box.y + box.height / 2;
      return middle > list.y + list.height * 0.2 && middle < list.y + list.height * 0.8;
    };
    const flashing = (page: Page, id: string) =>
      article(page, id).evaluate((el) => el.closest('.message-flash') !== null);

    beforeAll(async () => {
      const alicesSocket = await connect(server.url, alice.token);
      roomId = (
        await ok(alicesSocket, 'room:create', { kind: 'group', name: 'archive', memberIds: [bob.id] })
      ).room.id;
      const bobsSocket = await connect(server.url, bob.token);
      for (let i = 0; i < 400; i++)
        ids.push((await send(bobsSocket, roomId, `Archived note ${i}`)).message.id);
      alicesSocket.disconnect();
      bobsSocket.disconnect();
    });

    it('opens a link typed into the address bar at its message, 300 back, loading the history around it', async () => {
      await a.goto(`${server.url}/#/r/${roomId}/m/${ids[100]}`);
      await expect.poll(() => heading(a).textContent()).toBe('archive');
      await expect.poll(() => article(a, ids[100]!).count()).toBe(1);
      await expect.poll(() => isInView(article(a, ids[100]!))).toBe(true);
      await expect.poll(() => centred(a, ids[100]!)).toBe(true);
      expect(await flashing(a, ids[100]!)).toBe(true);
      // The highlight is for a moment.
      await expect.poll(() => flashing(a, ids[100]!), { timeout: 5_000 }).toBe(false);
      // The link stays in the address bar, so a reload comes back to the same message.
      expect(await hash(a)).toBe(`#/r/${roomId}/m/${ids[100]}`);
    });

    it('copies a link from the ⋯ menu, by mouse and by keyboard', async () => {
      const target = article(a, ids[100]!);
      await target.hover();
      const more = target.getByRole('button', { name: 'More actions' });
      await more.click();
      const menu = target.getByRole('menu', { name: 'More actions' });
      await expect.poll(() => menu.isVisible()).toBe(true);
      expect(await more.getAttribute('aria-expanded')).toBe('true');
      // Focus is on the first item; Escape closes and gives it back to the button.
      expect(await a.evaluate(() => document.activeElement?.textContent)).toBe('Copy link');
      await a.keyboard.press('Escape');
      await expect.poll(() => menu.count()).toBe(0);
      expect(await a.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('More actions');
      await a.evaluate(() => navigator.clipboard.writeText('nothing yet'));
      await a.keyboard.press('Enter');
      await expect.poll(() => menu.isVisible()).toBe(true);
      await a.keyboard.press('Enter');
      await expect.poll(() => menu.count()).toBe(0);
      const link = `${server.url}/#/r/${roomId}/m/${ids[100]}`;
      await expect.poll(() => a.evaluate(() => navigator.clipboard.readText())).toBe(link);
      await expect
        .poll(() => a.getByRole('status').filter({ hasText: 'Link copied' }).isVisible())
        .toBe(true);

      // And by mouse, on a newer message.
      await a.goto(`${server.url}/#/r/${roomId}/m/${ids[390]}`);
      await expect.poll(() => isInView(article(a, ids[390]!))).toBe(true);
      await article(a, ids[390]!).hover();
      await article(a, ids[390]!).getByRole('button', { name: 'More actions' }).click();
      await a.getByRole('menuitem', { name: 'Copy link' }).click();
      await expect
        .poll(() => a.evaluate(() => navigator.clipboard.readText()))
        .toBe(`${server.url}/#/r/${roomId}/m/${ids[390]}`);
    });

    it('takes another member to the message, then pages forward to the newest with nothing lost or out of order', async () => {
      await b.goto(`${server.url}/#/r/${roomId}/m/${ids[100]}`);
      await expect.poll(() => isInView(article(b, ids[100]!))).toBe(true);
      expect(await flashing(b, ids[100]!)).toBe(true);
      // Messages from after the window arrive while bob reads the old stretch.
      const socket = await connect(server.url, alice.token);
      await send(socket, roomId, 'Live while reading the past');
      socket.disconnect();
      // Nothing newer than the window is shown yet: no hole between the old stretch and it.
      expect(await article(b, ids[399]!).count()).toBe(0);

      await messageList(b).hover();
      const live = messageList(b).getByText('Live while reading the past');
      // Scroll, let the list settle, look; again until the live message is in view.
      await wheelUntilInView(b, live, 2000);
      // The newest stored message sits right above the live one, and each shows once.
      // (Bob's own messages end with a hidden "sent".)
      const texts = (await messageList(b).locator('article .message-text').allTextContents()).map((t) =>
        t.replace(/sent$/, ''),
      );
      expect(texts.slice(-2)).toEqual(['Archived note 399', 'Live while reading the past']);
      expect(texts.filter((t) => t === 'Archived note 399')).toHaveLength(1);
      // Rendered in order all the way (what Virtuoso has in the DOM).
      const numbers = texts.filter((t) => t.startsWith('Archived')).map((t) => Number(t.split(' ').at(-1)));
      expect(numbers).toEqual([...numbers].sort((x, y) => x - y));
    });

    it('says so when the linked message was deleted', async () => {
      const socket = await connect(server.url, bob.token);
      await ok(socket, 'message:delete', { messageId: ids[50]! });
      socket.disconnect();
      await a.goto(`${server.url}/#/r/${roomId}/m/${ids[50]}`);
      await expect
        .poll(() => a.getByRole('status').filter({ hasText: 'no longer there' }).isVisible())
        .toBe(true);
      await expect.poll(() => heading(a).textContent()).toBe('archive');
      // Its neighbours are there: the list opened where it was.
      await expect.poll(() => article(a, ids[51]!).count()).toBe(1);
    });
  });

  describe('busy rooms open at the first unread', () => {
    let roomId = '';
    const ids: string[] = [];
    const unreadOnServer = async () => {
      const response = await context.request.get(`${server.url}/api/rooms`);
      const { rooms: mine } = (await response.json()) as { rooms: { id: string; unread: number }[] };
      return mine.find((r) => r.id === roomId)?.unread;
    };
    const badge = (page: Page) =>
      page.getByRole('navigation', { name: 'Rooms' }).getByRole('button', { name: /busy/ }).locator('.badge');

    beforeAll(async () => {
      const alicesSocket = await connect(server.url, alice.token);
      roomId = (await ok(alicesSocket, 'room:create', { kind: 'group', name: 'busy', memberIds: [bob.id] }))
        .room.id;
      // Alice is away while the room fills up; she comes back to #general.
      await a.goto('about:blank');
      const bobsSocket = await connect(server.url, bob.token);
      for (let i = 0; i < 30; i++) await send(bobsSocket, roomId, `Old news ${i}`);
      await ok(alicesSocket, 'room:read', { roomId, seq: Number.MAX_SAFE_INTEGER });
      for (let i = 0; i < 60; i++) ids.push((await send(bobsSocket, roomId, `Fresh news ${i}`)).message.id);
      alicesSocket.disconnect();
      bobsSocket.disconnect();
      await a.goto(`${server.url}/#/c/general`);
      await heading(a).filter({ hasText: '#general' }).waitFor();
      await badge(a).filter({ hasText: '60' }).waitFor();
    });

    it('lands at the divider, marks read only what was on screen, and the rest once scrolled to', async () => {
      await openRoom(a, 'busy');
      const divider = a.locator('.unread-divider');
      await expect.poll(() => divider.count()).toBe(1);
      await expect.poll(() => isInView(divider)).toBe(true);
      const first = a.locator(`article[data-message-id="${ids[0]}"]`);
      await expect.poll(() => isInView(first)).toBe(true);
      // Near the top of the list, not somewhere at the bottom of it.
      const list = await a.locator('.message-list').boundingBox();
      const line = await divider.boundingBox();
      expect(line!.y - list!.y).toBeLessThan(list!.height / 3);

      // What was on screen is read; what is below it is not, on the server and in the sidebar.
      await expect.poll(() => unreadOnServer(), { timeout: 6_000 }).toBeLessThan(60);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const left = await unreadOnServer();
      expect(left).toBeGreaterThan(0);
      await expect.poll(() => badge(a).textContent()).toContain(String(left));

      // Scrolled past the divider: a bar offers the way back.
      await a.locator('.message-list').hover();
      await a.mouse.wheel(0, 400);
      const jump = a.getByRole('button', { name: /Jump to first unread \(60\)/ });
      await expect.poll(() => jump.isVisible()).toBe(true);
      await jump.click();
      await expect.poll(() => isInView(divider)).toBe(true);

      // To the bottom with the mouse wheel: everything is read.
      const last = a.locator(`article[data-message-id="${ids[59]}"]`);
      // The pointer back over the messages (the jump bar it clicked sits over the list's top).
      await a.mouse.move(list!.x + list!.width / 2, list!.y + list!.height / 2);
      // Until the newest message is wholly on screen (newer pages load on the way down).
      await wheelUntilInView(a, last, 1500, 15_000);
      await expect.poll(() => unreadOnServer(), { timeout: 6_000 }).toBe(0);
      await expect.poll(() => badge(a).count()).toBe(0);
    }, 60_000);

    it('marks a message unread from its ⋯ menu: badge back, divider above it, and it stays so', async () => {
      const message = a.locator(`article[data-message-id="${ids[57]}"]`);
      await a.locator('.message-list').hover();
      await wheelUntilInView(a, message, 3000);
      await message.hover();
      await message.getByRole('button', { name: 'More actions' }).click();
      await a.getByRole('menuitem', { name: 'Mark as unread' }).click();
      // Fresh news 57 to 59.
      await expect.poll(() => badge(a).textContent()).toContain('3');
      await expect.poll(() => unreadOnServer()).toBe(3);
      const divider = a.locator('.unread-divider');
      await expect.poll(() => isInView(divider)).toBe(true);
      // Right above the message, once the list has laid the new divider row out (it measures
      // the row after inserting it, and moves the rows below by its height a frame later).
      const gap = async () => {
        const line = (await divider.boundingBox())!;
        const box = (await message.boundingBox())!;
        return box.y - (line.y + line.height);
      };
      await expect.poll(gap).toBeGreaterThanOrEqual(-1);
      expect(await gap()).toBeLessThan(40);
      // Staying in the room without scrolling does not read it again.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await unreadOnServer()).toBe(3);
      expect(await badge(a).textContent()).toContain('3');
    });
  });
});
