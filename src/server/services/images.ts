import { readFile } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { DomainError } from '../domain/errors.js';
import type { ImagePlan } from '../domain/media.js';
import { stripPngMetadata } from '../domain/png-chunks.js';
import { decodeHeif } from './heif.js';

/**
 * Images are cleaned before they are stored: decoded and written again with no metadata (EXIF
 * with its GPS position, XMP, comments) and nothing after the picture, or for animated PNGs
 * stripped to their drawing chunks. Everything here works in memory and returns bytes, so that
 * a failure here is always the image's fault (a 400) and writing the results, where a full disk
 * shows, stays with the caller.
 */

const THUMB_BOX = 480;
// A decompression bomb guard: 40 megapixels is far beyond any photo a chat needs.
export const MAX_INPUT_PIXELS = 40_000_000;

export interface CleanedImage {
  /** What is stored now: the type changes when a format browsers cannot show is converted. */
  mime: string;
  /** The file name's new extension after a conversion; null when the type stays. */
  extension: string | null;
  data: Buffer;
  width: number;
  height: number;
  thumb: { data: Buffer; width: number; height: number };
}

export async function cleanImage(
  source: string,
  mime: string,
  plan: Exclude<ImagePlan, { action: 'refuse' }>,
  maxBytes: number,
): Promise<CleanedImage> {
  try {
    const cleaned =
      plan.action === 'reencode'
        ? await reencode(source, mime)
        : plan.action === 'strip-chunks'
          ? await stripChunks(source)
          : plan.decoder === 'heif'
            ? await convertHeif(source, maxBytes)
            : await convertTiff(source, maxBytes);
    const thumb = await sharp(cleaned.data, { limitInputPixels: MAX_INPUT_PIXELS })
      .resize(THUMB_BOX, THUMB_BOX, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer({ resolveWithObject: true });
    return { ...cleaned, thumb: { data: thumb.data, width: thumb.info.width, height: thumb.info.height } };
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const reason = (error as Error).message.split('\n')[0] ?? '';
    if (/pixel limit|megapixels/i.test(reason))
      throw new DomainError(
        'bad_request',
        `images are limited to ${MAX_INPUT_PIXELS / 1e6} megapixels (${reason})`,
      );
    throw new DomainError('bad_request', `that image could not be read (${reason})`);
  }
}

type Cleaned = Omit<CleanedImage, 'thumb'>;

async function reencode(source: string, mime: string): Promise<Cleaned> {
  const animated = mime === 'image/gif' || mime === 'image/webp';
  // rotate() with no angle applies the EXIF orientation; sharp writes no metadata unless
  // asked to, so EXIF (GPS included), XMP and ICC comments are gone from the stored file.
  const encoder = sharp(source, { animated, limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).rotate();
  const output =
    mime === 'image/jpeg'
      ? encoder.jpeg({ quality: 88, mozjpeg: true })
      : mime === 'image/png'
        ? encoder.png()
        : mime === 'image/gif'
          ? encoder.gif()
          : mime === 'image/avif'
            ? encoder.avif()
            : encoder.webp({ quality: 88 });
  const data = await output.toBuffer();
  const meta = await sharp(data, { animated }).metadata();
  return { mime, extension: null, data, width: meta.width ?? 0, height: meta.pageHeight ?? meta.height ?? 0 };
}

/** An animated PNG keeps its frames; its size is checked against the pixel budget first. */
async function stripChunks(source: string): Promise<Cleaned> {
  const { png, width, height, frames } = stripPngMetadata(await readFile(source));
  if (width * height * frames > MAX_INPUT_PIXELS)
    throw new DomainError(
      'bad_request',
      `images are limited to ${MAX_INPUT_PIXELS / 1e6} megapixels (${frames} frames of ${width}×${height})`,
    );
  // Decodes the first frame, so a PNG that browsers could not draw is refused here.
  await sharp(png, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).stats();
  return { mime: 'image/apng', extension: null, data: png, width, height };
}

/** HEIC/HEIF → JPEG (PNG when it has transparency); libheif applies its rotation and mirroring. */
async function convertHeif(source: string, maxBytes: number): Promise<Cleaned> {
  const { width, height, rgba } = await decodeHeif(await readFile(source), MAX_INPUT_PIXELS);
  const pixels = () => sharp(rgba, { raw: { width, height, channels: 4 } });
  return encodePhoto(pixels, width, height, maxBytes, { preferJpeg: true });
}

/** TIFF → PNG (lossless, like the TIFF), or JPEG when an opaque photo's PNG would be huge. */
async function convertTiff(source: string, maxBytes: number): Promise<Cleaned> {
  // Only the first page of a multi-page TIFF; rotate() applies its orientation tag.
  const pixels = () => sharp(source, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).rotate();
  const meta = await pixels().metadata();
  const quarterTurn = (meta.orientation ?? 1) >= 5;
  const [width, height] = quarterTurn ? [meta.height, meta.width] : [meta.width, meta.height];
  return encodePhoto(pixels, width, height, maxBytes, { preferJpeg: false });
}

async function encodePhoto(
  pixels: () => Sharp,
  width: number,
  height: number,
  maxBytes: number,
  { preferJpeg }: { preferJpeg: boolean },
): Promise<Cleaned> {
  const { channels } = await pixels().metadata();
  const opaque = channels === 3 || channels === 1 || (await pixels().stats()).isOpaque;
  const jpeg = async (): Promise<Cleaned> => ({
    mime: 'image/jpeg',
    extension: 'jpg',
    data: await pixels().removeAlpha().jpeg({ quality: 88, mozjpeg: true }).toBuffer(),
    width,
    height,
  });
  if (preferJpeg && opaque) return jpeg();
  const png = await pixels().png().toBuffer();
  // A photo kept losslessly can be many times the size it was sent at; an opaque one does not
  // need that.
  if (opaque && png.length > maxBytes) return jpeg();
  return { mime: 'image/png', extension: 'png', data: png, width, height };
}
