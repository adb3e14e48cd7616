import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { searchResultsSchema } from '../../../shared/entities.js';
import { searchQuerySchema } from '../../../shared/schemas.js';
import type { MessageSearchService } from '../../services/search.js';
import { problems } from '../schemas.js';
import { requireSession } from '../session.js';

export interface SearchRoutesOptions {
  search: MessageSearchService;
}

/** Message search over HTTP (docs/search.md): one read-only route. */
export async function searchRoutes(app: FastifyInstance, opts: SearchRoutesOptions): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/api/search',
    {
      schema: {
        tags: ['search'],
        description:
          'Messages the caller may read that match `q` — words found inside other words (3 characters at least; 2 of Chinese, Japanese or Korean), `"phrases"`, `-exclusions` and the filters `in:#room`, `from:@user`, `has:file|image|link`, `before:`/`after:`/`on:YYYY-MM-DD`, `is:mention` — newest first, or the 1,000 newest matches by relevance. `total` is counted up to 1000 (`totalCapped` beyond). Pass `nextCursor` as `cursor` for the next page. A query the index cannot serve (a word too short) is `400` with `field: "q"`. Rate-limited per user.',
        querystring: searchQuerySchema,
        response: { 200: searchResultsSchema, ...problems },
      },
    },
    async (request) => opts.search.search(requireSession(request).user.id, request.query),
  );
}
