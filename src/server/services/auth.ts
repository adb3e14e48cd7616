import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { PublicUser, RankedUser, Self, ServerRole } from '../../shared/protocol.js';
import type { ServerSettings, SignInOptions } from '../../shared/schemas.js';
import { displayAddress, storedUserAgent } from '../domain/devices.js';
import { conflict, DomainError } from '../domain/errors.js';
import type { Policy } from '../domain/permissions.js';
import { addressBucket, enforce, type RateLimiter } from '../domain/rate-limit.js';
import { policyOf } from '../domain/settings.js';
import {
  type NormalisedUsername,
  normaliseUsername,
  usernameKeys,
  validatePassword,
} from '../domain/usernames.js';
import { presentRanked, presentSelf, presentUser } from '../presenters/users.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Schema } from '../store/schema.js';
import {
  deleteOtherSessions,
  deleteSession,
  deleteSessionsOfUser,
  existingSessionIds,
  expireSessions,
  findSessionWithUser,
  insertSession,
} from '../store/sessions.js';
import { findSignInLink, useSignInLink } from '../store/sign-in-links.js';
import {
  anyAccount,
  findUserById,
  findUserByName,
  freeHeldGuestNames,
  insertUser,
  lockFirstAccountQuestion,
  releaseIdleGuestNames,
  setPasswordHash,
} from '../store/users.js';
import type { WriteQueue } from '../store/write-queue.js';
import { refuseBannedGuest } from './guest-bans.js';
import { redeemInvite } from './invites.js';
import type { SettingsService } from './settings.js';
import { signInTokenHash } from './sign-in-links.js';

export interface AuthDeps {
  db: Kysely<Schema>;
  writes: WriteQueue;
  limiter: RateLimiter;
  /** Who may register, and whether guests may come in (docs/administration.md). */
  settings: SettingsService;
  now(): number;
  /** Called after sign-up so a new account lands somewhere (the `general` channel). */
  onSignup(user: PublicUser): Promise<void>;
  sessionTtlMs: number;
  guestSessionTtlMs: number;
  /**
   * How long a guest's name stays reserved after their last session ended, so that nobody else
   * can take it at once and pose as the guest the others were talking to.
   */
  guestNameHoldMs: number;
}

export interface Session {
  id: string;
  /** Public fields only: services put this user into events that everyone sees. */
  user: PublicUser;
  /**
   * The server role as of sign-in or the socket's handshake, for the user's own view (`Self`).
   * Rights are never decided from this copy (a demotion would wait for a reconnect) but from
   * the store, per action (services/rights.ts).
   */
  role: ServerRole;
  expiresAt: number;
  /** As stored when the session was looked up: services/sessions.ts writes it sparingly. */
  lastActiveAt: number | null;
}

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const INVALID_LOGIN = 'invalid username or password';

/** The stored form of a password (argon2id), as every sign-up and password change makes it. */
export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2_OPTIONS);

/**
 * Accounts and sessions. A session token is 32 random bytes given to the client once; only
 * its SHA-256 is stored, so the sessions table cannot be replayed, and deleting the row
 * revokes the token on every node at once.
 */
export class AuthService {
  // A real hash to verify against when the account does not exist, so a wrong username
  // costs as much time as a wrong password.
  private readonly decoyHash = hash(randomBytes(16).toString('hex'), ARGON2_OPTIONS);

  constructor(private readonly deps: AuthDeps) {}

  /**
   * A new account, if the sign-up policy lets it in: anyone ('open'), with a live invite
   * ('invite'; an invite given on an open server is used too), or nobody ('closed'). The
   * first account of a fresh server always may: that is how a closed server gets its admin.
   * `address` and `userAgent` are the client's: the new session is listed with them.
   */
  async register(
    username: string,
    password: string,
    address: string,
    inviteToken?: string,
    userAgent?: string,
  ): Promise<{ session: Session; token: string }> {
    await this.throttleSignup(address);
    const name = normaliseUsername(username);
    // Refused before the costly hash; decided again inside the write job, where it counts.
    admission(await this.deps.settings.get(), !(await anyAccount(this.deps.db)), inviteToken);
    validatePassword(password);
    const passwordHash = await hash(password, ARGON2_OPTIONS);
    return this.createUser(name, passwordHash, { address, userAgent }, inviteToken);
  }

