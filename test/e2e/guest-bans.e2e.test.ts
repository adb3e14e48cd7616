import { describe, expect, it } from 'vitest';
import { browserSuite, chromiumPath, screenshotPath } from '../helpers/browser.js';
import { uniqueName } from '../helpers/clients.js';
import { signInWithAccount, signUpWithAccount, typeInto } from '../helpers/web-people.js';

/**
 * Issue #17, the admin page's Guest bans tab as people meet it: an admin bans a guest name
 * nobody holds yet; someone trying that name as a guest is refused on the sign-in screen with
 * the reason; the admin lifts the ban (after saying yes) and the same name lets them in. And
 * the page's tabs work from the keyboard as ARIA tabs.
 */
describe.skipIf(!chromiumPath)('guest bans and the admin tabs in a real browser', () => {
  const suite = browserSuite();
  const adminName = uniqueName('chief');
  let adminSignedUp = false;
  /** A window signed in as the server's admin: the first account, whichever test comes first. */
  async function adminPage() {
    const page = await suite.newPage();
    if (adminSignedUp) await signInWithAccount(page, suite.server.url, adminName);
    else await signUpWithAccount(page, suite.server.url, adminName);
    adminSignedUp = true;
    return page;
  }

  it('bans a guest name, which the sign-in screen then refuses, and lifts the ban', async () => {
    const admin = await adminPage();
    await admin.getByRole('button', { name: 'Administration' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Administration' });
    await dialog.getByRole('tab', { name: 'Guest bans' }).click();
    await expect.poll(() => dialog.getByText('No guest bans.').isVisible()).toBe(true);

    const name = uniqueName('troll');
    await typeInto(admin, 'Guest name', name);
    await typeInto(admin, 'Reason', 'spam in #general');
    await dialog.getByRole('button', { name: 'Ban', exact: true }).click();
    await expect.poll(() => dialog.getByRole('status').textContent()).toBe(`Banned ${name}.`);
    const bans = dialog.getByRole('list', { name: 'Guest bans' });
    await expect.poll(() => bans.textContent()).toContain(name);
    expect(await bans.textContent()).toContain('spam in #general');
    await dialog.screenshot({ path: await screenshotPath('admin-guest-bans') });

    // Someone else tries that name as a guest: refused, and told why, under the name.
    const visitor = await suite.newPage();
    await visitor.goto(suite.server.url);
    await typeInto(visitor, 'Username', name);
    await visitor.getByRole('button', { name: 'Start chatting' }).click();
    await expect
      .poll(() => visitor.getByRole('alert').textContent())
      .toBe('That name may not be used by guests here: pick another, or sign in with an account');
    expect(await visitor.getByRole('navigation', { name: 'Rooms' }).count()).toBe(0);

    // Lifting asks first; No keeps the ban.
    await bans.getByRole('button', { name: `Lift the ban on ${name}` }).click();
    const question = admin.getByRole('alertdialog', { name: `Lift the ban on ${name}?` });
    await question.getByRole('button', { name: 'Cancel' }).click();
    expect(await bans.textContent()).toContain(name);
    await bans.getByRole('button', { name: `Lift the ban on ${name}` }).click();
    await question.getByRole('button', { name: 'Lift ban' }).click();
    await expect.poll(() => dialog.getByRole('status').textContent()).toBe(`The ban on ${name} is lifted.`);
    await expect.poll(() => dialog.getByText('No guest bans.').isVisible()).toBe(true);

    // The same name now works.
    await visitor.getByRole('button', { name: 'Start chatting' }).click();
    await visitor.getByRole('navigation', { name: 'Rooms' }).waitFor();
    expect(await visitor.locator('.profile-name').textContent()).toContain(name);
  });

  it('moves between the tabs with the arrow keys, Home and End, only the selected one in the Tab order', async () => {
    const admin = await adminPage();
    await admin.getByRole('button', { name: 'Administration' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Administration' });
    const tabs = dialog.getByRole('tab');
    await expect
      .poll(() => tabs.allTextContents())
      .toEqual(['Dashboard', 'People', 'Rooms', 'Invites', 'Guest bans', 'Reports', 'Settings', 'Audit log']);
    const focused = () => admin.evaluate(() => document.activeElement?.textContent ?? '');
    const selected = () => dialog.getByRole('tab', { selected: true }).textContent();
    /** The tabs a Tab press can reach: only the selected one (roving tabindex). */
    const inTabOrder = () =>
      dialog.evaluate((d) =>
        [...d.querySelectorAll('[role="tab"]')]
          .filter((t) => t.getAttribute('tabindex') === '0')
          .map((t) => t.textContent),
      );

    await dialog.getByRole('tab', { name: 'Dashboard' }).focus();
    await admin.keyboard.press('ArrowRight');
    expect(await focused()).toBe('People');
    expect(await selected()).toBe('People');
    expect(await inTabOrder()).toEqual(['People']);
    await expect.poll(() => dialog.getByLabel('Find someone').isVisible()).toBe(true);
    await admin.keyboard.press('End');
    expect(await focused()).toBe('Audit log');
    expect(await selected()).toBe('Audit log');
    await admin.keyboard.press('ArrowRight'); // wraps to the first
    expect(await focused()).toBe('Dashboard');
    await admin.keyboard.press('ArrowLeft'); // and back to the last
    expect(await focused()).toBe('Audit log');
    await admin.keyboard.press('Home');
    expect(await focused()).toBe('Dashboard');
    expect(await inTabOrder()).toEqual(['Dashboard']);
    // Tab leaves the tab list for the panel, rather than walking through the other tabs.
    await admin.keyboard.press('ArrowRight');
    await admin.keyboard.press('Tab');
    expect(await admin.evaluate(() => document.activeElement?.getAttribute('role'))).not.toBe('tab');
  });
});
