import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchBrowser, watchCsp } from '../helpers/browser.js';
import { channelId, connect, ok, uniqueName } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue #16, places you can link to: every room has an address, Back and Forward move between
 * rooms, a reload comes back to the room you were in.
 */
describe.skipIf(!chromiumPath)('addresses and coming back', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let a: Page;
  const cspViolations: string[] = [];
  const alice = { name: uniqueName('alice'), token: '', id: '' };
  const bob = { name: uniqueName('bob'), token: '', id: '' };
  const rooms = { general: '', tech: '', group: '' };

  /** Signs up in the browser's own cookie jar, as the sign-up form would. */
  async function signUp(ctx: BrowserContext, who: typeof alice) {
    const response = await ctx.request.post(`${server.url}/api/auth/register`, {
      data: { username: who.name, password: 'a long password' },
    });
    expect(response.status()).toBe(201);
    const body = await response.json();
    who.token = body.token;
    who.id = body.user.id;
  }

  beforeAll(async () => {
    server = await startTestServer({}, { rateRules: relaxedLimits });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    await watchCsp(context, cspViolations);
    await signUp(context, alice);
    const bobAuth = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: bob.name, password: 'a long password' }),
    }).then((r) => r.json());
    bob.token = bobAuth.token;
    bob.id = bobAuth.user.id;
    const socket = await connect(server.url, alice.token);
    rooms.general = await channelId(socket, 'general');
    rooms.tech = await channelId(socket, 'tech');
    await ok(socket, 'room:join', { roomId: rooms.tech });
    rooms.group = (
      await ok(socket, 'room:create', { kind: 'group', name: 'plans', memberIds: [bob.id] })
    ).room.id;
    socket.disconnect();
    a = await context.newPage();
    a.setDefaultTimeout(10_000);
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
});
