import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './001-initial.js';
import * as uploads from './002-uploads.js';
import * as memberCount from './003-member-count.js';
import * as messagesAreLogEntries from './004-messages-are-log-entries.js';
import * as usernameSkeletons from './005-username-skeletons.js';
import * as guestNameHold from './006-guest-name-hold.js';
import * as roles from './007-roles.js';
import * as sessionDetails from './008-session-details.js';
import * as signInLinks from './009-sign-in-links.js';
import * as settingsAndInvites from './010-settings-and-invites.js';
import * as moderation from './011-moderation.js';
import * as auditAndReports from './012-audit-and-reports.js';
import * as guestBans from './013-guest-bans.js';
import * as messageSearch from './014-message-search.js';
import * as searchScopeIndex from './015-search-scope-index.js';

/**
 * Migrations are compiled into the build (no directory scanning), named so they sort in the
 * order they must run. Append new ones; never edit one that has shipped.
 */
const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-uploads': uploads,
  '003-member-count': memberCount,
  '004-messages-are-log-entries': messagesAreLogEntries,
  '005-username-skeletons': usernameSkeletons,
  '006-guest-name-hold': guestNameHold,
  '007-roles': roles,
  '008-session-details': sessionDetails,
  '009-sign-in-links': signInLinks,
  '010-settings-and-invites': settingsAndInvites,
  '011-moderation': moderation,
  '012-audit-and-reports': auditAndReports,
  '013-guest-bans': guestBans,
  '014-message-search': messageSearch,
  '015-search-scope-index': searchScopeIndex,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
