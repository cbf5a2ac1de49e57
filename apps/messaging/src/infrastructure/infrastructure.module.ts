import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { MESSAGING_CONFIG } from '../config/config.js';
import { DependencyUnavailableInterceptor } from './dependency-unavailable.interceptor.js';
import type { MessagingInfrastructure } from './infrastructure.js';
import { DATABASE, EVENT_BUS, LOGGER, REALTIME_FANOUT, REDIS, TOKEN_ISSUER } from './tokens.js';

/** Makes the pre-built resources injectable everywhere; their lifecycle is owned by the app factory. */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(infra: MessagingInfrastructure): DynamicModule {
    const providers = [
      { provide: MESSAGING_CONFIG, useValue: infra.config },
      { provide: LOGGER, useValue: infra.logger },
      { provide: DATABASE, useValue: infra.db },
      { provide: EVENT_BUS, useValue: infra.bus },
      { provide: REALTIME_FANOUT, useValue: infra.fanout },
      { provide: TOKEN_ISSUER, useValue: infra.issuer },
      { provide: REDIS, useValue: infra.redis },
    ];
    return {
      module: InfrastructureModule,
      // Every request's PostgreSQL and Redis outages, whichever module served it.
      providers: [...providers, { provide: APP_INTERCEPTOR, useClass: DependencyUnavailableInterceptor }],
      exports: providers.map((p) => p.provide),
    };
  }
}
