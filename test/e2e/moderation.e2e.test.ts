import { describe, expect, it } from 'vitest';
import { browserSuite, chromiumPath } from '../helpers/browser.js';
import { channelId, connect, ok, register, uniqueName } from '../helpers/clients.js';
import { composer, myId, signUpWithAccount } from '../helpers/web-people.js';

/** Issue #17: a muted member sees why they cannot post, and until when; then they can again. */
describe.skipIf(!chromiumPath)('a muted member in a real browser', () => {
  const suite = browserSuite();

  it('sees that a moderator muted them and until when, instead of the composer, and gets it back', async () => {
    const admin = await register(suite.server.url);
    const adminSocket = await connect(suite.server.url, admin.token);
    const general = await channelId(adminSocket, 'general');
    const page = await suite.newPage();
    await signUpWithAccount(page, suite.server.url, uniqueName('talker'));
    await expect.poll(() => composer(page).isVisible()).toBe(true);

    await ok(adminSocket, 'room:mute', { roomId: general, userId: await myId(page), minutes: 30 });
    const notice = page.getByRole('status').filter({ hasText: 'muted you in this room until' });
    await expect.poll(() => notice.isVisible()).toBe(true);
    expect(await composer(page).count()).toBe(0);
    // Where the composer was: at the bottom of the room, in view.
    const box = await notice.boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(800);
    expect(box!.y).toBeGreaterThan(400);

    await ok(adminSocket, 'room:unmute', { roomId: general, userId: await myId(page) });
    await expect.poll(() => composer(page).isVisible()).toBe(true);
    await composer(page).click();
    await page.keyboard.type('thanks, I will behave');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByText('thanks, I will behave').isVisible()).toBe(true);
  });
});

describe.skipIf(!chromiumPath)(
  'a report, from the member who files it to the moderator who handles it',
  () => {
    const suite = browserSuite();

    it('is filed from the message’s menu, handled from the queue, and the reporter is told', async () => {
      const moderator = await suite.newPage();
      await signUpWithAccount(moderator, suite.server.url, uniqueName('boss')); // the first account: admin
      const spammer = await register(suite.server.url);
      const spamSocket = await connect(suite.server.url, spammer.token);
      const general = await channelId(spamSocket, 'general');
      const reporter = await suite.newPage();
      await signUpWithAccount(reporter, suite.server.url, uniqueName('reader'));
      await ok(spamSocket, 'message:send', {
        roomId: general,
        clientMsgId: 'spam-1',
        text: 'CHEAP WATCHES HERE',
      });

      const spam = reporter.locator('article').filter({ hasText: 'CHEAP WATCHES HERE' });
      await spam.hover();
      await spam.getByRole('button', { name: 'More actions' }).click();
      await reporter.getByRole('menuitem', { name: 'Report message…' }).click();
      const form = reporter.getByRole('dialog', { name: 'Report message' });
      await expect.poll(() => form.isVisible()).toBe(true);
      // The focus is in the reason already.
      await reporter.keyboard.type('spam, selling watches');
      await reporter.keyboard.press('Enter');
      await expect.poll(() => form.count()).toBe(0);
      await expect
        .poll(() => reporter.getByRole('status').filter({ hasText: 'Reported' }).isVisible())
        .toBe(true);

      // Staff have the same queue in the admin page's Reports tab.
      await moderator.getByRole('button', { name: 'Administration' }).click();
      const adminPage = moderator.getByRole('dialog', { name: 'Administration' });
      await adminPage.getByRole('tab', { name: 'Reports' }).click();
      await expect
        .poll(() => adminPage.getByRole('listitem', { name: 'Report: spam, selling watches' }).isVisible())
        .toBe(true);
      await adminPage.getByRole('button', { name: 'Close' }).click();
      await expect.poll(() => adminPage.count()).toBe(0);

      // The sidebar's Reports button, which room owners and moderators who are not staff use.
      await moderator.getByRole('button', { name: 'Reports' }).click();
      const queue = moderator.getByRole('dialog', { name: 'Reports' });
      const report = queue.getByRole('listitem', { name: 'Report: spam, selling watches' });
      await expect.poll(() => report.isVisible()).toBe(true);
      expect(await report.locator('.reported').textContent()).toContain('CHEAP WATCHES HERE');
      await report.getByRole('button', { name: 'Delete message' }).click();
      await expect.poll(() => report.count()).toBe(0);

      // Gone for everyone, and the reporter hears how it was handled.
      await expect.poll(() => spam.count()).toBe(0);
      await expect
        .poll(() => reporter.getByRole('status').filter({ hasText: 'it was deleted' }).isVisible())
        .toBe(true);
    });
  },
);
