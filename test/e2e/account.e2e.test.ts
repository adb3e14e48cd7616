import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchBrowser, newPersonPage, screenshotPath } from '../helpers/browser.js';
import { uniqueName } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';
import { signUpAsGuest, signUpWithAccount, typeInto } from '../helpers/web-people.js';

/**
 * The account's password, changed from the web client: the rule shown first, a wrong current
 * password refused under its field, and every other browser signed in as the user signed out.
 */
describe.skipIf(!chromiumPath)('changing the password in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({}, { rateRules: relaxedLimits });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(() => {
    expect(cspViolations).toEqual([]);
  });

  const newPage = () => newPersonPage(browser, cspViolations);

  it('refuses a wrong current password under its field, then changes it and signs the other browser out', async () => {
    const name = uniqueName('pw');
    const here = await newPage();
    await signUpWithAccount(here, server.url, name);
    // The same person, signed in on another computer.
    const elsewhere = await newPage();
    await elsewhere.goto(server.url);
    await elsewhere.getByRole('tab', { name: 'Sign in' }).click();
    await typeInto(elsewhere, 'Username', name);
    await typeInto(elsewhere, 'Password', 'a long password');
    await elsewhere.getByRole('button', { name: 'Sign in' }).last().click();
    await elsewhere.getByRole('navigation', { name: 'Rooms' }).waitFor();

    await here.getByRole('button', { name: 'Change password' }).click();
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

  it('offers no password change to a guest, who has none', async () => {
    const guest = await newPage();
    await signUpAsGuest(guest, server.url, uniqueName('guest'));
    expect(await guest.getByRole('button', { name: 'Change password' }).count()).toBe(0);
  });
});
