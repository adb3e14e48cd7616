import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  allDelivered,
  attachTextFile,
  chromiumPath,
  launchBrowser,
  screenshotPath,
  watchCsp,
} from '../helpers/browser.js';
import { uniqueName } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';
import { chooseFromAccountMenu, composer, messageList, retype, typeInto } from '../helpers/web-people.js';

/**
 * Two people in two separate browser contexts use the real web app against a real server,
 * the way users would: clicking, typing, pressing Enter.
 */
describe.skipIf(!chromiumPath)('web app in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let contextA: BrowserContext;
  let contextB: BrowserContext;
  let a: Page;
  let b: Page;
  const alice = uniqueName('Alice');
  const bob = uniqueName('bob');
  const cspViolations: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({}, { rateRules: relaxedLimits });
    browser = await launchBrowser();
    // Dark is the default theme; headless Chromium otherwise reports a light preference.
    contextA = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    contextB = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    for (const context of [contextA, contextB]) await watchCsp(context, cspViolations);
    a = await contextA.newPage();
    b = await contextB.newPage();
    for (const page of [a, b]) page.setDefaultTimeout(10_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  // The app must work under its Content-Security-Policy: nothing it does may be blocked.
  afterEach(() => {
    expect(cspViolations).toEqual([]);
  });

  const say = async (page: Page, text: string) => {
    await retype(composer(page), text);
    await page.keyboard.press('Enter');
  };
  const openRoom = (page: Page, name: string) =>
    page
      .getByRole('navigation', { name: 'Rooms' })
      .getByRole('button', { name: new RegExp(name) })
      .click();

  it('signs up with an account and as a guest, and lands in #general', async () => {
    await a.goto(server.url);
    await a.getByRole('tab', { name: 'Register' }).click();
    await typeInto(a, 'Username', alice);
    await typeInto(a, 'Password', 'a long password');
    await a.getByRole('button', { name: 'Create an account' }).click();
    await expect.poll(() => a.getByRole('heading', { name: '#general' }).isVisible()).toBe(true);

    await b.goto(server.url);
    await typeInto(b, 'Username', alice.toLowerCase());
    await b.getByRole('button', { name: 'Start chatting' }).click();
    await expect.poll(() => b.getByRole('alert').textContent()).toContain('taken');
    await typeInto(b, 'Username', bob);
    await b.getByRole('button', { name: 'Start chatting' }).click();
    await expect.poll(() => b.getByRole('heading', { name: '#general' }).isVisible()).toBe(true);
  });

  it('chats in #general both ways, with typing indicator and presence', async () => {
    await say(a, 'Hello from Alice');
    await expect.poll(() => messageList(b).getByText('Hello from Alice').count()).toBe(1);

    await retype(composer(b), 'Hi Ali', 20);
    await expect.poll(() => a.locator('.typing-indicator').textContent()).toContain(`${bob} is typing`);
    await say(b, 'Hi Alice, **bold** and `code` https://example.com');
    const reply = messageList(a).locator('article', { hasText: 'Hi Alice' });
    await expect.poll(() => reply.locator('strong').textContent()).toBe('bold');
    await expect.poll(() => reply.locator('code').textContent()).toBe('code');
    expect(await reply.getByRole('link').getAttribute('rel')).toContain('noopener');
    await expect.poll(() => a.locator('.typing-indicator').textContent()).toBe('');

    await a.getByRole('button', { name: 'Members' }).click();
    const members = a.getByRole('complementary', { name: 'Members' });
    await expect.poll(() => members.getByText(bob).isVisible()).toBe(true);
    await expect
      .poll(() => members.locator('.member', { hasText: bob }).locator('.dot.online').count())
      .toBe(1);
  });

  it('reacts and edits, and both sides see it', async () => {
    const own = messageList(a).locator('article', { hasText: 'Hello from Alice' });
    const onB = messageList(b).locator('article', { hasText: 'Hello from Alice' });
    await onB.hover();
    await onB.getByRole('button', { name: 'React with 👍' }).click();
    await expect.poll(() => own.getByRole('button', { name: /👍 1/ }).isVisible()).toBe(true);

    // Something half-written waits while Alice edits a sent message, and comes back after.
    await retype(composer(a), 'Half a thought');
    await own.hover();
    await own.getByRole('button', { name: 'Edit message' }).click();
    await expect.poll(() => composer(a).inputValue()).toBe('Hello from Alice');
    await retype(composer(a), 'Hello from Alice, edited');
    await a.keyboard.press('Enter');
    await expect.poll(() => onB.textContent()).toContain('Hello from Alice, edited');
    await expect.poll(() => onB.getByText('(edited)').isVisible()).toBe(true);
    await expect.poll(() => composer(a).inputValue()).toBe('Half a thought');
    await retype(composer(a), '');
  });

  it('inserts emoji from the searchable picker, with data served by Parley itself', async () => {
    await a.getByRole('button', { name: 'Insert emoji' }).click();
    const picker = a.getByRole('dialog', { name: 'Emoji picker' });
    await expect.poll(() => picker.locator('.emoji-button').count()).toBeGreaterThan(20);
    await a.screenshot({ path: await screenshotPath('desktop-emoji-picker') });
    await retype(picker.getByRole('searchbox', { name: 'Search emoji' }), 'party popper');
    await picker.getByRole('gridcell', { name: 'Party popper' }).click();
    await expect.poll(() => composer(a).inputValue()).toBe('🎉');
    const total = await a.evaluate(
      async () => (await (await fetch('/emojibase/en/data.json')).json()).length,
    );
    expect(total).toBeGreaterThan(1000);
    await retype(composer(a), '');

    // :shortcode: autocomplete: type, pick with the keyboard.
    await retype(composer(a), 'Party :tad', 15);
    const suggestions = a.getByRole('listbox', { name: 'Emoji suggestions' });
    await expect.poll(() => suggestions.getByRole('option').first().textContent()).toContain(':tada:');
    await a.keyboard.press('Enter');
    await expect.poll(() => composer(a).inputValue()).toBe('Party 🎉 ');
    await retype(composer(a), '');
  });

  it('mentions someone picked from the @ list, and they see it highlighted', async () => {
    await retype(composer(a), `Thanks @${bob.slice(0, 3)}`, 15);
    const people = a.getByRole('listbox', { name: 'People to mention' });
    await expect.poll(() => people.getByRole('option').first().textContent()).toContain(bob);
    await a.screenshot({ path: await screenshotPath('desktop-mention-suggestions') });
    // The list follows the caret: away from the name it closes, back at it it returns.
    await a.keyboard.press('Home');
    await expect.poll(() => people.count()).toBe(0);
    await a.keyboard.press('End');
    await expect.poll(() => people.getByRole('option').count()).toBe(1);
    await a.keyboard.press('Enter');
    await expect.poll(() => composer(a).inputValue()).toBe(`Thanks @${bob} `);
    await a.keyboard.press('Enter');
    const onB = messageList(b).locator('article', { hasText: 'Thanks @' });
    await expect.poll(() => onB.locator('mark.mention').textContent()).toBe(`@${bob}`);
  });

  it('opens a DM, with an unread badge on the other side', async () => {
    await a.getByRole('button', { name: 'New direct message' }).click();
    // The search box has the focus as the dialog opens: typing goes straight into it.
    await a.keyboard.type(bob.slice(0, 6));
    expect(await a.getByLabel('Search people').inputValue()).toBe(bob.slice(0, 6));
    await a
      .getByRole('dialog')
      .getByRole('button', { name: new RegExp(bob) })
      .click();
    await expect.poll(() => a.getByRole('heading', { name: bob }).isVisible()).toBe(true);
    // Focus is in the DM's composer once the dialog is gone: the reply is typed at once.
    await expect.poll(() => composer(a).evaluate((el) => el === document.activeElement)).toBe(true);
    await a.keyboard.type('A private hello');
    await a.keyboard.press('Enter');
    await expect.poll(() => messageList(a).getByText('A private hello').isVisible()).toBe(true);

    const dmLink = b
      .getByRole('navigation', { name: 'Rooms' })
      .getByRole('button', { name: new RegExp(alice) });
    await expect.poll(() => dmLink.textContent()).toContain('1');
    await expect.poll(() => b.title()).toMatch(/^\(\d+\) Parley$/);
    await dmLink.click();
    await expect.poll(() => messageList(b).getByText('A private hello').isVisible()).toBe(true);
    await expect.poll(() => dmLink.locator('.badge').count()).toBe(0);
  });

  it('creates a code room that the other person joins by code', async () => {
    await a.getByRole('button', { name: 'New code room' }).click();
    await typeInto(a, 'Room name (optional)', 'Study group');
    await a.getByRole('button', { name: 'Create room' }).click();
    const code = (await a.locator('.big-code').textContent())!.trim();
    expect(code).toMatch(/^[A-Z2-9]{6}$/);
    await a.getByRole('button', { name: 'Go to the room' }).click();

    await b.getByRole('button', { name: 'Join with a code' }).click();
    await typeInto(b, 'Room code', code.toLowerCase());
    await b.getByRole('button', { name: 'Join room' }).click();
    await expect.poll(() => b.getByRole('heading', { name: 'Study group' }).isVisible()).toBe(true);
    await say(b, 'Joined by code');
    await expect.poll(() => messageList(a).getByText('Joined by code').isVisible()).toBe(true);
  });

  it('jumps to a room from the keyboard with Ctrl+K', async () => {
    // Alice is in the code room; Bob's DM to her is a few keystrokes away.
    // Typed as a person does, straight after the shortcut: the letters land in the search box
    // (not on the dialog's Close button, as when showModal() took the focus after autoFocus).
    await a.keyboard.press('ControlOrMeta+k');
    const switcher = a.getByRole('dialog', { name: 'Jump to a room' });
    await a.keyboard.type(bob.slice(0, 3));
    expect(await switcher.getByRole('combobox', { name: 'Room or person' }).inputValue()).toBe(
      bob.slice(0, 3),
    );
    await expect.poll(() => switcher.getByRole('option').first().textContent()).toContain(bob);
    await a.keyboard.press('Enter');
    await expect.poll(() => a.getByRole('heading', { name: bob }).isVisible()).toBe(true);
    expect(await switcher.count()).toBe(0);
    // The room just opened is for writing in: the composer has the focus, not <body>.
    await expect.poll(() => composer(a).evaluate((el) => el === document.activeElement)).toBe(true);

    // The sidebar button opens the same list, which stays live: a message Bob posts in the code
    // room meanwhile puts it on top, with its unread count.
    await a.getByRole('button', { name: /Jump to/ }).click();
    const options = switcher.getByRole('option');
    await expect.poll(() => options.count()).toBe(3);
    await say(b, 'Look here');
    await expect.poll(() => options.first().textContent(), { timeout: 10_000 }).toBe('Study group1');
    await a.screenshot({ path: await screenshotPath('desktop-quick-switcher') });

    // Arrow keys pick among them.
    const general = await options.filter({ hasText: 'general' }).getAttribute('id');
    const names = await options.allTextContents();
    for (let i = 0; i < names.findIndex((n) => n.includes('general')); i++) {
      await a.keyboard.press('ArrowDown');
    }
    expect(await switcher.getByRole('combobox').getAttribute('aria-activedescendant')).toBe(general);
    await a.keyboard.press('Enter');
    await expect.poll(() => a.getByRole('heading', { name: '#general' }).isVisible()).toBe(true);
  });

  it('sends a message written offline exactly once when the connection returns', async () => {
    await openRoom(a, 'general');
    await openRoom(b, 'general');
    await contextB.setOffline(true);
    await expect
      .poll(() => b.getByRole('status').filter({ hasText: 'reconnecting' }).isVisible(), { timeout: 30_000 })
      .toBe(true);
    await say(b, 'Written while offline');
    await expect.poll(() => messageList(b).getByText('Waiting to send…').isVisible()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await messageList(a).getByText('Written while offline').count()).toBe(0);

    await contextB.setOffline(false);
    await expect
      .poll(() => messageList(a).getByText('Written while offline').count(), { timeout: 20_000 })
      .toBe(1);
    await expect.poll(() => messageList(b).getByText('Waiting to send…').count()).toBe(0);
    await allDelivered(b, a);
    expect(await messageList(a).getByText('Written while offline').count()).toBe(1);
    expect(await messageList(b).getByText('Written while offline').count()).toBe(1);
  });

  it('puts a refused message back in the composer, to change and send again', async () => {
    // Bob replies, offline, to a message that Alice deletes meanwhile: the server refuses it.
    await say(a, 'Soon to be deleted');
    const quotedOnB = messageList(b).locator('article', { hasText: 'Soon to be deleted' });
    await expect.poll(() => quotedOnB.isVisible()).toBe(true);
    await contextB.setOffline(true);
    await expect
      .poll(() => b.getByRole('status').filter({ hasText: 'reconnecting' }).isVisible(), { timeout: 30_000 })
      .toBe(true);
    await quotedOnB.hover();
    await quotedOnB.getByRole('button', { name: 'Reply' }).click();
    await say(b, 'A reply to nothing');
    await expect.poll(() => messageList(b).getByText('Waiting to send…').isVisible()).toBe(true);

    const quotedOnA = messageList(a).locator('article', { hasText: 'Soon to be deleted' });
    await quotedOnA.hover();
    await quotedOnA.getByRole('button', { name: 'Delete message' }).click();
    await a.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => quotedOnA.count()).toBe(0);

    await contextB.setOffline(false);
    const refused = messageList(b).locator('article', { hasText: 'A reply to nothing' });
    await expect
      .poll(() => refused.getByRole('alert').textContent(), { timeout: 20_000 })
      .toContain('Not sent');
    await refused.getByRole('button', { name: 'Edit', exact: true }).click();
    await expect.poll(() => composer(b).inputValue()).toBe('A reply to nothing');
    expect(await refused.count()).toBe(0);

    await retype(composer(b), 'No longer a reply');
    await b.keyboard.press('Enter');
    await expect
      .poll(() => messageList(a).getByText('No longer a reply').count(), { timeout: 10_000 })
      .toBe(1);
    await allDelivered(b, a);
    expect(await messageList(a).getByText('A reply to nothing').count()).toBe(0);
    expect(await messageList(b).getByText('No longer a reply').count()).toBe(1);
  });

  it('keeps what was being written in each room, reply included, across room switches and a reload', async () => {
    await openRoom(b, 'general');
    const quoted = messageList(b).locator('article', { hasText: 'No longer a reply' });
    await quoted.hover();
    await quoted.getByRole('button', { name: 'Reply' }).click();
    await retype(composer(b), 'Draft for general');
    await attachTextFile(b, 'plan.txt');
    const tray = b.getByRole('list', { name: 'Attachments' });
    await openRoom(b, alice);
    await expect.poll(() => composer(b).inputValue()).toBe('');
    await retype(composer(b), 'Draft for the DM');
    await openRoom(b, 'general');
    await expect.poll(() => composer(b).inputValue()).toBe('Draft for general');
    expect(await b.getByText('Replying to').textContent()).toContain(bob);

    await b.reload();
    await openRoom(b, 'general');
    await expect.poll(() => composer(b).inputValue()).toBe('Draft for general');
    expect(await b.getByText('Replying to').textContent()).toContain(bob);
    expect(await tray.getByRole('listitem').filter({ hasText: 'plan.txt' }).count()).toBe(1);

    // Editing a sent message borrows the composer; cancelling gives the draft back, reply and all.
    const own = messageList(b).locator('article', { hasText: 'Written while offline' });
    await own.hover();
    await own.getByRole('button', { name: 'Edit message' }).click();
    await expect.poll(() => composer(b).inputValue()).toBe('Written while offline');
    await b.keyboard.press('Escape');
    await expect.poll(() => composer(b).inputValue()).toBe('Draft for general');
    expect(await b.getByText('Replying to').textContent()).toContain(bob);

    await b.keyboard.press('Enter');
    const reply = messageList(a).locator('article', { hasText: 'Draft for general' });
    await expect.poll(() => reply.locator('.reply-quote').textContent()).toContain('No longer a reply');
    expect(await reply.getByText('plan.txt').count()).toBe(1);

    // Sent, the draft is gone; the other room's is still there.
    await b.reload();
    await openRoom(b, 'general');
    await expect.poll(() => messageList(b).getByText('Draft for general').count()).toBe(1);
    expect(await composer(b).inputValue()).toBe('');
    expect(await b.getByText('Replying to').count()).toBe(0);
    expect(await tray.count()).toBe(0);
    await openRoom(b, alice);
    await expect.poll(() => composer(b).inputValue()).toBe('Draft for the DM');
    await retype(composer(b), '');
    await openRoom(b, 'general');
  });

  it('keeps history across a reload', async () => {
    await a.reload();
    await openRoom(a, 'general');
    await expect.poll(() => messageList(a).getByText('Hello from Alice, edited').isVisible()).toBe(true);
    await expect.poll(() => messageList(a).getByText('Written while offline').count()).toBe(1);
  });

  it('saves screenshots of the main views at desktop and phone sizes', async () => {
    await a.screenshot({ path: await screenshotPath('desktop-chat') });
    await chooseFromAccountMenu(a, 'Switch to light theme');
    await a.screenshot({ path: await screenshotPath('desktop-chat-light') });
    await chooseFromAccountMenu(a, 'Switch to dark theme');

    const phone = await browser.newContext({
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
      colorScheme: 'dark',
    });
    await watchCsp(phone, cspViolations);
    const page = await phone.newPage();
    await page.goto(server.url);
    await typeInto(page, 'Username', uniqueName('phone'));
    await page.getByRole('button', { name: 'Start chatting' }).click();
    await expect.poll(() => page.getByRole('navigation', { name: 'Rooms' }).isVisible()).toBe(true);
    await page.screenshot({ path: await screenshotPath('phone-rooms') });
    await openRoom(page, 'general');
    await expect.poll(() => messageList(page).getByText('Hello from Alice, edited').isVisible()).toBe(true);
    await page.screenshot({ path: await screenshotPath('phone-chat') });
    await page.getByRole('button', { name: 'Open sidebar' }).click();
    await page.screenshot({ path: await screenshotPath('phone-drawer') });
    await phone.close();

    const signIn = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    await signIn.goto(server.url);
    await signIn.getByLabel('Username').waitFor();
    await signIn.screenshot({ path: await screenshotPath('desktop-sign-in') });
    await signIn.close();
  });
});
