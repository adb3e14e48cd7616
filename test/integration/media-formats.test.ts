import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedIn } from '../helpers/clients.js';
import {
  apngWithMetadata,
  bmp,
  getOnce,
  uncleanableImages,
  uploadFile,
  XMP_CREATOR,
} from '../helpers/media.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, '../fixtures', name));
const heicFixture = fixture('gps.heic');

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { rateRules: relaxedLimits });
});
afterAll(async () => {
  await server.close();
});

async function download(url: string, token: string) {
  const { status, headers, bytes } = await getOnce(`${server.url}${url}`, token);
  expect(status, url).toBe(200);
  return { headers, bytes };
}

/** Bytes by which a photo's location, camera or author would still show, in any encoding. */
const traces = [
  'ParleyCam',
  'ParleyPhone',
  XMP_CREATOR,
  'taken at home',
  'Exif\0\0',
  'http://ns.adobe.com/xap',
  'adobe:ns:meta',
].map((s) => Buffer.from(s, 'latin1'));

async function expectClean(bytes: Buffer) {
  const meta = await sharp(bytes).metadata();
  expect(meta.exif).toBeUndefined();
  expect(meta.xmp).toBeUndefined();
  for (const trace of traces) expect(bytes.includes(trace), trace.toString('latin1')).toBe(false);
  return meta;
}

describe('photos in formats a browser may not show', () => {
  it('turns a HEIC photo into a JPEG without its GPS, camera or XMP data', async () => {
    expect(heicFixture.includes(Buffer.from('ParleyCam'))).toBe(true);
    expect(heicFixture.includes(Buffer.from(XMP_CREATOR))).toBe(true);
    const alice = await signedIn(server.url);
    const { status, body } = await uploadFile(server.url, alice.token, heicFixture, 'IMG_0001.HEIC');
    expect(status).toBe(201);
    expect(body.attachment).toMatchObject({
      kind: 'image',
      mime: 'image/jpeg',
      name: 'IMG_0001.jpg',
      width: 96,
      height: 64,
      thumb: { width: 96, height: 64 },
    });
    const { headers, bytes } = await download(body.attachment.url, alice.token);
    expect(headers.get('content-type')).toBe('image/jpeg');
    expect(headers.get('content-disposition')).toMatch(/^inline; filename="IMG_0001.jpg"/);
    const meta = await expectClean(bytes);
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 96, 64]);
    // Still the picture that was sent: red top-left, green bottom-right.
    const { data } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(180);
    expect(data[data.length - 2]).toBeGreaterThan(120);
    const thumb = await download(body.attachment.thumbUrl!, alice.token);
    expect((await sharp(thumb.bytes).metadata()).format).toBe('webp');
  });

  it('turns a TIFF photo into a PNG without its EXIF, GPS or XMP', async () => {
    const original = fixture('gps.tiff');
    // In a TIFF the camera and GPS tags sit in the image's own directories (sharp reports no
    // separate EXIF block); the fixture's README lists what exiftool put there.
    expect(original.includes(Buffer.from('ParleyCam'))).toBe(true);
    expect((await sharp(original).metadata()).xmp).toBeDefined();
    const alice = await signedIn(server.url);
    const { status, body } = await uploadFile(server.url, alice.token, original, 'scan.tiff');
    expect(status).toBe(201);
    expect(body.attachment).toMatchObject({
      kind: 'image',
      mime: 'image/png',
      name: 'scan.png',
      width: 90,
      height: 60,
    });
    const { headers, bytes } = await download(body.attachment.url, alice.token);
    expect(headers.get('content-type')).toBe('image/png');
    const meta = await expectClean(bytes);
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 90, 60]);
  });

  it('keeps an animated PNG animated and drops its EXIF, XMP and text chunks', async () => {
    const original = await apngWithMetadata(40, 30);
    expect(original.includes(Buffer.from('ParleyCam'))).toBe(true);
    const alice = await signedIn(server.url);
    const { status, body } = await uploadFile(server.url, alice.token, original, 'loop.png');
    expect(status).toBe(201);
    expect(body.attachment).toMatchObject({ kind: 'image', mime: 'image/apng', width: 40, height: 30 });
    const { headers, bytes } = await download(body.attachment.url, alice.token);
    expect(headers.get('content-type')).toBe('image/apng');
    await expectClean(bytes);
    for (const chunk of ['eXIf', 'iTXt', 'tEXt'])
      expect(bytes.includes(Buffer.from(chunk)), chunk).toBe(false);
    for (const chunk of ['acTL', 'fcTL', 'fdAT'])
      expect(bytes.includes(Buffer.from(chunk)), chunk).toBe(true);
  });

  it('refuses image types that can carry a location but cannot be cleaned, saying why', async () => {
    const alice = await signedIn(server.url);
    for (const [name, make] of Object.entries(uncleanableImages)) {
      const { status, body } = await uploadFile(server.url, alice.token, make(), name);
      expect(status, name).toBe(400);
      expect(body.code, name).toBe('bad_request');
      expect(body.detail, name).toMatch(/metadata|location/);
    }
  });

  it('keeps a BMP, which has no place for metadata, as a download', async () => {
    const alice = await signedIn(server.url);
    const { status, body } = await uploadFile(server.url, alice.token, bmp(), 'pixel.bmp');
    expect(status).toBe(201);
    expect(body.attachment.kind).toBe('file');
    const { headers, bytes } = await download(body.attachment.url, alice.token);
    expect(headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(bytes.equals(bmp())).toBe(true);
  });

  it('refuses a broken or oversized HEIC with 400, before decoding it whole', async () => {
    const alice = await signedIn(server.url);
    const truncated = heicFixture.subarray(0, Math.floor(heicFixture.length / 2));
    const broken = await uploadFile(server.url, alice.token, truncated, 'half.heic');
    expect(broken.status).toBe(400);
    expect(broken.body.detail).toMatch(/could not be read/);

    // The same photo claiming 20000×20000 pixels in its `ispe` header: a decompression bomb.
    const bomb = Buffer.from(heicFixture);
    const ispe = bomb.indexOf(Buffer.from('ispe'));
    bomb.writeUInt32BE(20_000, ispe + 8);
    bomb.writeUInt32BE(20_000, ispe + 12);
    const refused = await uploadFile(server.url, alice.token, bomb, 'bomb.heic');
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/megapixels/);

    // Still working afterwards.
    expect((await uploadFile(server.url, alice.token, heicFixture, 'again.heic')).status).toBe(201);
  });
});
