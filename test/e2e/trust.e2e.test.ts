import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchBrowser, screenshotPath, watchCsp } from '../helpers/browser.js';
import { ok, signedIn, uniqueName } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';
import {
  chooseFromAccountMenu,
  composer,
  signUpAsGuest,
  signUpWithAccount,
  storedKeysOf,
} from '../helpers/web-people.js';

/**
 * Trust on a shared computer: nothing destructive happens without an in-app question that says
 * what is lost, signing out leaves nothing of the user's behind in the browser, and the bell
 * says when the browser blocks notifications.
 */
describe.skipIf(!chromiumPath)('trust on shared computers, in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let aliceId: string;
  const alice = uniqueName('alice');
  const cspViolations: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({}, { rateRules: relaxedLimits });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    await watchCsp(context, cspViolations);
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    // A native confirm() would block the page; the app must never open one.
    page.on('dialog', (dialog) => {
      cspViolations.push(`native ${dialog.type()} dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    aliceId = await signUpWithAccount(page, server.url, alice);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(() => {
    expect(cspViolations).toEqual([]);
  });

  const rooms = (p: Page) => p.getByRole('navigation', { name: 'Rooms' });
  const confirmDialog = (p: Page) => p.getByRole('alertdialog');
  /**
   * Says something in the open room and waits until it is on screen: whatever was asked of the
   * server before (a leave, a delete that Cancel should not have sent) has been answered by then.
   */
  const roundTrip = async (p: Page, text: string) => {
    await composer(p).click();
    await p.keyboard.type(text);
    await p.keyboard.press('Enter');
    await expect
      .poll(() =>
        p
          .getByRole('log', { name: 'Messages' })
          .locator('article', { hasText: text })
          .locator('.status.sent')
          .count(),
      )
      .toBe(1);
  };

  it('asks before leaving a channel, says it can be rejoined, and Cancel or Escape keeps you in', async () => {
    await expect.poll(() => page.getByRole('heading', { name: '#general' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Leave', exact: true }).click();
    const dialog = confirmDialog(page);
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.getByRole('heading').textContent()).toBe('Leave #general?');
    expect(await dialog.textContent()).toContain('Browse channels');
    // Nothing is lost by a mis-pressed Enter: the focus starts on the safe choice.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    const leave = dialog.getByRole('button', { name: 'Leave channel' });
    expect(await leave.getAttribute('class')).toContain('danger');
    await page.screenshot({ path: await screenshotPath('confirm-leave-channel') });

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await roundTrip(page, 'still here after Cancel');
    expect(await page.getByRole('heading', { name: '#general' }).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Leave', exact: true }).click();
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await roundTrip(page, 'still here after Escape');
    expect(
      await rooms(page)
        .getByRole('button', { name: /general/ })
        .count(),
    ).toBe(1);
  });

  it('warns that a group cannot be rejoined alone, and Confirm leaves it', async () => {
    const bob = await signedIn(server.url, 'register', uniqueName('bob'));
    const groupName = uniqueName('plans');
    await ok(bob.socket, 'room:create', { kind: 'group', name: groupName, memberIds: [aliceId] });
    const link = rooms(page).getByRole('button', { name: new RegExp(groupName) });
    await expect.poll(() => link.count()).toBe(1);
    await link.click();
    await expect.poll(() => page.getByRole('heading', { name: groupName }).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Leave', exact: true }).click();
    const dialog = confirmDialog(page);
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.getByRole('heading').textContent()).toBe(`Leave ${groupName}?`);
    expect(await dialog.textContent()).toContain('someone in it adds you again');
    await dialog.getByRole('button', { name: 'Leave group' }).click();
    await expect.poll(() => link.count()).toBe(0);
    expect(await dialog.count()).toBe(0);
    bob.socket.close();
  });

  it('asks in the app before deleting a message for everyone', async () => {
    await rooms(page)
      .getByRole('button', { name: /general/ })
      .click();
    await composer(page).click();
    await page.keyboard.type('A message to take back');
    await page.keyboard.press('Enter');
    const own = page
      .getByRole('log', { name: 'Messages' })
      .locator('article', { hasText: 'A message to take back' });
    await expect.poll(() => own.count()).toBe(1);
    await own.hover();
    await own.getByRole('button', { name: 'Delete message' }).click();
    const dialog = confirmDialog(page);
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.getByRole('heading').textContent()).toBe('Delete this message for everyone?');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await roundTrip(page, 'after keeping the message');
    expect(await own.count()).toBe(1);

    await own.hover();
    await own.getByRole('button', { name: 'Delete message' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => own.count()).toBe(0);
  });

  it('warns about unsent messages before signing out, then leaves no draft or outbox behind', async () => {
    // Something half-written in one room, and a message that cannot go out in another.
    await composer(page).click();
    await page.keyboard.type('A half-written thought');
    await expect.poll(() => storedKeysOf(page, aliceId)).toContain(`parley:drafts:${aliceId}`);
    await context.setOffline(true);
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'reconnecting' }).isVisible(), {
        timeout: 30_000,
      })
      .toBe(true);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Written on the train');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByText('Waiting to send…').isVisible()).toBe(true);
    await composer(page).click();
    await page.keyboard.type('Another draft');

    await chooseFromAccountMenu(page, 'Sign out');
    const dialog = confirmDialog(page);
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain('1 message has not been sent yet and will be lost');
    await page.screenshot({ path: await screenshotPath('confirm-sign-out-unsent') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('navigation', { name: 'Rooms' }).isVisible()).toBe(true);

    // Offline the server cannot end the session (an HttpOnly cookie): the app says so and
    // keeps everything, rather than look signed out while a reload would sign back in.
    await chooseFromAccountMenu(page, 'Sign out');
    await dialog.getByRole('button', { name: 'Sign out anyway' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Could not sign out');
    expect(await page.getByRole('navigation', { name: 'Rooms' }).isVisible()).toBe(true);
    expect(await storedKeysOf(page, aliceId)).toContain(`parley:outbox:${aliceId}`);

    // Back online the message goes out; signing out now asks nothing (an account, nothing
    // unsent) and leaves neither the draft nor the outbox behind.
    await context.setOffline(false);
    await expect.poll(() => page.getByText('Waiting to send…').count(), { timeout: 20_000 }).toBe(0);
    await chooseFromAccountMenu(page, 'Sign out');
    await expect.poll(() => page.getByRole('button', { name: 'Start chatting' }).isVisible()).toBe(true);
    expect(await dialog.count()).toBe(0);
    expect(await storedKeysOf(page, aliceId)).toEqual([]);
    await page.reload();
    await expect.poll(() => page.getByRole('button', { name: 'Start chatting' }).isVisible()).toBe(true);
  });

  it('tells a guest that signing out gives up the name, its DMs and groups, and clears its storage', async () => {
    // A browser of its own: the same one would still hold the first test user's session.
    const guestContext = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: 'dark',
    });
    await watchCsp(guestContext, cspViolations);
    const guestPage = await guestContext.newPage();
    guestPage.setDefaultTimeout(10_000);
    const guestName = uniqueName('guest');
    const guestId = await signUpAsGuest(guestPage, server.url, guestName);
    await guestPage
      .getByRole('navigation', { name: 'Rooms' })
      .getByRole('button', { name: /general/ })
      .click();
    await composer(guestPage).click();
    await guestPage.keyboard.type('Left for later');
    await expect.poll(() => storedKeysOf(guestPage, guestId)).toContain(`parley:drafts:${guestId}`);

    await chooseFromAccountMenu(guestPage, 'Sign out');
    const dialog = confirmDialog(guestPage);
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const text = await dialog.textContent();
    expect(text).toContain(guestName);
    expect(text).toContain('direct messages and groups');
    expect(text).not.toContain('not been sent');
    await guestPage.screenshot({ path: await screenshotPath('confirm-sign-out-guest') });
    await dialog.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => guestPage.getByRole('button', { name: 'Start chatting' }).isVisible()).toBe(true);
    expect(await storedKeysOf(guestPage, guestId)).toEqual([]);
    await guestContext.close();
  });

  it('shows when the browser blocks notifications, and how to allow them', async () => {
    const blocked = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    await watchCsp(blocked, cspViolations);
    const p = await blocked.newPage();
    // The browser's own permission store says "denied" for this origin, as when a person
    // blocked the site: Playwright can only grant permissions, Chromium's DevTools protocol
    // can set any state.
    const cdp = await blocked.newCDPSession(p);
    const { targetInfo } = await cdp.send('Target.getTargetInfo');
    await cdp.send('Browser.setPermission', {
      permission: { name: 'notifications' },
      setting: 'denied',
      origin: server.url,
      browserContextId: targetInfo.browserContextId,
    });
    await signUpAsGuest(p, server.url, uniqueName('blocked'));
    expect(await p.evaluate(() => Notification.permission)).toBe('denied');
    const bell = p.getByRole('button', { name: 'Notifications blocked' });
    await expect.poll(() => bell.isVisible()).toBe(true);
    await bell.click();
    const help = p.getByRole('dialog', { name: 'Notifications are blocked' });
    await expect.poll(() => help.isVisible()).toBe(true);
    const text = await help.textContent();
    expect(text).toContain('lock icon');
    expect(text).toContain('site settings');
    const box = (await help.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(800);
    await p.screenshot({ path: await screenshotPath('notifications-blocked') });
    await p.keyboard.press('Escape');
    await expect.poll(() => help.isVisible()).toBe(false);
    await blocked.close();
  });
});
