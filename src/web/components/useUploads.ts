import { useCallback, useEffect, useRef, useState } from 'react';
import { formatSize, type HeldAttachment, isUploadExpired, uploadFile, uploadLimit } from '../api/uploads';

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
            { ...draft, status: 'error', error: `too large (the limit is ${formatSize(limit)})` },
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
  const latest = useRef(drafts);
  latest.current = drafts;
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
    uploading: drafts.some((d) => d.status === 'uploading'),
    ready: drafts.some((d) => d.status === 'done'),
  };
}

export type Uploads = ReturnType<typeof useUploads>;

/** The finished uploads in the tray: what a message sent now would carry. */
export function finishedUploads(drafts: readonly Draft[]): HeldAttachment[] {
  return drafts.flatMap((d) => (d.status === 'done' && d.attachment ? [d.attachment] : []));
}

/** Tray entries for files uploaded earlier; one the server may have deleted says so. */
function heldDrafts(attachments: readonly HeldAttachment[], heldSince: number): Draft[] {
  return attachments.map((attachment): Draft => {
    const entry = { key: crypto.randomUUID(), name: attachment.name, size: attachment.size, progress: 1 };
    return isUploadExpired(attachment, heldSince)
      ? { ...entry, status: 'error', error: 'no longer on the server — attach it again' }
      : {
          ...entry,
          status: 'done',
          attachment,
          ...(attachment.thumbUrl ? { preview: attachment.thumbUrl } : {}),
        };
  });
}

/** Local previews are object URLs to free; a restored upload's preview is its server thumbnail. */
function revokePreview(preview: string): void {
  if (preview.startsWith('blob:')) URL.revokeObjectURL(preview);
}
