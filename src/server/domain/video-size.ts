/*
 * The display size of a video, read from its container, so that clients can reserve the
 * player's space before a byte of it loads (a chat list that jumps when a video above the
 * newest message takes its size is hard to read).
 *
 * Only the headers are read, through `readAt`, never the whole file: in MP4 the `moov` box
 * that describes the tracks may sit after megabytes of media data. Anything unexpected gives
 * `null`; a size is a nicety, never a reason to refuse an upload.
 */

export interface VideoSize {
  width: number;
  height: number;
}

/** Reads up to `length` bytes at `offset` (fewer at the end of the file). */
export type ReadAt = (offset: number, length: number) => Promise<Buffer>;

const MAX_SIDE = 16_384;
/** Enough for the `moov` box of any video within the upload limit we allow. */
const MAX_MOOV_BYTES = 16 * 1024 * 1024;
/** WebM puts its Tracks before the first Cluster, within the first few kilobytes. */
const WEBM_HEAD_BYTES = 256 * 1024;

export async function videoSize(mime: string, fileSize: number, readAt: ReadAt): Promise<VideoSize | null> {
  if (mime === 'video/mp4') return mp4Size(fileSize, readAt);
  if (mime === 'video/webm') return webmSize(await readAt(0, Math.min(fileSize, WEBM_HEAD_BYTES)));
  return null;
}

function plausible(width: number, height: number): VideoSize | null {
  const ok = (side: number) => Number.isInteger(side) && side > 0 && side <= MAX_SIDE;
  return ok(width) && ok(height) ? { width, height } : null;
}

// --- MP4 (ISO base media file format) ----------------------------------------------------------

interface Box {
  type: string;
  /** Offset of the payload, after the box header. */
  start: number;
  end: number;
}

/**
 * The box whose header starts at `offset` in `buffer`, if it is well formed and ends by `to`.
 * `to` may lie beyond the buffer when only the header was read.
 */
function boxAt(buffer: Buffer, offset: number, to: number): Box | null {
  if (offset + 8 > buffer.length) return null;
  let size = buffer.readUInt32BE(offset);
  let header = 8;
  if (size === 1) {
    // A 64-bit size follows the type.
    if (offset + 16 > buffer.length) return null;
    size = Number(buffer.readBigUInt64BE(offset + 8));
    header = 16;
  } else if (size === 0) {
    size = to - offset; // to the end
  }
  if (size < header || offset + size > to) return null;
  return {
    type: buffer.toString('latin1', offset + 4, offset + 8),
    start: offset + header,
    end: offset + size,
  };
}

/** The boxes inside `buffer[from, to)`, stopping at the first malformed one. */
function* boxes(buffer: Buffer, from: number, to: number): Generator<Box> {
  for (let box = boxAt(buffer, from, to); box; box = boxAt(buffer, box.end, to)) yield box;
}

async function mp4Size(fileSize: number, readAt: ReadAt): Promise<VideoSize | null> {
  // Walk the top-level boxes by their headers alone until `moov`.
  let offset = 0;
  for (let count = 0; count < 1000; count++) {
    const box = boxAt(await readAt(offset, 16), 0, fileSize - offset);
    if (!box) return null;
    if (box.type === 'moov') {
      if (box.end > MAX_MOOV_BYTES) return null;
      const moov = await readAt(offset, box.end);
      return moov.length === box.end ? moovSize(moov, box) : null;
    }
    offset += box.end;
  }
  return null;
}

/** The first video track's size as displayed (after the track's rotation). */
function moovSize(buffer: Buffer, moov: Box): VideoSize | null {
  for (const trak of boxes(buffer, moov.start, moov.end)) {
    if (trak.type !== 'trak') continue;
    let size: VideoSize | null = null;
    let isVideo = false;
    for (const child of boxes(buffer, trak.start, trak.end)) {
      if (child.type === 'tkhd') size = trackHeaderSize(buffer, child);
      if (child.type === 'mdia') isVideo = handlerOf(buffer, child) === 'vide';
    }
    if (isVideo && size) return size;
  }
  return null;
}

