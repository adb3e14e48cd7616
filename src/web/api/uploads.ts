import { type Attachment, LIMITS } from '../../shared/protocol.js';

export class UploadError extends Error {}

/**
 * An uploaded file the client holds until it is sent (in the tray, a saved draft or the
 * outbox). The server deletes uploads nobody sends within LIMITS.uploadAttachWindowMs, so the
 * client notes when the upload finished, by its own clock, to tell when it is too late.
 */
export interface HeldAttachment extends Attachment {
  uploadedAt?: number;
}

/**
 * When the server may start deleting this unsent upload (a minute before it may, for clocks and
 * the time its response took). `fallbackUploadedAt` stands in for files held before the client
 * noted upload times.
 */
export function uploadExpiresAt(attachment: HeldAttachment, fallbackUploadedAt: number): number {
  return (attachment.uploadedAt ?? fallbackUploadedAt) + LIMITS.uploadAttachWindowMs - 60_000;
}

export function isUploadExpired(attachment: HeldAttachment, fallbackUploadedAt: number, now = Date.now()) {
  return now > uploadExpiresAt(attachment, fallbackUploadedAt);
}

let cachedLimit: { value: Promise<number>; at: number } | null = null;
/** An admin can change the limit at any time: a page open for long asks again now and then. */
const LIMIT_FRESH_MS = 60_000;

/** The server's upload size limit (checked here for a quick, clear error; enforced there). */
export function uploadLimit(): Promise<number> {
  if (!cachedLimit || Date.now() - cachedLimit.at > LIMIT_FRESH_MS) {
    const value = fetch('/api/config', { credentials: 'include' })
      .then((r) => r.json() as Promise<{ uploadMaxBytes: number }>)
      .then((c) => c.uploadMaxBytes)
      .catch(() => Number.POSITIVE_INFINITY);
    cachedLimit = { value, at: Date.now() };
  }
  return cachedLimit.value;
}

/**
 * Uploads one file with progress. XMLHttpRequest rather than fetch because only XHR reports
 * upload progress; `signal` cancels it.
 */
export function uploadFile(
  file: File,
  onProgress: (fraction: number) => void,
  signal: AbortSignal,
): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/uploads');
    xhr.withCredentials = true;
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      const body = xhr.response as { attachment?: Attachment; detail?: string } | null;
      if (xhr.status === 201 && body?.attachment) resolve(body.attachment);
      else reject(new UploadError(body?.detail ?? `upload failed (${xhr.status})`));
    };
    xhr.onerror = () => reject(new UploadError('the upload was interrupted'));
    xhr.onabort = () => reject(new UploadError('cancelled'));
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
