import fastifyCompress, { type FastifyCompressOptions } from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

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

/**
 * Answers that carry a secret next to text someone else chose go uncompressed: sign-in answers
 * (the session token), `/api/me`, and the room list (code rooms' join codes beside names that
 * other people pick). Compressing those would let an observer of sizes on the wire guess the
 * secret a character at a time (BREACH). History pages hold no secret but the messages
 * themselves, are rate-limited per reader, and are where compression pays (docs/protocol.md §12).
 */
const SECRET_BEARING = [/^\/api\/auth\//, /^\/api\/me$/, /^\/api\/rooms$/];

/** Turns compression off on the secret-bearing routes; register before the compress plugin. */
export function keepSecretsUncompressed(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (SECRET_BEARING.some((pattern) => pattern.test(route.url))) route.compress = false;
  });
}

export { fastifyCompress };
