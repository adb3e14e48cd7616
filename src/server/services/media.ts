import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, opendir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileTypeFromFile } from 'file-type';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { formatBytes } from '../../shared/format.js';
import type { Attachment } from '../../shared/protocol.js';
import { DomainError, notFound } from '../domain/errors.js';
import { classify, imagePlan, sanitiseFileName, withExtension } from '../domain/media.js';
import { enforce, type RateLimiter } from '../domain/rate-limit.js';
import { type VideoSize, videoSize } from '../domain/video-size.js';
import { presentAttachment } from '../presenters/messages.js';
import { isOutOfSpace } from '../store/errors.js';
import type { FileStore } from '../store/files.js';
import { findMembership } from '../store/memberships.js';
import { findMessage } from '../store/messages.js';
import type { Schema } from '../store/schema.js';
import type { UploadRow } from '../store/uploads.js';
import * as uploads from '../store/uploads.js';
import type { WriteQueue } from '../store/write-queue.js';
import { type CleanedImage, cleanImage } from './images.js';

export interface MediaDeps {
  db: Kysely<Schema>;
  writes: WriteQueue;
  files: FileStore;
  /** Same filesystem as the file store, so accepting an upload is a rename. */
  tempDir: string;
  /** Other nodes use the same DATA_DIR (a cluster): their uploads in progress are in tempDir too. */
  sharedStorage: boolean;
  limiter: RateLimiter;
  now(): number;
  /** The largest upload now (the admin's setting, under UPLOAD_MAX_BYTES). */
  maxBytes(): Promise<number>;
  dailyQuotaBytes: number;
  logger: Logger;
}

const DAY_MS = 24 * 60 * 60_000;
/** No upload is still being received or stored after this long; its temp files are leftovers. */
const TEMP_MAX_AGE_MS = 60 * 60_000;
/**
 * An upload's row commits a moment before its bytes are renamed into the store. A row still
 * without bytes this long after it was made belongs to an upload that died in between.
 */
const BYTES_ARRIVE_WITHIN_MS = 10 * 60_000;
const SWEEP_BATCH = 500;

export const thumbKey = (id: string) => `${id}.thumb`;
const UPLOAD_KEY = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\.thumb)?$/;

/**
 * Uploads: bytes stream to a temp file (never whole into memory), the real type is read from
 * them, images are cleaned of their metadata (services/images.ts) and get a WebP thumbnail.
 * The upload belongs to its uploader until a message takes it; then to that message's room.
 */
export class MediaService {
  private readonly reserved = new Map<string, number>();

  constructor(private readonly deps: MediaDeps) {}

  async accept(uploaderId: string, file: Readable, fileName: string | undefined): Promise<Attachment> {
    await enforce(this.deps.limiter, 'upload', uploaderId, 'you are uploading too fast, slow down');
    // Uploads in progress reserve the most they could use, so parallel uploads cannot all
    // squeeze under the quota at once.
    const maxBytes = await this.deps.maxBytes();
    const reserved = this.reserved.get(uploaderId) ?? 0;
    const usedToday = (await this.usedToday(uploaderId)) + reserved;
    if (usedToday >= this.deps.dailyQuotaBytes) throw quotaExceeded();
    this.reserved.set(uploaderId, reserved + maxBytes);
    try {
      return await this.receive(uploaderId, file, fileName, usedToday, maxBytes);
    } catch (error) {
      if (!isOutOfSpace(error)) throw error;
      this.deps.logger.error({ err: error }, 'an upload was refused: out of storage space');
      throw new DomainError('unavailable', 'the server is out of storage space, try again later');
    } finally {
      const left = (this.reserved.get(uploaderId) ?? maxBytes) - maxBytes;
      if (left > 0) this.reserved.set(uploaderId, left);
      else this.reserved.delete(uploaderId);
    }
  }

  /**
   * Removes upload temp files a crash or kill left behind: all of them when this node is alone
   * with its DATA_DIR, only old ones when other nodes may be receiving uploads there now.
   */
  async cleanTemp(onlyOlderThanMs = this.deps.sharedStorage ? TEMP_MAX_AGE_MS : 0): Promise<void> {
    await mkdir(this.deps.tempDir, { recursive: true });
    const cutoff = Date.now() - onlyOlderThanMs;
    for await (const entry of await opendir(this.deps.tempDir)) {
      const full = path.join(this.deps.tempDir, entry.name);
      if (onlyOlderThanMs > 0) {
        const modified = (await stat(full).catch(() => null))?.mtimeMs;
        if (modified === undefined || modified >= cutoff) continue;
      }
      await rm(full, { recursive: true, force: true });
    }
  }

