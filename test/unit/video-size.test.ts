import { describe, expect, it } from 'vitest';
import { type ReadAt, videoSize } from '../../src/server/domain/video-size.js';

// Containers built box by box after ISO/IEC 14496-12 and the Matroska/EBML specification;
// the browser tests (test/e2e/media.e2e.test.ts) read a real WebM and a real (fragmented) MP4
// recorded by Chromium.

function readerOf(file: Buffer): { readAt: ReadAt; bytesRead: () => number } {
  let total = 0;
  return {
    readAt: async (offset, length) => {
      const chunk = file.subarray(offset, offset + length);
      total += chunk.length;
      return chunk;
    },
    bytesRead: () => total,
  };
}

const sizeOf = (mime: string, file: Buffer) => videoSize(mime, file.length, readerOf(file).readAt);

// --- MP4 --------------------------------------------------------------------------------------

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

/** A box with a 64-bit size (size field 1), as large files use. */
function largeBox(type: string, payload: Buffer): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1);
  header.write(type, 4, 'latin1');
  header.writeBigUInt64BE(BigInt(16 + payload.length), 8);
  return Buffer.concat([header, payload]);
}

const IDENTITY = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];
const QUARTER_TURN = [0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000];

function tkhd(width: number, height: number, { version = 0, matrix = IDENTITY } = {}): Buffer {
  const times = version === 1 ? 8 + 8 + 4 + 4 + 8 : 4 + 4 + 4 + 4 + 4;
  const body = Buffer.alloc(4 + times + 8 + 8 + 36 + 8);
  body[0] = version;
  let offset = 4 + times + 8 + 8;
  for (const value of matrix) {
    body.writeInt32BE(value, offset);
    offset += 4;
  }
  body.writeUInt32BE(width * 65536, offset);
  body.writeUInt32BE(height * 65536, offset + 4);
  return box('tkhd', body);
}

function hdlr(handler: 'vide' | 'soun'): Buffer {
  const body = Buffer.alloc(4 + 4 + 4 + 12 + 1);
  body.write(handler, 8, 'latin1');
  return box('hdlr', body);
}

const trak = (header: Buffer, handler: 'vide' | 'soun') =>
  box('trak', header, box('mdia', box('mdhd', Buffer.alloc(24)), hdlr(handler)));
const ftyp = box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2avc1mp41', 'latin1'));
const mdat = (bytes: number) => box('mdat', Buffer.alloc(bytes, 0x55));

describe('video size from an MP4', () => {
  it('reads the video track of a file whose moov follows the media data', async () => {
    const moov = box(
      'moov',
      box('mvhd', Buffer.alloc(100)),
      trak(tkhd(0, 0), 'soun'),
      trak(tkhd(1280, 720), 'vide'),
    );
    const file = Buffer.concat([ftyp, mdat(3 * 1024 * 1024), moov]);
    const reader = readerOf(file);
    expect(await videoSize('video/mp4', file.length, reader.readAt)).toEqual({ width: 1280, height: 720 });
    // Box headers and the moov only, not the megabytes of media in between.
    expect(reader.bytesRead()).toBeLessThan(moov.length + 64);
  });

  it('reads version-1 track headers and 64-bit box sizes', async () => {
    const moov = box('moov', trak(tkhd(3840, 2160, { version: 1 }), 'vide'));
    expect(
      await sizeOf('video/mp4', Buffer.concat([ftyp, largeBox('mdat', Buffer.alloc(4096)), moov])),
    ).toEqual({
      width: 3840,
      height: 2160,
    });
  });

  it('applies a quarter-turn rotation, as phones record portrait video', async () => {
    const moov = box('moov', trak(tkhd(1920, 1080, { matrix: QUARTER_TURN }), 'vide'));
    expect(await sizeOf('video/mp4', Buffer.concat([ftyp, moov, mdat(100)]))).toEqual({
      width: 1080,
      height: 1920,
    });
  });

  it('gives null for audio only, no moov, a truncated moov, or nonsense sizes', async () => {
    const audioOnly = box('moov', trak(tkhd(0, 0), 'soun'));
    expect(await sizeOf('video/mp4', Buffer.concat([ftyp, audioOnly]))).toBeNull();
    expect(await sizeOf('video/mp4', Buffer.concat([ftyp, mdat(1000)]))).toBeNull();
    const whole = Buffer.concat([ftyp, box('moov', trak(tkhd(640, 480), 'vide'))]);
    expect(await sizeOf('video/mp4', whole.subarray(0, whole.length - 30))).toBeNull();
    const huge = box('moov', trak(tkhd(60_000, 480), 'vide'));
    expect(await sizeOf('video/mp4', Buffer.concat([ftyp, huge]))).toBeNull();
    expect(await sizeOf('video/mp4', Buffer.from('not a video at all, just some text'))).toBeNull();
  });
});

