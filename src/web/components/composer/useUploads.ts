import { useCallback, useEffect, useRef, useState } from 'react';
import { formatBytes } from '../../../shared/format.js';
import {
  type HeldAttachment,
  isUploadExpired,
  uploadExpiresAt,
  uploadFile,
  uploadLimit,
} from '../../api/uploads.js';

export interface Draft {
  key: string;
  name: string;
  size: number;
  progress: number;
  status: 'uploading' | 'done' | 'error';
  attachment?: HeldAttachment;
  error?: string;
  /** A local preview for images while (and after) they upload. */
  preview?: string;
}

/**
 * Files on their way into a message: each uploads as soon as it is picked, dropped or pasted,
 * with progress and cancel; the message is sent with those that finished.
 */
export function useUploads(initial?: { attachments: readonly HeldAttachment[]; heldSince: number }) {
  const [drafts, setDrafts] = useState<Draft[]>(() =>
    initial ? heldDrafts(initial.attachments, initial.heldSince) : [],
  );
  const controllers = useRef(new Map<string, AbortController>());
  const latest = useRef(drafts);
  latest.current = drafts;

  const patch = useCallback((key: string, change: Partial<Draft>) => {
    setDrafts((list) => list.map((d) => (d.key === key ? { ...d, ...change } : d)));
  }, []);

  // Takes an array, not a FileList: a drop's or an input's list empties once the event is
  // over, and the limit lookup below is asynchronous.
  const add = useCallback(
    async (files: readonly File[]) => {
      const limit = await uploadLimit();
      for (const file of files) {
        const key = crypto.randomUUID();
        const preview = file.type.startsWith('image/') ? URL.createObjectURL(file) : undefined;
        const draft: Draft = {
          key,
          name: file.name || 'pasted file',
          size: file.size,
          progress: 0,
          status: 'uploading',
          ...(preview ? { preview } : {}),
        };
        if (file.size > limit) {
          setDrafts((list) => [
            ...list,
            { ...draft, status: 'error', error: `too large (the limit is ${formatBytes(limit)})` },
          ]);
          continue;
        }
        const controller = new AbortController();
        controllers.current.set(key, controller);
        setDrafts((list) => [...list, draft]);
        uploadFile(file, (progress) => patch(key, { progress }), controller.signal)
          .then((attachment) =>
            patch(key, {
              status: 'done',
              progress: 1,
              attachment: { ...attachment, uploadedAt: Date.now() },
            }),
          )
          .catch((error: Error) => {
            if (!controller.signal.aborted) patch(key, { status: 'error', error: error.message });
          })
          .finally(() => controllers.current.delete(key));
      }
    },
    [patch],
  );

  /**
   * Puts files that are already uploaded back in the tray (a refused message being redone).
   * `heldSince` stands in for the upload time of files held before the client noted it.
   */
  const restore = useCallback((attachments: readonly HeldAttachment[], heldSince: number) => {
    setDrafts((list) => [...list, ...heldDrafts(attachments, heldSince)]);
  }, []);

  // A file left in the tray past the server's attach window turns into an error when it goes
  // stale, and a send checks again (a background tab's timers run late), rather than the
  // server refusing the whole message.
  useEffect(() => {
    const at = nextExpiry(drafts);
    if (at === null) return;
    const timer = setTimeout(
      () => setDrafts((list) => expireHeld(list)),
      Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1),
    );
    return () => clearTimeout(timer);
  }, [drafts]);
  /** Marks stale files before a send; true if there were any (the send should wait for the user). */
  const expireStale = useCallback((): boolean => {
    if (expireHeld(latest.current) === latest.current) return false;
    setDrafts((list) => expireHeld(list));
    return true;
  }, []);

  const remove = useCallback((key: string) => {
    controllers.current.get(key)?.abort();
    setDrafts((list) => {
      const gone = list.find((d) => d.key === key);
      if (gone?.preview) revokePreview(gone.preview);
      return list.filter((d) => d.key !== key);
    });
  }, []);

  /** Hands over the finished attachments and clears the tray. */
  const take = useCallback((): HeldAttachment[] => {
    const done = finishedUploads(drafts);
    for (const d of drafts) if (d.preview) revokePreview(d.preview);
    setDrafts([]);
    return done;
  }, [drafts]);

  // Leaving the room cancels what is still uploading and frees the previews.
  useEffect(
    () => () => {
      for (const controller of controllers.current.values()) controller.abort();
      for (const draft of latest.current) if (draft.preview) revokePreview(draft.preview);
    },
    [],
  );

  return {
    drafts,
    add,
    restore,
    remove,
    take,
    expireStale,
    uploading: drafts.some((d) => d.status === 'uploading'),
    ready: drafts.some((d) => d.status === 'done'),
  };
}

export type Uploads = ReturnType<typeof useUploads>;

/** The finished uploads in the tray: what a message sent now would carry. */
export function finishedUploads(drafts: readonly Draft[]): HeldAttachment[] {
  return drafts.flatMap((d) => (d.status === 'done' && d.attachment ? [d.attachment] : []));
}

const EXPIRED = 'no longer on the server — attach it again';

/**
 * Tray entries for files uploaded earlier, each stamped with its upload time (`heldSince` for
 * files held before the client noted it); those the server may have deleted say so.
 */
export function heldDrafts(
  attachments: readonly HeldAttachment[],
  heldSince: number,
  now = Date.now(),
): Draft[] {
  const entries = attachments.map(
    (attachment): Draft => ({
      key: crypto.randomUUID(),
      name: attachment.name,
      size: attachment.size,
      progress: 1,
      status: 'done',
      attachment: { ...attachment, uploadedAt: attachment.uploadedAt ?? heldSince },
      ...(attachment.thumbUrl ? { preview: attachment.thumbUrl } : {}),
    }),
  );
  return expireHeld(entries, now);
}

/** Turns finished uploads the server may have deleted into errors; the same list if there are none. */
export function expireHeld(drafts: Draft[], now = Date.now()): Draft[] {
  const stale = (d: Draft) => d.status === 'done' && d.attachment && isUploadExpired(d.attachment, now, now);
  if (!drafts.some(stale)) return drafts;
  return drafts.map((d): Draft => {
    if (!stale(d)) return d;
    // A server thumbnail would be gone too; a local preview stays until the entry is removed.
    const { attachment: _, preview, ...rest } = d;
    return { ...rest, status: 'error', error: EXPIRED, ...(preview?.startsWith('blob:') ? { preview } : {}) };
  });
}

/** When the next finished upload in the tray goes stale, if any. */
export function nextExpiry(drafts: readonly Draft[]): number | null {
  const times = drafts.flatMap((d) =>
    d.status === 'done' && d.attachment?.uploadedAt !== undefined ? [uploadExpiresAt(d.attachment, 0)] : [],
  );
  return times.length ? Math.min(...times) : null;
}

/** Local previews are object URLs to free; a restored upload's preview is its server thumbnail. */
function revokePreview(preview: string): void {
  if (preview.startsWith('blob:')) URL.revokeObjectURL(preview);
}