  /** What the sign-in screen may offer; public, so it says nothing about who is here. */
  async signInOptions(): Promise<SignInOptions> {
    const { signupPolicy, guestsAllowed } = await this.deps.settings.get();
    return { firstAccountIsAdmin: !(await anyAccount(this.deps.db)), signupPolicy, guestsAllowed };
  }

  async guest(
    username: string,
    address: string,
    userAgent?: string,
  ): Promise<{ session: Session; token: string }> {
    await this.throttleSignup(address);
    if (!(await this.deps.settings.get()).guestsAllowed) throw guestsRefused();
    const name = normaliseUsername(username);
    await refuseBannedGuest(this.deps.db, name.skeleton, address);
    return this.createUser(name, null, { address, userAgent });
  }

  async login(
    username: string,
    password: string,
    address: string,
    userAgent?: string,
  ): Promise<{ session: Session; token: string }> {
    const from = addressBucket(address);
    await enforce(this.deps.limiter, 'loginAddress', from, 'too many login attempts, try again later');
    const name = usernameKeys(username);
    const user = await findUserByName(this.deps.db, name);
    // Throttled by the account the name leads to, however it was spelt; a name that leads
    // nowhere gets a bucket of its own, so a wrong username is throttled like a wrong password.
    const account = user?.id ?? `name:${name.skeleton}`;
    const failure = await this.takeFailureTokens(account, from);
    const valid = user?.password_hash
      ? await verify(user.password_hash, password)
      : await verify(await this.decoyHash, password).then(() => false);
    if (!user || !valid) throw new DomainError('unauthorized', INVALID_LOGIN);
    await failure.refund();
    // Told apart only after the password was right: a wrong guess learns nothing about the account.
    if (user.deactivated_at !== null) throw deactivated();
    return this.startSession(presentRanked(user), { address, userAgent });
  }

  /**
   * Failed logins are counted per account *and* address, so failures from elsewhere never lock
   * the owner out: a guesser locks out only their own address, for that account. A looser
   * count per account alone still caps a guesser spread over many addresses — who could, with
   * enough of them, lock the owner out while they keep at it; the price of any such cap
   * (docs/protocol.md §1). Both tokens are spent before the password is checked, so parallel
   * guesses cannot all slip past; a successful login gets them back.
   */
  private async takeFailureTokens(account: string, from: string): Promise<{ refund(): Promise<void> }> {
    const { limiter } = this.deps;
    const pair = `${account}@${from}`;
    const here = await limiter.take('loginAccountFromAddress', pair);
    if (!here.allowed) {
      throw new DomainError(
        'rate_limited',
        'too many failed logins for this account from your address, try again later',
        here.retryAfterMs,
      );
    }
    const anywhere = await limiter.take('loginAccount', account);
    if (!anywhere.allowed) {
      await limiter.refund('loginAccountFromAddress', pair);
      throw new DomainError(
        'rate_limited',
        'too many failed logins for this account, try again later',
        anywhere.retryAfterMs,
      );
    }
    return {
      async refund() {
        await limiter.refund('loginAccountFromAddress', pair);
        await limiter.refund('loginAccount', account);
      },
    };
  }

  private throttleSignup(address: string): Promise<void> {
    return enforce(
      this.deps.limiter,
      'signup',
      addressBucket(address),
      'too many sign-ups from this address, try again later',
    );
  }

  /** Revokes one session; a guest whose last session this was gives up their name (after the hold). */
  async logout(sessionId: string): Promise<void> {
    await this.deps.writes.run(async (trx) => {
      const userId = await deleteSession(trx, sessionId);
      if (userId) await releaseIdleGuestNames(trx, this.deps.now(), userId);
    });
  }

  /** Changes the password and revokes every other session; returns the revoked session ids. */
  async changePassword(session: Session, current: string, next: string): Promise<string[]> {
    const user = await findUserById(this.deps.db, session.user.id);
    if (!user?.password_hash) throw new DomainError('bad_request', 'guests have no password to change');
    if (!(await verify(user.password_hash, current))) {
      throw new DomainError('unauthorized', 'the current password is wrong', undefined, 'currentPassword');
    }
    validatePassword(next, 'newPassword');
    const passwordHash = await hash(next, ARGON2_OPTIONS);
    return this.deps.writes.run(async (trx) => {
      await setPasswordHash(trx, user.id, passwordHash);
      return deleteOtherSessions(trx, user.id, session.id);
    });
  }

