import type { Command } from '../command.js';

/** `parley help [command]`; main.ts gives it the list of commands. */
export function helpCommand(commands: () => readonly Command[]): Command {
  return {
    name: 'help',
    usage: 'help [command]',
    summary: 'List the commands, or explain one.',
    positionals: -1,
    async run(context, [name]) {
      const all = commands();
      const one = name && all.find((c) => c.name === name);
      if (one) {
        context.say(`Usage: parley ${one.usage}`);
        context.say('');
        context.say(one.details ?? one.summary);
        return;
      }
      context.say(helpText(all));
    },
  };
}

export function helpText(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.usage.length));
  return [
    'Usage: parley <command> [arguments]',
    '',
    'Runs beside the server, on the same configuration (DATA_DIR, DATABASE_URL, PUBLIC_URL; a .env file in the working directory).',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    '`parley help <command>` says more about one.',
    'Passwords are never taken as arguments (they would show in ps and in shell history): pipe them in with --password-stdin.',
  ].join('\n');
}
