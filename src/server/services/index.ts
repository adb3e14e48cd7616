import { DomainError } from '../domain/errors.js';
import type { MatchQueue } from '../domain/matchmaker.js';
import type { Presence } from '../domain/presence.js';
import type { RateLimiter } from '../domain/rate-limit.js';
import type { Database } from '../store/database.js';
import { findRoomBy } from '../store/rooms.js';
import { flushSearchIndex } from '../store/search-index.js';
import { DEFAULT_CHANNEL } from '../store/seed.js';
import { WriteQueue } from '../store/write-queue.js';
import { AuditReads } from './audit.js';
import { AuthService } from './auth.js';
import type { ServiceDeps } from './deps.js';
import { type Effect, effectsOf } from './effects.js';
import { GuestBans } from './guest-bans.js';
import { HistoryService } from './history.js';
import { InvitesService } from './invites.js';
import { Matching } from './matching.js';
import { Membership } from './membership.js';
import { MessageDelete } from './message-delete.js';
import { MessageEdit } from './message-edit.js';
import { MessageSend } from './message-send.js';
import { People } from './people.js';
import { Reactions } from './reactions.js';
import { ReadMarks } from './read-marks.js';
import { Reports } from './reports.js';
import { RoomAdmin } from './room-admin.js';
import { RoomCreation } from './room-create.js';
import { RoomModeration } from './room-moderation.js';
import { RoomReads } from './room-reads.js';
import { MessageSearchService } from './search.js';
import { Sessions } from './sessions.js';
import { SettingsService } from './settings.js';
import { UserAdmin } from './user-admin.js';

export interface ServicesOptions {
  /** Reads go to `db`, the write queue commits on `writer` (see store/database.ts). */
  database: Pick<Database, 'db' | 'writer' | 'runOnWriter' | 'dialect'>;
  /** State shared by the nodes of a cluster, or kept in memory by a single node. */
  presence: Presence;
  matchQueue: MatchQueue;
  limiter: RateLimiter;
  now?: (() => number) | undefined;
  sessionTtlMs: number;
  guestSessionTtlMs: number;
  /** How long a departed guest's name stays reserved; as long as a guest session lasts when unset. */
  guestNameHoldMs?: number | undefined;
  /**
   * Where the effects of every committed batch go (the realtime gateway), in commit order. They
   * are announced once the callers' continuations — the acks to the senders — have run: a
   * sender hears "stored" before the room hears the message.
   */
  announce(effects: Effect[]): void;
  onBatch?: ((durationMs: number, size: number) => void) | undefined;
  /** Benchmark only: no search flush before each commit (ParleyOptions.benchWithoutSearchIndex). */
  withoutSearchIndex?: boolean | undefined;
  /** How long a node trusts its copy of the settings (services/settings.ts). */
  settingsTtlMs?: number | undefined;
  /** The operator's UPLOAD_MAX_BYTES: the admin's upload limit stays under it. */
  uploadCeilingBytes: number;
}

export type Services = Awaited<ReturnType<typeof createServices>>;

/** Wires the services of one node around one database; the transports sit on top. */
export async function createServices(options: ServicesOptions) {
  const { presence, matchQueue, limiter } = options;
  const { db, writer, runOnWriter } = options.database;
  const now = options.now ?? Date.now;
  const writes = new WriteQueue(writer, {
    onBatch: options.onBatch,
    runNow: runOnWriter,
    // The messages this batch wrote join the search index in its commit.
    beforeCommit: options.withoutSearchIndex ? undefined : flushSearchIndex,
    onCommitted(results) {
      const effects = effectsOf(results);
      // A tick queued from here runs once the microtasks now queued — the jobs' continuations,
      // their acks — have all run, and before any I/O: the broadcasts then share the acks'
      // system call per socket (realtime/write-coalescing.ts) instead of making another one.
      if (effects.length > 0) process.nextTick(() => options.announce(effects));
    },
  });
  const settings = new SettingsService({
    db,
    writes,
    now,
    ttlMs: options.settingsTtlMs,
    uploadCeilingBytes: options.uploadCeilingBytes,
  });
  const deps: ServiceDeps = { db, writes, limiter, matchQueue, presence, settings, now };
  // One service per use case (Zulip's actions by verb): a new feature adds one here.
  const membership = new Membership(deps);
  const moderation = new RoomModeration(deps);
  const messageDelete = new MessageDelete(deps);
  const history = new HistoryService(db, limiter);
  const general = await findRoomBy(db, 'name_key', DEFAULT_CHANNEL);
  const auth = new AuthService({
    db,
    writes,
    limiter,
    settings,
    now,
    sessionTtlMs: options.sessionTtlMs,
    guestSessionTtlMs: options.guestSessionTtlMs,
    guestNameHoldMs: options.guestNameHoldMs ?? options.guestSessionTtlMs,
    async onSignup(user) {
      // The account exists by now: landing in #general is a welcome, not a condition. An
      // archived (or otherwise closed) #general leaves the newcomer with no room, not an error.
      if (general)
        await membership.joinChannel(user, general.id).catch((error: unknown) => {
          if (!(error instanceof DomainError)) throw error;
        });
    },
  });
  return {
    writes,
    limiter,
    presence,
    settings,
    invites: new InvitesService({ db, writes, settings, now }),
    auth,
    history,
    rooms: new RoomReads(deps),
    roomCreation: new RoomCreation(deps),
    membership,
    matching: new Matching(deps),
    messageSend: new MessageSend(deps),
    messageEdit: new MessageEdit(deps),
    messageDelete,
    reactions: new Reactions(deps),
    readMarks: new ReadMarks(deps),
    people: new People(deps),
    search: new MessageSearchService(deps),
    moderation,
    reports: new Reports(deps, moderation, messageDelete),
    audit: new AuditReads(deps),
    userAdmin: new UserAdmin({ ...deps, database: options.database }),
    guestBans: new GuestBans(deps),
    roomAdmin: new RoomAdmin(deps),
    sessions: new Sessions(deps),
  };
}
