import { Module } from '@nestjs/common';
import { EventDeliveryService } from './event-delivery.service.js';

@Module({
  providers: [EventDeliveryService],
  exports: [EventDeliveryService],
})
export class DeliveryModule {}
