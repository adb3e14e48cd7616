import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { contentDisposition, parseRange, servedType } from '../../domain/media.js';
import { type MediaService, thumbKey, tooLarge } from '../../services/media.js';
import type { FileStore } from '../../store/files.js';
import { attachmentSchema, problems } from '../schemas.js';
import { requireSession } from '../session.js';

export interface FileRoutesOptions {
  media: MediaService;
  files: FileStore;
  maxBytes: number;
}

const uploadId = z.uuid();

/**
 * Uploads in, files out. Files are served only to whoever may read them, with headers that
 * keep a browser from ever treating an upload as a page: nosniff, a sandboxing CSP, and
 * `attachment` for anything that is not an allowlisted image, video or audio type.
 */
export async function fileRoutes(app: FastifyInstance, opts: FileRoutesOptions): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  await app.register(fastifyMultipart, {
    limits: { fileSize: opts.maxBytes, files: 1, fields: 0, parts: 1, headerPairs: 100 },
  });

  api.post(
    '/api/uploads',
    {
      schema: {
        tags: ['files'],
        description: `Upload one file as multipart/form-data (field "file", at most ${opts.maxBytes} bytes). Attach it with message:send { attachmentIds }.`,
        consumes: ['multipart/form-data'],
        response: { 201: z.object({ attachment: attachmentSchema }), ...problems, 413: problems[400] },
      },
    },
    async (request, reply) => {
      const session = requireSession(request);
      if (!request.isMultipart())
        throw new DomainError('bad_request', 'send the file as multipart/form-data');
      let part: Awaited<ReturnType<typeof request.file>>;
      try {
        part = await request.file();
      } catch (error) {
        throw mapMultipartError(error, opts.maxBytes);
      }
      if (!part) throw new DomainError('bad_request', 'no file in the request');
      try {
        const attachment = await opts.media.accept(session.user.id, part.file, part.filename);
        return reply.status(201).send({ attachment });
      } catch (error) {
        throw mapMultipartError(error, opts.maxBytes);
      }
    },
  );

  const serve = async (
    reply: FastifyReply,
    range: string | undefined,
    key: string,
    headers: Record<string, string>,
  ) => {
    const size = await opts.files.size(key);
    if (size === null) throw new DomainError('not_found', 'file not found');
    reply.headers({
      ...headers,
      'accept-ranges': 'bytes',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cross-origin-resource-policy': 'same-origin',
      // Content under an id never changes; private because it needs a session.
      'cache-control': 'private, max-age=31536000, immutable',
    });
    const wanted = parseRange(range, size);
    if (wanted === 'invalid') {
      return reply.status(416).header('content-range', `bytes */${size}`).send();
    }
    if (wanted) {
      reply.status(206).header('content-range', `bytes ${wanted.start}-${wanted.end}/${size}`);
      reply.header('content-length', wanted.end - wanted.start + 1);
      return reply.send(opts.files.read(key, wanted));
    }
    reply.header('content-length', size);
    return reply.send(opts.files.read(key));
  };

  const params = z.object({ id: z.string(), name: z.string().optional() });

  api.get(
    '/files/:id/:name',
    {
      // The stored bytes as they are: Range offsets count them (src/server/http/compression.ts).
      compress: false,
      schema: { tags: ['files'], params, description: 'The file, for members of the room it was posted in.' },
    },
    async (request, reply) => {
      const session = requireSession(request);
      const id = uploadId.safeParse(request.params.id);
      if (!id.success) throw new DomainError('not_found', 'file not found');
      const upload = await opts.media.readable(session.user.id, id.data);
      return serve(reply, request.headers.range, upload.id, {
        'content-type': servedType(upload.kind, upload.mime),
        'content-disposition': contentDisposition(upload.kind, upload.name),
      });
    },
  );

  api.get(
    '/thumbs/:id',
    {
      compress: false,
      schema: { tags: ['files'], params, description: 'A WebP thumbnail of an image attachment.' },
    },
    async (request, reply) => {
      const session = requireSession(request);
      const id = uploadId.safeParse(request.params.id);
      if (!id.success) throw new DomainError('not_found', 'file not found');
      const upload = await opts.media.readable(session.user.id, id.data);
      if (upload.kind !== 'image') throw new DomainError('not_found', 'no thumbnail for this file');
      return serve(reply, request.headers.range, thumbKey(upload.id), {
        'content-type': 'image/webp',
        'content-disposition': 'inline; filename="thumbnail.webp"',
      });
    },
  );
}

function mapMultipartError(error: unknown, maxBytes: number): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT') {
    return code === 'FST_REQ_FILE_TOO_LARGE'
      ? tooLarge(maxBytes)
      : new DomainError('bad_request', 'send one file per request');
  }
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE')
    return new DomainError('bad_request', 'send the file as multipart/form-data');
  return error;
}
