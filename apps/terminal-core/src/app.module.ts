import { Module, type DynamicModule } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { CallCoordinator } from './calls/call-coordinator.js';
import { HealthController } from './health/health.controller.js';
import { COORDINATOR, REDIS } from './infrastructure/tokens.js';

@Module({})
export class AppModule {
  static forRoot(resources: { redis: Redis; coordinator: CallCoordinator }): DynamicModule {
    return {
      module: AppModule,
      controllers: [HealthController],
      providers: [
        { provide: REDIS, useValue: resources.redis },
        { provide: COORDINATOR, useValue: resources.coordinator },
      ],
    };
  }
}
