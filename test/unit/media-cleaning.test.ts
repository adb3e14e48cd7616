import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { supportedMimeTypes } from 'file-type';
import { describe, expect, it } from 'vitest';
import { defaultMinFreeBytes, loadConfig } from '../../src/server/config.js';
import { IMAGE_PLANS, imagePlan, withExtension } from '../../src/server/domain/media.js';
import { PngError, stripPngMetadata } from '../../src/server/domain/png-chunks.js';
import { checkFreeSpace } from '../../src/server/store/disk-space.js';
import { isOutOfSpace } from '../../src/server/store/errors.js';
import { apngWithMetadata, image } from '../helpers/media.js';

/** Image types whose formats have no place for EXIF, XMP or GPS: they may stay downloads. */
const NO_METADATA = ['image/bmp', 'image/ktx', 'image/vnd.dwg'];

describe('what happens to each image type', () => {
  it('has a decision for every image type file-type can detect', () => {
    const images = [...supportedMimeTypes].filter((mime) => mime.startsWith('image/'));
    expect(images.length).toBeGreaterThan(30);
    // A new type in a file-type update fails here until someone decides what to do with it.
    const undecided = images.filter((mime) => !IMAGE_PLANS[mime] && !NO_METADATA.includes(mime));
    expect(undecided).toEqual([]);
    for (const mime of NO_METADATA) expect(imagePlan(mime), mime).toBeNull();
  });

  it('converts HEIC and TIFF, refuses raw and editor files, leaves the rest alone', () => {
    expect(imagePlan('image/heic')).toEqual({ action: 'convert', decoder: 'heif' });
    expect(imagePlan('image/tiff')).toEqual({ action: 'convert', decoder: 'tiff' });
    expect(imagePlan('image/apng')).toEqual({ action: 'strip-chunks' });
    expect(imagePlan('image/jpeg')).toEqual({ action: 'reencode' });
    for (const mime of ['image/x-sony-arw', 'image/vnd.adobe.photoshop', 'image/jxl']) {
      const plan = imagePlan(mime);
      expect(plan?.action, mime).toBe('refuse');
      expect(plan?.action === 'refuse' && plan.message, mime).toMatch(/metadata/);
    }
    for (const mime of [undefined, '', 'application/pdf', 'image/svg+xml', 'text/html'])
      expect(imagePlan(mime), String(mime)).toBeNull();
  });

  it('names a converted file by what it is now', () => {
    expect(withExtension('IMG_0001.HEIC', 'jpg')).toBe('IMG_0001.jpg');
    expect(withExtension('scan.final.tiff', 'png')).toBe('scan.final.png');
    expect(withExtension('photo', 'jpg')).toBe('photo.jpg');
    expect(withExtension('.heic', 'jpg')).toBe('.heic.jpg');
  });
});

describe('cleaning an animated PNG', () => {
  it('keeps the drawing chunks in order and drops metadata and trailing bytes', async () => {
    const original = await apngWithMetadata(40, 30);
    const withTail = Buffer.concat([original, Buffer.from('<script>alert(1)</script>')]);
    const { png, width, height, frames } = stripPngMetadata(withTail);
    expect([width, height, frames]).toEqual([40, 30, 2]);
    for (const gone of ['eXIf', 'iTXt', 'tEXt', 'ParleyCam', '<script>'])
      expect(png.includes(Buffer.from(gone)), gone).toBe(false);
    expect(png.subarray(-8, -4).toString('latin1')).toBe('IEND');
    const order = ['IHDR', 'acTL', 'fcTL', 'IDAT', 'fdAT', 'IEND'].map((c) => png.indexOf(Buffer.from(c)));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('refuses what is not a whole PNG', async () => {
    const png = await image('png');
    const ihdrFirst = Buffer.from(png);
    ihdrFirst.write('IHDX', 12, 'latin1');
    const overlong = Buffer.from(png);
    overlong.writeUInt32BE(0x7ffffff0, 8 + 8 + 13 + 4);
    for (const [why, bytes] of [
      ['empty', Buffer.alloc(0)],
      ['not a PNG', Buffer.from('GIF89a................')],
      ['cut off', png.subarray(0, png.length - 20)],
      ['no IHDR first', ihdrFirst],
      ['a chunk past the end', overlong],
    ] as const) {
      expect(() => stripPngMetadata(bytes), why).toThrow(PngError);
    }
  });
});

describe('running out of space', () => {
  it('recognises a full disk, quota or file-size limit, also as the cause of a failed batch', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'EFBIG', 'SQLITE_FULL', '53100'])
      expect(isOutOfSpace(Object.assign(new Error(code), { code })), code).toBe(true);
    const batch = new Error('the database write failed', {
      cause: Object.assign(new Error(), { code: 'SQLITE_FULL' }),
    });
    expect(isOutOfSpace(batch)).toBe(true);
    for (const other of [
      new Error('x'),
      { code: 'ENOENT' },
      { code: 'EACCES' },
      null,
      undefined,
      'ENOSPC',
      28,
    ])
      expect(isOutOfSpace(other), String(other)).toBe(false);
  });

  it('checks DATA_DIR against a threshold and names the disk when short', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-disk-'));
    await expect(checkFreeSpace(dir, 0)).resolves.toBeUndefined();
    await expect(checkFreeSpace(dir, Number.MAX_SAFE_INTEGER)).rejects.toThrow(
      /disk nearly full: .* free in DATA_DIR/,
    );
    await expect(checkFreeSpace(path.join(dir, 'missing'), 0)).rejects.toThrow(/ENOENT/);
  });

  it('configures the readiness threshold, by default from the upload limit', () => {
    expect(loadConfig({}, '/srv').diskMinFreeBytes).toBe(4 * 8 * 1024 * 1024 + 64 * 1024 * 1024);
    expect(loadConfig({ UPLOAD_MAX_BYTES: '1048576' }, '/srv').diskMinFreeBytes).toBe(
      defaultMinFreeBytes(1048576),
    );
    expect(loadConfig({ DISK_MIN_FREE_BYTES: '0' }, '/srv').diskMinFreeBytes).toBe(0);
    expect(loadConfig({ DISK_MIN_FREE_BYTES: '500000000' }, '/srv').diskMinFreeBytes).toBe(500_000_000);
    for (const bad of ['-1', 'lots', '1.5'])
      expect(() => loadConfig({ DISK_MIN_FREE_BYTES: bad }, '/srv'), bad).toThrow(/DISK_MIN_FREE_BYTES/);
  });
});
