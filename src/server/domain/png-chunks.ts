/**
 * Cleaning a PNG (animated or not) without decoding it: only the chunks needed to draw its
 * frames are kept, in order; everything else — EXIF (`eXIf`), XMP and comments (`iTXt`, `tEXt`,
 * `zTXt`), timestamps, private chunks — and any bytes after `IEND` are dropped. Used for
 * animated PNGs, whose frames libvips cannot read.
 */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Drawing chunks of PNG and APNG. An ICC profile (`iCCP`) stays: colours depend on it. */
const KEPT = new Set([
  'IHDR',
  'PLTE',
  'IDAT',
  'IEND',
  'tRNS',
  'cHRM',
  'gAMA',
  'iCCP',
  'sBIT',
  'sRGB',
  'cICP',
  'bKGD',
  'pHYs',
  'acTL',
  'fcTL',
  'fdAT',
]);

export interface CleanedPng {
  png: Buffer;
  width: number;
  height: number;
  /** 1 for a still PNG. */
  frames: number;
}

export class PngError extends Error {}

export function stripPngMetadata(input: Buffer): CleanedPng {
  if (input.length < SIGNATURE.length || !input.subarray(0, 8).equals(SIGNATURE))
    throw new PngError('not a PNG');
  const kept: Buffer[] = [SIGNATURE];
  let width = 0;
  let height = 0;
  let declaredFrames = 1;
  let frameControls = 0;
  for (let at = 8; ; ) {
    if (at + 12 > input.length) throw new PngError('the file ends inside a chunk');
    const length = input.readUInt32BE(at);
    const type = input.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (length > 0x7fffffff || end > input.length) throw new PngError(`chunk ${type} runs past the end`);
    if (at === 8) {
      if (type !== 'IHDR' || length !== 13) throw new PngError('the first chunk is not IHDR');
      width = input.readUInt32BE(at + 8);
      height = input.readUInt32BE(at + 12);
    }
    if (type === 'acTL' && length >= 8) declaredFrames = input.readUInt32BE(at + 8);
    if (type === 'fcTL') frameControls++;
    if (KEPT.has(type)) kept.push(input.subarray(at, end));
    if (type === 'IEND') break;
    at = end;
  }
  if (width === 0 || height === 0) throw new PngError('the image has no size');
  // What a browser may end up decoding: the frames announced or the frames present, whichever
  // is more, so a pixel budget cannot be dodged by understating either.
  const frames = Math.max(1, declaredFrames, frameControls);
  return { png: Buffer.concat(kept), width, height, frames };
}
