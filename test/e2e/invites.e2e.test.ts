import { describe, expect, it } from 'vitest';
import { browserSuite, chromiumPath, screenshotPath } from '../helpers/browser.js';
import { uniqueName } from '../helpers/clients.js';
import { signUpWithAccount, typeInto } from '../helpers/web-people.js';

/**
 * Issue #17, who may come in, as people see it: the admin closes sign-up to invites only and
 * makes an invite in the admin page's Settings and Invites tabs; a second person opens the link and registers with
 * it; a third, without one, is told that sign-up needs an invite — and that there are no guests.
 */
describe.skipIf(!chromiumPath)('sign-up by invite', () => {
  const suite = browserSuite();
  const newPage = () => suite.newPage();

  it('lets in the person with the link, and tells the others they need one', async () => {
    const admin = await newPage();
    await admin
      .context()
      .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.server.url });
    await signUpWithAccount(admin, suite.server.url, uniqueName('admin'));
    await admin.getByRole('button', { name: 'Administration' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Administration' });
    await dialog.getByRole('tab', { name: 'Settings' }).click();
    await dialog.getByRole('radio', { name: /Invite only/ }).click();
    await expect.poll(() => dialog.getByRole('status').filter({ hasText: 'Saved.' }).count()).toBe(1);
    await dialog.getByRole('switch', { name: /Let guests in/ }).click();
    await expect.poll(() => dialog.getByRole('switch', { name: /Let guests in/ }).isChecked()).toBe(false);
    await dialog.getByRole('tab', { name: 'Invites' }).click();
    await dialog.getByLabel('Expires after').selectOption('1 day');
    await typeInto(admin, 'Uses', '1');
    await dialog.getByRole('button', { name: 'Create invite' }).click();
    const linkBox = dialog.getByLabel('New invite link');
    await linkBox.waitFor();
    const link = await linkBox.inputValue();
    expect(link).toMatch(new RegExp(`^${suite.server.url}/#/invite/[A-Za-z0-9_-]{20,}$`));
    await dialog.getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => admin.evaluate(() => navigator.clipboard.readText())).toBe(link);
    const invites = dialog.getByRole('list', { name: 'Invites' });
    await expect.poll(() => invites.textContent()).toContain('0 of 1 used');

    // The second person opens the link: the register screen, with the invite filled in.
    const invited = await newPage();
    await invited.goto(link);
    await invited.getByRole('button', { name: 'Create an account' }).waitFor();
    expect(await invited.getByRole('tab', { name: 'Register' }).getAttribute('aria-selected')).toBe('true');
    expect(await invited.getByLabel('Invite link').inputValue()).toBe(link);
    const name = uniqueName('invited');
    await typeInto(invited, 'Username', name);
    await typeInto(invited, 'Password', 'a long password');
    await invited.getByRole('button', { name: 'Create an account' }).click();
    await invited.getByRole('navigation', { name: 'Rooms' }).waitFor();
    // The address is the chat's own now, not the invite's.
    expect(new URL(invited.url()).hash).not.toContain('invite');

    // The third has no link: no Guest tab, and the register screen says an invite is needed.
    const outsider = await newPage();
    await outsider.goto(suite.server.url);
    await outsider.getByRole('tab', { name: 'Sign in' }).waitFor();
    await expect.poll(() => outsider.getByRole('tab', { name: 'Guest' }).count()).toBe(0);
    await outsider.getByRole('tab', { name: 'Register' }).click();
    await expect
      .poll(() => outsider.locator('form').textContent())
      .toContain('Sign-up on this server needs an invite');
    await typeInto(outsider, 'Username', uniqueName('outsider'));
    await typeInto(outsider, 'Password', 'a long password');
    await outsider.getByRole('button', { name: 'Create an account' }).click();
    await expect
      .poll(() => outsider.getByRole('alert').textContent())
      .toBe('Sign-up here needs an invite: paste your invite link.');
    // The used-up link does not let them in either: the server says why, under the field.
    await typeInto(outsider, 'Invite link', link);
    await outsider.getByRole('button', { name: 'Create an account' }).click();
    await expect.poll(() => outsider.getByRole('alert').textContent()).toContain('used as many times');

    // The admin sees who came in with it.
    await admin.getByRole('button', { name: 'Close' }).click();
    await admin.getByRole('button', { name: 'Administration' }).click();
    await dialog.getByRole('tab', { name: 'Invites' }).click();
    await expect
      .poll(() => admin.getByRole('list', { name: 'Invites' }).textContent())
      .toContain(`Used by ${name}`);
    expect(await admin.getByRole('list', { name: 'Invites' }).textContent()).toContain('Used up');
    await dialog.screenshot({ path: await screenshotPath('admin-invites') });
  });
});