  /**
   * Uses a one-time sign-in link (`parley reset-password`, `parley create-admin`): sets the new
   * password, ends every session the user had, and starts a new one. Returns the revoked
   * session ids so their sockets can be closed. An unknown, used or expired link is refused
   * after the same work (the new password is hashed first), so timing tells them apart no
   * better than the message does.
   */
  async signInWithLink(
    token: string,
    newPassword: string,
    address: string,
    userAgent?: string,
  ): Promise<{ session: Session; token: string; revoked: string[] }> {
    await enforce(
      this.deps.limiter,
      'loginAddress',
      addressBucket(address),
      'too many sign-in attempts, try again later',
    );
    validatePassword(newPassword, 'newPassword');
    const passwordHash = await hash(newPassword, ARGON2_OPTIONS);
    const tokenHash = signInTokenHash(token);
    return this.deps.writes.run(async (trx) => {
      const now = this.deps.now();
      const link = await findSignInLink(trx, tokenHash);
      if (!link) throw badLink('this sign-in link is not valid: check that it was copied whole');
      if (link.used_at !== null)
        throw badLink('this sign-in link was already used: ask an admin for a new one');
      if (link.expires_at <= now) throw badLink('this sign-in link has expired: ask an admin for a new one');
      const user = await findUserById(trx, link.user_id);
      if (!user || user.is_guest)
        throw badLink('this sign-in link is not valid: check that it was copied whole');
      if (user.deactivated_at !== null) throw deactivated();
      if (!(await useSignInLink(trx, link.id, now))) {
        throw badLink('this sign-in link was already used: ask an admin for a new one');
      }
      await setPasswordHash(trx, user.id, passwordHash);
      const revoked = await deleteSessionsOfUser(trx, user.id);
      const started = this.newSession(presentRanked(user), { address, userAgent });
      await insertSession(trx, started.row);
      return { session: started.session, token: started.token, revoked };
    });
  }

  /** Which of these sessions still exist: the others were revoked (by the operator CLI, say) or expired. */
  async liveSessions(sessionIds: readonly string[]): Promise<Set<string>> {
    const live = new Set<string>();
    // Bound parameters per query stay far below SQLite's and PostgreSQL's limits.
    for (let i = 0; i < sessionIds.length; i += 500) {
      for (const id of await existingSessionIds(this.deps.db, sessionIds.slice(i, i + 500))) live.add(id);
    }
    return live;
  }

  /** Resolves a bearer token to its live session, or null. */
  async authenticate(token: string | undefined): Promise<Session | null> {
    if (!token || token.length > 200) return null;
    const row = await findSessionWithUser(this.deps.db, sessionIdOf(token));
    if (!row || row.expires_at <= this.deps.now() || row.deactivated_at !== null) return null;
    return {
      id: row.session_id,
      user: presentUser(row),
      role: row.role,
      expiresAt: row.expires_at,
      lastActiveAt: row.last_active_at,
    };
  }

  /**
   * Deletes expired sessions and frees the guest names whose hold is over; returns the expired
   * session ids so their sockets can be closed.
   */
  async expireSessions(): Promise<string[]> {
    return this.deps.writes.run(async (trx) => {
      const now = this.deps.now();
      const expired = await expireSessions(trx, now);
      await freeHeldGuestNames(trx, now - this.deps.guestNameHoldMs);
      return expired;
    });
  }

