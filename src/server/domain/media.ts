/**
 * What Parley shows inline and how files are named. The type always comes from the bytes
 * (file-type); only these types are ever rendered by the browser, everything else is a
 * download. SVG and HTML are never inline: they can carry script.
 */
export type AttachmentKind = 'image' | 'video' | 'audio' | 'file';

export const INLINE_TYPES: Record<string, Exclude<AttachmentKind, 'file'>> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/gif': 'image',
  'image/webp': 'image',
  'image/avif': 'image',
  'image/apng': 'image',
  'video/mp4': 'video',
  'video/webm': 'video',
  'video/ogg': 'video',
  'audio/mpeg': 'audio',
  'audio/ogg': 'audio',
  'audio/opus': 'audio',
  'audio/wav': 'audio',
  'audio/x-wav': 'audio',
  'audio/flac': 'audio',
  'audio/x-flac': 'audio',
  'audio/aac': 'audio',
  'audio/mp4': 'audio',
  'audio/x-m4a': 'audio',
};

export function classify(detectedMime: string | undefined): { kind: AttachmentKind; mime: string } {
  if (detectedMime && INLINE_TYPES[detectedMime])
    return { kind: INLINE_TYPES[detectedMime]!, mime: detectedMime };
  return { kind: 'file', mime: detectedMime ?? 'application/octet-stream' };
}

/**
 * What is done to each image type file-type can detect before it is stored, so that no photo
 * keeps its location or other personal metadata (docs/protocol.md §11 has the table):
 * - `reencode`: sharp decodes it and writes the same format with no metadata;
 * - `convert`: decoded (HEIC/HEIF by libheif, TIFF by sharp) and written as a JPEG or PNG that
 *   browsers show, with no metadata — the stored type and the name's extension change;
 * - `strip-chunks`: an animated PNG keeps its frames and loses every chunk not needed to draw
 *   them (libvips would keep only the first frame);
 * - `refuse`: it can carry EXIF/XMP/GPS and nothing here can clean it.
 * Image types not listed cannot carry such metadata and stay downloads, stored as sent.
 */
export type ImagePlan =
  | { action: 'reencode' }
  | { action: 'convert'; decoder: 'heif' | 'tiff' }
  | { action: 'strip-chunks' }
  | { action: 'refuse'; message: string };

const cannotClean = (what: string, instead = 'a JPEG or PNG') =>
  `${what} can carry metadata such as the place a photo was taken, which Parley cannot remove: send ${instead} instead`;

const RAW = cannotClean('camera raw files', 'a JPEG exported from it');
const EDITOR = cannotClean('image editor files (PSD, XCF)', 'an exported PNG or JPEG');

export const IMAGE_PLANS: Record<string, ImagePlan> = {
  'image/jpeg': { action: 'reencode' },
  'image/png': { action: 'reencode' },
  'image/gif': { action: 'reencode' },
  'image/webp': { action: 'reencode' },
  'image/avif': { action: 'reencode' },
  'image/apng': { action: 'strip-chunks' },
  'image/heic': { action: 'convert', decoder: 'heif' },
  'image/heif': { action: 'convert', decoder: 'heif' },
  'image/heic-sequence': { action: 'convert', decoder: 'heif' },
  'image/heif-sequence': { action: 'convert', decoder: 'heif' },
  'image/tiff': { action: 'convert', decoder: 'tiff' },
  'image/x-adobe-dng': { action: 'refuse', message: RAW },
  'image/x-canon-cr2': { action: 'refuse', message: RAW },
  'image/x-canon-cr3': { action: 'refuse', message: RAW },
  'image/x-fujifilm-raf': { action: 'refuse', message: RAW },
  'image/x-nikon-nef': { action: 'refuse', message: RAW },
  'image/x-olympus-orf': { action: 'refuse', message: RAW },
  'image/x-panasonic-rw2': { action: 'refuse', message: RAW },
  'image/x-sony-arw': { action: 'refuse', message: RAW },
  'image/vnd.adobe.photoshop': { action: 'refuse', message: EDITOR },
  'image/x-xcf': { action: 'refuse', message: EDITOR },
  'image/jxl': { action: 'refuse', message: cannotClean('JPEG XL images') },
  'image/jp2': { action: 'refuse', message: cannotClean('JPEG 2000 images') },
  'image/jpx': { action: 'refuse', message: cannotClean('JPEG 2000 images') },
  'image/jpm': { action: 'refuse', message: cannotClean('JPEG 2000 images') },
  'image/mj2': { action: 'refuse', message: cannotClean('Motion JPEG 2000 files') },
  'image/j2c': { action: 'refuse', message: cannotClean('JPEG 2000 images') },
  'image/jls': { action: 'refuse', message: cannotClean('JPEG-LS images') },
  'image/vnd.ms-photo': { action: 'refuse', message: cannotClean('JPEG XR images') },
  'image/bpg': { action: 'refuse', message: cannotClean('BPG images') },
  'image/flif': { action: 'refuse', message: cannotClean('FLIF images') },
  // Icons hold PNG images, and a PNG can hold EXIF and XMP chunks.
  'image/x-icon': { action: 'refuse', message: cannotClean('icon files', 'a PNG') },
  'image/icns': { action: 'refuse', message: cannotClean('icon files', 'a PNG') },
};

/** The plan for a detected type; null when it is not an image that could carry metadata. */
export function imagePlan(detectedMime: string | undefined): ImagePlan | null {
  return (detectedMime && IMAGE_PLANS[detectedMime]) || null;
}

/** A converted file's name: the user's name with the extension of what is stored now. */
export function withExtension(name: string, extension: string): string {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return `${stem}.${extension}`;
}

/** The type a file is served with: its real type when shown inline, a neutral one otherwise. */
export function servedType(kind: AttachmentKind, mime: string): string {
  return kind === 'file' ? 'application/octet-stream' : mime;
}

const MAX_NAME_LENGTH = 120;

/**
 * A display name for an uploaded file: no directory parts, no control or bidi characters,
 * nothing a shell or a header would trip over, bounded length, never empty.
 */
export function sanitiseFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    .replace(/[\u0000-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g, '')
    .replace(/["<>|:*?]/g, '_')
    .replace(/^\.+/, '')
    .trim();
  const chars = [...cleaned];
  if (chars.length === 0) return 'file';
  if (chars.length <= MAX_NAME_LENGTH) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
  return chars.slice(0, MAX_NAME_LENGTH - ext.length).join('') + ext;
}

/** RFC 6266 Content-Disposition with an ASCII fallback and the UTF-8 name. */
export function contentDisposition(kind: AttachmentKind, name: string): string {
  const disposition = kind === 'file' ? 'attachment' : 'inline';
  const ascii = name.replace(/[^\x20-\x7E]/g, '_').replace(/["\\]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Parses a single `bytes=` range; null when absent, 'invalid' when unsatisfiable. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Multiple ranges or other units: ignoring the header (a full 200) is allowed and simpler.
  if (!match) return null;
  if (match[1] === '' && match[2] === '') return 'invalid';
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'invalid';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) return 'invalid';
  return { start, end };
}