function trackHeaderSize(buffer: Buffer, tkhd: Box): VideoSize | null {
  // Version 1 has 64-bit times and duration: everything after them sits 12 bytes later.
  const version = buffer[tkhd.start];
  const matrix = tkhd.start + (version === 1 ? 52 : 40);
  if (matrix + 44 > tkhd.end) return null;
  const a = buffer.readInt32BE(matrix);
  const d = buffer.readInt32BE(matrix + 16);
  const width = Math.round(buffer.readUInt32BE(matrix + 36) / 65536);
  const height = Math.round(buffer.readUInt32BE(matrix + 40) / 65536);
  // A phone held upright records landscape frames and a 90° rotation in the matrix.
  const quarterTurn = a === 0 && d === 0;
  return quarterTurn ? plausible(height, width) : plausible(width, height);
}

function handlerOf(buffer: Buffer, mdia: Box): string | null {
  for (const box of boxes(buffer, mdia.start, mdia.end)) {
    // hdlr: version and flags (4), pre_defined (4), handler_type (4).
    if (box.type === 'hdlr' && box.start + 12 <= box.end) {
      return buffer.toString('latin1', box.start + 8, box.start + 12);
    }
  }
  return null;
}

// --- WebM (Matroska / EBML) ---------------------------------------------------------------------

const EBML = {
  segment: 0x18538067,
  tracks: 0x1654ae6b,
  cluster: 0x1f43b675,
  trackEntry: 0xae,
  trackType: 0x83,
  video: 0xe0,
  pixelWidth: 0xb0,
  pixelHeight: 0xba,
  displayWidth: 0x54b0,
  displayHeight: 0x54ba,
  displayUnit: 0x54b2,
} as const;
const VIDEO_TRACK = 1;

interface Element {
  id: number;
  start: number;
  /** Unknown-size elements (live recordings) run to the end of what we have. */
  end: number;
  /** False when the element runs past what was read: fine for a container, not for a value. */
  whole: boolean;
}

/** A variable-length integer: its length is told by the leading zero bits of the first byte. */
function vint(buffer: Buffer, offset: number, keepMarker: boolean): { value: number; length: number } | null {
  const first = buffer[offset];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (offset + length > buffer.length || length > 8) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const byte = buffer[offset + i]!;
    value = value * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  return { value: !keepMarker && allOnes ? -1 : value, length };
}

function* elements(buffer: Buffer, from: number, to: number): Generator<Element> {
  let offset = from;
  while (offset < to) {
    const id = vint(buffer, offset, true);
    if (!id || id.length > 4) return;
    const size = vint(buffer, offset + id.length, false);
    if (!size) return;
    const start = offset + id.length + size.length;
    const end = size.value === -1 ? to : Math.min(start + size.value, to);
    yield { id: id.value, start, end, whole: size.value !== -1 && start + size.value <= to };
    if (size.value === -1) return;
    offset = end;
  }
}

function uint(buffer: Buffer, element: Element): number {
  if (!element.whole) return Number.NaN;
  let value = 0;
  for (let i = element.start; i < element.end && i < element.start + 6; i++) value = value * 256 + buffer[i]!;
  return value;
}

function webmSize(buffer: Buffer): VideoSize | null {
  for (const top of elements(buffer, 0, buffer.length)) {
    if (top.id !== EBML.segment) continue;
    for (const child of elements(buffer, top.start, top.end)) {
      if (child.id === EBML.cluster) return null;
      if (child.id !== EBML.tracks) continue;
      for (const entry of elements(buffer, child.start, child.end)) {
        if (entry.id !== EBML.trackEntry) continue;
        const size = videoTrackSize(buffer, entry);
        if (size) return size;
      }
    }
  }
  return null;
}

function videoTrackSize(buffer: Buffer, entry: Element): VideoSize | null {
  let type = 0;
  let video: Element | undefined;
  for (const field of elements(buffer, entry.start, entry.end)) {
    if (field.id === EBML.trackType) type = uint(buffer, field);
    if (field.id === EBML.video) video = field;
  }
  if (type !== VIDEO_TRACK || !video) return null;
  const values = new Map<number, number>();
  for (const field of elements(buffer, video.start, video.end)) values.set(field.id, uint(buffer, field));
  const pixels = plausible(values.get(EBML.pixelWidth) ?? 0, values.get(EBML.pixelHeight) ?? 0);
  // Display size, when given in pixels (unit 0, the default), is how the video is meant to look.
  const inPixels = (values.get(EBML.displayUnit) ?? 0) === 0;
  const display = inPixels
    ? plausible(values.get(EBML.displayWidth) ?? 0, values.get(EBML.displayHeight) ?? 0)
    : null;
  return display ?? pixels;
}
