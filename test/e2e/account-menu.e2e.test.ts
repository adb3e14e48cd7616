import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, chromiumPath, screenshotPath, watchCsp } from '../helpers/browser.js';
import { uniqueName } from '../helpers/clients.js';
import { accountMenu, signUpWithAccount } from '../helpers/web-people.js';

/**
 * The account menu beside the user's name (a WAI-ARIA menu button): by keyboard and by
 * mouse, wholly on a phone's screen, and its "Invite people", which appears the moment an
 * admin lets members invite — without a reload — and opens the member's own invites.
 */
describe.skipIf(!chromiumPath)('the account menu in a real browser', () => {
  const suite = browserSuite();
  const menuButton = (page: Page) => page.getByRole('button', { name: 'Account menu' });
  const focused = (page: Page) =>
    page.evaluate(
      () => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent,
    );
  const itemsOf = (page: Page) => accountMenu(page).getByRole('menuitem').allTextContents();

  it('shows Invite people to a member once an admin allows it, without a reload, and lists their invite', async () => {
    const admin = await suite.newPage();
    await signUpWithAccount(admin, suite.server.url, uniqueName('chief')); // the first account
    const member = await suite.newPage();
    const memberName = uniqueName('member');
    await signUpWithAccount(member, suite.server.url, memberName);
    await menuButton(member).click();
    expect(await itemsOf(member)).toEqual([
      'Sessions',
      'Change password',
      'Switch to light theme',
      'Sign out',
    ]);
    await member.keyboard.press('Escape');
    // A mark on this very page: a reload would drop it.
    await member.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    // The admin makes an invite of their own (the member must not see it), then lets members invite.
    await admin.getByRole('button', { name: 'Administration' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Administration' });
    await dialog.getByRole('tab', { name: 'Invites' }).click();
    await dialog.getByRole('button', { name: 'Create invite' }).click();
    await dialog.getByLabel('New invite link').waitFor();
    await dialog.getByRole('tab', { name: 'Settings' }).click();
    const allowed = dialog.getByRole('switch', { name: 'Members may create invite links' });
    expect(await allowed.isChecked()).toBe(false);
    await allowed.click();
    await expect.poll(() => allowed.isChecked()).toBe(true);

    // The member's open menu grows the item as me:updated arrives.
    await menuButton(member).click();
    await expect
      .poll(() => itemsOf(member))
      .toEqual(['Invite people', 'Sessions', 'Change password', 'Switch to light theme', 'Sign out']);
    expect(await member.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    await accountMenu(member).getByRole('menuitem', { name: 'Invite people' }).click();
    const invites = member.getByRole('dialog', { name: 'Invite people' });
    await expect.poll(() => invites.getByText('No invites yet.').isVisible()).toBe(true);
    await invites.getByLabel('Expires after').selectOption('1 day');
    await invites.getByRole('button', { name: 'Create invite' }).click();
    const link = invites.getByLabel('New invite link');
    await expect.poll(() => link.inputValue()).toMatch(/\/#\/invite\/[A-Za-z0-9_-]{20,}$/);
    const list = invites.getByRole('list', { name: 'Invites' }).getByRole('listitem');
    await expect.poll(() => list.count()).toBe(1);
    expect(await list.textContent()).toContain(`Active 0 used`);
    expect(await list.textContent()).toContain(`by ${memberName}`);
    await invites.screenshot({ path: await screenshotPath('member-invite-people') });
  });

  it('opens by keyboard on the first item, moves with the arrows, and Escape gives the focus back', async () => {
    const page = await suite.newPage();
    await signUpWithAccount(page, suite.server.url, uniqueName('keys'));
    const button = menuButton(page);
    expect(await button.getAttribute('aria-haspopup')).toBe('menu');
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    await button.focus();
    await page.keyboard.press('Enter');
    await accountMenu(page).waitFor();
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    // Whether Invite people leads depends on the server's settings (the test above turns it on).
    const items = await itemsOf(page);
    expect(items.slice(-4)).toEqual(['Sessions', 'Change password', 'Switch to light theme', 'Sign out']);
    const [first, second] = items as [string, string];
    expect(await focused(page)).toBe(first);
    await page.keyboard.press('ArrowDown');
    expect(await focused(page)).toBe(second);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp'); // wraps to the last
    expect(await focused(page)).toBe('Sign out');
    await page.keyboard.press('ArrowDown'); // and round to the first
    expect(await focused(page)).toBe(first);
    await page.keyboard.press('End');
    expect(await focused(page)).toBe('Sign out');
    await page.keyboard.press('Home');
    expect(await focused(page)).toBe(first);
    await page.keyboard.press('Escape');
    await expect.poll(() => accountMenu(page).count()).toBe(0);
    expect(await focused(page)).toBe('Account menu');
    expect(await button.getAttribute('aria-expanded')).toBe('false');

    // ArrowDown and Space open it too; Enter on an item runs it and closes the menu.
    await page.keyboard.press('ArrowDown');
    expect(await focused(page)).toBe(first);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Space');
    expect(await focused(page)).toBe(first);
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await focused(page)).toBe('Sessions');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Sessions' }).waitFor();
    expect(await accountMenu(page).count()).toBe(0);
  });

  it('opens by click, closes on a click outside, and switches the theme', async () => {
    const page = await suite.newPage();
    const name = uniqueName('mouse');
    await signUpWithAccount(page, suite.server.url, name);
    await menuButton(page).click();
    await accountMenu(page).waitFor();
    expect(await focused(page)).toBe((await itemsOf(page))[0]);
    await page.locator('.profile-name').getByText(name, { exact: true }).click();
    await expect.poll(() => accountMenu(page).count()).toBe(0);

    await menuButton(page).click();
    await page.screenshot({ path: await screenshotPath('account-menu-dark') });
    await accountMenu(page).getByRole('menuitem', { name: 'Switch to light theme' }).click();
    expect(await accountMenu(page).count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await menuButton(page).click();
    expect(await itemsOf(page)).toContain('Switch to dark theme');
    await page.screenshot({ path: await screenshotPath('account-menu-light') });
  });

  it('stays wholly on screen on a 390-pixel-wide phone', async () => {
    const context = await suite.browser.newContext({
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
      colorScheme: 'dark',
    });
    await watchCsp(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signUpWithAccount(page, suite.server.url, uniqueName('phone'));
    await menuButton(page).tap();
    const menu = accountMenu(page);
    await menu.waitFor();
    const box = (await menu.boundingBox())!;
    const view = await page.evaluate(() => ({
      width: document.documentElement.clientWidth,
      height: window.innerHeight,
    }));
    expect(view.width).toBe(390);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(view.width);
    expect(box.y + box.height).toBeLessThanOrEqual(view.height);
    // Every item is hit where it is drawn, not under something else.
    for (const item of await menu.getByRole('menuitem').all()) {
      const at = (await item.boundingBox())!;
      const hit = await page.evaluate(
        ([x, y]) => document.elementFromPoint(x!, y!)?.closest('[role="menuitem"]')?.textContent,
        [at.x + at.width / 2, at.y + at.height / 2],
      );
      expect(hit).toBe(await item.textContent());
    }
    await page.screenshot({ path: await screenshotPath('phone-account-menu') });
    await context.close();
  });
});
