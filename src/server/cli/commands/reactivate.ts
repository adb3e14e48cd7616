import type { Command } from '../command.js';

export const reactivate: Command = {
  name: 'reactivate',
  usage: 'reactivate <username>',
  summary: 'Open a deactivated account again.',
  details: 'Open a deactivated account again: it can sign in with its password.',
  positionals: 1,
  async run(context, [username]) {
    const done = await (await context.operator()).reactivate(username!);
    context.say(
      done.already
        ? `${done.username} is not deactivated: nothing to do.`
        : `Reactivated ${done.username}: they can sign in again.`,
    );
  },
};
