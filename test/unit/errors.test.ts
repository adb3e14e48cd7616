import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/server/domain/errors.js';
import { mapError } from '../../src/server/error-mapper.js';
import { describeUrl, failureReason } from '../../src/server/startup.js';
import { isStorageUnavailable } from '../../src/server/store/errors.js';
import { BatchFailedError, WriteQueueClosedError } from '../../src/server/store/write-queue.js';

const log = pino({ level: 'silent' });
const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('storage failures', () => {
  it('tells a database that is away from a query that is wrong', () => {
    for (const error of [
      withCode('ECONNREFUSED'),
      withCode('ECONNRESET'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('08006'),
      withCode('53100', 'could not extend file: No space left on device'),
      withCode('SQLITE_FULL'),
      withCode('SQLITE_IOERR_WRITE'),
      withCode('ENOSPC'),
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]),
      new Error('wrapped', { cause: withCode('ECONNRESET') }),
    ]) {
      expect(isStorageUnavailable(error), String(error)).toBe(true);
    }
    for (const error of [
      withCode('42P01', 'relation "nope" does not exist'),
      withCode('23505'),
      withCode('SQLITE_CONSTRAINT_UNIQUE'),
      new TypeError('undefined is not a function'),
      null,
      'text',
    ]) {
      expect(isStorageUnavailable(error), String(error)).toBe(false);
    }
  });

  it('maps every failure to one client-facing code, in one place', () => {
    expect(mapError(new DomainError('rate_limited', 'slow down', 1500), log)).toEqual({
      code: 'rate_limited',
      message: 'slow down',
      retryAfterMs: 1500,
    });
    expect(mapError(new BatchFailedError(withCode('ECONNRESET')), log).code).toBe('unavailable');
    expect(mapError(new WriteQueueClosedError(), log).code).toBe('unavailable');
    expect(mapError(new Error('Connection terminated unexpectedly'), log).code).toBe('unavailable');
    const bug = mapError(new TypeError('secret internals'), log);
    expect(bug).toEqual({ code: 'internal', message: 'something went wrong on our side' });
  });
});

describe('start-up messages', () => {
  it('shows where a URL points without its password', () => {
    expect(describeUrl('postgres://parley:s3cret@db.internal:5432/parley')).toBe(
      'postgres://parley@db.internal:5432/parley',
    );
    expect(describeUrl('redis://:s3cret@cache:6379')).toBe('redis://cache:6379');
    expect(describeUrl('redis://cache:6379/2')).toBe('redis://cache:6379/2');
    expect(describeUrl('not a url')).toBe('(unparseable URL)');
  });

  it('gives the system error code when there is one', () => {
    expect(failureReason(withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'))).toBe(
      'ECONNREFUSED',
    );
    expect(failureReason(new AggregateError([withCode('EHOSTUNREACH')]))).toBe('EHOSTUNREACH');
    expect(failureReason(withCode('28P01', 'password authentication failed for user "parley"'))).toBe(
      'password authentication failed for user "parley"',
    );
  });
});
