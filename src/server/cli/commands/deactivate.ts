import type { Command } from '../command.js';

export const deactivate: Command = {
  name: 'deactivate',
  usage: 'deactivate <username>',
  summary: 'Shut an account and close its connections.',
  details:
    'Shut an account: it cannot sign in, its sessions end and its open connections close within about a second. Its messages stay.',
  positionals: 1,
  async run(context, [username]) {
    const done = await (await context.operator()).deactivate(username!);
    const sessions = `${done.sessions} session${done.sessions === 1 ? '' : 's'}`;
    context.say(
      done.already
        ? `${done.username} was already deactivated (${sessions} ended now).`
        : `Deactivated ${done.username} and ended ${sessions}; a running server closes their connections within about a second.`,
    );
  },
};
