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
    });
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
});
