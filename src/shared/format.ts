/**
 * Small formatting helpers both sides need and must agree on: the server names a size limit in
 * an error, the web client names the same limit beside a file that is too large. Pure, no
 * Node or DOM APIs.
 */

const KB = 1024;
const MB = 1024 * KB;

/** A byte count for people: "8.0 MB", "256 KB", "300 B". */
export function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${(bytes / MB).toFixed(1)} MB`;
  if (bytes >= KB) return `${Math.round(bytes / KB)} KB`;
  return `${bytes} B`;
}

/** Where an upload's bytes are served (same origin, session needed): see docs/protocol.md. */
export const fileUrl = (uploadId: string, name: string) => `/files/${uploadId}/${encodeURIComponent(name)}`;

/** Where an upload's thumbnail is served, for uploads that have one. */
export const thumbUrl = (uploadId: string) => `/thumbs/${uploadId}`;

export const REPLY_PREVIEW_LENGTH = 140;

/**
 * What a reply shows of the message it quotes. The server builds previews with it, and the
 * web client rebuilds them with it when the quoted message is edited live, so both agree.
 */
export function replyExcerpt(text: string): string {
  const chars = [...text];
  return chars.length <= REPLY_PREVIEW_LENGTH ? text : `${chars.slice(0, REPLY_PREVIEW_LENGTH).join('')}…`;
}
