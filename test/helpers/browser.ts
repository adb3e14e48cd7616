import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Config } from '../../src/server/config.js';
import { relaxedLimits, startTestServer, type TestServer } from './server.js';
import { retype } from './web-people.js';

/**
 * Debian's Chromium, driven by playwright-core (browser downloads are not possible here).
 * Without it, browser tests skip with a message — except under CI=true, where a missing
 * browser fails the run, because CI must prove the web client works.
 */
export const chromiumPath =
  [process.env.PARLEY_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    (candidate): candidate is string => Boolean(candidate && existsSync(candidate)),
  ) ?? null;

if (!chromiumPath) {
  const message = 'Chromium not found (apt-get install -y chromium, or set PARLEY_CHROMIUM)';
  if (process.env.CI === 'true') throw new Error(`CI=true: ${message}`);
  console.warn(`[parley tests] ${message}: skipping the browser tests`);
}

export const webBuilt = existsSync(path.resolve(import.meta.dirname, '../../dist/web/index.html'));
if (chromiumPath && !webBuilt) {
  throw new Error('dist/web is missing: run `npm run build:web` before the browser tests (npm test does)');
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath!,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/**
 * Collects every Content-Security-Policy violation in a context's pages and frames: the
 * browser's own console report ("Refused to …") and the securitypolicyviolation event. Suites
 * assert the list stays empty, so an inline script or a style the policy does not allow fails a
 * test instead of silently breaking the app for users.
 */
export async function watchCsp(context: BrowserContext, violations: string[] = []): Promise<string[]> {
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(
        `[csp] ${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  context.on('console', (message) => {
    if (message.type() === 'error' && /\[csp\]|Content Security Policy/.test(message.text())) {
      violations.push(`${message.location().url}: ${message.text()}`);
    }
  });
  return violations;
}

export const screenshotDir = path.resolve(import.meta.dirname, '../../test-results/screenshots');

export async function screenshotPath(name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  return path.join(screenshotDir, `${name}.png`);
}

/**
 * Whether an element is wholly inside the part of its scrolling ancestor the user sees.
 * Playwright's isVisible() only checks that it is rendered, and hover() or click() would
 * scroll it into view first — neither tells whether a reader can see it without scrolling.
 */
export function isInView(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    let scroller = element.parentElement;
    while (scroller && !/(auto|scroll)/.test(getComputedStyle(scroller).overflowY)) {
      scroller = scroller.parentElement;
    }
    const view = scroller?.getBoundingClientRect() ?? { top: 0, bottom: window.innerHeight };
    return box.height > 0 && box.top >= view.top - 1 && box.bottom <= view.bottom + 1;
  });
}

/**
 * Waits until the message list stops moving — no scroll and no change of height for a dozen
 * frames in a row (at most 3 s) — as a person waits for a list to settle before reading it. A
 * virtualized list goes on moving for a few frames after a fast scroll, as it measures the rows
 * it has just drawn; what it shows meanwhile is not yet what the reader will see.
 */
export function listAtRest(page: Page): Promise<void> {
  return page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const scroller = document.querySelector('.message-list [data-virtuoso-scroller]');
        const deadline = performance.now() + 3_000;
        let last = '';
        let still = 0;
        const look = () => {
          const now = scroller ? `${scroller.scrollTop}/${scroller.scrollHeight}` : '';
          still = now === last ? still + 1 : 0;
          last = now;
          if (still >= 12 || performance.now() > deadline) resolve();
          else requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
      }),
  );
}

/**
 * Scrolls the list under the pointer with the mouse wheel, `step` pixels at a time, letting it
 * settle after each (listAtRest) and looking again, until `target` is wholly in view; throws
 * after `timeoutMs`. As a person does: scroll, look, scroll again.
 */
export async function wheelUntilInView(page: Page, target: Locator, step: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await listAtRest(page);
    if ((await target.count()) > 0 && (await isInView(target))) return;
    if (Date.now() > deadline) throw new Error('scrolled and never saw it');
    await page.mouse.wheel(0, step);
  }
}

/**
 * A person's own browser window (a fresh context: no cookies), at desktop size, CSP watched;
 * `userAgent` makes it say it is another browser (the sessions list shows what it says).
 */
export async function newPersonPage(
  browser: Browser,
  cspViolations: string[],
  { userAgent }: { userAgent?: string | undefined } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: 'dark',
    ...(userAgent ? { userAgent } : {}),
  });
  await watchCsp(context, cspViolations);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

/** Picks a file with the composer's clip button, as a user would through the file dialog. */
export async function attachFile(page: Page, file: { name: string; mimeType: string; buffer: Buffer }) {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach files' }).click();
  await (await chooser).setFiles(file);
}

/** Attaches a small text file and waits until it has uploaded (Send turns on). */
export async function attachTextFile(page: Page, name: string) {
  await attachFile(page, { name, mimeType: 'text/plain', buffer: Buffer.from(`${name}\n`) });
  // Uploaded, as a person sees it: the progress bar gone, its button now "Remove", not
  // "Cancel upload". Send alone is no sign of it when the box holds text already, and a draft
  // keeps only finished uploads (useUploads): a room switch mid-upload would leave it out.
  await expect.poll(() => page.getByRole('button', { name: `Remove ${name}` }).isVisible()).toBe(true);
  await expect.poll(() => page.getByRole('button', { name: 'Send message' }).isEnabled()).toBe(true);
}

let markers = 0;

/**
 * Waits until everything `from` sent so far in its open room has reached `to`: a marker message
 * sent after it arrives after it (one sender's messages keep their order). Checks that something
 * arrived only once can then count without waiting an arbitrary time for a late duplicate.
 */
export async function allDelivered(from: Page, to: Page) {
  const marker = `Got it (${++markers})`;
  await retype(from.getByRole('combobox', { name: /^Message / }), marker);
  await from.keyboard.press('Enter');
  const arrived = to.getByRole('log', { name: 'Messages' }).getByText(marker);
  await expect.poll(() => arrived.count(), { timeout: 10_000 }).toBe(1);
}

/**
 * A browser suite's fixtures: a real server (production rate limits loosened) and Chromium for
 * the whole suite, and a check after each test that no page broke the Content-Security-Policy.
 * `newPage()` is one more person's own window.
 */
export function browserSuite(overrides: Partial<Config> = {}) {
  const suite = {} as {
    server: TestServer;
    browser: Browser;
    newPage(options?: { userAgent?: string | undefined }): Promise<Page>;
  };
  const cspViolations: string[] = [];
  beforeAll(async () => {
    suite.server = await startTestServer(overrides, { rateRules: relaxedLimits });
    suite.browser = await launchBrowser();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  afterEach(() => {
    expect(cspViolations).toEqual([]);
  });
  suite.newPage = (options = {}) => newPersonPage(suite.browser, cspViolations, options);
  return suite;
}