  private async createUser(
    name: NormalisedUsername,
    passwordHash: string | null,
    client: Client,
    inviteToken?: string,
  ): Promise<{ session: Session; token: string }> {
    const createdAt = this.deps.now();
    const user = (role: ServerRole) => ({
      id: randomUUID(),
      username: name.display,
      username_key: name.key,
      username_skeleton: name.skeleton,
      password_hash: passwordHash,
      is_guest: passwordHash ? 0 : 1,
      role,
      created_at: createdAt,
      last_seen_at: null,
      name_released_at: null,
      deactivated_at: null,
    });
    let started: ReturnType<AuthService['newSession']>;
    try {
      started = await this.deps.writes.run(async (trx) => {
        // A held name whose hold is over is freed here rather than waiting for the sweep.
        await freeHeldGuestNames(trx, createdAt - this.deps.guestNameHoldMs, name);
        const holder = await findUserByName(trx, name);
        if (holder) throw holder.name_released_at === null ? nameTaken() : nameRecentlyUsed();
        // The first account on a fresh server runs it (the sign-up screen says so).
        if (passwordHash !== null) await lockFirstAccountQuestion(trx);
        const first = passwordHash !== null && !(await anyAccount(trx));
        const row = user(passwordHash === null ? 'guest' : first ? 'admin' : 'member');
        await insertUser(trx, row);
        if (passwordHash !== null && !first) {
          // Here, in the job, two sign-ups racing to be a closed server's first cannot both be.
          const settings = await this.deps.settings.get();
          if (admission(settings, false, inviteToken) === 'invite') {
            await redeemInvite(trx, inviteToken!, row.id, createdAt, policyOf(settings));
          }
        }
        // In the same job: a guest without a session looks departed to the sweep, which would
        // start holding (and later free) the name of someone still signing up.
        const session = this.newSession(presentRanked(row), client);
        await insertSession(trx, session.row);
        return session;
      });
    } catch (error) {
      throw isUniqueViolation(error) ? nameTaken() : error;
    }
    await this.deps.onSignup(started.session.user);
    return { session: started.session, token: started.token };
  }

  /** The session's user as they see themselves, with what the settings now let them start. */
  async selfOf(session: Session): Promise<Self> {
    return selfOf(session, await this.deps.settings.policy());
  }

  private async startSession(user: RankedUser, client: Client): Promise<{ session: Session; token: string }> {
    const started = this.newSession(user, client);
    await this.deps.writes.run((trx) => insertSession(trx, started.row));
    return started;
  }

  /** A fresh token and the session row it stands for (only the token's hash is stored). */
  private newSession(user: RankedUser, client: Client) {
    const token = randomBytes(32).toString('base64url');
    const id = sessionIdOf(token);
    const createdAt = this.deps.now();
    const ttl = user.guest ? this.deps.guestSessionTtlMs : this.deps.sessionTtlMs;
    const expiresAt = createdAt + ttl;
    const session: Session = {
      id,
      user: { id: user.id, username: user.username, guest: user.guest },
      role: user.role,
      expiresAt,
      lastActiveAt: createdAt,
    };
    const row = {
      id,
      publicId: randomUUID(),
      userId: user.id,
      createdAt,
      expiresAt,
      userAgent: storedUserAgent(client.userAgent),
      address: displayAddress(client.address),
    };
    return { token, session, row };
  }
}

/** Where a sign-in came from, as the sessions list shows it. */
interface Client {
  address: string;
  userAgent: string | undefined;
}

/** The session's user as they see themselves: with their server role and rights. */
export const selfOf = (session: Session, policy: Policy): Self =>
  presentSelf({ ...session.user, role: session.role }, policy);

export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Whether the policy lets a new account in: 'invite' when it comes in with the invite (which
 * the caller redeems), 'free' when it needs none. Refuses otherwise.
 */
function admission(
  settings: ServerSettings,
  first: boolean,
  inviteToken: string | undefined,
): 'free' | 'invite' {
  if (first) return 'free';
  if (settings.signupPolicy === 'closed') throw signupClosed();
  if (inviteToken !== undefined) return 'invite';
  if (settings.signupPolicy === 'invite') throw inviteNeeded();
  return 'free';
}

const signupClosed = () =>
  new DomainError('forbidden', 'sign-up is closed on this server: ask an admin to let you in');
const inviteNeeded = () =>
  new DomainError(
    'forbidden',
    'sign-up on this server needs an invite: ask a member for an invite link',
    undefined,
    'inviteToken',
  );
const guestsRefused = () =>
  new DomainError('forbidden', 'this server does not let guests in: sign in with an account');
const deactivated = () =>
  new DomainError('forbidden', 'this account has been deactivated: ask an admin of this server');
const badLink = (message: string) => new DomainError('unauthorized', message, undefined, 'token');
const nameTaken = () => conflict('that username is taken', 'username');
const nameRecentlyUsed = () =>
  conflict(
    'that username was used by a guest until recently and is held for a while: pick another',
    'username',
  );
