import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromFile } from 'file-type';
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Logger } from 'pino';
import sharp from 'sharp';
import { type Attachment, LIMITS } from '../../shared/protocol.js';
import { DomainError, notFound } from '../domain/errors.js';
import { classify, sanitiseFileName } from '../domain/media.js';
import { enforce, type RateLimiter } from '../domain/rate-limit.js';
import { type VideoSize, videoSize } from '../domain/video-size.js';
import type { FileStore } from '../store/files.js';
import * as repo from '../store/repository.js';
import { toAttachment, type UploadRow } from '../store/repository.js';
import type { Schema } from '../store/schema.js';
import type { WriteQueue } from '../store/write-queue.js';

export interface MediaDeps {
  db: Kysely<Schema>;
  writes: WriteQueue;
  files: FileStore;
  /** Same filesystem as the file store, so accepting an upload is a rename. */
  tempDir: string;
  limiter: RateLimiter;
  now(): number;
  maxBytes: number;
  dailyQuotaBytes: number;
  logger: Logger;
}

const THUMB_BOX = 480;
// A decompression bomb guard: 40 megapixels is far beyond any photo a chat needs.
const MAX_INPUT_PIXELS = 40_000_000;
const DAY_MS = 24 * 60 * 60_000;

export const thumbKey = (id: string) => `${id}.thumb`;

/**
 * Uploads: bytes stream to a temp file (never whole into memory), the real type is read from
 * them, images are re-encoded — which applies their orientation and drops EXIF, GPS and any
 * bytes smuggled after the image — and get a WebP thumbnail. The upload belongs to its uploader
 * until a message takes it; then to that message's room.
 */
export class MediaService {
  private readonly reserved = new Map<string, number>();

  constructor(private readonly deps: MediaDeps) {}

  async accept(uploaderId: string, file: Readable, fileName: string | undefined): Promise<Attachment> {
    await enforce(this.deps.limiter, 'upload', uploaderId, 'you are uploading too fast, slow down');
    // Uploads in progress reserve the most they could use, so parallel uploads cannot all
    // squeeze under the quota at once.
    const reserved = this.reserved.get(uploaderId) ?? 0;
    const usedToday = (await this.usedToday(uploaderId)) + reserved;
    if (usedToday >= this.deps.dailyQuotaBytes) throw quotaExceeded();
    this.reserved.set(uploaderId, reserved + this.deps.maxBytes);
    try {
      return await this.receive(uploaderId, file, fileName, usedToday);
    } finally {
      const left = (this.reserved.get(uploaderId) ?? this.deps.maxBytes) - this.deps.maxBytes;
      if (left > 0) this.reserved.set(uploaderId, left);
      else this.reserved.delete(uploaderId);
    }
  }

  /** Removes upload temp files a crash or kill left behind. */
  async cleanTemp(): Promise<void> {
    await rm(this.deps.tempDir, { recursive: true, force: true });
    await mkdir(this.deps.tempDir, { recursive: true });
  }

  private async receive(
    uploaderId: string,
    file: Readable,
    fileName: string | undefined,
    usedToday: number,
  ): Promise<Attachment> {
    const id = randomUUID();
    await mkdir(this.deps.tempDir, { recursive: true });
    const received = path.join(this.deps.tempDir, `${id}.part`);
    const cleaned = path.join(this.deps.tempDir, `${id}.clean`);
    const thumb = path.join(this.deps.tempDir, `${id}.thumb`);
    try {
      await pipeline(file, createWriteStream(received));
      if ((file as Readable & { truncated?: boolean }).truncated) throw tooLarge(this.deps.maxBytes);
      const { kind, mime } = classify((await fileTypeFromFile(received))?.mime);
      let image: { width: number; height: number; thumbWidth: number; thumbHeight: number } | null = null;
      let stored = received;
      if (kind === 'image') {
        image = await processImage(received, mime, cleaned, thumb);
        stored = cleaned;
      }
      const size = (await stat(stored)).size;
      const video = kind === 'video' ? await readVideoSize(received, mime, size, this.deps.logger) : null;
      if (usedToday + size > this.deps.dailyQuotaBytes) throw quotaExceeded();
      const row: UploadRow = {
        id,
        uploader_id: uploaderId,
        room_id: null,
        message_id: null,
        kind,
        mime,
        size,
        name: sanitiseFileName(fileName),
        width: image?.width ?? video?.width ?? null,
        height: image?.height ?? video?.height ?? null,
        thumb_width: image?.thumbWidth ?? null,
        thumb_height: image?.thumbHeight ?? null,
        created_at: this.deps.now(),
        attached_at: null,
        removed_at: null,
      };
      await this.deps.files.put(id, stored);
      try {
        if (image) await this.deps.files.put(thumbKey(id), thumb);
        await this.deps.writes.run((trx) => trx.insertInto('uploads').values(row).execute());
      } catch (error) {
        // No row, no way to find the bytes later: take them back out now.
        await this.deps.files.delete(id);
        await this.deps.files.delete(thumbKey(id));
        throw error;
      }
      return toAttachment(row);
    } finally {
      await Promise.all([received, cleaned, thumb].map((file) => rm(file, { force: true })));
    }
  }

