import { createServer, type Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchBrowser, watchCsp } from '../helpers/browser.js';
import { uniqueName } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Parley seen from another site, in a real browser: a page on another port of the same host
 * (another origin, but the same site — like a sibling subdomain, which SameSite=Lax does not
 * fence off) tries to frame it and to post a form to it with the user's cookie. And the app's
 * own pages under their Content-Security-Policy.
 */
describe.skipIf(!chromiumPath)('Parley against other sites in a real browser', () => {
  let server: TestServer;
  let attacker: Server;
  let attackerUrl: string;
  let browser: Browser;

  const page = (body: string) => `<!doctype html><html><body>${body}</body></html>`;

  beforeAll(async () => {
    server = await startTestServer({}, { rateRules: relaxedLimits });
    attacker = createServer((request, response) => {
      const pages: Record<string, string> = {
        '/frame': page(
          `<iframe id="parley" src="${server.url}/"></iframe><iframe id="own" src="/inner"></iframe>`,
        ),
        '/inner': page('<p id="inner">the attacker’s own page</p>'),
        '/csrf': page(
          `<form id="forged" method="POST" action="${server.url}/api/auth/logout" enctype="text/plain">` +
            '<input name="x" value="y"></form>' +
            "<script>document.getElementById('forged').submit()</script>",
        ),
      };
      const html = pages[request.url ?? ''];
      response.writeHead(html ? 200 : 404, { 'content-type': 'text/html' });
      response.end(html ?? 'not found');
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    const address = attacker.address();
    attackerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => attacker?.close(resolve));
    await server?.close();
  });

  const fresh = async (): Promise<{ context: BrowserContext; tab: Page; violations: string[] }> => {
    const context = await browser.newContext({ colorScheme: 'dark' });
    const violations = await watchCsp(context);
    const tab = await context.newPage();
    tab.setDefaultTimeout(10_000);
    return { context, tab, violations };
  };

  /** Signs in as a guest the way a person does: click the field, type, click the button. */
  const signIn = async (tab: Page) => {
    await tab.goto(server.url);
    await tab.getByLabel('Username').click();
    await tab.keyboard.type(uniqueName('edge'));
    await tab.getByRole('button', { name: 'Start chatting' }).click();
    await tab.getByRole('heading', { name: '#general' }).waitFor();
  };

  it('cannot be framed by another origin', async () => {
    const { context, tab, violations } = await fresh();
    try {
      await tab.goto(`${attackerUrl}/frame`);
      const own = tab.frameLocator('#own');
      await expect.poll(() => own.locator('#inner').count()).toBe(1);
      // Frames do load here: the attacker's own one did; Parley's is refused.
      await expect.poll(() => violations.some((v) => v.includes('frame-ancestors'))).toBe(true);
      const parleyFrame = await (await tab.$('#parley'))!.contentFrame();
      expect(parleyFrame!.url()).not.toBe(`${server.url}/`);
      expect(await parleyFrame!.locator('#root').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('ignores a form another site posts with the user’s cookie: they stay signed in', async () => {
    const { context, tab, violations } = await fresh();
    try {
      await signIn(tab);
      const forged = tab.waitForResponse((response) => response.url() === `${server.url}/api/auth/logout`);
      await tab.goto(`${attackerUrl}/csrf`);
      const response = await forged;
      expect(response.status()).toBe(403);
      // The browser did send the cookie (same site): only the server's check stopped it.
      const sent = await response.request().allHeaders();
      expect(sent.cookie).toMatch(/parley_session=/);
      expect(sent['sec-fetch-site']).toBe('same-site');
      expect(await response.json()).toMatchObject({ code: 'forbidden' });

      await tab.goto(server.url);
      await tab.getByRole('heading', { name: '#general' }).waitFor();
      expect(violations).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('applies the saved theme from its script file before the page body exists', async () => {
    const { context, tab, violations } = await fresh();
    try {
      await tab.goto(server.url);
      await tab.evaluate(() => localStorage.setItem('parley:theme', 'light'));
      // Note the theme at the moment <body> is created: before anything is painted.
      await context.addInitScript(() => {
        const observer = new MutationObserver(() => {
          if (!document.body) return;
          (window as unknown as { themeAtBody: string }).themeAtBody =
            document.documentElement.dataset.theme ?? '';
          observer.disconnect();
        });
        observer.observe(document, { childList: true, subtree: true });
      });
      await tab.reload();
      await tab.getByLabel('Username').waitFor();
      expect(await tab.evaluate(() => (window as unknown as { themeAtBody: string }).themeAtBody)).toBe(
        'light',
      );
      expect(violations).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('blocks inline scripts and styles on its pages, and the check sees it', async () => {
    const { context, tab, violations } = await fresh();
    try {
      await signIn(tab);
      expect(violations).toEqual([]);
      await tab.evaluate(() => {
        const script = document.createElement('script');
        script.textContent = 'window.inlineRan = true';
        document.head.append(script);
        const style = document.createElement('style');
        style.textContent = 'body { display: none }';
        document.head.append(style);
      });
      await expect.poll(() => violations.length).toBeGreaterThanOrEqual(2);
      expect(violations.join('\n')).toMatch(/script-src/);
      expect(violations.join('\n')).toMatch(/style-src/);
      expect(
        await tab.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan),
      ).toBeUndefined();
      expect(await tab.getByRole('heading', { name: '#general' }).isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('shows the API documentation under its own policy, with nothing blocked', async () => {
    const { context, tab, violations } = await fresh();
    try {
      await tab.goto(`${server.url}/api/docs`);
      await expect.poll(() => tab.getByText('Parley HTTP API').first().isVisible()).toBe(true);
      // Open one operation, as a reader would, so what renders on demand runs too.
      await tab.getByText('/api/auth/login', { exact: true }).first().click();
      await expect.poll(() => tab.getByText('Request body').first().isVisible()).toBe(true);
      expect(violations).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
