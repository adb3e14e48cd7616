import { describe, expect, it } from 'vitest';
import { attachFile, browserSuite, chromiumPath, screenshotPath } from '../helpers/browser.js';
import { uniqueName } from '../helpers/clients.js';
import { signUpAsGuest, signUpWithAccount } from '../helpers/web-people.js';

/**
 * Issue #17, the Settings tab's limits and guest switches as people meet them: an admin turns
 * off guests' room creation and a guest's open page stops offering it, no reload; the admin
 * types a bad limit and is told at the field, then lowers the largest upload, and a member's
 * bigger file is refused in the tray with the new size.
 */
describe.skipIf(!chromiumPath)('the admin’s limits in a real browser', () => {
  const suite = browserSuite();

  it('takes a guest’s new-room buttons away at once, and holds uploads to the size set', async () => {
    const admin = await suite.newPage();
    await signUpWithAccount(admin, suite.server.url, uniqueName('chief'));
    const guest = await suite.newPage();
    await signUpAsGuest(guest, suite.server.url, uniqueName('visitor'));
    const rooms = guest.getByRole('navigation', { name: 'Rooms' });
    for (const offered of ['New channel', 'New group', 'New code room', 'New direct message']) {
      await rooms.getByRole('button', { name: offered }).waitFor();
    }

    await admin.getByRole('button', { name: 'Administration' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Administration' });
    await dialog.getByRole('tab', { name: 'Settings' }).click();
    await dialog.getByRole('switch', { name: 'Guests may create rooms' }).click();
    await expect.poll(() => dialog.getByRole('status').filter({ hasText: 'Saved.' }).count()).toBe(1);

    // The guest's page, untouched: what they may not start is no longer offered.
    await expect.poll(() => rooms.getByRole('button', { name: 'New channel' }).count()).toBe(0);
    expect(await rooms.getByRole('button', { name: 'New group' }).count()).toBe(0);
    expect(await rooms.getByRole('button', { name: 'New code room' }).count()).toBe(0);
    expect(await rooms.getByRole('button', { name: 'New direct message' }).count()).toBe(1);

    // A count of 0 is refused at its field, and nothing is saved.
    const messages = dialog.getByRole('spinbutton', { name: 'Messages: how many' });
    await messages.click();
    await admin.keyboard.press('ControlOrMeta+A');
    await admin.keyboard.type('0');
    await dialog.getByRole('button', { name: 'Save limits' }).click();
    await expect.poll(() => messages.getAttribute('aria-invalid')).toBe('true');
    const fieldError = dialog.locator(`#${await messages.getAttribute('aria-describedby')}`);
    expect(await fieldError.textContent()).toContain('A whole number from 1');
    await messages.click();
    await admin.keyboard.press('ControlOrMeta+A');
    await admin.keyboard.type('20');

    // Above the operator's ceiling (8 MB here) is refused too, before asking the server.
    const largest = dialog.getByRole('spinbutton', { name: 'Largest upload (MB)' });
    expect(await largest.inputValue()).toBe('8');
    await largest.click();
    await admin.keyboard.press('ControlOrMeta+A');
    await admin.keyboard.type('9');
    await dialog.getByRole('button', { name: 'Save limits' }).click();
    await expect.poll(() => largest.getAttribute('aria-invalid')).toBe('true');
    await largest.click();
    await admin.keyboard.press('ControlOrMeta+A');
    await admin.keyboard.type('0.01');
    await admin.keyboard.press('Enter');
    await expect
      .poll(() => dialog.getByRole('form', { name: 'Limits' }).getByRole('status').textContent())
      .toBe('Limits saved. They count now, on every node.');
    expect(await messages.getAttribute('aria-invalid')).toBeNull();
    await dialog.screenshot({ path: await screenshotPath('admin-limits') });

    // A 20 KB file is over the new 10 KB: the tray says so, with the size.
    await attachFile(guest, {
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.alloc(20 * 1024, 97),
    });
    const tray = guest.getByRole('list', { name: 'Attachments' });
    await expect.poll(() => tray.textContent()).toContain('too large (the limit is 10 KB)');
  });
});
