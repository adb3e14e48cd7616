import type { HandlerTable } from './context.js';

/** Catching up on the room log, and finding people. */
export const readHandlers: HandlerTable<'sync' | 'users:search'> = {
  sync: async ({ ctx, user }, { cursors }) => ctx.services.history.sync(user.id, cursors),
  'users:search': async ({ ctx, user }, { query }) => ({
    users: await ctx.services.people.search(user.id, query),
  }),
};
