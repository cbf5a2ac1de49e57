import type { Migration } from '@parley/db';
import { initialSchema } from './001-initial-schema.js';

/** Append only: a shipped migration is never edited. */
export const messagingMigrations: Migration[] = [initialSchema];
