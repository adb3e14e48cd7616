import type { SearchHit, SearchResults } from '../../shared/protocol.js';
import type { SearchQuery as SearchRequest } from '../../shared/schemas.js';
import { badRequest } from '../domain/errors.js';
import { enforce } from '../domain/rate-limit.js';
import { dayRange } from '../domain/search-dates.js';
import { parseSearchQuery, type SearchHas } from '../domain/search-query.js';
import { usernameKeys } from '../domain/usernames.js';
import { presentUser } from '../presenters/users.js';
import { peersOf, roomNamesOfUser } from '../store/memberships.js';
import { findRoom, findRoomBy } from '../store/rooms.js';
import { searchMessages } from '../store/search.js';
import { findUserById, findUserByName } from '../store/users.js';
import type { ServiceDeps } from './deps.js';
import { loadMessages } from './views/messages.js';

/** A refusal of the query, shown under the search field. */
const refused = (message: string) => badRequest(message, 'q');

/**
 * Message search (docs/search.md): parses what was typed (domain/search-query.ts), turns its
 * names and days into ids and instants, and asks the store, which decides inside the query
 * what the user may read. The total is counted on the first page and carried in the cursor,
 * so every page of one search says the same total without counting again.
 */
export class MessageSearchService {
  constructor(private readonly deps: ServiceDeps) {}

  async search(userId: string, request: SearchRequest): Promise<SearchResults> {
    const { db, limiter } = this.deps;
    await enforce(limiter, 'search', userId, 'you are searching too fast, slow down');
    const parsed = parseSearchQuery(request.q);
    if (!parsed.ok) throw refused(parsed.message);
    const { query } = parsed;
    const includePublicChannels = request.publicChannels === '1';
    const myRooms = await roomNamesOfUser(db, userId);

    const roomIds = await this.roomsNamed(query.rooms, myRooms, includePublicChannels);
    if (request.room) roomIds.push(request.room);
    const authorIds = await this.usersNamed(query.authors);
    if (request.from) authorIds.push(request.from);
    const has = [...new Set<SearchHas>([...query.has, ...(request.has ? [request.has] : [])])];
    const range = this.timeRange(
      {
        before: query.before ?? request.before,
        after: query.after ?? request.after,
        on: query.on ?? request.on,
      },
      request.tz,
    );
    const cursor = request.cursor === undefined ? undefined : decodeCursor(request.cursor, request.order);

    const page = await searchMessages(db, {
      userId,
      terms: query.terms,
      excluded: query.excluded,
      roomIds: roomIds.length > 0 ? roomIds : undefined,
      authorIds: authorIds.length > 0 ? authorIds : undefined,
      has,
      ...range,
      mentionOf: query.isMention ? await this.usernameOf(userId) : undefined,
      includePublicChannels,
      order: request.order,
      cursor: cursor?.after,
      limit: request.limit,
    });
    const total = cursor?.total ?? page.total ?? 0;
    const totalCapped = cursor?.capped ?? page.totalCapped;
    const messages = await loadMessages(db, page.rows);
    const roomsById = new Map(myRooms.map((room) => [room.id, room]));
    // The other person of each DM and match among the hits, to name those rooms by.
    const paired = [...new Set(messages.map((m) => m.roomId))].filter((id) => {
      const kind = roomsById.get(id)?.kind;
      return kind === 'dm' || kind === 'match';
    });
    const peers = new Map((await peersOf(db, userId, paired)).map((row) => [row.room_id, presentUser(row)]));
    const hits: SearchHit[] = [];
    for (const message of messages) {
      const mine = roomsById.get(message.roomId);
      const room = mine ?? (await findRoom(db, message.roomId));
      if (!room) continue;
      hits.push({
        message,
        room: {
          id: room.id,
          kind: room.kind,
          name: room.name,
          peer: peers.get(room.id) ?? null,
          joined: mine !== undefined,
        },
      });
    }
    return {
      hits,
      total,
      totalCapped,
      nextCursor:
        page.nextCursor === null
          ? null
          : encodeCursor({ after: page.nextCursor, total, capped: totalCapped, order: request.order }),
      highlight: query.terms,
    };
  }

  /** `in:` names: among the user's rooms, and the public channels when those are searched too. */
  private async roomsNamed(
    names: readonly string[],
    myRooms: readonly { id: string; name: string | null }[],
    includePublicChannels: boolean,
  ): Promise<string[]> {
    const ids: string[] = [];
    for (const name of names) {
      const mine = myRooms.filter((room) => room.name?.toLowerCase() === name).map((room) => room.id);
      if (mine.length === 0 && includePublicChannels) {
        const channel = await findRoomBy(this.deps.db, 'name_key', name);
        // Archived: kept for its members' history, not offered to anyone else.
        if (channel?.kind === 'channel' && channel.archived_at === null) mine.push(channel.id);
      }
      if (mine.length === 0) throw refused(`you are in no room called #${name}`);
      ids.push(...mine);
    }
    return ids;
  }

  private async usersNamed(names: readonly string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const name of names) {
      const user = await findUserByName(this.deps.db, usernameKeys(name));
      if (!user) throw refused(`nobody here is called @${name}`);
      ids.push(user.id);
    }
    return ids;
  }

  private async usernameOf(userId: string): Promise<string | undefined> {
    return (await findUserById(this.deps.db, userId))?.username;
  }

  /** Days on the searcher's calendar as instants: `before:` the day's start, `after:` its end. */
  private timeRange(days: { before?: string; after?: string; on?: string }, tzMinutes: number) {
    const range: { before?: number; after?: number } = {};
    const limit = (key: 'before' | 'after', at: number) => {
      range[key] = key === 'before' ? Math.min(range.before ?? at, at) : Math.max(range.after ?? at, at);
    };
    if (days.before) limit('before', dayRange(days.before, tzMinutes).start);
    if (days.after) limit('after', dayRange(days.after, tzMinutes).end);
    if (days.on) {
      const { start, end } = dayRange(days.on, tzMinutes);
      limit('after', start);
      limit('before', end);
    }
    if (range.before !== undefined && range.after !== undefined && range.after >= range.before) {
      throw refused('those dates leave no time to search in');
    }
    return range;
  }
}

/** Where the next page starts (a message id, or how many came before by relevance), and the total. */
interface Cursor {
  after: string;
  total: number;
  capped: boolean;
  order: SearchRequest['order'];
}

const encodeCursor = (cursor: Cursor) =>
  Buffer.from(JSON.stringify([cursor.after, cursor.total, cursor.capped ? 1 : 0, cursor.order])).toString(
    'base64url',
  );

/** A cursor this service made for a search in the same order; anything else is refused. */
function decodeCursor(text: string, order: SearchRequest['order']): Cursor {
  try {
    const [after, total, capped, madeFor] = JSON.parse(
      Buffer.from(text, 'base64url').toString('utf8'),
    ) as unknown[];
    const shaped =
      typeof after === 'string' && (order === 'relevance' ? /^\d{1,4}$/.test(after) : after.length <= 64);
    if (shaped && madeFor === order && Number.isInteger(total) && (capped === 0 || capped === 1)) {
      return { after: after as string, total: total as number, capped: capped === 1, order };
    }
  } catch {
    // Falls through: not one of ours.
  }
  throw badRequest('this search cursor is not valid: start the search again', 'cursor');
}
