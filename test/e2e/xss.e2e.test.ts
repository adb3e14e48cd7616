import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchBrowser, watchCsp } from '../helpers/browser.js';
import { uniqueName } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';
import { retype, typeInto } from '../helpers/web-people.js';

/** Hostile text sent as messages and tried as names must render inert, as plain text. */
const CORPUS = [
  '<script>window.__xss = "script"</script>',
  '<img src=x onerror="window.__xss = \'img\'">',
  '<svg onload="window.__xss = \'svg\'"><circle r=5 /></svg>',
  '<iframe src="javascript:window.__xss=\'iframe\'"></iframe>',
  '<a href="javascript:window.__xss=\'a\'">click me</a>',
  "[markdown link](javascript:window.__xss='md')",
  'javascript:window.__xss="bare"',
  '<a href="&#106;avascript:alert(1)">entity</a>',
  'data:text/html,<script>window.__xss="data"</script>',
  '**<b onmouseover="window.__xss=\'bold\'">bold trap</b>**',
  '~~<style>body { display: none }</style>~~',
  '> <object data="javascript:alert(1)"></object>',
  '```\n</code></pre><script>window.__xss="fence"</script>\n```',
  '`<img src=x onerror=alert(1)>`',
  'https://example.com/"><script>window.__xss="url"</script>',
  '<details open ontoggle="window.__xss=\'details\'">',
  '"><input autofocus onfocus="window.__xss=\'input\'">',
];

describe.skipIf(!chromiumPath)('XSS corpus in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let sender: Page;
  let reader: Page;
  const dialogs: string[] = [];
  const cspViolations: string[] = [];

  const signIn = async (page: Page, name: string) => {
    await page.goto(server.url);
    await typeInto(page, 'Username', name);
    await page.getByRole('button', { name: 'Start chatting' }).click();
    await page.getByRole('heading', { name: '#general' }).waitFor();
  };

  beforeAll(async () => {
    server = await startTestServer({}, { rateRules: relaxedLimits });
    browser = await launchBrowser();
    const [senderContext, readerContext] = [
      await browser.newContext({ colorScheme: 'dark' }),
      await browser.newContext({ colorScheme: 'dark' }),
    ];
    for (const context of [senderContext, readerContext]) await watchCsp(context, cspViolations);
    sender = await senderContext.newPage();
    reader = await readerContext.newPage();
    for (const page of [sender, reader]) {
      page.setDefaultTimeout(10_000);
      page.on('dialog', async (dialog) => {
        dialogs.push(dialog.message());
        await dialog.dismiss();
      });
    }
    await signIn(sender, uniqueName('mallory'));
    await signIn(reader, uniqueName('victim'));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  // Hostile text renders as text: nothing in it may even reach the policy to be blocked.
  afterEach(() => {
    expect(cspViolations).toEqual([]);
  });

  it('refuses markup in names with a clear error', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(server.url);
    await typeInto(page, 'Username', '<img src=x onerror=alert(1)>');
    await page.getByRole('button', { name: 'Start chatting' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/username may contain/i);
    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
  });

  it('renders every payload as inert text for the sender and the reader', async () => {
    const composer = sender.getByRole('combobox', { name: /^Message / });
    for (const payload of CORPUS) {
      await retype(composer, payload);
      await sender.keyboard.press('Enter');
    }
    const lastLine = CORPUS.at(-1)!;
    for (const page of [sender, reader]) {
      const list = page.getByRole('log', { name: 'Messages' });
      await expect.poll(() => list.getByText(lastLine, { exact: false }).count()).toBeGreaterThan(0);
      // Hover and focus everything once, to give any smuggled handler its chance.
      for (const article of await list.locator('article').all()) await article.hover();

      const report = await page.evaluate(() => {
        const root = document.querySelector('[role="log"]')!;
        const all = [...root.querySelectorAll('*')];
        return {
          xss: (window as { __xss?: unknown }).__xss,
          dangerous: all
            .filter((el) =>
              ['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'STYLE', 'IMG', 'INPUT', 'DETAILS'].includes(
                el.tagName,
              ),
            )
            .map((el) => el.tagName),
          foreignSvg: root.querySelectorAll('svg:not(.icon)').length,
          handlers: all.flatMap((el) =>
            [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => a.name),
          ),
          hrefs: [...root.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href),
          bodyVisible: getComputedStyle(document.body).display !== 'none',
          text: root.textContent ?? '',
        };
      });
      expect(report.xss).toBeUndefined();
      expect(report.dangerous).toEqual([]);
      expect(report.foreignSvg).toBe(0);
      expect(report.handlers).toEqual([]);
      expect(report.bodyVisible).toBe(true);
      for (const href of report.hrefs) expect(href).toMatch(/^(https?:|mailto:)/);
      // The payloads are shown, literally, as text.
      expect(report.text).toContain('<script>window.__xss = "script"</script>');
      expect(report.text).toContain('<img src=x onerror=alert(1)>');
    }
    expect(dialogs).toEqual([]);
  });
});