  /** The upload if this user may read it: its uploader before it is attached, room members after. */
  async readable(userId: string, uploadId: string): Promise<UploadRow> {
    const row = await this.deps.db
      .selectFrom('uploads')
      .selectAll()
      .where('id', '=', uploadId)
      .executeTakeFirst();
    if (!row || row.removed_at !== null) throw notFound('file not found');
    if (row.message_id === null) {
      if (row.uploader_id !== userId) throw notFound('file not found');
      return row;
    }
    const message = await repo.findMessage(this.deps.db, row.message_id);
    if (!message || message.deleted_at !== null || !row.room_id) throw notFound('file not found');
    if (!(await repo.findMembership(this.deps.db, row.room_id, userId))) throw notFound('file not found');
    return row;
  }

  /**
   * Removes the bytes of uploads nobody can reach any more: never attached within the hour, or
   * belonging to a deleted message or room. The row is first marked removed — only if it still
   * qualifies, so an upload attached a moment ago is left alone — then the bytes go. Marked rows
   * stay a day so the daily quota keeps counting them.
   */
  async sweep(): Promise<number> {
    const { db } = this.deps;
    const now = this.deps.now();
    const unreachable = (eb: ExpressionBuilder<Schema, 'uploads'>) =>
      eb.and([
        eb('removed_at', 'is', null),
        eb.or([
          eb.and([eb('message_id', 'is', null), eb('created_at', '<', now - LIMITS.uploadAttachWindowMs)]),
          eb.and([
            eb('message_id', 'is not', null),
            eb.not(
              eb.exists(
                eb
                  .selectFrom('messages')
                  .select('messages.id')
                  .whereRef('messages.id', '=', 'uploads.message_id')
                  .where('messages.deleted_at', 'is', null),
              ),
            ),
          ]),
        ]),
      ]);
    const candidates = await db.selectFrom('uploads').select('id').where(unreachable).limit(500).execute();
    let removed = 0;
    for (const { id } of candidates) {
      const marked = await this.deps.writes.run((trx) =>
        trx
          .updateTable('uploads')
          .set({ removed_at: now })
          .where('id', '=', id)
          .where(unreachable)
          .executeTakeFirst(),
      );
      if (marked.numUpdatedRows === 0n) continue;
      await this.deps.files.delete(id);
      await this.deps.files.delete(thumbKey(id));
      removed++;
    }
    await this.deps.writes.run((trx) =>
      trx
        .deleteFrom('uploads')
        .where('removed_at', '<', now - DAY_MS)
        .execute(),
    );
    if (removed > 0) this.deps.logger.info({ removed }, 'removed unreachable uploads');
    return removed;
  }

  private async usedToday(uploaderId: string): Promise<number> {
    const row = await this.deps.db
      .selectFrom('uploads')
      .select((eb) => eb.fn.sum<number>('size').as('total'))
      .where('uploader_id', '=', uploaderId)
      .where('created_at', '>', this.deps.now() - DAY_MS)
      .executeTakeFirst();
    return Number(row?.total ?? 0);
  }
}

async function processImage(
  source: string,
  mime: string,
  cleanedPath: string,
  thumbPath: string,
): Promise<{ width: number; height: number; thumbWidth: number; thumbHeight: number }> {
  const animated = mime === 'image/gif' || mime === 'image/webp';
  const input = () => sharp(source, { animated, limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
  try {
    // rotate() with no angle applies the EXIF orientation; sharp writes no metadata unless
    // asked to, so EXIF (GPS included), XMP and ICC comments are gone from the stored file.
    const encoder = input().rotate();
    const output =
      mime === 'image/jpeg'
        ? encoder.jpeg({ quality: 88, mozjpeg: true })
        : mime === 'image/png'
          ? encoder.png()
          : mime === 'image/gif'
            ? encoder.gif()
            : mime === 'image/avif'
              ? encoder.avif()
              : encoder.webp({ quality: 88 });
    await output.toFile(cleanedPath);
    const meta = await sharp(cleanedPath, { animated }).metadata();
    const width = meta.width ?? 0;
    const height = meta.pageHeight ?? meta.height ?? 0;
    const thumb = await sharp(cleanedPath, { limitInputPixels: MAX_INPUT_PIXELS })
      .resize(THUMB_BOX, THUMB_BOX, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toFile(thumbPath);
    return { width, height, thumbWidth: thumb.width, thumbHeight: thumb.height };
  } catch (error) {
    throw new DomainError(
      'bad_request',
      `that image could not be read (${(error as Error).message.split('\n')[0]})`,
    );
  }
}

const quotaExceeded = () => new DomainError('too_large', 'daily upload quota reached, try again tomorrow');
export const tooLarge = (max: number) =>
  new DomainError('too_large', `files are limited to ${formatBytes(max)}`);

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/** The video's display size from its container headers; null when they cannot be read. */
async function readVideoSize(
  source: string,
  mime: string,
  size: number,
  logger: Logger,
): Promise<VideoSize | null> {
  const file = await open(source, 'r');
  try {
    return await videoSize(mime, size, async (offset, length) => {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
      return buffer.subarray(0, bytesRead);
    });
  } catch (error) {
    // A size is a nicety: a container we misread must not cost the user their upload.
    logger.warn({ err: error, mime }, 'could not read the size of a video');
    return null;
  } finally {
    await file.close();
  }
}
