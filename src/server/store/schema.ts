import type { Generated } from 'kysely';
import type { RoomRole, ServerRole } from '../../shared/protocol.js';

/**
 * Table shapes as Kysely sees them. Times are milliseconds since the epoch (bigint columns),
 * flags are 0/1 integers, ids are opaque text; the same definitions serve SQLite and PostgreSQL.
 */
export interface UsersTable {
  id: string;
  username: string;
  /** The name lower-cased (domain/usernames.ts), UNIQUE; NULL once a guest's name is free again. */
  username_key: string | null;
  /**
   * What the name looks like (its confusable skeleton), UNIQUE; NULL once a guest's name is
   * free again, and for an account whose look-alike was registered before migration 005.
   */
  username_skeleton: string | null;
  password_hash: string | null;
  is_guest: number;
  created_at: number;
  last_seen_at: number | null;
  /** Guests: when their last session ended; their name is held for a while after (services/auth.ts). */
  name_released_at: number | null;
  /** domain/permissions.ts: what each may do. Guests are 'guest' (and is_guest = 1). */
  role: Generated<ServerRole>;
  /** Set while an admin has deactivated the account: no sign-in, no sessions, messages kept. */
  deactivated_at: number | null;
}

export interface SessionsTable {
  /** SHA-256 of the bearer token: a leaked database does not leak usable tokens. */
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  /**
   * The id clients name the session by (GET /api/me/sessions): random, unrelated to the token.
   * `id` is not given out although a hash cannot be turned back into its token: it is the
   * key every lookup by token and the session's socket channel use, so anything that one day
   * took an id where a hash is meant would make a listed id a handle on the session, and it
   * lets whoever holds a token pick out its entry offline. Set for every row by migration 008.
   */
  public_id: string;
  /** The User-Agent it signed in with (kept once known; domain/devices.ts summarises it). */
  user_agent: string | null;
  /** The client address it was last used from, as the server sees it (TRUST_PROXY honoured). */
  address: string | null;
  /** Written at most once a minute while the session is used (services/sessions.ts). */
  last_active_at: number | null;
}

/** One-time sign-in links (store/sign-in-links.ts): used once, before they expire, to set a password. */
export interface SignInLinksTable {
  id: string;
  /** SHA-256 of the link's token; the token itself is only ever printed. */
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface RoomsTable {
  id: string;
  kind: 'channel' | 'dm' | 'group' | 'code' | 'match';
  name: string | null;
  /** Lower-cased channel name, UNIQUE; NULL for other kinds. */
  name_key: string | null;
  code: string | null;
  /** Sorted pair of user ids, UNIQUE, so a pair of users has one DM. */
  dm_key: string | null;
  owner_id: string | null;
  max_members: number | null;
  /** Last sequence number handed out in this room's log. */
  last_seq: number;
  /** Maintained with every membership change (see insertMembers / deleteMember). */
  member_count: number;
  created_at: number;
  topic: string | null;
  description: string | null;
  /** 0/1: announcements, only the room's moderators post. */
  read_only: Generated<number>;
  archived_at: number | null;
}

export interface RoomMembersTable {
  room_id: string;
  user_id: string;
  role: RoomRole;
  joined_at: number;
  last_read_seq: number;
  /** Muted (no posting, no reacting) until then; NULL or past when not. */
  muted_until: number | null;
}

/** Who may not come back into a room: a ban outlives the membership it ended. */
export interface RoomBansTable {
  room_id: string;
  user_id: string;
  banned_by: string | null;
  reason: string | null;
  created_at: number;
}

export interface MessagesTable {
  id: string;
  room_id: string;
  seq: number;
  kind: 'user' | 'system';
  author_id: string | null;
  client_msg_id: string | null;
  text: string;
  system: 'joined' | 'left' | null;
  reply_to: string | null;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
}

export interface ReactionsTable {
  message_id: string;
  user_id: string;
  emoji: string;
  created_at: number;
}

/** The room log: one row per change, in `seq` order. Payloads are rebuilt from current state. */
export interface RoomEventsTable {
  room_id: string;
  seq: number;
  type: string;
  message_id: string | null;
  user_id: string | null;
  created_at: number;
}

export interface UploadsTable {
  id: string;
  uploader_id: string;
  /** Set when the upload is attached to a message; until then only the uploader may read it. */
  room_id: string | null;
  message_id: string | null;
  kind: 'image' | 'video' | 'audio' | 'file';
  /** Detected from the bytes, never from the name or the client's header. */
  mime: string;
  size: number;
  /** The original file name, sanitised; shown and offered on download, never used on disk. */
  name: string;
  width: number | null;
  height: number | null;
  thumb_width: number | null;
  thumb_height: number | null;
  created_at: number;
  attached_at: number | null;
  /** Set when the sweep removed the bytes; the row stays a day for quota accounting. */
  removed_at: number | null;
}

/** Who did what to whom, when and why: every moderation and admin action. */
export interface AuditLogTable {
  id: string;
  at: number;
  /** NULL for the operator CLI. */
  actor_id: string | null;
  action: string;
  room_id: string | null;
  target_user_id: string | null;
  reason: string | null;
  /** JSON text: what changed. */
  detail: string | null;
}

export interface ReportsTable {
  id: string;
  message_id: string;
  room_id: string;
  reporter_id: string;
  reason: string;
  created_at: number;
  status: Generated<'open' | 'dismissed' | 'actioned'>;
  handled_by: string | null;
  handled_at: number | null;
  /** What was done: 'dismissed', 'deleted', 'muted', 'banned'. */
  resolution: string | null;
}

/** Server settings (domain/settings.ts): one row per setting, its value as JSON. */
export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
  /** The admin who last changed it; NULL for the first-start default. */
  updated_by: string | null;
}

export interface InvitesTable {
  id: string;
  /** SHA-256 of the link's token: the table cannot be turned back into working links. */
  token_hash: string;
  created_by: string;
  created_at: number;
  /** NULL: never expires. */
  expires_at: number | null;
  /** NULL: any number of uses. */
  max_uses: number | null;
  uses: Generated<number>;
  revoked_at: number | null;
}

export interface InviteUsesTable {
  invite_id: string;
  user_id: string;
  used_at: number;
}

/** A guest name (its skeleton) or an address (its bucket) kept out of guest sign-ins. */
export interface GuestBansTable {
  id: string;
  kind: 'name' | 'address';
  value: string;
  label: string;
  reason: string | null;
  created_by: string | null;
  created_at: number;
}

export interface Schema {
  users: UsersTable;
  sessions: SessionsTable;
  rooms: RoomsTable;
  room_members: RoomMembersTable;
  room_bans: RoomBansTable;
  audit_log: AuditLogTable;
  reports: ReportsTable;
  messages: MessagesTable;
  reactions: ReactionsTable;
  room_events: RoomEventsTable;
  uploads: UploadsTable;
  settings: SettingsTable;
  invites: InvitesTable;
  invite_uses: InviteUsesTable;
  guest_bans: GuestBansTable;
  sign_in_links: SignInLinksTable;
}
