import { Controller, Get, Inject, Module, type DynamicModule } from '@nestjs/common';
import { IceServersResponse } from '@parley/protocol';
import { CurrentUser, ZodResponse } from '@parley/service-kit';
import type { IceConfig } from './ice-config.js';
import { iceServersFor } from './ice-servers.js';

const ICE_CONFIG = Symbol('ICE_CONFIG');

@Controller('v1/ice-servers')
export class IceServersController {
  constructor(@Inject(ICE_CONFIG) private readonly config: IceConfig) {}

  /** Any signed-in user: the credentials are theirs (their id in the TURN username) and expire. */
  @Get()
  @ZodResponse(
    200,
    IceServersResponse,
    'STUN/TURN servers for RTCPeerConnection, TURN with time-limited credentials',
  )
  list(@CurrentUser() userId: string): IceServersResponse {
    return iceServersFor(this.config, userId, Date.now());
  }
}

@Module({})
export class IceModule {
  static forRoot(config: IceConfig): DynamicModule {
    return {
      module: IceModule,
      controllers: [IceServersController],
      providers: [{ provide: ICE_CONFIG, useValue: config }],
    };
  }
}
