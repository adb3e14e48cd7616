import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * HEIC/HEIF decoding with libheif compiled to WebAssembly (heic-decode → libheif-js): sharp's
 * prebuilt libvips reads AVIF but not HEVC-coded HEIF, which is what phones write.
 *
 * The decoder runs on the main thread of whatever loads it, and a 12-megapixel photo takes
 * about 1.5 s there — far too long to stall the event loop — so each decode runs in a worker
 * thread of its own, ended afterwards: the ~180 MB of WebAssembly memory a big photo needs is
 * given back at once, and a decoder that crashes or hangs takes only its worker with it.
 * Decodes wait their turn, one at a time per process, to bound that memory.
 */

export interface DecodedImage {
  width: number;
  height: number;
  /** RGBA, 8 bits per channel, rows top to bottom, with the file's rotation and mirroring applied. */
  rgba: Buffer;
}

export class HeifError extends Error {}

const DECODE_TIMEOUT_MS = 30_000;
const decoderPath = createRequire(import.meta.url).resolve('heic-decode');

// Plain JavaScript, evaluated in the worker, so it runs the same from src (tsx, vitest) and dist.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const decode = require(workerData.decoderPath);
// libheif-js reports problems with console.log; the caller reports them properly instead.
console.log = () => {};
parentPort.once('message', async ({ bytes, maxPixels }) => {
  let images;
  try {
    images = await decode.all({ buffer: new Uint8Array(bytes) });
    if (images.length === 0) throw new Error('no image in the file');
    const first = images[0];
    if (first.width * first.height > maxPixels) {
      parentPort.postMessage({ tooLarge: true, width: first.width, height: first.height });
      return;
    }
    const { width, height, data } = await first.decode();
    parentPort.postMessage({ width, height, data }, [data.buffer]);
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  } finally {
    images?.dispose();
  }
});
`;

let queue: Promise<unknown> = Promise.resolve();

/** Decodes the first image of a HEIF file, refusing before decoding if it has over `maxPixels`. */
export function decodeHeif(bytes: Buffer, maxPixels: number): Promise<DecodedImage> {
  const turn = queue.then(() => decodeInWorker(bytes, maxPixels));
  queue = turn.catch(() => {});
  return turn;
}

function decodeInWorker(bytes: Buffer, maxPixels: number): Promise<DecodedImage> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { decoderPath } });
    const timer = setTimeout(() => finish(new HeifError('decoding took too long')), DECODE_TIMEOUT_MS);
    const finish = (outcome: DecodedImage | Error) => {
      clearTimeout(timer);
      worker.removeAllListeners();
      worker.on('error', () => {});
      void worker.terminate();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    worker.once('message', (answer: WorkerAnswer) => {
      if ('error' in answer) finish(new HeifError(answer.error));
      else if ('tooLarge' in answer)
        finish(
          new HeifError(`${answer.width}×${answer.height} is over ${Math.round(maxPixels / 1e6)} megapixels`),
        );
      else {
        const rgba = Buffer.from(answer.data.buffer, answer.data.byteOffset, answer.data.byteLength);
        finish({ width: answer.width, height: answer.height, rgba });
      }
    });
    worker.once('error', (error) => finish(new HeifError(error.message)));
    worker.once('exit', (code) => finish(new HeifError(`the decoder stopped (exit code ${code})`)));
    const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    worker.postMessage({ bytes: copy, maxPixels }, [copy as ArrayBuffer]);
  });
}

type WorkerAnswer =
  | { error: string }
  | { tooLarge: true; width: number; height: number }
  | { width: number; height: number; data: Uint8ClampedArray };