  /** Temp files older than any upload can take, on a timer (a cluster's start leaves them). */
  cleanOldTemp(): Promise<void> {
    return this.cleanTemp(TEMP_MAX_AGE_MS);
  }

  private async receive(
    uploaderId: string,
    file: Readable,
    fileName: string | undefined,
    usedToday: number,
    maxBytes: number,
  ): Promise<Attachment> {
    const id = randomUUID();
    await mkdir(this.deps.tempDir, { recursive: true });
    const received = path.join(this.deps.tempDir, `${id}.part`);
    const cleaned = path.join(this.deps.tempDir, `${id}.clean`);
    const thumb = path.join(this.deps.tempDir, `${id}.thumb`);
    try {
      const complete = await saveStream(file, received, maxBytes);
      if (!complete || (file as Readable & { truncated?: boolean }).truncated) throw tooLarge(maxBytes);
      const detected = (await fileTypeFromFile(received))?.mime;
      const plan = imagePlan(detected);
      if (plan?.action === 'refuse') throw new DomainError('bad_request', plan.message);
      let { kind, mime } = classify(detected);
      let name = sanitiseFileName(fileName);
      let image: CleanedImage | null = null;
      let stored = received;
      if (plan) {
        image = await cleanImage(received, mime, plan, maxBytes);
        await writeFile(cleaned, image.data);
        await writeFile(thumb, image.thumb.data);
        stored = cleaned;
        kind = 'image';
        mime = image.mime;
        if (image.extension) name = withExtension(name, image.extension);
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
        name,
        width: image?.width ?? video?.width ?? null,
        height: image?.height ?? video?.height ?? null,
        thumb_width: image?.thumb.width ?? null,
        thumb_height: image?.thumb.height ?? null,
        created_at: this.deps.now(),
        attached_at: null,
        removed_at: null,
      };
      // The row first, then the bytes. A crash in between leaves a row without bytes whose id
      // nobody was given, which sweepOrphans removes; bytes first left files no row points to,
      // forever. And bytes in the store always have their row, which makes sweepOrphans safe
      // while other nodes store uploads into the same directory.
      await this.deps.writes.run((trx) => uploads.insertUpload(trx, row));
      try {
        if (image) await this.deps.files.put(thumbKey(id), thumb);
        await this.deps.files.put(id, stored);
      } catch (error) {
        await this.deps.files.delete(id).catch(() => {});
        await this.deps.files.delete(thumbKey(id)).catch(() => {});
        await this.deps.writes
          .run((trx) => uploads.deleteUnattachedUpload(trx, id))
          .catch((cleanup: unknown) =>
            this.deps.logger.warn({ err: cleanup, id }, 'left an upload row without bytes'),
          );
        throw error;
      }
      return presentAttachment(row);
    } finally {
      await Promise.all([received, cleaned, thumb].map((file) => rm(file, { force: true })));
    }
  }

  /** The upload if this user may read it: its uploader before it is attached, room members after. */
  async readable(userId: string, uploadId: string): Promise<UploadRow> {
    const row = await uploads.findUpload(this.deps.db, uploadId);
    if (!row || row.removed_at !== null) throw notFound('file not found');
    if (row.message_id === null) {
      if (row.uploader_id !== userId) throw notFound('file not found');
      return row;
    }
    const message = await findMessage(this.deps.db, row.message_id);
    if (!message || message.deleted_at !== null || !row.room_id) throw notFound('file not found');
    if (!(await findMembership(this.deps.db, row.room_id, userId))) throw notFound('file not found');
    return row;
  }

  /**
   * Removes the bytes of uploads nobody can reach any more: never attached within the hour, or
   * belonging to a deleted message or room. The row is first marked removed — only if it still
   * qualifies, so an upload attached a moment ago is left alone — then the bytes go (a crash in
   * between leaves bytes of a removed row, which sweepOrphans deletes). Marked rows stay a day
   * so the daily quota keeps counting them.
   */
  async sweep(): Promise<number> {
    const { db } = this.deps;
    const now = this.deps.now();
    let removed = 0;
    for (const id of await uploads.unreachableUploadIds(db, now, SWEEP_BATCH)) {
      if (!(await this.deps.writes.run((trx) => uploads.markUnreachableRemoved(trx, id, now)))) continue;
      await this.deleteBytes(id);
      removed++;
    }
    await this.deps.writes.run((trx) => uploads.deleteRemovedBefore(trx, now - DAY_MS));
    if (removed > 0) this.deps.logger.info({ removed }, 'removed unreachable uploads');
    return removed;
  }

