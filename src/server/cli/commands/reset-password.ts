import { signInLinkUrl } from '../../services/sign-in-links.js';
import { type Command, hoursText, linkTtlMs, publicBaseUrl } from '../command.js';

export const resetPassword: Command = {
  name: 'reset-password',
  usage: 'reset-password <username> [--hours N]',
  summary: 'Print a one-time sign-in link to set a new password.',
  details:
    'Print a one-time sign-in link (24 hours unless --hours says otherwise) with which the account sets a new password; using it ends all its other sessions.',
  positionals: 1,
  options: { hours: { type: 'string' } },
  async run(context, [username], options) {
    const ttl = linkTtlMs(options.hours);
    const link = await (await context.operator()).signInLink(username!, ttl);
    context.say(
      `Sign-in link for ${link.username}. It works once, within ${hoursText(ttl)}; they set a new password with it, and every other session of theirs ends:`,
    );
    context.say(signInLinkUrl(publicBaseUrl(context.config), link.token));
  },
};
