import sharp from 'sharp';

/**
 * Test files made on the fly: real images from sharp, and the smallest headers by which
 * video and audio containers are recognised (the server reads types from bytes, so these
 * are what it must classify), padded with filler to a chosen size.
 */
export const image = (format: 'jpeg' | 'png' | 'webp' | 'gif', width = 64, height = 32) =>
  sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 } } })
    .toFormat(format)
    .toBuffer();

/** A JPEG carrying GPS coordinates and orientation 6 (rotate 90° clockwise to display). */
export const jpegWithGps = () =>
  sharp({ create: { width: 60, height: 20, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'ParleyCam' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '51/1 30/1 0/1',
        GPSLongitudeRef: 'W',
        GPSLongitude: '0/1 7/1 0/1',
      },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();

const pad = (head: number[] | Buffer, size: number) => {
  const out = Buffer.alloc(Math.max(size, head.length));
  Buffer.from(head).copy(out);
  for (let i = head.length; i < out.length; i++) out[i] = (i * 31) & 0xff;
  return out;
};

const ascii = (s: string) => [...Buffer.from(s, 'latin1')];

export const webm = (size = 4096) =>
  pad(
    [
      0x1a,
      0x45,
      0xdf,
      0xa3,
      0x9f,
      0x42,
      0x86,
      0x81,
      0x01,
      0x42,
      0xf7,
      0x81,
      0x01,
      0x42,
      0xf2,
      0x81,
      0x04,
      0x42,
      0xf3,
      0x81,
      0x08,
      0x42,
      0x82,
      0x84,
      ...ascii('webm'),
      0x42,
      0x87,
      0x81,
      0x04,
      0x42,
      0x85,
      0x81,
      0x02,
    ],
    size,
  );
export const mp4 = (size = 4096) =>
  pad([0, 0, 0, 0x18, ...ascii('ftypisom'), 0, 0, 2, 0, ...ascii('isomiso2')], size);
export const mp3 = (size = 4096) => pad([...ascii('ID3'), 3, 0, 0, 0, 0, 0, 0, 0xff, 0xfb, 0x90, 0x64], size);
export const wav = (size = 4096) =>
  pad(
    [
      ...ascii('RIFF'),
      0x24,
      0x08,
      0,
      0,
      ...ascii('WAVEfmt '),
      16,
      0,
      0,
      0,
      1,
      0,
      1,
      0,
      0x44,
      0xac,
      0,
      0,
      0x88,
      0x58,
      1,
      0,
      2,
      0,
      16,
      0,
      ...ascii('data'),
    ],
    size,
  );
