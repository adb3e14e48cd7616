import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  browserSuite,
  chromiumPath,
  isInView,
  listAtRest,
  screenshotPath,
  watchCsp,
} from '../helpers/browser.js';
import { channelId, connect, ok, send, uniqueName } from '../helpers/clients.js';
import { composer, messageList, registerInBrowser } from '../helpers/web-people.js';

/**
 * Issue #18, search in the web client: `/` opens the field, a partial and accent-free query
 * finds an old message with its words highlighted, Enter jumps to it in its room with the
 * history around it, and the panel stays open for the next result, in another room.
 */
describe.skipIf(!chromiumPath)('search in the browser', () => {
  const suite = browserSuite();
  const cspViolations: string[] = [];
  const alice = { name: uniqueName('alice'), token: '', id: '' };
  const bob = { name: uniqueName('bob'), token: '', id: '' };
  const ids: string[] = [];
  let oldId = '';
  let generalHitId = '';
  let opsName = '';
  let lobbyName = '';
  let lobbyHitId = '';
  let page: Page;

  beforeAll(async () => {
    const url = suite.server.url;
    page = await suite.newPage();
    await registerInBrowser(page, url, alice);
    const bobs = await suite.browser.newContext();
    await registerInBrowser(bobs, url, bob);
    await bobs.close();

    // Bob's channel, which Alice is in; ~150 messages, one old one about the café.
    const bobsSocket = await connect(url, bob.token);
    opsName = uniqueName('ops').toLowerCase();
    const { room } = await ok(bobsSocket, 'room:create', { kind: 'channel', name: opsName });
    const alicesSocket = await connect(url, alice.token);
    await ok(alicesSocket, 'room:join', { roomId: room.id });
    for (let i = 0; i < 150; i++) {
      const text =
        i === 20
          ? 'Notes from Monday: the redeployment of the café went fine, nobody noticed'
          : `Routine note ${i}`;
      ids.push((await send(bobsSocket, room.id, text)).message.id);
    }
    oldId = ids[20]!;
    // A newer hit in another room (#general, where everyone is).
    const general = await channelId(bobsSocket, 'general');
    generalHitId = (await send(bobsSocket, general, 'CAFE deployment retro at noon')).message.id;
    // A channel Alice has not joined.
    lobbyName = uniqueName('lobby').toLowerCase();
    const lobby = (await ok(bobsSocket, 'room:create', { kind: 'channel', name: lobbyName })).room;
    const lm = (await send(bobsSocket, lobby.id, 'The unjoined café deployment plan')).message;
    lobbyHitId = lm.id;
    bobsSocket.disconnect();
    alicesSocket.disconnect();
  }, 60_000);

  const panel = (p: Page) => p.getByRole('complementary', { name: 'Search' });
  const field = (p: Page) => p.getByRole('searchbox', { name: 'Search messages' });
  const results = (p: Page) => panel(p).getByRole('list', { name: 'Search results' });
  const hit = (p: Page, id: string) => results(p).locator(`[data-hit-id="${id}"]`);
  const article = (p: Page, id: string) => p.locator(`article[data-message-id="${id}"]`);
  const heading = (p: Page) => p.getByRole('main').getByRole('heading', { level: 1 });
  const focused = (p: Page) =>
    p.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el?.dataset.hitId ?? el?.getAttribute('aria-label') ?? el?.tagName ?? null;
    });
  /** In view and near the middle of the list, not just somewhere on screen. */
  const centred = async (p: Page, id: string) => {
    const box = await article(p, id).boundingBox();
    const list = await p.locator('.message-list').boundingBox();
    if (!box || !list) return false;
    const middle = box.y + box.height / 2;
    return middle > list.y + list.height * 0.2 && middle < list.y + list.height * 0.8;
  };
  const flashing = (p: Page, id: string) =>
    article(p, id).evaluate((el) => el.closest('.message-flash') !== null);
  const marks = (locator: Locator) => locator.locator('mark').allTextContents();

  it('/ opens the field; a partial, accent-free query finds the old message, highlighted', async () => {
    await page.goto(suite.server.url);
    await expect.poll(() => heading(page).textContent()).toBe('#general');
    // Typed into the composer, / is a character, not the shortcut.
    await composer(page).click();
    await page.keyboard.type('/');
    expect(await panel(page).count()).toBe(0);
    expect(await composer(page).inputValue()).toBe('/');
    await page.keyboard.press('Backspace');

    // Outside a text field it opens search, the field focused.
    await messageList(page).locator('article').last().focus();
    await page.keyboard.press('/');
    await expect.poll(() => panel(page).isVisible()).toBe(true);
    await expect.poll(() => focused(page)).toBe('Search messages');
    await page.keyboard.type('deploy cafe');
    await page.keyboard.press('Enter');

    await expect.poll(() => hit(page, oldId).count()).toBe(1);
    expect(await panel(page).getByRole('status').textContent()).toBe('2 results');
    // Newest first: #general's, then the old one in the channel.
    const order = await results(page)
      .locator('[data-hit-id]')
      .evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.hitId));
    expect(order).toEqual([generalHitId, oldId]);
    expect(await marks(hit(page, oldId))).toEqual(['deploy', 'café']);
    expect(await marks(hit(page, generalHitId))).toEqual(['CAFE', 'deploy']);
    const text = await hit(page, oldId).textContent();
    expect(text).toContain(`#${opsName}`);
    expect(text).toContain(bob.name);
    expect(text).toContain('the redeployment of the café went fine');
    await page.screenshot({ path: await screenshotPath('search-results-dark') });
  });

  it('jumps to the old message with ↓ and Enter: in view, centred, highlighted, history around it', async () => {
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focused(page)).toBe(generalHitId);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focused(page)).toBe(oldId);
    await page.keyboard.press('Enter');

    await expect.poll(() => heading(page).textContent()).toBe(`#${opsName}`);
    await expect.poll(() => article(page, oldId).count()).toBe(1);
    // The highlight lasts 2.5 s (useMessageTarget's FLASH_MS): looked for as the message
    // arrives, not after the list has come to rest, which on a busy machine can take longer.
    expect(await flashing(page, oldId)).toBe(true);
    await listAtRest(page);
    await expect.poll(() => isInView(article(page, oldId))).toBe(true);
    await expect.poll(() => centred(page, oldId)).toBe(true);
    // The history around it was loaded, not only the newest page. Its neighbours may render a
    // frame after it (Virtuoso measures the target first), so they are waited for.
    await expect.poll(() => article(page, ids[19]!).count()).toBe(1);
    await expect.poll(() => article(page, ids[21]!).count()).toBe(1);
    expect(await article(page, ids[149]!).count()).toBe(0);
    // The panel stays open, the focus still on the result.
    expect(await panel(page).isVisible()).toBe(true);
    expect(await focused(page)).toBe(oldId);
    await page.screenshot({ path: await screenshotPath('search-jumped-dark') });

    // The next result, in another room, one key away.
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => focused(page)).toBe(generalHitId);
    await page.keyboard.press('Enter');
    await expect.poll(() => heading(page).textContent()).toBe('#general');
    await expect.poll(() => article(page, generalHitId).count()).toBe(1);
    await expect.poll(() => isInView(article(page, generalHitId))).toBe(true);
    expect(await panel(page).isVisible()).toBe(true);
    // And back by click.
    await hit(page, oldId).click();
    await expect.poll(() => heading(page).textContent()).toBe(`#${opsName}`);
    await expect.poll(() => isInView(article(page, oldId))).toBe(true);
  });

  it('shows the server’s sentence for a query too short to search, and recent searches when empty', async () => {
    await field(page).click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('de');
    await page.keyboard.press('Enter');
    const refusal = await page.evaluate(async () => {
      const response = await fetch('/api/search?q=de', { credentials: 'include' });
      return { status: response.status, body: await response.json() };
    });
    expect(refusal.status).toBe(400);
    expect(refusal.body.field).toBe('q');
    const error = panel(page).locator('.search-error');
    await expect.poll(() => error.textContent()).toBe(refusal.body.detail);
    expect(await results(page).count()).toBe(0);

    // A query nothing matches says so.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('zebracrossing');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => panel(page).getByRole('status').textContent())
      .toBe('No messages match “zebracrossing”.');

    // Emptied, the field offers the last searches, newest first.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Backspace');
    const recent = panel(page).getByRole('region', { name: 'Recent searches' });
    await expect.poll(() => recent.isVisible()).toBe(true);
    expect(await recent.getByRole('button').allTextContents()).toEqual(['zebracrossing', 'deploy cafe']);
    await recent.getByRole('button', { name: 'deploy cafe' }).click();
    await expect.poll(() => hit(page, oldId).count()).toBe(1);
  });

  it('pages through many results with Load more', async () => {
    await field(page).click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('routine note');
    await page.keyboard.press('Enter');
    const shown = results(page).locator('[data-hit-id]');
    await expect.poll(() => shown.count()).toBe(20);
    expect(await panel(page).getByRole('status').textContent()).toBe('149 results');
    const more = panel(page).getByRole('button', { name: 'Load more' });
    await more.click();
    await expect.poll(() => shown.count()).toBe(40);
    const pageIds = await shown.evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.hitId));
    expect(new Set(pageIds).size).toBe(40);
    // Newest first, across the pages: the ids are time-ordered.
    expect(pageIds).toEqual([...pageIds].sort().reverse());
    expect(pageIds[0]).toBe(ids[149]);
    // The total stays the first page's.
    expect(await panel(page).getByRole('status').textContent()).toBe('149 results');
  });

  it('closes with Escape and gives the focus back to where it was', async () => {
    await field(page).focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => panel(page).count()).toBe(0);
    // It was opened from the last message in #general, which is not in the DOM any more
    // (another room is open): the focus goes to the composer.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');

    // Opened from the header's button, Escape goes back to the button; the results are kept.
    await page.getByRole('button', { name: 'Search messages' }).click();
    await expect.poll(() => focused(page)).toBe('Search messages');
    const kept = results(page).locator('[data-hit-id]');
    expect(await kept.count()).toBe(40);
    await kept.first().focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => panel(page).count()).toBe(0);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Search messages');
    // Ctrl+F is the browser's: the panel does not open.
    await messageList(page).locator('article').last().focus();
    await page.keyboard.press('ControlOrMeta+F');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await panel(page).count()).toBe(0);
  });

  it('asks to join a public channel one is not in before jumping there', async () => {
    await page.getByRole('button', { name: 'Search messages' }).click();
    await expect.poll(() => focused(page)).toBe('Search messages');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('unjoined cafe');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => panel(page).getByRole('status').textContent())
      .toBe('No messages match “unjoined cafe”.');
    await panel(page).getByLabel('Include channels I have not joined').check();
    await expect.poll(() => hit(page, lobbyHitId).count()).toBe(1);
    expect(await hit(page, lobbyHitId).textContent()).toContain('not joined');

    const question = page.getByRole('alertdialog', { name: `Join #${lobbyName} to see this message?` });
    // Cancelled: nothing joined, the room stays.
    await hit(page, lobbyHitId).click();
    await expect.poll(() => question.isVisible()).toBe(true);
    await question.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => question.count()).toBe(0);
    expect(await heading(page).textContent()).toBe(`#${opsName}`);
    // Joined: the room opens at the message.
    await hit(page, lobbyHitId).click();
    await question.getByRole('button', { name: 'Join' }).click();
    await expect.poll(() => heading(page).textContent()).toBe(`#${lobbyName}`);
    await expect.poll(() => isInView(article(page, lobbyHitId))).toBe(true);
    expect(await hit(page, lobbyHitId).textContent()).not.toContain('not joined');
    const rooms = page.getByRole('navigation', { name: 'Rooms' });
    await expect.poll(() => rooms.getByRole('button', { name: new RegExp(lobbyName) }).count()).toBe(1);
    await panel(page).getByLabel('Include channels I have not joined').uncheck();
  });

  it('lists / in the shortcuts dialog', async () => {
    await messageList(page).locator('article').last().focus();
    await page.keyboard.press('Shift+Slash');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain('Search messages');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
  });

  it('in the light theme, too', async () => {
    const light = await suite.browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: 'light',
    });
    await watchCsp(light, cspViolations);
    await light.addCookies(await page.context().cookies());
    const p = await light.newPage();
    p.setDefaultTimeout(10_000);
    await p.goto(suite.server.url);
    await expect.poll(() => heading(p).textContent()).toBe('#general');
    await p.getByRole('button', { name: 'Search messages' }).click();
    await p.keyboard.type('deploy cafe');
    await p.keyboard.press('Enter');
    await expect.poll(() => hit(p, oldId).count()).toBe(1);
    await p.screenshot({ path: await screenshotPath('search-results-light') });
    // A room picked from the filters searches again, in that room only.
    await panel(p).getByText('Filters').click();
    await panel(p)
      .getByLabel('In', { exact: true })
      .selectOption({ label: `#${opsName}` });
    await expect.poll(() => hit(p, generalHitId).count()).toBe(0);
    expect(await hit(p, oldId).count()).toBe(1);
    expect(await panel(p).getByText('Filters (1)').count()).toBe(1);
    // A person picked with the people search.
    await panel(p).getByRole('button', { name: 'Anyone…' }).click();
    // The picker takes the focus as it opens: the person types where the cursor is.
    await expect
      .poll(() =>
        panel(p)
          .getByLabel('Messages from')
          .evaluate((el) => el === document.activeElement),
      )
      .toBe(true);
    await p.keyboard.type(bob.name.slice(0, 6));
    await panel(p)
      .getByRole('list', { name: 'People found' })
      .getByRole('button', { name: bob.name })
      .click();
    await expect.poll(() => panel(p).getByText('Filters (2)').count()).toBe(1);
    await expect.poll(() => hit(p, oldId).count()).toBe(1);
    await p.screenshot({ path: await screenshotPath('search-filters-light') });
    await panel(p)
      .getByRole('button', { name: `Remove the filter: from ${bob.name}` })
      .click();
    await expect.poll(() => panel(p).getByText('Filters (1)').count()).toBe(1);
    // Best match first: the server's relevance order, the same result here.
    await panel(p).getByLabel('Order').selectOption('relevance');
    await expect.poll(() => panel(p).getByRole('status').textContent()).toBe('1 result');
    expect(await hit(p, oldId).count()).toBe(1);
    await light.close();
    expect(cspViolations).toEqual([]);
  });

  it('on a phone covers the room, and jumping shows the room; reopening shows the same results', async () => {
    const phone = await suite.browser.newContext({
      viewport: { width: 390, height: 760 },
      colorScheme: 'dark',
      isMobile: true,
      hasTouch: true,
    });
    await watchCsp(phone, cspViolations);
    await phone.addCookies(await page.context().cookies());
    const p = await phone.newPage();
    p.setDefaultTimeout(10_000);
    // A phone opens on the room list; the address opens the room.
    await p.goto(`${suite.server.url}/#/c/general`);
    await expect.poll(() => heading(p).textContent()).toBe('#general');
    await p.getByRole('button', { name: 'Search messages' }).tap();
    await expect.poll(() => panel(p).isVisible()).toBe(true);
    const box = await panel(p).boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(389);
    expect(box!.height).toBeGreaterThan(600);
    // The panel opened with the field focused, as on a desktop: typing goes there.
    await expect.poll(() => field(p).evaluate((el) => el === document.activeElement)).toBe(true);
    await p.keyboard.type('deploy cafe');
    await p.keyboard.press('Enter');
    await expect.poll(() => hit(p, oldId).count()).toBe(1);
    await p.screenshot({ path: await screenshotPath('search-phone') });
    await hit(p, oldId).tap();
    await expect.poll(() => panel(p).count()).toBe(0);
    await expect.poll(() => heading(p).textContent()).toBe(`#${opsName}`);
    await expect.poll(() => isInView(article(p, oldId))).toBe(true);
    await p.getByRole('button', { name: 'Search messages' }).tap();
    await expect.poll(() => hit(p, oldId).count()).toBe(1);
    expect(await field(p).inputValue()).toBe('deploy cafe');
    await p.getByRole('button', { name: 'Close search' }).tap();
    await expect.poll(() => panel(p).count()).toBe(0);
    await phone.close();
    expect(cspViolations).toEqual([]);
  });
});
