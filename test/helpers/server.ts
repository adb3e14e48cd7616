import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { type Parley, type ParleyOptions, startParley } from '../../src/server/app.js';
import { type Config, loadConfig } from '../../src/server/config.js';
import type { AuthResponse } from '../../src/shared/protocol.js';
import { register } from './clients.js';

export interface TestServer {
  parley: Parley;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/** Temp directories made by this test process, removed together when it exits. */
const tempDirs = new Set<string>();
let removingOnExit = false;

/**
 * A temp directory removed when the test process exits, whatever happened. One exit listener
 * for all of them: a listener each set off Node's "possible memory leak" warning past ten.
 */
export function tempDir(prefix = 'parley-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  if (!removingOnExit) {
    removingOnExit = true;
    process.once('exit', () => {
      for (const each of tempDirs) rmSync(each, { recursive: true, force: true });
    });
  }
  return dir;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({}, process.cwd()),
    port: 0,
    host: '127.0.0.1',
    dataDir: tempDir(),
    logLevel: 'silent',
    // Tests about presence say so; the others should not wait seconds for an offline.
    presenceGraceMs: 100,
    ...overrides,
  };
}

/**
 * A real Parley node in this process, on a random port, with its own SQLite file (or the
 * given PostgreSQL database). Rate limits stay at production values unless a test loosens them.
 */
export async function startTestServer(
  overrides: Partial<Config> = {},
  options: Omit<ParleyOptions, 'config' | 'logger'> = {},
): Promise<TestServer> {
  const config = testConfig(overrides);
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const parley = await startParley({ config, logger, ...options });
  return { parley, url: parley.url, dataDir: config.dataDir, close: () => parley.close() };
}

/** Limits loose enough that tests about other features never trip them. */
export const relaxedLimits: ParleyOptions['rateRules'] = Object.fromEntries(
  [
    'send',
    'action',
    'join',
    'codeGuess',
    'dmOpen',
    'roomCreate',
    'typing',
    'lookup',
    'search',
    'loginAccount',
    'loginAccountFromAddress',
    'loginAddress',
    'signup',
    'handshake',
    'handshakeAddress',
    'read',
    'readMark',
  ].map((rule) => [rule, { burst: 10_000, perSecond: 10_000 }]),
);

/**
 * A test server for a describe block, and its first account — the server's admin — made
 * before anything else: `suite.server`, `suite.admin` once the block's tests run.
 */
export function serverWithAdmin(options: Omit<ParleyOptions, 'config' | 'logger'> = {}) {
  const suite = {} as { server: TestServer; admin: AuthResponse };
  beforeAll(async () => {
    suite.server = await startTestServer({}, { rateRules: relaxedLimits, ...options });
    suite.admin = await register(suite.server.url);
  });
  afterAll(() => suite.server?.close());
  return suite;
}
