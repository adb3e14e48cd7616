import { backfillSearch } from '../../services/search-indexer.js';
import { shortTransaction } from '../../store/database.js';
import { resetSearchIndex } from '../../store/search-index.js';
import type { Command } from '../command.js';

export const reindexSearch: Command = {
  name: 'reindex-search',
  usage: 'reindex-search',
  summary: 'Rebuild the message search index from the messages.',
  details:
    'Empties the search index and indexes every message again, newest first, in small steps, so the server can keep running (searches find older messages as the rebuild reaches them). For a SQLite copy whose row ids moved (a VACUUM, a copy made by other tools); on PostgreSQL it rebuilds the trigram index (REINDEX, which blocks writes to messages while it runs).',
  positionals: 0,
  async run(context) {
    const database = await context.database();
    await shortTransaction(database, (trx) => resetSearchIndex(trx));
    if (database.dialect === 'postgres') {
      context.say('The search index is rebuilt.');
      return;
    }
    const started = Date.now();
    const examined = await backfillSearch((step) => shortTransaction(database, step), {
      onProgress: (done) => context.say(`Indexed ${done} messages…`),
    });
    context.say(
      `The search index is rebuilt: ${examined} messages in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
    );
  },
};
