import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { uniqueName } from './clients.js';

/**
 * Geometry for layout tests: what a person sees is where boxes are, so tests compare the boxes
 * the browser drew.
 */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The element's box as drawn; fails the test if it is not rendered at all. */
export async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${locator} has no box: it is not rendered`);
  return box;
}

/** Whether two boxes share any area (touching edges do not count). */
export function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Whether the box lies wholly inside the page's viewport. */
export function insideViewport(box: Box, page: Page): boolean {
  const viewport = page.viewportSize()!;
  return (
    box.x >= -0.5 &&
    box.y >= -0.5 &&
    box.x + box.width <= viewport.width + 0.5 &&
    box.y + box.height <= viewport.height + 0.5
  );
}

export const DESKTOP = { viewport: { width: 1280, height: 800 } } as const;
/** A small phone, with touch: taps are taps, not clicks. */
export const PHONE = { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true } as const;

/**
 * A new person in their own browser context, signed in as a guest the way a person does:
 * click the Username field, type the name, click the button.
 */
export async function newPerson(
  browser: Browser,
  url: string,
  device: typeof DESKTOP | typeof PHONE,
  prepare?: (context: BrowserContext) => Promise<unknown>,
): Promise<{ context: BrowserContext; page: Page; name: string }> {
  const context = await browser.newContext({ ...device, colorScheme: 'dark' });
  await prepare?.(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const name = uniqueName('lay');
  await page.goto(url);
  await page.getByLabel('Username').click();
  await page.keyboard.type(name);
  await page.getByRole('button', { name: 'Start chatting' }).click();
  await page.getByRole('navigation', { name: 'Rooms' }).waitFor();
  return { context, page, name };
}

/**
 * Whether a person sees the whole element: every corner and the middle of its box are inside
 * the viewport and hit the element itself — not clipped by a scrolling ancestor, not under
 * something else. A box inside the viewport can still be cut off by the list it sits in.
 */
export function wholeOnScreen(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const inset = 3;
    const points = [
      [box.left + inset, box.top + inset],
      [box.right - inset, box.top + inset],
      [box.left + inset, box.bottom - inset],
      [box.right - inset, box.bottom - inset],
      [(box.left + box.right) / 2, (box.top + box.bottom) / 2],
    ] as const;
    return points.every(([x, y]) => {
      if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) return false;
      const hit = document.elementFromPoint(x, y);
      return hit !== null && element.contains(hit);
    });
  });
}

/** Opens a room from the sidebar by its name, tapping on touch screens. */
export async function openRoom(page: Page, name: string) {
  const link = page
    .getByRole('navigation', { name: 'Rooms' })
    .getByRole('button', { name: name.replace(/^#/, '') });
  await expect.poll(() => link.count(), { timeout: 15_000 }).toBe(1);
  if (page.viewportSize()!.width < 760) await link.tap();
  else await link.click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}
