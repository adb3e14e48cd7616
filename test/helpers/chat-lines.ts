/**
 * Lines a conversation in a team chat has: short replies, questions, links, code, a longer
 * explanation now and then. Sizes measured on these are what people's history pages weigh,
 * not what a repeated "message 1, message 2" compresses to.
 */
const LINES = [
  'morning! anyone around?',
  'yep, just got in',
  'did the deploy last night go through? I saw a couple of alerts around 2am',
  'it did, the alerts were the disk check on the old box, I silenced it',
  'ok cool. I am looking at the login bug today',
  'which one, the redirect loop or the one where the session expires too early?',
  'the redirect loop. it only happens when you come from an invite link',
  'ah right, I think the `next` parameter is encoded twice',
  'that would explain it, the second hop has %252F in it',
  'lunch at 12:30?',
  'sure, the usual place',
  'I pushed a fix to the branch, can you have a look when you get a minute? https://git.example.com/team/app/pull/412',
  'looking now',
  'looks good, one nit: the test name says "redirects twice" but it checks it redirects once',
  'ha, fixed',
  'merged 🎉',
  'nice one',
  'btw the staging database is almost full again, 91% this morning',
  'I will clean up the old snapshots, we keep 30 days and nobody ever restored one older than a week',
  'sounds reasonable. should we change the retention to 14 days then?',
  'let us ask Sam, they set it up',
  'does anyone know why the build takes 9 minutes now? it was 4 last month',
  'the image tests run twice, once in the unit job and once in the browser job',
  'oh. that is silly',
  'I can split them out this afternoon',
  '```\nnpm run test -- --project unit\n```\nthis skips the browser ones locally',
  'thanks, that is much faster',
  'heads up: I am out on Friday, back Monday',
  'noted, enjoy!',
  'has anyone tried the new dashboard? the graphs take forever to load for me',
  'same here. I think it fetches every metric for the last 90 days on open',
  'we could default to 24 hours and let people widen it',
  'yes please',
  'I will open an issue',
  'what time is the retro?',
  '3pm, same link as last time',
  'can we move it to 3:30? I have a call that always runs over',
  'fine by me',
  'moved',
  'quick question: where do the feature flags live now, still in the config repo?',
  'no, they moved to the admin page in June. the config repo ones are ignored',
  'good to know, I was editing the wrong file for an hour 😅',
  'happens to everyone',
  'the customer from yesterday wrote back, they can log in now',
  'great news',
  'did they say anything about the export?',
  'only that it works but is slow for their biggest project, about 40 seconds',
  'that is the one with 12k tasks, right? we can stream it instead of building it in memory',
  'I will add it to the list for next sprint',
  'ok, heading out, see you tomorrow',
  'bye!',
];

/** `count` lines of conversation, in order, repeating with a counter if more are asked for. */
export function chatLines(count: number): string[] {
  return Array.from({ length: count }, (_, index) =>
    index < LINES.length
      ? LINES[index]!
      : `${LINES[index % LINES.length]!} (${Math.floor(index / LINES.length)})`,
  );
}
