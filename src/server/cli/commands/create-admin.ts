import { signInLinkUrl } from '../../services/sign-in-links.js';
import { CliError, type Command, hoursText, linkTtlMs, publicBaseUrl } from '../command.js';

export const createAdmin: Command = {
  name: 'create-admin',
  usage: 'create-admin <username> [--password-stdin] [--hours N]',
  summary: 'Create an admin account (password from stdin, or a sign-in link).',
  details:
    'Create an admin account. With --password-stdin the password is read from stdin; without it, a one-time sign-in link is printed for them to set their own.',
  positionals: 1,
  options: { 'password-stdin': { type: 'boolean' }, hours: { type: 'string' } },
  async run(context, [username], options) {
    const ttl = linkTtlMs(options.hours);
    let password: string | null = null;
    if (options['password-stdin']) {
      // One trailing newline is what `echo` and a terminal add; the rest is the password.
      password = (await context.readStdin()).replace(/\r?\n$/, '');
      if (password === '') throw new CliError('--password-stdin read no password from stdin');
    }
    const created = await (await context.operator()).createAdmin(username!, password, ttl);
    if (!created.linkToken) {
      context.say(`Created the admin account ${created.username}. They can sign in with the password given.`);
      return;
    }
    context.say(
      `Created the admin account ${created.username}, without a password. Give them this link: it works once, within ${hoursText(ttl)}, and lets them set their password:`,
    );
    context.say(signInLinkUrl(publicBaseUrl(context.config), created.linkToken));
  },
};
