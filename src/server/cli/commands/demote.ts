import type { Command } from '../command.js';
import { changeRole } from './promote.js';

export const demote: Command = {
  name: 'demote',
  usage: 'demote <username>',
  summary: 'Make an admin or moderator a member again.',
  details: 'Make an admin or moderator a member again. The last admin is never demoted.',
  positionals: 1,
  async run(context, [username]) {
    await changeRole(context, username!, 'member');
  },
};
