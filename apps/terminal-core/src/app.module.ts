import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule, type TokenVerifier } from '@parley/auth';
import type { IceConfig } from './ice/ice-config.js';
import { IceModule } from './ice/ice-servers.controller.js';

/**
 * The core's HTTP side is the service kit's (health, OpenAPI, docs) plus the terminal WebSocket bridge,
 * which is attached to the server directly: the engine itself is composed in bootstrap/create-app.ts
 * (see docs/adr/0002-service-composition.md).
 */
@Module({})
export class AppModule {
  static forRoot(verifier: TokenVerifier, ice: IceConfig): DynamicModule {
    return { module: AppModule, imports: [AuthModule.forRoot(verifier), IceModule.forRoot(ice)] };
  }
}
