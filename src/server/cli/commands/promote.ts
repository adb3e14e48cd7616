import { parseOperatorRole } from '../../domain/operator.js';
import type { CliContext, Command } from '../command.js';

export const promote: Command = {
  name: 'promote',
  usage: 'promote <username> <admin|moderator|member>',
  summary: "Set an account's server role.",
  details: "Set an account's server role. It counts at the account's next action, on every node.",
  positionals: 2,
  async run(context, [username, role]) {
    await changeRole(context, username!, role!);
  },
};

export async function changeRole(context: CliContext, username: string, rawRole: string): Promise<void> {
  const role = parseOperatorRole(rawRole);
  const { username: name, before } = await (await context.operator()).setRole(username, role);
  context.say(
    before === role
      ? `${name} is already ${article(role)} ${role}.`
      : `${name} is now ${article(role)} ${role} (was ${before}).`,
  );
}

const article = (role: string) => (role === 'admin' ? 'an' : 'a');
