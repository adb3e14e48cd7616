import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, chromiumPath } from '../helpers/browser.js';
import { uniqueName } from '../helpers/clients.js';
import { signUpWithAccount } from '../helpers/web-people.js';

/**
 * Issue #17: on a fresh server the sign-up screen says that the first account runs it, and
 * that account is the admin; the next person is told nothing of the kind and is a member.
 */
describe.skipIf(!chromiumPath)('the first account on a fresh server', () => {
  const suite = browserSuite();

  const newPage = () => suite.newPage();
  const note = (page: Page) => page.getByRole('note').filter({ hasText: 'the first one runs this server' });
  const badge = (page: Page) => page.locator('.profile').getByText('admin', { exact: true });

  it('is told so when registering, and is the admin', async () => {
    const first = await newPage();
    await first.goto(suite.server.url);
    await first.getByRole('tab', { name: 'Register' }).click();
    await expect.poll(() => note(first).isVisible()).toBe(true);
    // Only where it applies: a guest never becomes the admin.
    await first.getByRole('tab', { name: 'Guest' }).click();
    expect(await note(first).count()).toBe(0);
    await signUpWithAccount(first, suite.server.url, uniqueName('founder'));
    await expect.poll(() => badge(first).isVisible()).toBe(true);

    const second = await newPage();
    await second.goto(suite.server.url);
    await second.getByRole('tab', { name: 'Register' }).click();
    await second.getByRole('button', { name: 'Create an account' }).waitFor();
    // The options have been asked for (the form is up); there is nothing to say any more.
    await second.waitForLoadState('networkidle');
    expect(await note(second).count()).toBe(0);
    await signUpWithAccount(second, suite.server.url, uniqueName('joiner'));
    await second.getByRole('navigation', { name: 'Rooms' }).waitFor();
    expect(await second.locator('.profile').textContent()).not.toContain('admin');
  });
});
