import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  allDelivered,
  attachFile,
  attachTextFile,
  chromiumPath,
  isInView,
  launchBrowser,
  screenshotPath,
  watchCsp,
} from '../helpers/browser.js';
import { uniqueName } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';
import { startSlowProxy } from '../helpers/slow-proxy.js';
import { retype, typeInto } from '../helpers/web-people.js';

/**
 * Media the way users share it: files dropped on the room, the other person sees the
 * thumbnail, opens the image and plays the video; a slow upload shows progress and can be
 * cancelled.
 */
describe.skipIf(!chromiumPath)('media in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let contextA: BrowserContext;
  let a: Page;
  let b: Page;
  const cspViolations: string[] = [];

  // Into the box, then Enter, as a person does after dropping files on the room.
  const sendWithEnter = async (page: Page) => {
    await page.getByRole('combobox', { name: /^Message / }).click();
    await page.keyboard.press('Enter');
  };

  const signIn = async (page: Page) => {
    await page.goto(server.url);
    await typeInto(page, 'Username', uniqueName('media'));
    await page.getByRole('button', { name: 'Start chatting' }).click();
    await page.getByRole('heading', { name: '#general' }).waitFor();
  };

  beforeAll(async () => {
    server = await startTestServer({}, { rateRules: relaxedLimits });
    browser = await launchBrowser();
    contextA = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    const contextB = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: 'dark',
    });
    for (const context of [contextA, contextB]) await watchCsp(context, cspViolations);
    a = await contextA.newPage();
    b = await contextB.newPage();
    for (const page of [a, b]) page.setDefaultTimeout(15_000);
    await signIn(a);
    await signIn(b);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  // Previews (blob:), thumbnails, players and downloads must all work under the app's CSP.
  afterEach(() => {
    expect(cspViolations).toEqual([]);
  });

  it('drops an image and a video on the room; the other person sees the thumbnail, opens and plays them', async () => {
    // Make a real PNG and a real WebM in the page, then drop both on the room as a user would.
    await dropRecordedMedia(a, ['sunset.png', 'clip.webm']);
    const tray = a.getByRole('list', { name: 'Attachments' });
    await expect.poll(() => tray.getByRole('listitem').count()).toBe(2);
    await expect.poll(() => a.getByRole('button', { name: 'Send message' }).isEnabled()).toBe(true);
    await sendWithEnter(a);
    await expect.poll(() => tray.count()).toBe(0);

    const thumb = b.locator('.image-tile img');
    await expect
      .poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(320);
    expect(await thumb.getAttribute('src')).toMatch(/^\/thumbs\//);
    await b.locator('.image-tile').click();
    const lightbox = b.getByRole('dialog', { name: 'sunset.png' });
    await expect
      .poll(() =>
        lightbox.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
      )
      .toBe(320);
    await b.screenshot({ path: await screenshotPath('desktop-lightbox') });
    await lightbox.getByRole('button', { name: 'Close' }).click();

    const video = b.locator('video.media-player');
    await video.waitFor();
    // Its shape came from the server, which read it from the recording's WebM headers.
    expect(await video.evaluate((v: HTMLVideoElement) => getComputedStyle(v).aspectRatio)).toBe('320 / 200');
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await expect
      .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await b.screenshot({ path: await screenshotPath('desktop-media') });
  });

  it('gives an MP4 recorded in the browser its shape before it loads', async () => {
    await dropRecordedMedia(a, ['clip.mp4']);
    const tray = a.getByRole('list', { name: 'Attachments' });
    await expect.poll(() => a.getByRole('button', { name: 'Send message' }).isEnabled()).toBe(true);
    await sendWithEnter(a);
    await expect.poll(() => tray.count()).toBe(0);
    const video = b.getByRole('log', { name: 'Messages' }).locator('video[aria-label="clip.mp4"]');
    await video.waitFor();
    expect(await video.evaluate((v: HTMLVideoElement) => getComputedStyle(v).aspectRatio)).toBe('320 / 200');
  });

  it('brings a refused message back with its files in the tray, and sends them', async () => {
    const messages = (page: Page) => page.getByRole('log', { name: 'Messages' });
    await retype(a.getByRole('combobox', { name: /^Message / }), 'Quote me');
    await a.keyboard.press('Enter');
    // Bob never scrolls: the list kept him at the bottom while the video above took its size.
    const quotedOnB = messages(b).locator('article', { hasText: 'Quote me' });
    await expect.poll(() => isInView(quotedOnB)).toBe(true);

    // Bob attaches a file and replies offline; Alice deletes the quoted message meanwhile, so
    // the server refuses the reply and its file stays unsent.
    await attachTextFile(b, 'notes.txt');
    const tray = b.getByRole('list', { name: 'Attachments' });
    await quotedOnB.hover();
    await quotedOnB.getByRole('button', { name: 'Reply' }).click();
    await b.context().setOffline(true);
    await expect
      .poll(() => b.getByRole('status').filter({ hasText: 'reconnecting' }).isVisible(), { timeout: 30_000 })
      .toBe(true);
    await sendWithEnter(b);
    await expect.poll(() => tray.count()).toBe(0);
    const quotedOnA = messages(a).locator('article', { hasText: 'Quote me' });
    await quotedOnA.hover();
    await quotedOnA.getByRole('button', { name: 'Delete message' }).click();
    await a.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => quotedOnA.count()).toBe(0);
    await b.context().setOffline(false);

    const refused = messages(b).locator('article.pending', { hasText: 'notes.txt' });
    await expect
      .poll(() => refused.getByRole('alert').textContent(), { timeout: 20_000 })
      .toContain('Not sent');
    await refused.getByRole('button', { name: 'Edit', exact: true }).click();
    await expect.poll(() => tray.getByRole('listitem').filter({ hasText: 'notes.txt' }).count()).toBe(1);
    expect(await refused.count()).toBe(0);
    await sendWithEnter(b);
    await expect.poll(() => messages(a).getByText('notes.txt').count(), { timeout: 10_000 }).toBe(1);
    await allDelivered(b, a);
    expect(await messages(a).getByText('notes.txt').count()).toBe(1);
    expect(await messages(b).getByText('notes.txt').count()).toBe(1);
  });

  it('shows upload progress for a larger file, and cancelling removes it', async () => {
    // A slow uplink (128 KB/s) between this browser and the server; the session cookie is
    // per host, so the same account follows through the proxy's port.
    const proxy = await startSlowProxy(Number(new URL(server.url).port), 128 * 1024);
    const slow = await contextA.newPage();
    await slow.goto(proxy.url);
    await slow.getByRole('heading', { name: '#general' }).waitFor({ timeout: 30_000 });
    await attachFile(slow, {
      name: 'big.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.alloc(7.5 * 1024 * 1024, 7),
    });
    const progress = slow.getByRole('progressbar', { name: 'Uploading big.bin' });
    await expect.poll(() => progress.isVisible()).toBe(true);
    await expect.poll(() => progress.evaluate((p: HTMLProgressElement) => p.value)).toBeGreaterThan(0.05);
    expect(await progress.evaluate((p: HTMLProgressElement) => p.value)).toBeLessThan(1);
    await slow.screenshot({ path: await screenshotPath('desktop-upload-progress') });
    await slow.getByRole('button', { name: 'Cancel upload of big.bin' }).click();
    await expect.poll(() => slow.getByRole('list', { name: 'Attachments' }).count()).toBe(0);
    await slow.close();
    await proxy.close();

    await attachFile(a, {
      name: 'huge.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.alloc(9 * 1024 * 1024, 1),
    });
    await expect
      .poll(() => a.getByRole('alert').filter({ hasText: 'too large' }).textContent())
      .toContain('8.0 MB');
  });
});

