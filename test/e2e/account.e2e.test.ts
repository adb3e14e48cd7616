import { describe, expect, it } from 'vitest';
import { browserSuite, chromiumPath, screenshotPath } from '../helpers/browser.js';
import { uniqueName } from '../helpers/clients.js';
import {
  accountMenu,
  chooseFromAccountMenu,
  signInWithAccount,
  signUpAsGuest,
  signUpWithAccount,
  typeInto,
} from '../helpers/web-people.js';

const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI_ON_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

/**
 * The account, from the web client. Its password: the rule shown first, a wrong current
 * password refused under its field, and every other browser signed in as the user signed out.
 * Its sessions: listed with device, address and activity, this browser marked, the others
 * signed out one at a time or all at once, each landing on the sign-in screen.
 */
describe.skipIf(!chromiumPath)('the account in a real browser: password and sessions', () => {
  const suite = browserSuite();

  const newPage = (userAgent?: string) => suite.newPage({ userAgent });

  it('refuses a wrong current password under its field, then changes it and signs the other browser out', async () => {
    const name = uniqueName('pw');
    const here = await newPage();
    await signUpWithAccount(here, suite.server.url, name);
    // The same person, signed in on another computer.
    const elsewhere = await newPage();
    await signInWithAccount(elsewhere, suite.server.url, name);

    await chooseFromAccountMenu(here, 'Change password');
    const dialog = here.getByRole('dialog', { name: 'Change password' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    // The rule, before anything is typed; the focus already in the first field.
    expect(await dialog.textContent()).toContain('At least');
    expect(await here.evaluate(() => document.activeElement?.getAttribute('autocomplete'))).toBe(
      'current-password',
    );
    await here.keyboard.type('not my password');
    await here.keyboard.press('Tab');
    await here.keyboard.type('a newer long password');
    await here.keyboard.press('Enter');
    const current = dialog.getByLabel('Current password');
    await expect.poll(() => current.getAttribute('aria-invalid')).toBe('true');
    const error = dialog.locator('.field-error');
    expect(await error.textContent()).toBe('The current password is wrong');
    // Under its field, inside the dialog.
    const field = (await current.boundingBox())!;
    const shown = (await error.boundingBox())!;
    expect(shown.y).toBeGreaterThanOrEqual(field.y + field.height - 1);
    expect(shown.y - (field.y + field.height)).toBeLessThan(30);
    await here.screenshot({ path: await screenshotPath('desktop-change-password-error') });

    await current.click();
    await here.keyboard.press('ControlOrMeta+A');
    await here.keyboard.type('a long password');
    await here.keyboard.press('Enter');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => here.getByRole('status').filter({ hasText: 'Password changed' }).count()).toBe(1);

    // The other browser's session ended with the change: it is back at the sign-in screen.
    await expect.poll(() => elsewhere.getByRole('tab', { name: 'Sign in' }).isVisible()).toBe(true);
    // And this one goes on: still signed in after a reload.
    await here.reload();
    await here.getByRole('navigation', { name: 'Rooms' }).waitFor();
    // The new password is the one that works now.
    await elsewhere.getByRole('tab', { name: 'Sign in' }).click();
    await typeInto(elsewhere, 'Username', name);
    await typeInto(elsewhere, 'Password', 'a newer long password');
    await elsewhere.getByRole('button', { name: 'Sign in' }).last().click();
    await elsewhere.getByRole('navigation', { name: 'Rooms' }).waitFor();
  });

  it('offers no password change to a guest, who has none, nor a list of their one session', async () => {
    const guest = await newPage();
    await signUpAsGuest(guest, suite.server.url, uniqueName('guest'));
    await guest.getByRole('button', { name: 'Account menu' }).click();
    const items = accountMenu(guest).getByRole('menuitem');
    await expect.poll(() => items.allTextContents()).toEqual(['Switch to light theme', 'Sign out']);
  });

  it('lists the sessions and signs the other browsers out from the dialog', async () => {
    const name = uniqueName('devices');
    const here = await newPage();
    await signUpWithAccount(here, suite.server.url, name);
    const signIn = async (userAgent: string) => {
      const page = await newPage(userAgent);
      await signInWithAccount(page, suite.server.url, name);
      return page;
    };
    const desktop = await signIn(FIREFOX_ON_WINDOWS);
    const phone = await signIn(SAFARI_ON_IPHONE);

    await chooseFromAccountMenu(here, 'Sessions');
    const dialog = here.getByRole('dialog', { name: 'Sessions' });
    const rows = dialog.getByRole('list', { name: 'Sessions' }).getByRole('listitem');
    await expect.poll(() => rows.count()).toBe(3);
    // This browser is marked, and has no Sign out of its own (the account menu's does that).
    const mine = rows.filter({ hasText: 'This device' });
    expect(await mine.count()).toBe(1);
    expect(await mine.textContent()).toContain('Active now');
    expect(await mine.getByRole('button').count()).toBe(0);
    const desktopRow = rows.filter({ hasText: 'Firefox on Windows' });
    expect(await desktopRow.textContent()).toContain('127.0.0.1');
    expect(await desktopRow.textContent()).toMatch(/Last active just now/);
    await here.screenshot({ path: await screenshotPath('desktop-sessions') });

    // One of them, after a question that names it.
    await desktopRow.getByRole('button', { name: /^Sign out/ }).click();
    const question = here.getByRole('alertdialog', { name: 'Sign out this session?' });
    expect(await question.textContent()).toContain('Firefox on Windows (127.0.0.1)');
    await question.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => desktop.getByRole('tab', { name: 'Sign in' }).isVisible()).toBe(true);
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.filter({ hasText: 'Firefox on Windows' }).count()).toBe(0);
    await expect
      .poll(() => here.getByRole('status').filter({ hasText: 'Signed out Firefox on Windows' }).count())
      .toBe(1);
    // The phone is still signed in until it is signed out with all the others.
    expect(await phone.getByRole('navigation', { name: 'Rooms' }).isVisible()).toBe(true);

    await dialog.getByRole('button', { name: 'Sign out all other sessions' }).click();
    const all = here.getByRole('alertdialog', { name: 'Sign out all other sessions?' });
    await all.getByRole('button', { name: 'Sign out all others' }).click();
    await expect.poll(() => phone.getByRole('tab', { name: 'Sign in' }).isVisible()).toBe(true);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await dialog.textContent()).toContain('You are signed in nowhere else.');
    // And this browser goes on, signed in after a reload.
    await here.reload();
    await here.getByRole('navigation', { name: 'Rooms' }).waitFor();
  });
});
