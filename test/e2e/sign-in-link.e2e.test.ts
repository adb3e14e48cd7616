import { describe, expect, it } from 'vitest';
import { browserSuite, chromiumPath, screenshotPath } from '../helpers/browser.js';
import { linkToken, runParley } from '../helpers/cli.js';
import { uniqueName } from '../helpers/clients.js';
import { signUpWithAccount } from '../helpers/web-people.js';

/**
 * A one-time sign-in link from `parley reset-password`, opened in a real browser: "Set a new
 * password", the rule first, a refusal under the field, then signed in — and the browser that
 * was signed in as the same person elsewhere is signed out. The link works once.
 */
describe.skipIf(!chromiumPath)('a one-time sign-in link in a real browser', () => {
  const suite = browserSuite();

  it('sets a new password once, signs in, and signs the other browser out', async () => {
    const name = uniqueName('lost');
    const elsewhere = await suite.newPage();
    await signUpWithAccount(elsewhere, suite.server.url, name);
    const printed = await runParley(['reset-password', name], { env: { DATA_DIR: suite.server.dataDir } });
    expect(printed.code).toBe(0);
    const token = linkToken(printed.stdout);

    const here = await suite.newPage();
    await here.goto(`${suite.server.url}/#/sign-in/${token}`);
    await here.getByRole('heading', { name: 'Set a new password' }).waitFor();
    expect(await here.locator('.auth-card').textContent()).toContain('At least');
    const field = here.getByLabel('New password');
    await field.click();
    await here.keyboard.type('short');
    await here.keyboard.press('Enter');
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    expect(await here.locator('.field-error').textContent()).toBe(
      'Password must be at least 8 characters long',
    );
    await here.screenshot({ path: await screenshotPath('desktop-sign-in-link-error') });

    await here.keyboard.press('ControlOrMeta+A');
    await here.keyboard.type('a brand new password');
    await here.keyboard.press('Enter');
    await here.getByRole('navigation', { name: 'Rooms' }).waitFor();
    // The token is gone from the address bar.
    expect(await here.evaluate(() => window.location.hash)).not.toContain(token);
    // The other browser's session ended with the link.
    await expect.poll(() => elsewhere.getByRole('tab', { name: 'Sign in' }).isVisible()).toBe(true);

    // Opened again, the link is refused under its field.
    const again = await suite.newPage();
    await again.goto(`${suite.server.url}/#/sign-in/${token}`);
    await again.getByLabel('New password').click();
    await again.keyboard.type('another long password');
    await again.keyboard.press('Enter');
    await expect
      .poll(() => again.locator('.field-error').textContent())
      .toBe('This sign-in link was already used: ask an admin for a new one');
    await again.getByRole('button', { name: 'Go to the sign-in screen instead' }).click();
    await again.getByRole('tab', { name: 'Sign in' }).waitFor();
    expect(await again.evaluate(() => window.location.hash)).toBe('');
  });
});
