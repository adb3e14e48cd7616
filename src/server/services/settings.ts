import { formatBytes } from '../../shared/format.js';
import type { ServerSettings } from '../../shared/schemas.js';
import { DomainError } from '../domain/errors.js';
import type { Policy } from '../domain/permissions.js';
import { policyOf, settingsFrom } from '../domain/settings.js';
import { insertAudit } from '../store/audit-log.js';
import type { Executor } from '../store/executor.js';
import { insertMissingSettings, readSettingRows, writeSettings } from '../store/settings.js';
import type { WriteQueue } from '../store/write-queue.js';
import { outcome } from './effects.js';
import { requireServerRight } from './rights.js';

/**
 * How long a node trusts its copy of the settings. A change made on this node drops the copy
 * at once, and one made on another node drops it when the cluster bus brings the news
 * (`settings-changed`); this only bounds how long a node that missed that (Redis away) runs
 * on stale settings.
 */
export const SETTINGS_TTL_MS = 10_000;

/**
 * The server's settings (domain/settings.ts), read through a small cache: sign-ups, guest
 * sign-ins, DMs and room creation ask for them, and none of those should cost a query each.
 */
export class SettingsService {
  private cached: { value: ServerSettings; at: number } | undefined;
  private loading: Promise<ServerSettings> | undefined;
  /** Bumped by every invalidation, so a read that started before it does not fill the cache. */
  private generation = 0;

  constructor(
    private readonly deps: {
      db: Executor;
      writes: WriteQueue;
      now(): number;
      ttlMs?: number;
      /** The operator's UPLOAD_MAX_BYTES: the admin's upload limit stays under it. */
      uploadCeilingBytes: number;
    },
  ) {}

  private readonly listeners = new Set<(settings: ServerSettings) => void>();

  /**
   * Calls `listener` with every copy read from the database (after a change here, on another
   * node, or when the copy ran out): what is held outside this service (the rate limiter's
   * rules) follows the settings with it.
   */
  onLoaded(listener: (settings: ServerSettings) => void): void {
    this.listeners.add(listener);
  }

  /** Stores the first start's defaults for every setting not stored yet (safe on every start). */
  async seed(db: Executor, defaults: ServerSettings): Promise<void> {
    await insertMissingSettings(db, defaults, this.deps.now());
    this.invalidate();
  }

  async get(): Promise<ServerSettings> {
    const ttl = this.deps.ttlMs ?? SETTINGS_TTL_MS;
    // The real clock: `now` may be a test's fake one, and this is about this process's copy.
    if (this.cached && Date.now() - this.cached.at < ttl) return this.cached.value;
    if (!this.loading) {
      const generation = this.generation;
      const loading: Promise<ServerSettings> = readSettingRows(this.deps.db)
        .then((rows) => {
          const value = settingsFrom(rows);
          // Read before a change was announced: what it read may be older than the change,
          // so nobody gets it — the caller waits for a read made after.
          if (generation !== this.generation) return this.get();
          this.cached = { value, at: Date.now() };
          for (const listener of this.listeners) listener(value);
          return value;
        })
        .finally(() => {
          if (this.loading === loading) this.loading = undefined;
        });
      this.loading = loading;
    }
    return this.loading;
  }

  async policy(): Promise<Policy> {
    return policyOf(await this.get());
  }

  /** Reads the settings again now, whatever the copy's age (the node's periodic check). */
  refresh(): Promise<ServerSettings> {
    this.generation++;
    this.cached = undefined;
    this.loading = undefined;
    return this.get();
  }

  /**
   * Forgets the copy (another node changed the settings) and reads them again at once, so
   * what follows them does not wait for the next sign-up to ask.
   */
  invalidate(): void {
    this.refresh().catch(() => {
      // The database is away: the next read tries again, and the old rules hold meanwhile.
    });
  }

  /** The settings as the admin's dialog shows them ('manage-settings'). */
  async forAdmin(userId: string): Promise<ServerSettings> {
    const settings = await this.get();
    await requireServerRight(this.deps.db, userId, 'manage-settings', policyOf(settings));
    return settings;
  }

  /**
   * An admin's change, in the audit log with what each setting was before; every node hears of
   * it through the `settings-changed` effect.
   */
  async update(userId: string, change: Partial<ServerSettings>): Promise<ServerSettings> {
    const { uploadCeilingBytes } = this.deps;
    const policy = await this.policy();
    await this.deps.writes.run(async (trx) => {
      await requireServerRight(trx, userId, 'manage-settings', policy);
      // After the right: the ceiling is the operator's business, not everyone's to probe.
      if (change.uploadMaxBytes !== undefined && change.uploadMaxBytes > uploadCeilingBytes) {
        throw new DomainError(
          'bad_request',
          `uploads can be at most ${formatBytes(uploadCeilingBytes)} on this server (its UPLOAD_MAX_BYTES)`,
          undefined,
          'uploadMaxBytes',
        );
      }
      const before = settingsFrom(await readSettingRows(trx));
      const changed = Object.fromEntries(
        Object.entries(change).filter(
          ([key, value]) => JSON.stringify(before[key as keyof ServerSettings]) !== JSON.stringify(value),
        ),
      );
      if (Object.keys(changed).length === 0) return outcome(null);
      const at = this.deps.now();
      await writeSettings(trx, changed, at, userId);
      await insertAudit(trx, {
        at,
        actorId: userId,
        action: 'settings.change',
        detail: Object.fromEntries(
          Object.entries(changed).map(([key, to]) => [
            key,
            { from: before[key as keyof ServerSettings], to },
          ]),
        ),
      });
      return outcome(null, [{ kind: 'settings-changed' }]);
    });
    this.invalidate();
    return this.get();
  }

  /** What bounds the admin's choices: the operator's, from the environment. */
  ceilings(): { uploadMaxBytes: number } {
    return { uploadMaxBytes: this.deps.uploadCeilingBytes };
  }
}
