import fastifyCompress, { type FastifyCompressOptions } from '@fastify/compress';

/**
 * API answers compressed on the fly for clients that accept brotli or gzip: a history page of
 * 50 messages is about 25 KB of JSON and a fifth of that compressed (docs/performance.md).
 * Answers under a kilobyte go as they are, where compressing costs more than it saves. The
 * built web client is compressed once at build time and served with its own Content-Encoding,
 * which this leaves alone; uploaded files opt out per route (`compress: false`), because Range
 * offsets count the stored bytes and most media is compressed already. Request bodies are never
 * decompressed: nothing sends them compressed, and a small compressed body could expand past
 * the body limit's intent.
 */
export const compressionOptions: FastifyCompressOptions = {
  encodings: ['br', 'gzip'],
  threshold: 1024,
  globalDecompression: false,
};

export { fastifyCompress };
