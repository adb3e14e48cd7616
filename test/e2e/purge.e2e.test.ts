import { describe, expect, it } from 'vitest';
import { browserSuite, chromiumPath } from '../helpers/browser.js';
import { channelId, send, signedIn, uniqueName } from '../helpers/clients.js';
import { messageList, signUpWithAccount } from '../helpers/web-people.js';

/**
 * Issue #17, spam clean-up from the admin page: the admin removes every message of a spammer,
 * and the spam disappears from another member's open browser at once.
 */
describe.skipIf(!chromiumPath)('removing a user’s messages from the admin page', () => {
  const suite = browserSuite();

  it('the spam goes from a member’s open browser', async () => {
    const admin = await suite.newPage();
    await signUpWithAccount(admin, suite.server.url, uniqueName('chief')); // the first account
    const name = uniqueName('spammer');
    const spammer = await signedIn(suite.server.url, 'register', name);
    const member = await suite.newPage();
    await signUpWithAccount(member, suite.server.url, uniqueName('reader'));
    const general = await channelId(spammer.socket, 'general');
    for (let i = 1; i <= 3; i++) await send(spammer.socket, general, `cheap pills ${i}`);
    const list = messageList(member);
    await expect.poll(() => list.getByText('cheap pills 3').isVisible()).toBe(true);

    await admin.getByRole('button', { name: 'Administration' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Administration' });
    await dialog.getByRole('tab', { name: 'People' }).click();
    await dialog.getByLabel('Find someone').click();
    await admin.keyboard.type(name);
    const row = dialog.getByRole('row').filter({ hasText: name });
    await row.getByRole('button', { name: `Remove messages of ${name}` }).click();
    const question = admin.getByRole('alertdialog', { name: `Remove every message of ${name}?` });
    await question.getByRole('button', { name: 'Remove messages' }).click();
    await expect.poll(() => dialog.getByRole('status').textContent()).toBe(`Removed 3 messages of ${name}.`);

    await expect.poll(() => list.getByText(/cheap pills/).count(), { timeout: 5_000 }).toBe(0);
    spammer.socket.disconnect();
  });
});
