import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, isInView, launchBrowser, screenshotPath, watchCsp } from '../helpers/browser.js';
import { channelId, send, signedIn, uniqueName } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';
import { composer, messageList, signUpAsGuest, signUpWithAccount } from '../helpers/web-people.js';

/**
 * The app with the keyboard alone, as a person who does not use a mouse does: a skip link,
 * the message list as one tab stop with arrow keys inside it, a focus ring wherever the focus
 * is, Escape to close the phone's drawer, and the shortcuts and formatting help.
 */
describe.skipIf(!chromiumPath)('keyboard and screen readers, in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const alice = uniqueName('alice');
  const bobName = uniqueName('bob');
  const cspViolations: string[] = [];
  const COUNT = 40;

  beforeAll(async () => {
    server = await startTestServer({}, { rateRules: relaxedLimits });
    // More messages than fit on the screen, so moving through them has to scroll.
    const bob = await signedIn(server.url, 'register', bobName);
    const general = await channelId(bob.socket, 'general');
    for (let i = 1; i <= COUNT; i++) await send(bob.socket, general, `Message number ${i}`);
    bob.socket.close();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    await watchCsp(context, cspViolations);
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signUpWithAccount(page, server.url, alice);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(() => {
    expect(cspViolations).toEqual([]);
  });

  const focused = (p: Page) =>
    p.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return {
        tag: el?.tagName.toLowerCase(),
        label: el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '',
        messageId: el?.getAttribute('data-message-id') ?? null,
        text: el?.closest('article')?.querySelector('.message-text')?.textContent ?? null,
        inList: Boolean(el?.closest('[role=log]')),
        isComposer: el?.getAttribute('role') === 'combobox' && el.tagName === 'TEXTAREA',
      };
    });

  it('skips to the composer with the first Tab of a fresh page', async () => {
    await page.reload();
    await expect.poll(() => messageList(page).getByText(`Message number ${COUNT}`).isVisible()).toBe(true);
    // Nothing has taken the focus by itself: the page starts at its top.
    expect((await focused(page)).tag).toBe('body');
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to composer' });
    expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
    const box = (await skip.boundingBox())!;
    expect(box.width).toBeGreaterThan(40);
    expect(box.y).toBeGreaterThanOrEqual(0);
    await page.screenshot({ path: await screenshotPath('keyboard-skip-link') });
    await page.keyboard.press('Enter');
    expect((await focused(page)).isComposer).toBe(true);
  });

  it('reaches the composer from the sidebar through the message list as one tab stop', async () => {
    // The sidebar's last control, then onwards: header, the list (once), the composer.
    await page.getByRole('button', { name: 'Talk to a stranger' }).focus();
    const stops: Awaited<ReturnType<typeof focused>>[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      const now = await focused(page);
      stops.push(now);
      if (now.isComposer) break;
    }
    expect(stops.at(-1)?.isComposer).toBe(true);
    expect(stops.filter((s) => s.inList)).toHaveLength(1);
    // The one stop is the newest message.
    const inList = stops.find((s) => s.inList)!;
    expect(inList.text).toContain(`Message number ${COUNT}`);
    // The header's Search, Members and Leave, the list, the composer's buttons before its box.
    expect(stops.length).toBeLessThanOrEqual(7);
  });

  it('moves between messages with the arrow keys, Home and End, scrolling them into view', async () => {
    await composer(page).click();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    let now = await focused(page);
    expect(now.text).toBe(`Message number ${COUNT}`);
    const newestId = now.messageId;
    expect(newestId).toBeTruthy();

    // A ring shows where the focus is.
    const ring = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement!);
      return { outline: style.outlineStyle, width: style.outlineWidth, shadow: style.boxShadow };
    });
    expect(ring.outline !== 'none' && ring.width !== '0px' ? 'outline' : ring.shadow).not.toBe('none');
    await page.screenshot({ path: await screenshotPath('keyboard-focused-message') });

    await page.keyboard.press('ArrowUp');
    now = await focused(page);
    expect(now.text).toBe(`Message number ${COUNT - 1}`);
    expect(now.messageId).not.toBe(newestId);
    await page.keyboard.press('ArrowDown');
    expect((await focused(page)).messageId).toBe(newestId);

    // The oldest message loaded (history comes in pages; scrolling up loads more).
    const oldestLoaded = () => messageList(page).locator('article .message-text').first().textContent();
    const oldestBefore = await oldestLoaded();
    await page.keyboard.press('Home');
    // Home goes to the oldest message loaded when it was pressed. Reaching the top loads an
    // older page, which may land before or after the focus moves (on a busy machine, either):
    // the focus is on one of those two, never somewhere in the middle.
    await expect
      .poll(async () => {
        const text = (await focused(page)).text;
        return text === oldestBefore || text === (await oldestLoaded());
      })
      .toBe(true);
    expect(Number((await oldestLoaded())!.replace(/\D/g, ''))).toBeLessThan(COUNT - 15);
    await expect.poll(() => isInView(page.locator(':focus'))).toBe(true);
    await page.keyboard.press('End');
    await expect.poll(async () => (await focused(page)).messageId).toBe(newestId);
    await expect.poll(() => isInView(page.locator(':focus'))).toBe(true);

    // The list is still one stop: Tab leaves it, Shift+Tab comes back to the same message.
    await page.keyboard.press('ArrowUp');
    const lastFocused = (await focused(page)).messageId;
    await page.keyboard.press('Tab');
    expect((await focused(page)).inList).toBe(false);
    await page.keyboard.press('Shift+Tab');
    expect((await focused(page)).messageId).toBe(lastFocused);
  });

  it('reaches a message’s actions from the keyboard: Enter opens them, Escape comes back, Reply works', async () => {
    await page.keyboard.press('End');
    await expect.poll(async () => (await focused(page)).text).toBe(`Message number ${COUNT}`);
    const messageId = (await focused(page)).messageId;
    await page.keyboard.press('Enter');
    let now = await focused(page);
    expect(now.tag).toBe('button');
    expect(now.inList).toBe(true);
    // The toolbar the focus is in is shown, not only present.
    const toolbar = messageList(page).locator(`[data-message-id="${messageId}"] [role=toolbar]`);
    expect(await toolbar.evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
    await page.keyboard.press('Escape');
    expect((await focused(page)).messageId).toBe(messageId);

    await page.keyboard.press('Enter');
    for (let i = 0; i < 8 && now.label !== 'Reply'; i++) {
      await page.keyboard.press('Tab');
      now = await focused(page);
    }
    expect(now.label).toBe('Reply');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('.composer-context').textContent())
      .toContain(`Replying to ${bobName}`);
    expect((await focused(page)).isComposer).toBe(true);
    await page.keyboard.type('Answered from the keyboard');
    await page.keyboard.press('Enter');
    const sent = messageList(page).locator('article', { hasText: 'Answered from the keyboard' });
    await expect.poll(() => sent.locator('.reply-quote').textContent()).toContain(`Message number ${COUNT}`);
  });

  it('opens the shortcuts dialog with ? outside a field and Ctrl+/ anywhere, listing what works', async () => {
    // In the composer, ? is a character like any other.
    await composer(page).click();
    await page.keyboard.type('Why?');
    expect(await composer(page).inputValue()).toBe('Why?');
    expect(await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).count()).toBe(0);
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');

    await page.keyboard.press('Control+/');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const text = await dialog.textContent();
    for (const line of [
      'Jump to a room',
      'Send the message',
      'New line',
      'Edit your last message',
      'Move between messages',
    ]) {
      expect(text).toContain(line);
    }
    await page.screenshot({ path: await screenshotPath('keyboard-shortcuts') });
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);

    // From the message list, ? opens it.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect((await focused(page)).inList).toBe(true);
    await page.keyboard.press('Shift+Slash');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
  });

  it('shows the formatting the composer understands next to it', async () => {
    await page.getByRole('button', { name: 'Formatting help' }).click();
    const help = page.getByRole('dialog', { name: 'Formatting' });
    await expect.poll(() => help.isVisible()).toBe(true);
    const text = await help.textContent();
    for (const syntax of [
      '**bold**',
      '*italic*',
      '~~strike~~',
      '`code`',
      '```',
      '> quote',
      '@name',
      ':smile',
    ]) {
      expect(text).toContain(syntax);
    }
    const box = (await help.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(800);
    await page.screenshot({ path: await screenshotPath('composer-formatting-help') });
    await page.keyboard.press('Escape');
    await expect.poll(() => help.isVisible()).toBe(false);
  });

  it('rings the list itself when a room has no messages to focus', async () => {
    await page.getByRole('button', { name: 'New channel' }).click();
    await page.keyboard.type(uniqueName('quiet'));
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).isComposer).toBe(true);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    // Virtuoso styles its scroller `outline: none` inline: the ring must come from somewhere.
    const ring = await page.evaluate(() => {
      const el = document.activeElement!;
      const style = getComputedStyle(el);
      return {
        scroller: el.hasAttribute('data-virtuoso-scroller'),
        outline: style.outlineStyle === 'none' ? 'none' : style.outlineWidth,
        shadow: style.boxShadow,
      };
    });
    expect(ring.scroller).toBe(true);
    expect(ring.outline !== 'none' || ring.shadow.includes('inset')).toBe(true);
  });

  it('closes the phone drawer with Escape', async () => {
    const phone = await browser.newContext({
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
      colorScheme: 'dark',
    });
    await watchCsp(phone, cspViolations);
    const p = await phone.newPage();
    await signUpAsGuest(p, server.url, uniqueName('phone'));
    await p
      .getByRole('navigation', { name: 'Rooms' })
      .getByRole('button', { name: /general/ })
      .click();
    await expect.poll(() => p.getByRole('heading', { name: '#general' }).isVisible()).toBe(true);
    await p.getByRole('button', { name: 'Open sidebar' }).click();
    const drawer = p.getByRole('complementary', { name: 'Sidebar' });
    await expect.poll(() => drawer.isVisible()).toBe(true);
    // Into the drawer first, so that the focus really has somewhere to come back from.
    await p.keyboard.press('Tab');
    await expect.poll(() => p.evaluate(() => Boolean(document.activeElement?.closest('aside')))).toBe(true);
    await p.keyboard.press('Escape');
    await expect.poll(() => drawer.count()).toBe(0);
    // The focus goes back to what opened the drawer.
    await expect
      .poll(() => p.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Open sidebar');
    await phone.close();
  });
});
