import { afterEach, describe, expect, it } from 'vitest';
import { closeAllSockets, connect, ok, settle, signedIn, until } from '../helpers/clients.js';
import { relaxedLimits, startTestServer } from '../helpers/server.js';

afterEach(() => closeAllSockets());

describe('presence under reconnect churn', () => {
  it('turns hundreds of connect/close cycles into at most one online and one offline', async () => {
    // Longer than a handshake takes to refill (docs/protocol.md §10), as the default is.
    const GRACE_MS = 2_500;
    // Production limits for handshakes; the test's own sign-ups and DM need none.
    const { handshake: _h, handshakeAddress: _a, ...rest } = relaxedLimits as Record<string, unknown>;
    const server = await startTestServer({ presenceGraceMs: GRACE_MS }, { rateRules: rest });
    try {
      const observer = await signedIn(server.url);
      const churner = await signedIn(server.url);
      await ok(observer.socket, 'dm:open', { userId: churner.user.id });
      churner.socket.disconnect();
      await until(
        () => observer.recorder.of('presence').some((e) => e.userId === churner.user.id && !e.online),
        5_000,
        'the churner offline before the churn',
      );
      const before = observer.recorder.of('presence').length;

      let connected = 0;
      let throttled = 0;
      const started = Date.now();
      while (Date.now() - started < 3_000) {
        try {
          const socket = await connect(server.url, churner.token);
          connected++;
          socket.disconnect();
        } catch (error) {
          if ((error as Error).message !== 'rate_limited') throw error;
          throttled++;
          await settle(5);
        }
      }
      await settle(GRACE_MS + 1_000);
      const churn = observer.recorder
        .of('presence')
        .slice(before)
        .filter((e) => e.userId === churner.user.id);
      expect(connected + throttled).toBeGreaterThan(100);
      expect(throttled).toBeGreaterThan(0);
      expect(churn.map((e) => e.online)).toEqual([true, false]);
      // The observer's own connection was never in question.
      expect((await ok(observer.socket, 'rooms:list')).rooms.length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('limits handshakes per address, without shutting out other addresses', async () => {
    const server = await startTestServer(
      { trustProxy: true },
      { rateRules: { ...relaxedLimits, handshakeAddress: { burst: 5, perSecond: 0.1 } } },
    );
    try {
      const { token } = await signedIn(server.url);
      const from = (address: string) =>
        connect(server.url, token, { extraHeaders: { 'x-forwarded-for': address } });
      for (let i = 0; i < 5; i++) (await from('203.0.113.7')).disconnect();
      const refused = await from('203.0.113.7').then(
        () => 'connected',
        (error: Error & { data?: { retryAfterMs?: number } }) => error,
      );
      expect(refused).toMatchObject({ message: 'rate_limited' });
      expect((refused as { data: { retryAfterMs: number } }).data.retryAfterMs).toBeGreaterThan(0);
      expect((await from('198.51.100.20')).connected).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('waits the grace before telling anyone a user went offline, and says nothing for a reload', async () => {
    const GRACE_MS = 500;
    const server = await startTestServer({ presenceGraceMs: GRACE_MS }, { rateRules: relaxedLimits });
    try {
      const observer = await signedIn(server.url);
      const user = await signedIn(server.url);
      await ok(observer.socket, 'dm:open', { userId: user.user.id });
      await settle(100);
      const seen = observer.recorder.of('presence').length;
      const presenceOf = () =>
        observer.recorder
          .of('presence')
          .slice(seen)
          .filter((e) => e.userId === user.user.id);

      // A reload: gone for less than the grace.
      user.socket.disconnect();
      await settle(GRACE_MS / 3);
      const back = await connect(server.url, user.token);
      await settle(GRACE_MS * 2);
      expect(presenceOf()).toEqual([]);

      const left = Date.now();
      back.disconnect();
      const offline = await observer.recorder.wait(
        'presence',
        (e) => e.userId === user.user.id && !e.online,
        GRACE_MS * 6,
      );
      expect(Date.now() - left).toBeGreaterThanOrEqual(GRACE_MS - 50);
      expect(offline.lastSeenAt).toBeGreaterThanOrEqual(left - 50);
      expect(offline.lastSeenAt).toBeLessThanOrEqual(left + 200);
    } finally {
      await server.close();
    }
  });
});
