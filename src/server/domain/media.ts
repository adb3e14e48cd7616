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
