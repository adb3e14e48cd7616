import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/server/config.js';

describe('configuration', () => {
  it('has working defaults: port 3000, SQLite under ./data', () => {
    const config = loadConfig({}, '/srv/parley');
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      dataDir: '/srv/parley/data',
      databaseUrl: undefined,
      allowedOrigins: [],
      logLevel: 'info',
      sqliteSynchronous: 'FULL',
      // Metrics are served nowhere until configured.
      metricsToken: undefined,
      metricsPort: undefined,
      metricsHost: '127.0.0.1',
    });
  });

  it('parses every variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        DATABASE_URL: 'postgres://u:p@db:5432/parley',
        REDIS_URL: 'redis://cache:6379',
        ALLOWED_ORIGINS: 'https://a.example, https://b.example:8443',
        TRUST_PROXY: 'true',
        LOG_LEVEL: 'debug',
        METRICS_TOKEN: 'a-long-enough-metrics-token',
        METRICS_PORT: '9464',
        METRICS_HOST: '10.0.0.5',
      },
      '/srv',
    );
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://u:p@db:5432/parley',
      redisUrl: 'redis://cache:6379',
      allowedOrigins: ['https://a.example', 'https://b.example:8443'],
      trustProxy: true,
      logLevel: 'debug',
      metricsToken: 'a-long-enough-metrics-token',
      metricsPort: 9464,
      metricsHost: '10.0.0.5',
    });
  });

  it('takes the first start’s sign-up policy and guest rule, open with guests by default', () => {
    expect(loadConfig({}, '/')).toMatchObject({ signupPolicy: 'open', guestsAllowed: true });
    expect(loadConfig({ SIGNUP_POLICY: 'invite', GUESTS: 'off' }, '/')).toMatchObject({
      signupPolicy: 'invite',
      guestsAllowed: false,
    });
    expect(() => loadConfig({ SIGNUP_POLICY: 'invite-only' }, '/')).toThrow('SIGNUP_POLICY');
    expect(() => loadConfig({ GUESTS: 'yes' }, '/')).toThrow('GUESTS');
  });

  it("holds a departed guest's name as long as a guest session lasts, unless told otherwise", () => {
    expect(loadConfig({}, '/').guestNameHoldMs).toBe(24 * 3_600_000);
    expect(loadConfig({ GUEST_SESSION_TTL_HOURS: '2' }, '/').guestNameHoldMs).toBe(2 * 3_600_000);
    expect(loadConfig({ GUEST_NAME_HOLD_HOURS: '0.5' }, '/').guestNameHoldMs).toBe(1_800_000);
    expect(loadConfig({ GUEST_NAME_HOLD_HOURS: '0' }, '/').guestNameHoldMs).toBe(0);
    // Whole milliseconds: PostgreSQL compares them with bigint columns.
    expect(Number.isInteger(loadConfig({ GUEST_NAME_HOLD_HOURS: '0.3333' }, '/').guestNameHoldMs)).toBe(true);
    expect(Number.isInteger(loadConfig({ GUEST_SESSION_TTL_HOURS: '0.3333' }, '/').guestSessionTtlMs)).toBe(
      true,
    );
    expect(() => loadConfig({ GUEST_NAME_HOLD_HOURS: '-1' }, '/')).toThrow('GUEST_NAME_HOLD_HOURS');
  });

  it('names each bad variable in one clear error', () => {
    try {
      loadConfig(
        {
          PORT: 'eighty',
          DATABASE_URL: 'mysql://x',
          ALLOWED_ORIGINS: 'https://a.example/path',
          LOG_LEVEL: 'loud',
        },
        '/',
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      for (const name of ['PORT', 'DATABASE_URL', 'ALLOWED_ORIGINS', 'LOG_LEVEL'])
        expect(message).toContain(name);
    }
  });

  it.each([
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN', /16 to 256/],
    [{ METRICS_TOKEN: 'has a space in it, long enough' }, 'METRICS_TOKEN', /no spaces/],
    [{ METRICS_PORT: 'ninety' }, 'METRICS_PORT', /number/],
    [{ METRICS_PORT: '70000' }, 'METRICS_PORT', /65535/],
    [{ PORT: '3000', METRICS_PORT: '3000' }, 'METRICS_PORT', /differ from PORT/],
    [{ METRICS_HOST: '0.0.0.0' }, 'METRICS_HOST', /set METRICS_PORT/],
  ])('refuses bad metrics settings: %j', (env, name, why) => {
    expect(() => loadConfig(env, '/')).toThrow(ConfigError);
    try {
      loadConfig(env, '/');
    } catch (error) {
      const line = (error as Error).message.split('\n').find((l) => l.includes(name));
      expect(line, (error as Error).message).toMatch(why);
    }
  });
});