  /**
   * Repairs what a crash can leave in the store: bytes without a live row (a sweep killed
   * between marking a row and deleting its bytes; uploads stored by versions that wrote the
   * bytes first) are deleted, and rows of unattached uploads whose bytes never arrived are
   * marked removed. Run in the background at start; the store may be big.
   *
   * Safe beside uploads in progress here or on other nodes sharing the directory: an upload's
   * row commits before its bytes are renamed in, so any file listed here has its row committed
   * before this looks for it. Rows are judged only when older than BYTES_ARRIVE_WITHIN_MS.
   */
  async sweepOrphans(): Promise<{ files: number; rows: number }> {
    let files = 0;
    let batch: string[] = [];
    const judge = async () => {
      files += await this.deleteUnowned(batch);
      batch = [];
    };
    for await (const key of this.deps.files.keys()) {
      if (!UPLOAD_KEY.test(key)) continue;
      batch.push(key);
      if (batch.length >= SWEEP_BATCH) await judge();
    }
    await judge();

    let rows = 0;
    const now = this.deps.now();
    const old = await uploads.unattachedUploadIdsBefore(this.deps.db, now - BYTES_ARRIVE_WITHIN_MS, 10_000);
    for (const id of old) {
      if ((await this.deps.files.size(id)) !== null) continue;
      if (!(await this.deps.writes.run((trx) => uploads.markUnattachedRemoved(trx, id, now)))) continue;
      await this.deleteBytes(id);
      rows++;
    }
    if (files > 0 || rows > 0)
      this.deps.logger.warn({ files, rows }, 'removed upload files without a row and rows without files');
    return { files, rows };
  }

  private async deleteUnowned(keys: string[]): Promise<number> {
    const ids = [...new Set(keys.map((key) => UPLOAD_KEY.exec(key)![1]!))];
    const live = await uploads.liveUploadIds(this.deps.db, ids);
    let deleted = 0;
    for (const key of keys) {
      if (live.has(UPLOAD_KEY.exec(key)![1]!)) continue;
      await this.deps.files.delete(key);
      deleted++;
    }
    return deleted;
  }

  private async deleteBytes(id: string): Promise<void> {
    await this.deps.files.delete(id);
    await this.deps.files.delete(thumbKey(id));
  }

  private usedToday(uploaderId: string): Promise<number> {
    return uploads.bytesUploadedSince(this.deps.db, uploaderId, this.deps.now() - DAY_MS);
  }
}

/**
 * Writes an upload's stream to a file; false when it held more than `maxBytes` (the admin's
 * limit, under the multipart parser's). When writing fails (a full disk) or the file is too
 * large, the rest of the stream is still read and dropped, so the request ends and its
 * connection carries the answer — and the client's next request — instead of stalling with
 * an unread body.
 */
function saveStream(file: Readable, target: string, maxBytes: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(target);
    let received = 0;
    let tooLong = false;
    file.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= maxBytes || tooLong) return;
      tooLong = true;
      file.once('end', () => resolve(false));
      // Stop writing (the partial file is removed by the caller) and read the rest to drop it.
      // On the next tick: the pipe still handles this chunk after this listener, and may pause
      // the stream for backpressure; unpipe pauses it too. So it is resumed by hand, after.
      process.nextTick(() => {
        file.unpipe(out);
        out.destroy();
        file.resume();
      });
    });
    out.once('finish', () => {
      if (!tooLong) resolve(true);
    });
    out.once('error', (error) => {
      if (tooLong) return;
      file.unpipe(out);
      if (file.readableEnded || file.destroyed) return reject(error);
      file.once('end', () => reject(error));
      file.once('close', () => reject(error));
      file.resume();
    });
    file.once('error', (error) => {
      out.destroy();
      reject(error);
    });
    file.pipe(out);
  });
}

const quotaExceeded = () => new DomainError('too_large', 'daily upload quota reached, try again tomorrow');
export const tooLarge = (max: number) =>
  new DomainError('too_large', `files are limited to ${formatBytes(max)}`);

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
