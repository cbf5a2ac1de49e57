import type { Migration } from '@parley/db';
import { initialSchema } from './001-initial-schema.js';
import { outboxRequestId } from './002-outbox-request-id.js';
import { attachments } from './003-attachments.js';
import { repliesMentionsReactions } from './004-replies-mentions-reactions.js';
import { searchPresenceSettings } from './005-search-presence-settings.js';
import { preSendHooks } from './006-pre-send-hooks.js';
import { machineClientsAndBots } from './007-machine-clients-and-bots.js';
import { guestsAndSites } from './008-guests-and-sites.js';
import { supportDesk } from './009-support-desk.js';

/** Append only: a shipped migration is never edited. */
export const messagingMigrations: Migration[] = [
  initialSchema,
  outboxRequestId,
  attachments,
  repliesMentionsReactions,
  searchPresenceSettings,
  preSendHooks,
  machineClientsAndBots,
  guestsAndSites,
  supportDesk,
];
