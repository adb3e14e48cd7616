import { randomUUID } from 'node:crypto';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/shared/limits.js';
import {
  chromiumPath,
  isInView,
  launchBrowser,
  screenshotPath,
  watchCsp,
  wheelUntilInView,
} from '../helpers/browser.js';
import { type ClientSocket, ok, signedIn, uniqueName } from '../helpers/clients.js';
import {
  boxOf,
  DESKTOP,
  insideViewport,
  intersects,
  newPerson,
  openRoom,
  PHONE,
  wholeOnScreen,
} from '../helpers/layout.js';
import { image, uploadFile } from '../helpers/media.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';
import { messageList } from '../helpers/web-people.js';

/**
 * Layout that never covers what you read (issue #16), at 1280×800 and on a 360 px phone:
 * photos keep their shape, the reaction picker stays on screen, the connection banner and
 * toasts take their own place, form errors sit under their field, the phone's message actions
 * do not cover the text, join lines collapse, and the start of a room sits on its messages.
 * Every check measures what the browser drew.
 */
describe.skipIf(!chromiumPath)('layout in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let bob: Awaited<ReturnType<typeof signedIn>>;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({}, { rateRules: relaxedLimits });
    browser = await launchBrowser();
    bob = await signedIn(server.url, 'register', uniqueName('bob'));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(() => {
    expect(cspViolations).toEqual([]);
  });

  const person = (device: typeof DESKTOP | typeof PHONE) =>
    newPerson(browser, server.url, device, (context) => watchCsp(context, cspViolations));

  const userId = async (name: string) => {
    const { users } = await ok(bob.socket, 'users:search', { query: name });
    return users.find((u) => u.username === name)!.id;
  };

  /** Bob makes a group with these people in it; its name. */
  const groupWith = async (names: string[]) => {
    const name = uniqueName('grp');
    const memberIds = await Promise.all(names.map(userId));
    const { room } = await ok(bob.socket, 'room:create', { kind: 'group', name, memberIds });
    return { name, roomId: room.id };
  };

  const say = (socket: ClientSocket, roomId: string, text: string, attachmentIds?: string[]) =>
    ok(socket, 'message:send', { roomId, clientMsgId: randomUUID(), text, attachmentIds });

  describe('the lightbox keeps every photo’s aspect ratio', () => {
    it.each([
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const)('on a %s, portrait and landscape', async (label, device) => {
      const { context, page, name } = await person(device);
      const room = await groupWith([name]);
      const photos = [
        { file: 'portrait.jpg', bytes: await image('jpeg', 600, 900), width: 600, height: 900 },
        { file: 'landscape.png', bytes: await image('png', 1200, 800), width: 1200, height: 800 },
      ];
      for (const photo of photos) {
        const upload = await uploadFile(server.url, bob.token, photo.bytes, photo.file);
        await say(bob.socket, room.roomId, photo.file, [upload.body.attachment.id]);
      }
      await openRoom(page, room.name);
      for (const photo of photos) {
        const tile = page.getByRole('button', { name: `Open image ${photo.file}` });
        await tile.scrollIntoViewIfNeeded();
        if (label === 'phone') await tile.tap();
        else await tile.click();
        const shown = page.getByRole('dialog', { name: photo.file }).locator('img');
        await expect
          .poll(() => shown.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
          .toBe(photo.width);
        const natural = await shown.evaluate((img: HTMLImageElement) => [
          img.naturalWidth,
          img.naturalHeight,
        ]);
        expect(natural).toEqual([photo.width, photo.height]);
        const box = await boxOf(shown);
        const drawn = box.width / box.height;
        const real = photo.width / photo.height;
        expect(Math.abs(drawn - real) / real, `${photo.file} drawn ${box.width}×${box.height}`).toBeLessThan(
          0.01,
        );
        expect(insideViewport(box, page), `${photo.file} drawn at ${JSON.stringify(box)}`).toBe(true);
        await page.screenshot({
          path: await screenshotPath(`${label}-lightbox-${photo.file.replace(/\..*/, '')}`),
        });
        await page.keyboard.press('Escape');
        await expect.poll(() => page.getByRole('dialog', { name: photo.file }).count()).toBe(0);
      }
      await context.close();
    });
  });

  describe('the reaction picker stays inside the viewport', () => {
    it.each([
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const)('on a %s, from a message near the bottom and one near the top', async (label, device) => {
      const { context, page, name } = await person(device);
      const room = await groupWith([name]);
      for (let i = 1; i <= 30; i++) await say(bob.socket, room.roomId, `Line ${i} of a long talk`);
      await openRoom(page, room.name);
      const last = messageList(page).locator('article', { hasText: 'Line 30 of' });
      // Thirty unread: the room opens at its first unread; the reader scrolls down to the end.
      await messageList(page).hover();
      await wheelUntilInView(page, last, 5000);

      const pickFrom = async (message: typeof last, where: string) => {
        const addReaction = message.getByRole('button', { name: 'Add reaction' });
        if (label === 'phone') {
          await message.locator('.message-text').tap();
          await addReaction.tap();
        } else {
          await message.hover();
          await addReaction.click();
        }
        const picker = page.getByRole('dialog', { name: 'Pick a reaction' });
        await picker.getByRole('button', { name: /./ }).first().waitFor();
        const box = await boxOf(picker);
        expect(insideViewport(box, page), `picker at ${JSON.stringify(box)}`).toBe(true);
        expect(await wholeOnScreen(picker), `picker at ${JSON.stringify(box)} is cut off`).toBe(true);
        await page.screenshot({ path: await screenshotPath(`${label}-reaction-picker-${where}`) });
        await page.keyboard.press('Escape');
        await expect.poll(() => picker.count()).toBe(0);
      };
      await pickFrom(last, 'bottom');

      // The topmost message wholly in view.
      const topText = await messageList(page).evaluate((log) => {
        const top = log.closest('[data-virtuoso-scroller]')!.getBoundingClientRect().top;
        const first = [...log.querySelectorAll('article')].find((a) => a.getBoundingClientRect().top >= top);
        return first!.querySelector('.message-text')!.textContent!;
      });
      await pickFrom(messageList(page).locator('article', { hasText: topText }), 'top');
      await context.close();
    });
  });

  it('shows the connection banner in its own row, covering neither the room title nor your name', async () => {
    const { context, page, name } = await person(DESKTOP);
    await page.getByRole('heading', { name: '#general', level: 1 }).waitFor();
    await context.setOffline(true);
    const banner = page.getByRole('status').filter({ hasText: 'reconnecting' });
    await expect.poll(() => banner.isVisible(), { timeout: 40_000 }).toBe(true);
    const heading = page.getByRole('heading', { name: '#general', level: 1 });
    const myName = page.locator('.profile-name').getByText(name, { exact: true });
    expect(await heading.isVisible()).toBe(true);
    expect(await myName.isVisible()).toBe(true);
    const bannerBox = await boxOf(banner);
    expect(intersects(bannerBox, await boxOf(heading)), 'banner covers the room title').toBe(false);
    expect(intersects(bannerBox, await boxOf(myName)), 'banner covers your name').toBe(false);
    await page.screenshot({ path: await screenshotPath('desktop-connection-lost-banner') });
    await context.setOffline(false);
    await expect.poll(() => banner.count(), { timeout: 30_000 }).toBe(0);
    await context.close();
  }, 90_000);

  it('on a phone, the connection banner pushes the room and the drawer down too', async () => {
    const { context, page, name } = await person(PHONE);
    await openRoom(page, '#general');
    await context.setOffline(true);
    const banner = page.getByRole('status').filter({ hasText: 'reconnecting' });
    await expect.poll(() => banner.isVisible(), { timeout: 40_000 }).toBe(true);
    const bannerBox = await boxOf(banner);
    for (const covered of [
      page.getByRole('heading', { name: '#general', level: 1 }),
      page.getByRole('button', { name: 'Open sidebar' }),
    ]) {
      expect(await covered.isVisible()).toBe(true);
      expect(intersects(bannerBox, await boxOf(covered)), `banner covers ${covered}`).toBe(false);
    }
    await page.getByRole('button', { name: 'Open sidebar' }).tap();
    const myName = page.locator('.profile-name').getByText(name, { exact: true });
    await myName.waitFor();
    expect(intersects(await boxOf(banner), await boxOf(myName)), 'banner covers your name').toBe(false);
    expect(await wholeOnScreen(myName)).toBe(true);
    await page.screenshot({ path: await screenshotPath('phone-connection-lost-banner') });
    await context.setOffline(false);
    await context.close();
  }, 90_000);

  describe('toasts sit above the composer', () => {
    it('on a desktop: the chat with a stranger has ended', async () => {
      const { context, page } = await person(DESKTOP);
      await page.getByRole('heading', { name: '#general', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Talk to a stranger' }).click();
      await page.getByText('Looking for someone…').waitFor();
      const match = await ok(bob.socket, 'match:random', {});
      expect(match.status).toBe('matched');
      const roomId = (match as { room: { id: string } }).room.id;
      await page.getByRole('heading', { name: bob.user.username, level: 1 }).waitFor();
      await ok(bob.socket, 'room:leave', { roomId });
      const toast = page.getByRole('status').filter({ hasText: 'has ended' });
      await toast.waitFor();
      await expectAboveComposer(page, toast);
      await page.screenshot({ path: await screenshotPath('desktop-toast') });
      await context.close();
    });

    it('on a phone: a room code that does not exist', async () => {
      const { context, page } = await person(PHONE);
      await openRoom(page, '#general');
      await page.goto(`${server.url}/#/code/ZZZZ99`);
      const toast = page.getByRole('alert').filter({ hasText: /code/i });
      await toast.waitFor();
      await expectAboveComposer(page, toast);
      await page.screenshot({ path: await screenshotPath('phone-toast') });
      await context.close();
    });

    async function expectAboveComposer(page: Page, toast: Locator) {
      const composer = page.locator('.composer');
      const toastBox = await boxOf(toast);
      const composerBox = await boxOf(composer);
      expect(intersects(toastBox, composerBox), 'toast covers the composer').toBe(false);
      expect(toastBox.y + toastBox.height).toBeLessThanOrEqual(composerBox.y);
      expect(insideViewport(toastBox, page)).toBe(true);
    }
  });

  describe('form errors sit under their field, inside the dialog, with the rule shown first', () => {
    const expectErrorUnder = async (page: Page, field: Locator, dialog: Locator | null) => {
      await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
      const errorId = (await field.getAttribute('aria-describedby'))!.split(' ');
      const error = page.locator(errorId.map((id) => `[id="${id}"].field-error`).join(','));
      await expect.poll(() => error.isVisible()).toBe(true);
      const fieldBox = await boxOf(field);
      const errorBox = await boxOf(error);
      // Directly below the field: under it, not over it, and not far away.
      expect(errorBox.y).toBeGreaterThanOrEqual(fieldBox.y + fieldBox.height - 1);
      expect(errorBox.y - (fieldBox.y + fieldBox.height)).toBeLessThan(40);
      if (dialog) {
        const dialogBox = await boxOf(dialog);
        expect(errorBox.y + errorBox.height, 'the error is inside the dialog').toBeLessThanOrEqual(
          dialogBox.y + dialogBox.height,
        );
        expect(await dialog.locator('.field-error').count()).toBe(1);
      }
      expect(await page.locator('.toast').count()).toBe(0);
      return error;
    };

    it('New channel: the rule before typing, an invalid and a taken name under the field', async () => {
      const { context, page } = await person(DESKTOP);
      await page.getByRole('button', { name: 'New channel' }).click();
      const dialog = page.getByRole('dialog', { name: 'New channel' });
      const field = dialog.getByLabel('Channel name');
      // The rule, from the shared limits, is on screen before anything is typed.
      const rule = dialog.getByText(`${LIMITS.roomNameMax} characters`, { exact: false });
      expect(await rule.isVisible()).toBe(true);
      expect(await field.evaluate((el) => el === document.activeElement)).toBe(true);

      await page.keyboard.type('no/slashes!');
      await page.keyboard.press('Enter');
      const error = await expectErrorUnder(page, field, dialog);
      expect(await error.textContent()).toMatch(/letters, digits/);

      // A name the server refuses: it is taken.
      await field.click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('general');
      await page.keyboard.press('Enter');
      await expect.poll(() => error.textContent()).toMatch(/exists|taken/i);
      await expectErrorUnder(page, field, dialog);
      expect(await dialog.isVisible()).toBe(true);
      await page.screenshot({ path: await screenshotPath('desktop-new-channel-error') });
      await context.close();
    });

    it('Register: the password rule before typing, a short password under its field', async () => {
      const context = await browser.newContext({ ...DESKTOP, colorScheme: 'dark' });
      await watchCsp(context, cspViolations);
      const page = await context.newPage();
      await page.goto(server.url);
      await page.getByRole('tab', { name: 'Register' }).click();
      const password = page.getByLabel('Password');
      expect(await page.getByText(`at least ${LIMITS.passwordMin} characters`).isVisible()).toBe(true);
      await page.getByLabel('Username').click();
      await page.keyboard.type(uniqueName('reg'));
      await password.click();
      await page.keyboard.type('short');
      await page.keyboard.press('Enter');
      const error = await expectErrorUnder(page, password, null);
      expect(await error.textContent()).toContain(String(LIMITS.passwordMin));
      await context.close();
    });
  });

  it('on a phone, a tapped message shows its actions in their own row, not over the text', async () => {
    const { context, page, name } = await person(PHONE);
    const room = await groupWith([name]);
    await say(bob.socket, room.roomId, 'First words on the phone');
    await say(bob.socket, room.roomId, 'A line whose text must stay readable when its actions show');
    await openRoom(page, room.name);
    const message = messageList(page).locator('article', { hasText: 'must stay readable' });
    await message.locator('.message-text').tap();
    const toolbar = message.getByRole('toolbar', { name: 'Message actions' });
    await expect
      .poll(() => toolbar.evaluate((el) => getComputedStyle(el).opacity === '1' && el.clientHeight > 0))
      .toBe(true);
    await expect.poll(() => isInView(toolbar)).toBe(true);
    const toolbarBox = await boxOf(toolbar);
    // Neither this message's text nor any other line of the conversation is under the actions.
    const texts = messageList(page).locator('.message-text, .message-header');
    expect(await texts.count()).toBeGreaterThanOrEqual(3);
    for (const text of await texts.all()) {
      expect(intersects(toolbarBox, await boxOf(text)), 'the actions cover the message').toBe(false);
    }
    for (const button of await toolbar.getByRole('button').all()) {
      expect((await boxOf(button)).height).toBeGreaterThanOrEqual(32);
    }
    await page.screenshot({ path: await screenshotPath('phone-message-actions') });
    await context.close();
  });

  it('collapses seven joins in a row into one line', async () => {
    const { context, page, name } = await person(DESKTOP);
    const room = await groupWith([name]);
    await say(bob.socket, room.roomId, 'Welcome, everyone');
    const people: Awaited<ReturnType<typeof signedIn>>[] = [];
    for (let i = 0; i < 7; i++) people.push(await signedIn(server.url, 'register', uniqueName(`j${i}n`)));
    for (const p of people)
      await ok(bob.socket, 'room:add-member', { roomId: room.roomId, userId: p.user.id });
    await openRoom(page, room.name);
    const expected = `${people[0]!.user.username}, ${people[1]!.user.username} and 5 others joined`;
    const lines = messageList(page).locator('.system-line');
    await expect.poll(() => lines.filter({ hasText: people[0]!.user.username }).count()).toBe(1);
    const line = lines.filter({ hasText: people[0]!.user.username });
    expect((await line.locator('span').first().textContent())?.trim()).toBe(expected);
    expect(await isInView(line)).toBe(true);
    for (const p of people.slice(2)) {
      expect(await messageList(page).getByText(`${p.user.username} joined`).count()).toBe(0);
    }
    await context.close();
  });

  it('puts "This is the beginning of the room" directly above the first message', async () => {
    const { context, page, name } = await person(DESKTOP);
    const room = await groupWith([name]);
    await say(bob.socket, room.roomId, 'One');
    await say(bob.socket, room.roomId, 'Two');
    await openRoom(page, room.name);
    const beginning = page.locator('.message-list').getByText('This is the beginning of the room.');
    await beginning.waitFor();
    const first = messageList(page).locator('[data-item-index]').first();
    const gap = (await boxOf(first)).y - ((await boxOf(beginning)).y + (await boxOf(beginning)).height);
    expect(gap, `gap of ${gap}px`).toBeGreaterThanOrEqual(-1);
    expect(gap, `gap of ${gap}px`).toBeLessThan(40);
    await context.close();
  });
});
