import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { DomainError } from '../domain/errors.js';
import { StartupError } from '../startup.js';
import { CliError, type Command, createContext } from './command.js';
import { backup } from './commands/backup.js';
import { createAdmin } from './commands/create-admin.js';
import { deactivate } from './commands/deactivate.js';
import { demote } from './commands/demote.js';
import { helpCommand, helpText } from './commands/help.js';
import { promote } from './commands/promote.js';
import { reactivate } from './commands/reactivate.js';
import { reindexSearch } from './commands/reindex-search.js';
import { resetPassword } from './commands/reset-password.js';
import { restore } from './commands/restore.js';
import { stats } from './commands/stats.js';

const COMMANDS: readonly Command[] = [
  createAdmin,
  promote,
  demote,
  deactivate,
  reactivate,
  resetPassword,
  stats,
  reindexSearch,
  backup,
  restore,
  helpCommand(() => COMMANDS),
];

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/**
 * `parley <command> …`: the operator CLI. Returns the exit code: 0 done, 1 refused or failed
 * (the reason on stderr, as one plain sentence).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const fail = (message: string) => {
    io.stderr.write(`parley: ${message}\n`);
    return 1;
  };
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    (name === undefined ? io.stderr : io.stdout).write(`${helpText(COMMANDS)}\n`);
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return fail(`there is no command "${name}": parley help lists them`);
  if (rest.some((arg) => /^--?password(=|$)/.test(arg))) {
    return fail(
      'a password on the command line would show in ps and in the shell history: pipe it in with --password-stdin instead',
    );
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: command.options ?? {},
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return fail(`${(error as Error).message.replace(/\.$/, '')}. Usage: parley ${command.usage}`);
  }
  const { positionals, values } = parsed;
  if (command.positionals >= 0 && positionals.length !== command.positionals) {
    return fail(
      `${command.name} takes ${describeCount(command.positionals)}. Usage: parley ${command.usage}`,
    );
  }
  let context: ReturnType<typeof createContext> | undefined;
  try {
    context = createContext(loadConfig(io.env, io.cwd), io);
    await command.run(context, positionals, values as Record<string, string | boolean | undefined>);
    return 0;
  } catch (error) {
    if (error instanceof CliError || error instanceof DomainError || error instanceof StartupError) {
      return fail(error.message);
    }
    if (error instanceof ConfigError) return fail(error.message);
    const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return fail(`${command.name} failed unexpectedly: ${reason}`);
  } finally {
    await context?.close();
  }
}

const describeCount = (n: number) => (n === 0 ? 'no arguments' : n === 1 ? 'one argument' : `${n} arguments`);
