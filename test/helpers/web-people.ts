import type { APIRequestContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Signing in the way a person does: clicking the fields and typing with the keyboard. Shared
 * by the browser suites that start from a fresh page.
 */
/** The open room's message box, as a screen reader names it ("Message #general"). */
export const composer = (page: Page) => page.getByRole('combobox', { name: /^Message / });

/** The open room's messages: the list the app labels "Messages". */
export const messageList = (page: Page) => page.getByRole('log', { name: 'Messages' });

export function typeInto(page: Page, label: string | RegExp, text: string) {
  return retype(page.getByLabel(label), text);
}

/** Clicks a box and replaces what it holds by typing, as a person does: select all, type. */
export async function retype(box: Locator, text: string, delay?: number) {
  await box.click();
  const page = box.page();
  await page.keyboard.press('ControlOrMeta+A');
  if (text) await typeLines(page, text, delay);
  else await page.keyboard.press('Backspace');
}

/** Types into what has the focus; a line break is Shift+Enter, as in the composer (Enter sends). */
export async function typeLines(page: Page, text: string, delay?: number) {
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (i > 0) await page.keyboard.press('Shift+Enter');
    if (line) await page.keyboard.type(line, { delay });
  }
}

export async function signUpAsGuest(page: Page, url: string, username: string) {
  await page.goto(url);
  await typeInto(page, 'Username', username);
  await page.getByRole('button', { name: 'Start chatting' }).click();
  await page.getByRole('navigation', { name: 'Rooms' }).waitFor();
  return myId(page);
}

export async function signUpWithAccount(page: Page, url: string, username: string) {
  await page.goto(url);
  await page.getByRole('tab', { name: 'Register' }).click();
  await typeInto(page, 'Username', username);
  await typeInto(page, 'Password', 'a long password');
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByRole('navigation', { name: 'Rooms' }).waitFor();
  return myId(page);
}

/** Signs in to an account that exists (made by signUpWithAccount), from another browser. */
export async function signInWithAccount(page: Page, url: string, username: string) {
  await page.goto(url);
  await page.getByRole('tab', { name: 'Sign in' }).click();
  await typeInto(page, 'Username', username);
  await typeInto(page, 'Password', 'a long password');
  await page.getByRole('button', { name: 'Sign in' }).last().click();
  await page.getByRole('navigation', { name: 'Rooms' }).waitFor();
}

/** The signed-in user's id, as the page's own session reports it. */
export function myId(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const response = await fetch('/api/me', { credentials: 'include' });
    return ((await response.json()) as { user: { id: string } }).user.id;
  });
}

/** The browser storage keys that belong to one user (drafts, outbox). */
export function storedKeysOf(page: Page, userId: string): Promise<string[]> {
  return page.evaluate((id) => Object.keys(localStorage).filter((key) => key.endsWith(`:${id}`)), userId);
}

/** The account menu beside the user's name, as the sidebar shows it. */
export const accountMenu = (page: Page) => page.getByRole('menu', { name: 'Account' });

/** Opens the account menu with a click and chooses an item (Sessions, Sign out, …), as a person does. */
export async function chooseFromAccountMenu(page: Page, item: string | RegExp) {
  await page.getByRole('button', { name: 'Account menu' }).click();
  await accountMenu(page).getByRole('menuitem', { name: item }).click();
}

/**
 * Registers `who` in a browser context's own cookie jar, as the sign-up form would, and notes
 * their token and id: for suites that set people up before the test drives the screens.
 */
export async function registerInBrowser(
  context: { request: APIRequestContext },
  url: string,
  who: { name: string; token: string; id: string },
): Promise<void> {
  const response = await context.request.post(`${url}/api/auth/register`, {
    data: { username: who.name, password: 'a long password' },
  });
  expect(response.status()).toBe(201);
  const body = await response.json();
  who.token = body.token;
  who.id = body.user.id;
}
