import type { ParseArgsConfig } from 'node:util';
import pino from 'pino';
import type { Config } from '../config.js';
import { Operator } from '../services/operator.js';
import { type Database, openDatabase } from '../store/database.js';

/** One `parley <verb>`: a file of its own in commands/, listed in main.ts. */
export interface Command {
  name: string;
  /** What follows `parley`, e.g. `promote <username> <role>`. */
  usage: string;
  /** One line for `parley help`. */
  summary: string;
  /** What `parley help <command>` adds. */
  details?: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  /** How many positional arguments it takes. */
  positionals: number;
  run(
    context: CliContext,
    args: string[],
    options: Record<string, string | boolean | undefined>,
  ): Promise<void>;
}

/** What a command may use. The database opens on first use (help and restore never open it). */
export interface CliContext {
  config: Config;
  /** A line for the person at the terminal (stdout). */
  say(line: string): void;
  /** All of stdin, for `--password-stdin`. */
  readStdin(): Promise<string>;
  database(): Promise<Database>;
  /** A SQLite database in another data directory (restore checks what it unpacked). */
  openSqlite(dataDir: string): Promise<Database>;
  operator(): Promise<Operator>;
  now(): number;
}

/** A refusal the operator can act on: printed as it is, exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export function createContext(
  config: Config,
  io: { stdout: NodeJS.WritableStream; stdin: NodeJS.ReadableStream },
): CliContext & { close(): Promise<void> } {
  let opened: Promise<Database> | undefined;
  const now = () => Date.now();
  // The server's migrations log at info; here only trouble is worth a line, on stderr.
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const open = (url: string | undefined, dataDir: string) =>
    openDatabase({ url, dataDir, sqliteSynchronous: config.sqliteSynchronous, logger });
  const database = () => {
    opened ??= open(config.databaseUrl, config.dataDir);
    return opened;
  };
  return {
    config,
    say: (line) => io.stdout.write(`${line}\n`),
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
      return Buffer.concat(chunks).toString('utf8');
    },
    database,
    openSqlite: (dataDir) => open(undefined, dataDir),
    operator: async () => new Operator({ database: await database(), now }),
    now,
    async close() {
      if (opened) await (await opened.catch(() => undefined))?.close();
    },
  };
}

/** Where people open the server, for the links the CLI prints. */
export const publicBaseUrl = (config: Config): string =>
  config.publicUrl ?? `http://localhost:${config.port}`;

/** `--hours` of a sign-in link, in milliseconds (24 h unless given). */
export function linkTtlMs(hours: string | boolean | undefined): number {
  if (hours === undefined) return 24 * 3_600_000;
  const value = Number(hours);
  if (typeof hours !== 'string' || !Number.isFinite(value) || value <= 0 || value > 24 * 30) {
    throw new CliError('--hours must be a number of hours above 0 and at most 720 (30 days)');
  }
  return Math.round(value * 3_600_000);
}

export const hoursText = (ms: number): string => {
  const hours = ms / 3_600_000;
  return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} hour${hours === 1 ? '' : 's'}`;
};
