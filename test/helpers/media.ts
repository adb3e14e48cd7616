import http from 'node:http';
import { crc32 } from 'node:zlib';
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

/** POSTs one file to /api/uploads the way the web client does; the answer's status and body. */
export async function uploadFile(baseUrl: string, token: string, bytes: Buffer, name: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const response = await fetch(`${baseUrl}/api/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : null) as {
      attachment: import('../../src/shared/protocol.js').Attachment;
      code?: string;
      detail?: string;
    },
  };
}

/** The GPS, camera and XMP data every photo fixture carries, and the bytes by which to find it. */
export const GPS_EXIF = {
  IFD0: { Make: 'ParleyCam', Model: 'ParleyPhone' },
  IFD3: {
    GPSLatitudeRef: 'N',
    GPSLatitude: '51/1 30/1 0/1',
    GPSLongitudeRef: 'W',
    GPSLongitude: '0/1 7/1 0/1',
  },
};
export const XMP_CREATOR = 'ParleySecretCreator';
const xmp = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>${XMP_CREATOR}</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

const pngChunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
};

/**
 * An animated PNG of two frames carrying EXIF (an `eXIf` chunk with the GPS fixture's camera
 * name), XMP in `iTXt` and a `tEXt` comment — the chunks a phone or an editor writes.
 */
export async function apngWithMetadata(width = 40, height = 30): Promise<Buffer> {
  const frame = async (r: number) => {
    const png = await sharp({ create: { width, height, channels: 3, background: { r, g: 10, b: 10 } } })
      .png()
      .toBuffer();
    return chunksOf(png);
  };
  const first = await frame(200);
  const second = await frame(20);
  const ihdr = first.find((c) => c.type === 'IHDR')!;
  const fctl = (sequence: number) => {
    const data = Buffer.alloc(26);
    data.writeUInt32BE(sequence, 0);
    data.writeUInt32BE(width, 4);
    data.writeUInt32BE(height, 8);
    data.writeUInt16BE(1, 20); // delay 1/10 s
    data.writeUInt16BE(10, 22);
    return pngChunk('fcTL', data);
  };
  const actl = Buffer.alloc(8);
  actl.writeUInt32BE(2, 0);
  const exif = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
    .jpeg()
    .withExif(GPS_EXIF)
    .toBuffer();
  const exifPayload = exifSegment(exif);
  const secondData = second.filter((c) => c.type === 'IDAT').map((c) => c.data);
  const fdat = (sequence: number, data: Buffer) => {
    const seq = Buffer.alloc(4);
    seq.writeUInt32BE(sequence, 0);
    return pngChunk('fdAT', Buffer.concat([seq, data]));
  };
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr.data),
    pngChunk('acTL', actl),
    pngChunk('eXIf', exifPayload),
    pngChunk('iTXt', Buffer.concat([Buffer.from('XML:com.adobe.xmp\0\0\0\0\0', 'latin1'), Buffer.from(xmp)])),
    pngChunk('tEXt', Buffer.from('Comment\0taken at home, ParleyCam', 'latin1')),
    fctl(0),
    ...first.filter((c) => c.type === 'IDAT').map((c) => pngChunk('IDAT', c.data)),
    fctl(1),
    ...secondData.map((data, i) => fdat(2 + i, data)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunksOf(png: Buffer): { type: string; data: Buffer }[] {
  const chunks: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    chunks.push({
      type: png.toString('latin1', at + 4, at + 8),
      data: png.subarray(at + 8, at + 8 + length),
    });
    at += 12 + length;
  }
  return chunks;
}

/** The TIFF-structured EXIF block inside a JPEG's APP1 segment. */
function exifSegment(jpeg: Buffer): Buffer {
  const at = jpeg.indexOf(Buffer.from('Exif\0\0', 'latin1'));
  const length = jpeg.readUInt16BE(at - 2);
  return jpeg.subarray(at + 6, at - 2 + length);
}

/**
 * Minimal headers of image types that can carry EXIF/XMP/GPS but that Parley cannot clean:
 * enough for the server to recognise them from their bytes.
 */
export const uncleanableImages: Record<string, () => Buffer> = {
  'photo.psd': () =>
    pad([...ascii('8BPS'), 0, 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 16, 0, 0, 0, 16, 0, 8, 0, 3], 256),
  'photo.jxl': () => pad([0, 0, 0, 0x0c, ...ascii('JXL '), 0x0d, 0x0a, 0x87, 0x0a], 256),
  'photo.cr2': () => pad([0x49, 0x49, 0x2a, 0, 0x10, 0, 0, 0, ...ascii('CR'), 2, 0], 256),
  'photo.jp2': () =>
    pad([0, 0, 0, 0x0c, ...ascii('jP  '), 0x0d, 0x0a, 0x87, 0x0a, 0, 0, 0, 0x14, ...ascii('ftypjp2 ')], 256),
};

/** A BMP: no place for EXIF, XMP or GPS in the format, so it may stay a download as sent. */
export const bmp = () => {
  const width = 2;
  const height = 2;
  const rowBytes = 8;
  const out = Buffer.alloc(54 + rowBytes * height);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(rowBytes * height, 34);
  return out;
};

/**
 * A GET on a connection of its own, closed after the answer. A kept-alive connection whose
 * response is still finishing when the server closes stays open until its keep-alive timeout,
 * and the test's close() would wait for it.
 */
export function getOnce(
  url: string,
  token: string,
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, headers: { authorization: `Bearer ${token}` } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers))
            if (typeof value === 'string') headers.set(name, value);
          resolve({ status: response.statusCode ?? 0, headers, bytes: Buffer.concat(chunks) });
        });
      })
      .on('error', reject);
  });
}
