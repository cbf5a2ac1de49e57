import { Module } from '@nestjs/common';
import { DeliveryModule } from '../realtime/delivery.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { EventLogRepository } from './event-log.repository.js';
import { EventLogService } from './event-log.service.js';

@Module({
  imports: [DeliveryModule, OutboxModule],
  providers: [EventLogRepository, EventLogService],
  exports: [EventLogService],
})
export class EventLogModule {}