/**
 * Paints a moving 320×200 canvas in the page and makes real files of it — a PNG of the first
 * frame, a WebM or MP4 recorded by the browser's MediaRecorder — then drops them on the room
 * the way a user drops files from their desktop.
 */
function dropRecordedMedia(page: Page, names: string[]): Promise<void> {
  return page.evaluate(async (names) => {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 200;
    const ctx = canvas.getContext('2d')!;
    const paint = (t: number) => {
      ctx.fillStyle = '#1d4ed8';
      ctx.fillRect(0, 0, 320, 200);
      ctx.fillStyle = '#fbbf24';
      ctx.fillRect(20 + t * 2, 60, 80, 80);
    };
    const record = async (mimeType: string) => {
      const recorder = new MediaRecorder(canvas.captureStream(30), { mimeType });
      const chunks: Blob[] = [];
      recorder.ondataavailable = (e) => chunks.push(e.data);
      const stopped = new Promise((resolve) => (recorder.onstop = resolve));
      recorder.start();
      for (let frame = 0; frame < 30; frame++) {
        paint(frame);
        await new Promise((resolve) => setTimeout(resolve, 33));
      }
      recorder.stop();
      await stopped;
      return chunks;
    };
    const transfer = new DataTransfer();
    for (const name of names) {
      paint(0);
      if (name.endsWith('.png')) {
        const png = await new Promise<Blob>((resolve) =>
          canvas.toBlob((blob) => resolve(blob!), 'image/png'),
        );
        transfer.items.add(new File([png], name, { type: 'image/png' }));
      } else if (name.endsWith('.webm')) {
        transfer.items.add(new File(await record('video/webm;codecs=vp8'), name, { type: 'video/webm' }));
      } else {
        transfer.items.add(new File(await record('video/mp4;codecs=avc1'), name, { type: 'video/mp4' }));
      }
    }
    const room = document.querySelector('main.room')!;
    for (const type of ['dragenter', 'dragover', 'drop']) {
      room.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  }, names);
}