// --- WebM -------------------------------------------------------------------------------------

/** An EBML element: its id bytes as written in the spec, a size vint, the payload. */
function element(id: number, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const idBytes = Buffer.from(id.toString(16), 'hex'); // ids keep their length marker: whole bytes
  const size = Buffer.alloc(4);
  size.writeUInt32BE(0x10000000 | body.length); // 4-byte size vint
  return Buffer.concat([idBytes, size, body]);
}

/** An element of unknown size (all ones), as live recorders write the Segment and Clusters. */
function unknownSize(id: number, ...payload: Buffer[]): Buffer {
  const idBytes = Buffer.from(id.toString(16), 'hex');
  return Buffer.concat([idBytes, Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), ...payload]);
}

const uint = (id: number, value: number) => element(id, Buffer.from([value >> 8, value & 0xff]));
const ebmlHeader = element(0x1a45dfa3, element(0x4282, Buffer.from('webm')));
const audioTrack = element(0xae, uint(0xd7, 1), uint(0x83, 2), element(0xe1, uint(0x9f, 2)));
const videoTrack = (...video: Buffer[]) =>
  element(0xae, uint(0xd7, 2), uint(0x83, 1), element(0xe0, ...video));
const cluster = unknownSize(0x1f43b675, element(0xe7, Buffer.from([0])), Buffer.alloc(5000, 0x42));

describe('video size from a WebM', () => {
  it('reads the video track of a live recording (segment and clusters of unknown size)', async () => {
    const tracks = element(0x1654ae6b, audioTrack, videoTrack(uint(0xb0, 320), uint(0xba, 200)));
    const file = Buffer.concat([
      ebmlHeader,
      unknownSize(0x18538067, element(0x1549a966, uint(0x2ad7b1, 1000)), tracks, cluster),
    ]);
    expect(await sizeOf('video/webm', file)).toEqual({ width: 320, height: 200 });
  });

  it('prefers the display size when given in pixels', async () => {
    const video = videoTrack(uint(0xb0, 720), uint(0xba, 576), uint(0x54b0, 1024), uint(0x54ba, 576));
    const file = Buffer.concat([ebmlHeader, element(0x18538067, element(0x1654ae6b, video))]);
    expect(await sizeOf('video/webm', file)).toEqual({ width: 1024, height: 576 });
    const aspectOnly = videoTrack(
      uint(0xb0, 720),
      uint(0xba, 576),
      uint(0x54b0, 16),
      uint(0x54ba, 9),
      uint(0x54b2, 3),
    );
    const other = Buffer.concat([ebmlHeader, element(0x18538067, element(0x1654ae6b, aspectOnly))]);
    expect(await sizeOf('video/webm', other)).toEqual({ width: 720, height: 576 });
  });

  it('gives null when the tracks come after a cluster, have no video, or are cut off', async () => {
    const late = Buffer.concat([
      ebmlHeader,
      unknownSize(0x18538067, cluster, element(0x1654ae6b, videoTrack(uint(0xb0, 320), uint(0xba, 200)))),
    ]);
    expect(await sizeOf('video/webm', late)).toBeNull();
    const noVideo = Buffer.concat([ebmlHeader, element(0x18538067, element(0x1654ae6b, audioTrack))]);
    expect(await sizeOf('video/webm', noVideo)).toBeNull();
    const whole = Buffer.concat([
      ebmlHeader,
      element(0x18538067, element(0x1654ae6b, videoTrack(uint(0xb0, 320), uint(0xba, 200)))),
    ]);
    expect(await sizeOf('video/webm', whole.subarray(0, whole.length - 4))).toBeNull();
    expect(await sizeOf('video/webm', Buffer.alloc(64))).toBeNull();
  });

  it('reads nothing from other video types', async () => {
    expect(await sizeOf('video/ogg', Buffer.from('OggS'))).toBeNull();
  });
});
