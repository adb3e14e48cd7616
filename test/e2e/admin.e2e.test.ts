import { describe, expect, it } from 'vitest';
import { browserSuite, chromiumPath } from '../helpers/browser.js';
import { uniqueName } from '../helpers/clients.js';
import { signUpWithAccount } from '../helpers/web-people.js';

/**
 * Issue #17, the admin page: the dashboard's figures and chart; people found by typing, a role
 * changed, a deactivation that signs the person out of their open browser at once; a sign-in
 * link. All by mouse and keyboard as an admin would.
 */
describe.skipIf(!chromiumPath)('the admin page in a real browser', () => {
  const suite = browserSuite();

  it('shows the figures, changes a role, deactivates someone who is signed in, and makes a sign-in link', async () => {
    const admin = await suite.newPage();
    await signUpWithAccount(admin, suite.server.url, uniqueName('chief')); // the first account
    const other = await suite.newPage();
    const name = uniqueName('staffer');
    await signUpWithAccount(other, suite.server.url, name);
    // A member is not offered the page.
    expect(await other.getByRole('button', { name: 'Administration' }).count()).toBe(0);

    await admin.getByRole('button', { name: 'Administration' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Administration' });
    await expect.poll(() => dialog.getByText('Connected now').isVisible()).toBe(true);
    const online = dialog.locator('.admin-figures div').filter({ hasText: 'Connected now' }).locator('dd');
    await expect.poll(() => online.textContent()).toBe('2');
    const bars = dialog.locator('.admin-chart rect');
    expect(await bars.count()).toBe(30);
    // The chart is drawn, in the dialog's width.
    const chart = await dialog.locator('.admin-chart svg').boundingBox();
    expect(chart!.width).toBeGreaterThan(300);

    await dialog.getByRole('tab', { name: 'People' }).click();
    await dialog.getByLabel('Find someone').click();
    await admin.keyboard.type(name.slice(0, 10));
    const row = dialog.getByRole('row').filter({ hasText: name });
    await expect.poll(() => row.isVisible()).toBe(true);
    await expect.poll(() => row.getByRole('cell', { name: 'Online' }).isVisible()).toBe(true);
    await row.getByRole('combobox', { name: `Role of ${name}` }).selectOption('moderator');
    await expect.poll(() => dialog.getByRole('status').textContent()).toBe(`${name} is now a moderator.`);
    // Their own browser learns it at the next sign-in; the server counts it at once.

    await row.getByRole('button', { name: `Sign-in link for ${name}` }).click();
    const link = dialog.getByLabel(/A sign-in link for/);
    await expect.poll(() => link.inputValue()).toMatch(/\/#\/sign-in\/[\w-]{20,}$/);

    await row.getByRole('button', { name: `Deactivate ${name}` }).click();
    const question = admin.getByRole('alertdialog', { name: `Deactivate ${name}?` });
    await question.getByRole('button', { name: 'Deactivate' }).click();
    await expect.poll(() => row.getByRole('cell', { name: 'Deactivated' }).isVisible()).toBe(true);
    // Signed out where they sat, at once.
    await expect
      .poll(() => other.getByRole('tab', { name: 'Sign in' }).isVisible(), { timeout: 5_000 })
      .toBe(true);

    // Rooms: the seeded channels are the server's; an admin archives one and opens it again.
    await dialog.getByRole('tab', { name: 'Rooms' }).click();
    const gaming = dialog.getByRole('row').filter({ hasText: '#gaming' });
    await expect.poll(() => gaming.getByRole('cell', { name: 'The server' }).isVisible()).toBe(true);
    await gaming.getByRole('button', { name: 'Archive #gaming' }).click();
    await expect.poll(() => gaming.textContent()).toContain('(archived)');
    await gaming.getByRole('button', { name: 'Unarchive #gaming' }).click();
    await expect.poll(() => gaming.textContent()).not.toContain('(archived)');

    await dialog.getByRole('tab', { name: 'Audit log' }).click();
    const entries = dialog.locator('.admin-audit li');
    // Newest first: the two archive changes, then the deactivation, the link, the role.
    await expect.poll(() => entries.count()).toBeGreaterThanOrEqual(5);
    const lines = (await entries.allTextContents()).map((t) => t.replace(/^.*?(chief\S+)/, '$1'));
    expect(lines.slice(0, 5)).toEqual([
      expect.stringMatching(/changed a room $/),
      expect.stringMatching(/changed a room $/),
      expect.stringContaining(`deactivated ${name}`),
      expect.stringContaining(`made a sign-in link for ${name}`),
      expect.stringContaining(`changed the role of ${name}`),
    ]);
  });
});
