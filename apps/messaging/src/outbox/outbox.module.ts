import { Module } from '@nestjs/common';
import type { Database } from '@parley/db';
import { OutboxRepository } from '@parley/outbox';
import { DATABASE } from '../infrastructure/tokens.js';
import { OutboxRelay } from './outbox-relay.js';

@Module({
  providers: [
    { provide: OutboxRepository, useFactory: (db: Database) => new OutboxRepository(db), inject: [DATABASE] },
    OutboxRelay,
  ],
  exports: [OutboxRelay, OutboxRepository],
})
export class OutboxModule {}
