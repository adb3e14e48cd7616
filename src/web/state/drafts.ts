import type { Message } from '../../shared/protocol.js';
import type { HeldAttachment } from '../api/uploads.js';
import type { KeyValueStorage } from './outbox.js';

/**
 * What a room's composer holds — text, the message it replies to, finished uploads — kept per
 * user in localStorage, so it survives switching rooms, a reload, and a refused message taken
 * back out of the outbox to be edited.
 */
export interface ComposerDraft {
  text: string;
  /** The quoted message as it was when picked: the room's history may not reach back to it. */
  replyTo?: Message;
  attachments?: HeldAttachment[];
  savedAt: number;
}

/** Drafts nobody came back to in this long are dropped (rooms left, devices moved on). */
const DRAFT_MAX_AGE_MS = 30 * 24 * 60 * 60_000;

export class Drafts {
  /** Once the user's data is forgotten (signed out), nothing is written back. */
  private closed = false;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly key: string,
  ) {}

  /** Stops writing to storage: a composer that unmounts after sign-out must not save again. */
  close(): void {
    this.closed = true;
  }

  get(roomId: string, now = Date.now()): ComposerDraft | null {
    return this.load(now)[roomId] ?? null;
  }

  /** Saves what the composer holds now; an empty composer removes the room's draft. */
  set(roomId: string, draft: Omit<ComposerDraft, 'savedAt'>, now = Date.now()): void {
    if (this.closed) return;
    const all = this.load(now);
    const empty = !draft.text.trim() && !draft.replyTo && !draft.attachments?.length;
    if (empty && !(roomId in all)) return;
    // Unchanged (a room opened, an upload's progress): savedAt keeps saying when it was touched.
    if (!empty && all[roomId] && sameContent(all[roomId], draft)) return;
    if (empty) delete all[roomId];
    else all[roomId] = { ...draft, savedAt: now };
    try {
      this.storage.setItem(this.key, JSON.stringify(all));
    } catch {
      // Storage full or disabled: the draft lives as long as the page.
    }
  }

  // Read on every call: another tab of the same user may have saved a draft since.
  private load(now = Date.now()): Record<string, ComposerDraft> {
    try {
      const raw = this.storage.getItem(this.key);
      const parsed: unknown = raw ? JSON.parse(raw) : {};
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
      const fresh: Record<string, ComposerDraft> = {};
      for (const [roomId, draft] of Object.entries(parsed as Record<string, ComposerDraft>)) {
        if (typeof draft?.text === 'string' && now - draft.savedAt < DRAFT_MAX_AGE_MS) fresh[roomId] = draft;
      }
      return fresh;
    } catch {
      return {};
    }
  }
}

function sameContent(stored: ComposerDraft, draft: Omit<ComposerDraft, 'savedAt'>): boolean {
  const { savedAt: _, ...content } = stored;
  return JSON.stringify(content) === JSON.stringify({ ...draft });
}
